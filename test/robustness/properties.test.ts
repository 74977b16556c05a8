/**
 * Property-based robustness (fast-check, bounded runs, fixed seeds): for generated manifests and for
 * mutated, truncated and garbled YAML, with every rule on,
 * - linting never throws, and no rule throws (`rule-error`);
 * - every finding's line/column lies inside its file;
 * - the JSON report is deterministic (same input → byte-identical output);
 * - suppressing one finding with `mllint.io/ignore` never changes the other findings.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { lintText } from '../../src/api.js';
import { emptyConfig, type ConfigFile } from '../../src/config/load.js';
import formatJson from '../../src/formatters/json.js';
import { RULES } from '../../src/rules/index.js';
import type { Finding, LintResult } from '../../src/types.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Every rule on (rules that are off by default as warnings). */
function allRulesConfig(): ConfigFile {
  const config = emptyConfig(ROOT);
  for (const rule of RULES) config.rules[rule.meta.id] = { severity: rule.meta.recommended ? rule.meta.severity : 'warning' };
  return config;
}
const CONFIG = allRulesConfig();
const lintAll = (text: string): LintResult => lintText(text, { display: 'gen.yaml', config: CONFIG, cwd: ROOT });

function assertInside(text: string, findings: Finding[]): void {
  const lines = text.split('\n');
  for (const f of findings) {
    const where = `${f.ruleId} at ${f.line}:${f.column}-${f.endLine}:${f.endColumn}`;
    expect(f.line, where).toBeGreaterThanOrEqual(1);
    expect(f.column, where).toBeGreaterThanOrEqual(1);
    expect(f.endLine ?? f.line, where).toBeGreaterThanOrEqual(f.line);
    // A position may sit just past the last character of a line (or on the empty line after a final newline).
    expect(f.line, where).toBeLessThanOrEqual(Math.max(1, lines.length));
    expect(f.column, where).toBeLessThanOrEqual((lines[f.line - 1] ?? '').length + 1);
    if (f.endLine !== undefined && f.endColumn !== undefined) {
      expect(f.endLine, where).toBeLessThanOrEqual(Math.max(1, lines.length));
      expect(f.endColumn, where).toBeLessThanOrEqual((lines[f.endLine - 1] ?? '').length + 1);
    }
  }
}

function checkAll(text: string): LintResult {
  const first = lintAll(text);
  expect(first.findings.filter((f) => f.ruleId === 'rule-error').map((f) => f.message)).toEqual([]);
  assertInside(text, first.findings);
  const again = lintAll(text);
  expect(formatJson(again)).toBe(formatJson(first));
  return first;
}

// ---- generated manifests -------------------------------------------------------------------------

const ns = fc.constantFrom('ml-serving-prod', 'ml-serving-staging', 'default', undefined);
const appLabel = fc.constantFrom('fraud', 'search', 'llm');
const labels = fc.record({ app: appLabel, tier: fc.constantFrom('api', 'worker') }, { requiredKeys: ['app'] });
const odd = fc.constantFrom<unknown>(null, 1.0, 0, -1, 'x', true, [], {}, 99999999999999999999999, '', [null]);
const image = fc.constantFrom('fraud:1.2.3', 'fraud:latest', 'fraud', 'registry.example.com/ml/llm@sha256:' + 'a'.repeat(64), '', 1.0);
const quantity = fc.constantFrom('100m', '1', '2', '512Mi', '2Gi', 'abc', 0, null, '1e3');
const probe = fc.record({ httpGet: fc.record({ path: fc.constant('/healthz'), port: fc.constantFrom(8080, 'http', 9999, 'nope') }), initialDelaySeconds: fc.constantFrom(0, 5, 120) }, { requiredKeys: [] });
const container = fc.record(
  {
    name: fc.constantFrom('server', 'sidecar', 'model'),
    image: fc.oneof(image, odd),
    ports: fc.array(fc.record({ containerPort: fc.constantFrom(8080, 9090, 80), name: fc.constantFrom('http', 'metrics') }, { requiredKeys: ['containerPort'] }), { maxLength: 2 }),
    resources: fc.record({ requests: fc.record({ cpu: quantity, memory: quantity }, { requiredKeys: [] }), limits: fc.record({ cpu: quantity, memory: quantity }, { requiredKeys: [] }) }, { requiredKeys: [] }),
    readinessProbe: probe,
    livenessProbe: probe,
    env: fc.array(fc.record({ name: fc.constantFrom('MODEL_NAME', 'MODEL_URI', 'API_KEY', 'PASSWORD'), value: fc.constantFrom('fraud', 'models:/fraud/3', 'hunter2', '') }), { maxLength: 2 }),
  },
  { requiredKeys: ['name'] },
);
const podSpec = fc.record({ containers: fc.oneof(fc.array(container, { minLength: 1, maxLength: 2 }), odd), nodeSelector: fc.constantFrom(undefined, { accelerator: 'nvidia-a100' }) }, { requiredKeys: ['containers'] });
const meta = (kind: string) =>
  fc.record({
    name: fc.oneof(fc.constantFrom(`${kind.toLowerCase()}-a`, `${kind.toLowerCase()}-b`), odd),
    namespace: ns,
    labels: fc.oneof(labels, odd),
    annotations: fc.constantFrom(undefined, { 'mllint.io/model': 'fraud', 'mllint.io/model-footprint': '1Gi' }, { 'mllint.io/model-load-seconds': '90' }),
  }, { requiredKeys: ['name'] });
const deployment = fc.record({
  apiVersion: fc.constant('apps/v1'),
  kind: fc.constant('Deployment'),
  metadata: meta('Deployment'),
  spec: fc.oneof(fc.record({ replicas: fc.constantFrom(1, 3, 0, '2', null), selector: fc.record({ matchLabels: labels }), template: fc.record({ metadata: fc.record({ labels }), spec: podSpec }) }, { requiredKeys: ['template'] }), odd),
});
const service = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constant('Service'),
  metadata: meta('Service'),
  spec: fc.oneof(fc.record({ selector: labels, ports: fc.array(fc.record({ port: fc.constantFrom(80, 443), targetPort: fc.constantFrom(8080, 'http', 'nope') }), { maxLength: 2 }) }), odd),
});
const pdb = fc.record({
  apiVersion: fc.constant('policy/v1'),
  kind: fc.constant('PodDisruptionBudget'),
  metadata: meta('PodDisruptionBudget'),
  spec: fc.record({ minAvailable: fc.constantFrom(1, 3, '50%', '100%'), selector: fc.record({ matchLabels: labels }) }, { requiredKeys: [] }),
});
const hpa = fc.record({
  apiVersion: fc.constant('autoscaling/v2'),
  kind: fc.constant('HorizontalPodAutoscaler'),
  metadata: meta('HorizontalPodAutoscaler'),
  spec: fc.record({ minReplicas: fc.constantFrom(0, 1, 2), maxReplicas: fc.constantFrom(5, 30), scaleTargetRef: fc.record({ apiVersion: fc.constant('apps/v1'), kind: fc.constant('Deployment'), name: fc.constantFrom('deployment-a', 'missing') }) }, { requiredKeys: [] }),
});
const cronjob = fc.record({
  apiVersion: fc.constant('batch/v1'),
  kind: fc.constant('CronJob'),
  metadata: meta('CronJob'),
  spec: fc.record({ schedule: fc.constantFrom('0 * * * *', '61 * * * *', 'nope', 5, '@daily'), concurrencyPolicy: fc.constantFrom('Allow', 'Forbid', undefined), jobTemplate: fc.record({ spec: fc.record({ template: fc.record({ spec: podSpec }) }) }) }, { requiredKeys: ['schedule'] }),
});
const manifest = fc.oneof(deployment, service, pdb, hpa, cronjob);
const manifests = fc.array(manifest, { minLength: 1, maxLength: 5 });
const toYaml = (docs: unknown[]) => docs.map((d) => stringify(d, { version: '1.1' })).join('---\n');

describe('robustness properties', () => {
  it('generated manifests: no throw, positions inside the file, deterministic output', () => {
    fc.assert(fc.property(manifests, (docs) => void checkAll(toYaml(docs))), { numRuns: 120, seed: 1 });
  }, 120_000);

  it('suppressing one finding with mllint.io/ignore never changes the others', () => {
    const key = (f: Finding) => JSON.stringify([f.ruleId, f.resource?.kind, f.resource?.namespace, f.resource?.name, f.path, f.message]);
    fc.assert(
      fc.property(manifests, fc.nat(), (docs, pick) => {
        const before = lintAll(toYaml(docs));
        const candidates = before.findings.filter((f) => f.resource && f.ruleId !== 'parse-error' && f.ruleId !== 'rule-error');
        if (candidates.length === 0) return;
        const target = candidates[pick % candidates.length];
        // The object the finding is about: same kind and name (objects with odd names are skipped).
        const index = docs.findIndex((d) => {
          const m = (d as { kind: string; metadata: { name?: unknown; namespace?: unknown } });
          return m.kind === target.resource!.kind && m.metadata.name === target.resource!.name && (m.metadata.namespace ?? undefined) === target.resource!.namespace;
        });
        if (index === -1) return;
        const sameIdentity = docs.filter((d) => {
          const m = d as { kind: string; metadata: { name?: unknown; namespace?: unknown } };
          return m.kind === target.resource!.kind && m.metadata.name === target.resource!.name && (m.metadata.namespace ?? undefined) === target.resource!.namespace;
        });
        if (sameIdentity.length > 1) return; // two objects with one identity: cannot tell their findings apart
        const edited = structuredClone(docs) as Array<{ metadata: { annotations?: Record<string, string> } }>;
        edited[index].metadata.annotations = { ...(edited[index].metadata.annotations ?? {}), 'mllint.io/ignore': target.ruleId };
        const after = lintAll(toYaml(edited));
        const isTargetsRule = (f: Finding) => f.ruleId === target.ruleId && f.resource?.kind === target.resource!.kind && f.resource?.name === target.resource!.name && f.resource?.namespace === target.resource!.namespace;
        const expected = before.findings.filter((f) => !isTargetsRule(f)).map(key).sort();
        expect(after.findings.map(key).sort()).toEqual(expected);
        expect(after.summary.suppressed - before.summary.suppressed).toBe(before.findings.filter(isTargetsRule).length);
      }),
      { numRuns: 80, seed: 2 },
    );
  }, 120_000);

  it('mutated, truncated and garbled YAML: no throw, positions inside the file, deterministic output', () => {
    const bases = fs
      .readdirSync(path.join(ROOT, 'examples', 'manifests'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.yaml'))
      .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), 'utf8'));
    const pieces = [':', '- ', ' ', '\n', '\t', '#', '[', ']', '{', '}', '"', "'", '|', '>', '&a ', '*a', '!!str ', '? ', '%YAML 1.2\n', '---\n', '...\n', '<<: ', '~', 'on', '0777', '\u0000', '\uFEFF', '\r\n', '😀', '\\'];
    const edit = fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), piece: fc.constantFrom(...pieces), drop: fc.nat(8), truncate: fc.boolean() });
    fc.assert(
      fc.property(fc.constantFrom(...bases), fc.array(edit, { minLength: 1, maxLength: 5 }), (base, edits) => {
        let text = base;
        for (const e of edits) {
          const i = Math.floor(e.at * text.length);
          text = e.truncate ? text.slice(0, i) : text.slice(0, i) + e.piece + text.slice(i + e.drop);
        }
        try {
          checkAll(text);
        } catch (err) {
          fs.writeFileSync('/tmp/mllint-counterexample.yaml', text);
          throw err;
        }
      }),
      { numRuns: 150, seed: 3 },
    );
  }, 120_000);

  it('random bytes and random unicode: no throw', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => void checkAll(text)),
      { numRuns: 150, seed: 4 },
    );
  }, 120_000);
});
