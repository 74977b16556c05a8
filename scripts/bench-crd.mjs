#!/usr/bin/env node
/**
 * `npm run bench:crd`: wall time and peak RSS of `mllint check` on trees holding a big CustomResourceDefinition
 * and custom resources of it, each run a separate process pinned to one core (taskset -c 0 when present),
 * timed with /usr/bin/time (wall time, CPU time = user + system, peak RSS); the median of the repetitions
 * is reported. On a shared machine, CPU time is the steadier figure.
 *
 *   synthetic   a generated CRD of about 3 MB (nested object schemas with descriptions, defaults, required
 *               fields, enums, patterns and CEL rules) plus 100 custom resources (5 of them invalid)
 *   kserve      KServe's LLMInferenceService CRD (config/crd/full, about 2.7 MB) plus one sample resource,
 *               when the kserve mirror is present (/work/.mirror/kserve+kserve/repo or $KSERVE_REPO)
 *
 *   npm run bench:crd                       build, then measure
 *   node scripts/bench-crd.mjs --no-build --bin /other/checkout/bin/mllint.js   compare another build
 *   --reps N                                repetitions (default 3)
 *
 * Trees are written under bench-results/crd/ (gitignored). Target (issue 13): 3 MB CRD + 100 CRs < 1 s, < 150 MB.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jsyaml from 'js-yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'bench-results', 'crd');
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const BIN = path.resolve(option('--bin', path.join(ROOT, 'bin', 'mllint.js')));
const REPS = Math.max(1, Number(option('--reps', '3')));
const TIME = '/usr/bin/time';
const TASKSET = '/usr/bin/taskset';

if (!args.includes('--no-build')) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });

// ---------------------------------------------------------------------------------------------------
// The synthetic CRD: many object types nested four deep, descriptions like generated CRDs carry.

function leafProps(prefix, n) {
  const props = {};
  for (let i = 0; i < n; i++) {
    const name = `${prefix}Field${i}`;
    const description = `The ${name} setting of the model server. `.repeat(6);
    if (i % 5 === 0) props[name] = { type: 'integer', minimum: 0, maximum: 1000, description };
    else if (i % 5 === 1) props[name] = { type: 'string', enum: ['fast', 'safe', 'balanced'], description };
    else if (i % 5 === 2) props[name] = { type: 'string', pattern: '^[a-z0-9-]+$', description };
    else if (i % 5 === 3) props[name] = { type: 'boolean', default: false, description };
    else props[name] = { type: 'array', items: { type: 'string' }, description };
  }
  return props;
}

function objectSchema(prefix, depth) {
  const properties = leafProps(prefix, 12);
  if (depth > 0) for (let i = 0; i < 4; i++) properties[`${prefix}Child${i}`] = objectSchema(`${prefix}c${i}`, depth - 1);
  return {
    type: 'object',
    description: `Settings of ${prefix}. `.repeat(10),
    required: [`${prefix}Field0`],
    properties,
    'x-kubernetes-validations': [{ rule: `!has(self.${prefix}Field5) || self.${prefix}Field5 <= 500`, message: `${prefix}Field5 at most 500` }],
  };
}

function syntheticCrd() {
  const groups = {};
  for (let g = 0; g < 5; g++) groups[`section${g}`] = objectSchema(`s${g}`, 3);
  const schema = { type: 'object', properties: { spec: { type: 'object', required: ['section0'], properties: groups }, status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'modelservers.bench.example.org' },
    spec: {
      group: 'bench.example.org',
      scope: 'Namespaced',
      names: { kind: 'ModelServer', plural: 'modelservers', singular: 'modelserver' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } }],
    },
  };
}

function customResource(i) {
  const invalid = i % 20 === 0;
  return {
    apiVersion: 'bench.example.org/v1',
    kind: 'ModelServer',
    metadata: { name: `server-${i}`, namespace: 'ml' },
    spec: {
      section0: {
        s0Field0: invalid ? 5000 : i,
        s0Field1: 'fast',
        s0Field2: invalid ? 'Not Valid' : `server-${i}`,
        s0Field5: 100,
        s0Child0: { s0c0Field0: 1, s0c0Field4: ['a', 'b'], s0c0Child1: { s0c0c1Field0: 2, s0c0c1Field1: 'safe' } },
      },
      section3: { s3Field0: 7, s3Field3: true, ...(invalid ? { s3Unknown: 1 } : {}) },
    },
  };
}

// ---------------------------------------------------------------------------------------------------

function writeTree(name, files) {
  const dir = path.join(OUT, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, '.git'), { recursive: true }); // its own repository root: the project's .gitignore does not apply
  fs.mkdirSync(path.join(dir, 'tree'));
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, 'tree', file), text);
  return path.join(dir, 'tree');
}

const trees = [];
{
  // Block YAML, as controller-gen writes CRDs; the custom resources too.
  const crd = jsyaml.dump(syntheticCrd(), { lineWidth: -1, noRefs: true });
  const crs = Array.from({ length: 100 }, (_, i) => jsyaml.dump(customResource(i), { lineWidth: -1 })).join('---\n');
  trees.push({ name: 'synthetic 3 MB CRD + 100 CRs', dir: writeTree('synthetic', { 'crd.yaml': crd, 'servers.yaml': crs }), crdBytes: crd.length });
}
const KSERVE = process.env.KSERVE_REPO ?? '/work/.mirror/kserve+kserve/repo';
if (fs.existsSync(KSERVE)) {
  const show = (p) => execFileSync('git', ['-C', KSERVE, 'show', `HEAD:${p}`], { encoding: 'utf8', maxBuffer: 1 << 28 });
  try {
    const crd = show('config/crd/full/llmisvc/serving.kserve.io_llminferenceservices.yaml');
    const cr = show('docs/samples/llmisvc/agentic-tool-calling/llmisvc-single-gpu.yaml');
    trees.push({ name: 'KServe LLMInferenceService CRD + 1 CR', dir: writeTree('kserve', { 'crd.yaml': crd, 'llmisvc.yaml': cr }), crdBytes: crd.length });
  } catch (error) {
    console.error(`kserve tree skipped: ${error.message.split('\n')[0]}`);
  }
}

function measure(dir) {
  const timeFile = path.join(OUT, 'time.txt');
  const command = [process.execPath, BIN, 'check', '.', '--no-cache', '--format', 'json'];
  const pinned = fs.existsSync(TASKSET) ? [TASKSET, '-c', '0', ...command] : command;
  const run = spawnSync(TIME, ['-f', '%e %U %S %M', '-o', timeFile, ...pinned], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
  const [seconds, user, sys, kb] = fs.readFileSync(timeFile, 'utf8').trim().split(/\s+/).slice(-4).map(Number);
  let findings = '?';
  try {
    const out = JSON.parse(run.stdout);
    const schema = out.findings.filter((f) => f.ruleId === 'schema-valid');
    findings = `${out.summary.resources} objects, ${schema.length} schema-valid findings`;
  } catch {
    findings = `no JSON (exit ${run.status}): ${String(run.stderr).slice(0, 200)}`;
  }
  return { seconds, cpu: user + sys, mb: kb / 1024, findings };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`bin: ${BIN}`);
const results = [];
for (const tree of trees) {
  const runs = Array.from({ length: REPS }, () => measure(tree.dir));
  const row = { tree: tree.name, crdMB: (tree.crdBytes / 1e6).toFixed(2), seconds: median(runs.map((r) => r.seconds)), cpu: median(runs.map((r) => r.cpu)), peakMB: Math.round(median(runs.map((r) => r.mb))), findings: runs[0].findings };
  results.push(row);
  console.log(`${row.tree.padEnd(40)} CRD ${row.crdMB} MB  ${row.seconds.toFixed(2)} s wall  ${row.cpu.toFixed(2)} s CPU  ${row.peakMB} MB peak  (${row.findings})`);
}
fs.writeFileSync(path.join(OUT, 'latest.json'), JSON.stringify({ bin: BIN, results }, null, 2));
