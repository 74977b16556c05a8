#!/usr/bin/env node
/**
 * `npm run bench:peers`: mllint side by side with the generic Kubernetes linters, as whole processes on
 * the same trees (median wall time, median CPU time, peak RSS, and the load average at each start; the
 * machine may be shared, so read wall times with the load beside them).
 *
 *   npm run bench:peers                          1k, 10k, 50k generated documents + the real repositories
 *   npm run bench:peers -- --quick               1k and 10k, 3 runs, real repositories once
 *   npm run bench:peers -- --reps 7              runs per measurement (default 5)
 *   npm run bench:peers -- --sizes 1000,10000    which generated trees
 *   npm run bench:peers -- --no-real             no real repositories
 *   npm run bench:peers -- --no-build            use dist/ as it is
 *   npm run bench:peers -- --checkov-max 50000   largest generated tree Checkov runs on (default 10000:
 *                                                at 50k one Checkov run takes tens of minutes on 2 cores)
 *   npm run bench:peers -- --real-reps 5         runs of mllint's cold check on real repositories (default 3)
 *
 * Peers are installed on first use into .tools/ (gitignored), pinned:
 *   kubeconform and kube-score: `go install …@version` from the Go module proxy (GOBIN=.tools/bin);
 *   Checkov: from PyPI into the venv .tools/checkov-venv;
 *   Polaris: tried from the Go module proxy; when it cannot be installed, the reason is printed and
 *   recorded (it is listed, not silently dropped).
 * kubeconform needs JSON schemas and mllint never uses the network, so they are made locally from the
 * Kubernetes OpenAPI document of the pinned release (`go mod download k8s.io/kubernetes@…`, the module's
 * api/openapi-spec/swagger.json), in the layout kubeconform reads, into .tools/kubeconform-schemas/.
 *
 * Inputs: generated trees (../shared/corpus/gen-corpus.mjs, seed 42; without it the generated trees are
 * skipped with a loud message, nothing is vendored) and real repositories extracted from the bare
 * mirrors in /work/.mirror (KServe docs/samples + config; Kubeflow manifests when fetched). Each tool
 * runs with its closest default check set; what that is is printed with the table (kubeconform checks
 * schemas only). The peers do not render kustomizations (they lint the files as written); mllint does by
 * default, so real repositories are also measured with `--kustomize=off`.
 *
 * Results: printed as a Markdown table and written to bench-results/peers-latest.json (+ a dated copy).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { corpus, corpusGenerator, hasTime, OUT, repeat, ROOT, round } from './bench-lib.mjs';

const VERSIONS = {
  kubeconform: 'v0.7.0',
  kubeScore: 'v1.20.0',
  checkov: '3.3.30',
  polaris: 'v9.6.1',
  /** The Kubernetes release whose OpenAPI document gives kubeconform its schemas (kubectl here is 1.32). */
  kubernetes: '1.32.4',
};
const TOOLS = path.join(ROOT, '.tools');
const BIN = path.join(ROOT, 'bin', 'mllint.js');
const MIRRORS = '/work/.mirror';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => (args.indexOf(name) !== -1 ? args[args.indexOf(name) + 1] : undefined);
const quick = flag('--quick');
const REPS = option('--reps') ? Math.max(1, Number(option('--reps'))) : quick ? 3 : 5;
const CHECKOV_MAX = option('--checkov-max') ? Number(option('--checkov-max')) : 10000;
const REAL_REPS = option('--real-reps') ? Math.max(1, Number(option('--real-reps'))) : Math.min(REPS, 3);
const SIZES = option('--sizes') ? option('--sizes').split(',').map(Number) : quick ? [1000, 10000] : [1000, 10000, 50000];
const log = (line) => process.stderr.write(`${line}\n`);

fs.mkdirSync(OUT, { recursive: true });
fs.mkdirSync(path.join(TOOLS, 'bin'), { recursive: true });
if (!flag('--no-build')) {
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) log('bench:peers: build failed; measuring the existing dist/');
}
if (!hasTime) log('bench:peers: /usr/bin/time not found; peak RSS and CPU time are not measured');

// ---------------------------------------------------------------- installing the peers

function run(command, argv, options = {}) {
  const result = spawnSync(command, argv, { encoding: 'utf8', maxBuffer: 1 << 26, ...options });
  return { ok: result.status === 0 && !result.error, out: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? result.error.message : ''}` };
}

const lastLine = (text) => text.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? 'no output';

/** `go install module/cmd@version` into .tools/bin, once per version (a stamp file records it). */
function goInstall(name, pkg, version) {
  const exe = path.join(TOOLS, 'bin', name);
  const stamp = path.join(TOOLS, `${name}.version`);
  if (fs.existsSync(exe) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === version) return { ok: true, exe, version };
  if (!run('go', ['version']).ok) return { ok: false, reason: 'go is not installed (the Go module proxy is where it comes from)' };
  log(`installing ${pkg}@${version} (go install)…`);
  const result = run('go', ['install', `${pkg}@${version}`], { env: { ...process.env, GOBIN: path.join(TOOLS, 'bin'), GOFLAGS: '-buildvcs=false' } });
  if (!result.ok) return { ok: false, reason: `go install ${pkg}@${version} failed: ${lastLine(result.out)}` };
  fs.writeFileSync(stamp, version);
  return { ok: true, exe, version };
}

function installCheckov() {
  const venv = path.join(TOOLS, 'checkov-venv');
  const exe = path.join(venv, 'bin', 'checkov');
  const have = fs.existsSync(exe) ? run(exe, ['--version']) : { ok: false, out: '' };
  if (have.ok && have.out.trim() === VERSIONS.checkov) return { ok: true, exe, version: VERSIONS.checkov };
  const python = ['python3', 'python'].find((p) => run(p, ['--version']).ok);
  if (!python) return { ok: false, reason: 'no python3 for a venv' };
  log(`installing checkov==${VERSIONS.checkov} (PyPI, venv)…`);
  if (!fs.existsSync(path.join(venv, 'bin', 'pip'))) {
    const made = run(python, ['-m', 'venv', venv]);
    if (!made.ok) return { ok: false, reason: `python -m venv failed: ${lastLine(made.out)}` };
  }
  const pip = run(path.join(venv, 'bin', 'pip'), ['install', '--quiet', `checkov==${VERSIONS.checkov}`]);
  if (!pip.ok) return { ok: false, reason: `pip install checkov==${VERSIONS.checkov} failed: ${lastLine(pip.out)}` };
  return { ok: true, exe, version: VERSIONS.checkov };
}

/** kubeconform's schema layout from the pinned Kubernetes OpenAPI document (see the header). */
function kubeconformSchemas() {
  const dir = path.join(TOOLS, 'kubeconform-schemas');
  const stamp = path.join(dir, 'version');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === VERSIONS.kubernetes) return { ok: true, dir };
  log(`making kubeconform schemas from k8s.io/kubernetes@v${VERSIONS.kubernetes} api/openapi-spec/swagger.json…`);
  const dl = spawnSync('go', ['mod', 'download', '-json', `k8s.io/kubernetes@v${VERSIONS.kubernetes}`], { encoding: 'utf8', cwd: os.tmpdir(), maxBuffer: 1 << 24 });
  let swagger;
  try {
    swagger = JSON.parse(fs.readFileSync(path.join(JSON.parse(dl.stdout).Dir, 'api', 'openapi-spec', 'swagger.json'), 'utf8'));
  } catch (err) {
    return { ok: false, reason: `no Kubernetes OpenAPI document (go mod download k8s.io/kubernetes@v${VERSIONS.kubernetes}: ${lastLine(`${dl.stdout}${dl.stderr}${err.message}`)})` };
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const defs = swagger.definitions;
  // A Quantity is written as a string or a number (`cpu: 1`); the OpenAPI document says string only.
  const quantity = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
  if (defs[quantity]) defs[quantity] = { description: defs[quantity].description, oneOf: [{ type: 'string' }, { type: 'number' }] };
  // IntOrString and friends are `type: string, format: int-or-string` in the OpenAPI document; the API
  // server takes either, as the published kubeconform schemas do.
  const convert = (node) => {
    if (Array.isArray(node)) return node.map(convert);
    if (!node || typeof node !== 'object') return node;
    if (node.format === 'int-or-string') {
      const { type: _t, format: _f, ...rest } = node;
      return { ...rest, oneOf: [{ type: 'string' }, { type: 'integer' }] };
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, convert(v)]));
  };
  const refsOf = (node, out) => {
    if (Array.isArray(node)) node.forEach((n) => refsOf(n, out));
    else if (node && typeof node === 'object') {
      if (typeof node.$ref === 'string') out.add(node.$ref.replace('#/definitions/', ''));
      Object.values(node).forEach((n) => refsOf(n, out));
    }
    return out;
  };
  let written = 0;
  for (const [name, def] of Object.entries(defs)) {
    for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
      // Only the kinds one writes in manifests: skip the …List kinds and the API machinery's own.
      if (gvk.kind.endsWith('List') || ['WatchEvent', 'DeleteOptions', 'Status', 'APIGroup', 'APIResourceList', 'APIVersions', 'APIGroupList'].includes(gvk.kind)) continue;
      const reachable = new Set();
      const queue = [...refsOf(def, new Set())];
      while (queue.length > 0) {
        const next = queue.pop();
        if (reachable.has(next) || !defs[next]) continue;
        reachable.add(next);
        queue.push(...refsOf(defs[next], new Set()));
      }
      const schema = convert({ ...def, definitions: Object.fromEntries([...reachable].map((r) => [r, defs[r]])) });
      // The type of apiVersion/kind is enough: kubeconform picks the file by them.
      const groupDir = gvk.group === '' ? gvk.version : gvk.group;
      const file = path.join(dir, groupDir, gvk.version, `${gvk.kind.toLowerCase()}.json`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(schema));
      written++;
    }
  }
  fs.writeFileSync(stamp, VERSIONS.kubernetes);
  log(`  ${written} kinds`);
  return { ok: true, dir };
}

const peers = {};
{
  const kc = goInstall('kubeconform', 'github.com/yannh/kubeconform/cmd/kubeconform', VERSIONS.kubeconform);
  const schemas = kc.ok ? kubeconformSchemas() : kc;
  peers.kubeconform = kc.ok && schemas.ok ? { ...kc, schemas: schemas.dir } : { ok: false, reason: schemas.reason ?? kc.reason };
  peers.kubeScore = goInstall('kube-score', 'github.com/zegl/kube-score/cmd/kube-score', VERSIONS.kubeScore);
  peers.checkov = installCheckov();
  // Polaris's module path has no /vN suffix although its tags are v9: try both spellings.
  let polaris = goInstall('polaris', 'github.com/fairwindsops/polaris', VERSIONS.polaris);
  if (!polaris.ok) {
    const second = goInstall('polaris', 'github.com/fairwindsops/polaris/v9', VERSIONS.polaris);
    polaris = second.ok ? second : { ok: false, reason: `${polaris.reason}; with /v9: ${second.reason}` };
  }
  peers.polaris = polaris;
}
for (const [name, peer] of Object.entries(peers)) log(peer.ok ? `peer ${name} ${peer.version}: ${peer.exe}` : `PEER NOT INSTALLED: ${name}: ${peer.reason}`);

/** What each tool checks with the settings used here (so the comparison is read honestly). */
function mllintRuleCount() {
  const listed = spawnSync(process.execPath, [BIN, 'rules'], { cwd: ROOT, encoding: 'utf8' });
  const lines = listed.stdout.trim().split('\n').filter(Boolean);
  return { on: lines.filter((l) => l.trim().split(/\s+/)[1] !== 'off').length, all: lines.length };
}
const ruleCount = mllintRuleCount();
const CHECKS = {
  mllint: `its default rule set (${ruleCount.on} of ${ruleCount.all} rules on): ML-serving and cross-resource checks, API schemas incl. in-tree CRDs, kustomizations rendered`,
  kubeconform: `JSON schema only: built-in kinds against the Kubernetes ${VERSIONS.kubernetes} OpenAPI schemas (custom resources skipped, -ignore-missing-schemas); 4 workers by default`,
  kubeScore: 'its default checks (about 30: resources, probes, image tag and pull policy, security context, PDB/HPA/Service/NetworkPolicy selectors, …)',
  checkov: 'every check of its kubernetes framework (about 150 CKV_K8S_* security and hygiene checks), --skip-download, no API key',
  polaris: 'its default configuration (would be: about 30 security, reliability and efficiency checks)',
};

// ---------------------------------------------------------------- inputs

/** A real repository's directories, extracted from a bare mirror once into bench-results/real-NAME/tree. */
function realRepository(name, mirror, paths) {
  const base = path.join(OUT, `real-${name}`);
  const tree = path.join(base, 'tree');
  const stamp = path.join(base, 'source.json');
  const repo = path.join(MIRRORS, mirror, 'repo');
  if (fs.existsSync(stamp)) return { tree, info: JSON.parse(fs.readFileSync(stamp, 'utf8')) };
  if (!fs.existsSync(repo)) return { skipped: `no mirror at ${repo}` };
  const head = run('git', ['-C', repo, 'rev-parse', 'HEAD']);
  if (!head.ok) return { skipped: `git rev-parse failed in ${repo}` };
  fs.rmSync(base, { recursive: true, force: true });
  fs.mkdirSync(tree, { recursive: true });
  fs.mkdirSync(path.join(tree, '.git')); // its own repository root (the result cache lives there)
  const archive = spawnSync('git', ['-C', repo, 'archive', 'HEAD', '--', ...paths], { maxBuffer: 1 << 30 });
  if (archive.status !== 0) return { skipped: `git archive failed: ${lastLine(String(archive.stderr))}` };
  const untar = spawnSync('tar', ['-x', '-C', tree], { input: archive.stdout });
  if (untar.status !== 0) return { skipped: `tar failed: ${lastLine(String(untar.stderr))}` };
  const info = { mirror, commit: head.out.trim(), paths, files: yamlFiles(tree).length };
  fs.writeFileSync(stamp, JSON.stringify(info));
  return { tree, info };
}

function yamlFiles(dir) {
  const out = [];
  (function walk(d) {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.name === '.git') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && /\.ya?ml$/i.test(e.name)) out.push(p);
    }
  })(dir);
  return out;
}

/** Every document of the file is empty or a mapping with apiVersion and kind (and not a kustomization). */
function onlyObjects(file) {
  try {
    const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
    return docs.every((d) => {
      if (d.errors.length > 0) return false;
      const v = d.toJS();
      if (v === null || v === undefined) return true;
      return typeof v === 'object' && !Array.isArray(v) && typeof v.apiVersion === 'string' && typeof v.kind === 'string' && !v.apiVersion.startsWith('kustomize.config.k8s.io');
    });
  } catch {
    return false;
  }
}

const inputs = [];
if (!corpusGenerator()) {
  log('\n!!! SKIPPING THE GENERATED TREES: ../shared/corpus/gen-corpus.mjs is not beside this checkout (it is not vendored); only real repositories are measured\n');
} else {
  for (const docs of SIZES) {
    const { tree, info } = corpus(docs);
    inputs.push({ name: `${docs.toLocaleString('en')} docs (generated)`, key: `generated-${docs}`, tree, docs, files: info.files, generated: true });
  }
}
if (!flag('--no-real')) {
  const real = [
    { name: 'KServe docs/samples + config', key: 'kserve', mirror: 'kserve+kserve', paths: ['docs/samples', 'config'] },
    // Kubeflow's mirror is fetched on demand; its docs/ holds images the mirror may lack, so only the manifests.
    { name: 'Kubeflow manifests', key: 'kubeflow', mirror: 'kubeflow+manifests', paths: ['applications', 'common', 'example', 'experimental'] },
  ];
  for (const r of real) {
    const got = realRepository(r.key, r.mirror, r.paths);
    if (got.skipped) log(`!!! skipping the real repository ${r.name}: ${got.skipped}`);
    else inputs.push({ name: r.name, key: r.key, tree: got.tree, files: got.info.files, commit: got.info.commit, real: true });
  }
}
if (inputs.length === 0) {
  log('bench:peers: nothing to measure');
  process.exit(2);
}

// ---------------------------------------------------------------- measuring

const reportFile = path.join(OUT, 'peers-report.json');
const results = [];
for (const input of inputs) {
  // The 50k tree: half the runs; Checkov (minutes per run from 10k) once from 10k, at most 3 times below.
  const reps = input.docs >= 50000 ? Math.max(1, Math.ceil(REPS / 2)) : REPS;
  // mllint's cold runs on a real repository render every kustomization (tens of seconds each when loaded).
  const coldReps = input.real ? REAL_REPS : reps;
  log(`\n${input.name}: ${input.files} YAML files${input.commit ? ` (${input.commit.slice(0, 12)})` : ''}`);
  const row = { input: input.name, key: input.key, files: input.files, docs: input.docs, tools: {} };
  const opts = { cwd: input.tree, okStatus: [0, 1] };
  const mllintArgs = [BIN, 'check', '.', '--format', 'json', '-o', reportFile, '--no-cache'];
  row.tools.mllint = repeat('mllint check (default rules)', coldReps, process.execPath, mllintArgs, opts);
  try {
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
    row.resources = report.summary.resources;
    row.tools.mllint.findings = report.findings.length;
  } catch {
    // the figures stand without the counts
  }
  if (input.real) {
    row.tools.mllintNoKustomize = repeat('mllint check --kustomize=off', coldReps, process.execPath, [...mllintArgs, '--kustomize=off'], opts);
    // The cached second run (the pre-commit case): the first run stores, the next ones read.
    const cacheArgs = [BIN, 'check', '.', '--format', 'json', '-o', reportFile];
    spawnSync(process.execPath, cacheArgs, { cwd: input.tree, stdio: 'ignore' });
    row.tools.mllintCached = repeat('mllint check, second run (cache)', REPS, process.execPath, cacheArgs, opts);
    fs.rmSync(path.join(input.tree, '.mllint-cache'), { recursive: true, force: true });
  }
  const files = yamlFiles(input.tree).map((f) => path.relative(input.tree, f));
  if (peers.kubeconform.ok) {
    const location = `${peers.kubeconform.schemas}/{{ .Group }}/{{ .ResourceAPIVersion }}/{{ .ResourceKind }}.json`;
    row.tools.kubeconform = repeat('kubeconform -summary', reps, peers.kubeconform.exe, ['-summary', '-ignore-missing-schemas', '-schema-location', location, '.'], opts);
  }
  if (peers.kubeScore.ok) {
    // kube-score takes files, not directories, and gives up on the whole run at the first document that
    // is not a Kubernetes object (a kustomization, a values file): it gets the files whose documents all are.
    const objectFiles = input.generated ? files : files.filter((f) => onlyObjects(path.join(input.tree, f)));
    row.kubeScoreFiles = objectFiles.length;
    row.tools.kubeScore = repeat(`kube-score score -o json (${objectFiles.length} files)`, reps, peers.kubeScore.exe, ['score', '-o', 'json', ...objectFiles], { ...opts, discardStdout: true });
  }
  if (peers.checkov.ok && !(input.docs > CHECKOV_MAX)) {
    const checkovReps = input.docs >= 10000 ? 1 : Math.min(reps, 3);
    row.tools.checkov = repeat(`checkov --framework kubernetes (${checkovReps} run${checkovReps > 1 ? 's' : ''})`, checkovReps, peers.checkov.exe, ['-d', '.', '--framework', 'kubernetes', '--quiet', '--compact', '-o', 'json', '--skip-download'], { ...opts, env: { BC_SKIP_MAPPING: 'TRUE', CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: 'false' } });
  }
  for (const [name, t] of Object.entries(row.tools)) {
    delete t.last;
    if (name !== 'mllint' && !name.startsWith('mllint')) t.mllintRatio = round(row.tools.mllint.wallSeconds / t.wallSeconds, 2);
  }
  results.push(row);
}

// ---------------------------------------------------------------- report

const git = run('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT });
const output = {
  date: new Date().toISOString(),
  commit: git.ok ? git.out.trim() : null,
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, memoryGb: round(os.totalmem() / 2 ** 30, 1), node: process.version },
  loadAverageAtEnd: os.loadavg().map((x) => round(x, 2)),
  versions: VERSIONS,
  peers: Object.fromEntries(Object.entries(peers).map(([k, p]) => [k, p.ok ? { installed: p.version } : { notInstalled: p.reason }])),
  checks: CHECKS,
  results,
};
const json = `${JSON.stringify(output, null, 2)}\n`;
fs.writeFileSync(path.join(OUT, 'peers-latest.json'), json);
fs.writeFileSync(path.join(OUT, `peers-${output.date.replace(/[:.]/g, '-')}.json`), json);

const cell = (t) => (t ? `${t.wallSeconds.toFixed(2)} s${t.peakRssMb ? ` / ${Math.round(t.peakRssMb)} MB` : ''}` : '–');
const ratio = (t) => (t?.mllintRatio !== undefined ? ` (×${t.mllintRatio})` : '');
const lines = [];
lines.push(`\nmllint (${output.commit}) and its peers, ${output.machine.cpus} cores, Node ${process.version}; median wall time / peak RSS; (×r) = mllint's time ÷ the peer's (below 1: mllint is faster)`);
lines.push('| input | mllint | kubeconform | kube-score | Checkov |');
lines.push('|---|---:|---:|---:|---:|');
for (const r of results) {
  const t = r.tools;
  const extra = t.mllintNoKustomize ? `<br>--kustomize=off ${cell(t.mllintNoKustomize)}<br>cached ${t.mllintCached.wallSeconds.toFixed(2)} s` : '';
  lines.push(`| ${r.input}${r.resources ? ` (${r.resources} resources)` : ''} | ${cell(t.mllint)}${extra} | ${cell(t.kubeconform)}${ratio(t.kubeconform)} | ${cell(t.kubeScore)}${ratio(t.kubeScore)} | ${cell(t.checkov)}${ratio(t.checkov)} |`);
}
lines.push('\nwhat each checks here:');
for (const [name, text] of Object.entries(CHECKS)) lines.push(`  ${name}: ${peers[name] && !peers[name].ok ? `NOT INSTALLED (${peers[name].reason})` : text}`);
lines.push(`load average at the end: ${output.loadAverageAtEnd.join(' ')} (per-run loads are in the JSON)`);
lines.push(`written to ${path.relative(ROOT, path.join(OUT, 'peers-latest.json'))}`);
console.log(lines.join('\n'));
