/**
 * Identity that survives edits (DESIGN.md §3): fingerprints, baselines and SARIF partialFingerprints name
 * list items by their key, so inserting an env var or reordering containers keeps a finding's identity;
 * and one finding per rule and source location, listing every object it was found through, in every format.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { describeObjects, mergeSameLocation, namedPath } from '../src/engine/identity.js';
import { resolveCommand } from '../src/loaders/kustomize.js';
import type { Finding } from '../src/types.js';
import { makeTree, removeTree, runCli } from './helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeTree));
function tree(files: Record<string, string>): string {
  const dir = makeTree({ '.git/HEAD': 'ref: refs/heads/main\n', ...files });
  dirs.push(dir);
  return dir;
}

/** A Deployment whose `scorer` container has a literal password after `extraEnv` (env lines). */
const deployment = (extraEnv = '', containersBefore = '') => `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml }
spec:
  replicas: 1
  selector: { matchLabels: { app: scorer } }
  template:
    metadata: { labels: { app: scorer } }
    spec:
      containers:
${containersBefore}        - name: scorer
          image: scorer:1.0.0
          env:
${extraEnv}            - name: MODEL_VERSION
              value: "3"
            - name: DB_PASSWORD
              value: hunter2-but-longer
`;
const SIDECAR = '        - name: proxy\n          image: envoy:1.30.0\n';
const INSERTED = '            - name: LOG_LEVEL\n              value: info\n';

describe('namedPath', () => {
  const object = {
    spec: {
      containers: [
        { name: 'proxy', ports: [{ containerPort: 9901 }] },
        { name: 'scorer', env: [{ name: 'A', value: '1' }, { name: 'MODEL_VERSION', value: '3' }], volumeMounts: [{ name: 'm', mountPath: '/models' }] },
      ],
      tolerations: [{ key: 'nvidia.com/gpu' }, { key: 'nvidia.com/gpu', effect: 'NoSchedule' }],
    },
  };
  it('names list items by their key', () => {
    expect(namedPath(object, ['spec', 'containers', 1, 'env', 1, 'value'])).toBe('spec.containers[name=scorer].env[name=MODEL_VERSION].value');
    expect(namedPath(object, ['spec', 'containers', 0, 'ports', 0])).toBe('spec.containers[name=proxy].ports[containerPort=9901]');
    expect(namedPath(object, ['spec', 'containers', 1, 'volumeMounts', 0])).toBe('spec.containers[name=scorer].volumeMounts[name=m]');
  });
  it('falls back to the index when no key is unique, and renders missing fields as written', () => {
    expect(namedPath(object, ['spec', 'tolerations', 1])).toBe('spec.tolerations[1]');
    expect(namedPath(object, ['spec', 'containers', 5, 'image'])).toBe('spec.containers[5].image');
    expect(namedPath(object, ['spec', 'containers', 1, 'resources', 'limits', 'nvidia.com/gpu'])).toBe('spec.containers[name=scorer].resources.limits["nvidia.com/gpu"]');
    expect(namedPath({ items: [{ name: 'a b]' }] }, ['items', 0])).toBe('items[name="a b]"]');
  });
});

describe('fingerprints survive inserted and reordered list items', () => {
  const findingsOf = async (dir: string, format: 'json' | 'sarif') => {
    const r = await runCli(['check', '--no-cache', '--format', format, 'app.yaml'], { cwd: dir });
    return JSON.parse(r.stdout);
  };

  it('JSON fingerprint and SARIF partialFingerprints stay; the line moves', async () => {
    const dir = tree({ 'app.yaml': deployment() });
    const before = (await findingsOf(dir, 'json')).findings.filter((f: any) => f.ruleId === 'no-secret-literals-in-env');
    const sarifBefore = (await findingsOf(dir, 'sarif')).runs[0].results.filter((r: any) => r.ruleId === 'no-secret-literals-in-env');
    expect(before).toHaveLength(1);
    expect(before[0].fingerprint).toMatch(/^[0-9a-f]{32}$/);

    fs.writeFileSync(path.join(dir, 'app.yaml'), deployment(INSERTED, SIDECAR));
    const after = (await findingsOf(dir, 'json')).findings.filter((f: any) => f.ruleId === 'no-secret-literals-in-env');
    const sarifAfter = (await findingsOf(dir, 'sarif')).runs[0].results.filter((r: any) => r.ruleId === 'no-secret-literals-in-env');
    expect(after).toHaveLength(1);
    expect(after[0].line).toBe(before[0].line + 4);
    expect(after[0].path).not.toBe(before[0].path); // the index path changed…
    expect(after[0].fingerprint).toBe(before[0].fingerprint); // …the identity did not
    expect(sarifAfter[0].partialFingerprints).toEqual(sarifBefore[0].partialFingerprints);

    fs.writeFileSync(path.join(dir, 'app.yaml'), deployment().replace('name: scorer, namespace: ml', 'name: scorer-v2, namespace: ml'));
    const renamed = (await findingsOf(dir, 'json')).findings.filter((f: any) => f.ruleId === 'no-secret-literals-in-env');
    expect(renamed[0].fingerprint).not.toBe(before[0].fingerprint);
  });

  it('a baselined finding stays baselined when an env var is inserted above it', async () => {
    const dir = tree({ 'app.yaml': deployment() });
    const write = await runCli(['check', '--no-cache', '--write-baseline', 'baseline.json', 'app.yaml'], { cwd: dir });
    expect(write.code).toBe(0);
    const recorded = JSON.parse(fs.readFileSync(path.join(dir, 'baseline.json'), 'utf8'));
    expect(recorded.version).toBe(2);
    expect(recorded.entries.map((e: any) => e.path)).toContain('spec.template.spec.containers[name=scorer].env[name=DB_PASSWORD].value');

    fs.writeFileSync(path.join(dir, 'app.yaml'), deployment(INSERTED, SIDECAR));
    const check = await runCli(['check', '--no-cache', '--baseline', 'baseline.json', '--format', 'json', 'app.yaml'], { cwd: dir });
    const report = JSON.parse(check.stdout);
    expect(report.findings.filter((f: any) => f.ruleId === 'no-secret-literals-in-env')).toEqual([]);
    expect(report.summary.baselined).toBe(recorded.entries.length);
  });

  it('a version 1 baseline (list indexes) still loads and matches', async () => {
    const dir = tree({ 'app.yaml': deployment() });
    const v1 = {
      version: 1,
      entries: [{ ruleId: 'no-secret-literals-in-env', file: 'app.yaml', kind: 'Deployment', namespace: 'ml', name: 'scorer', path: 'spec.template.spec.containers[0].env[1].value', message: 'old text' }],
    };
    fs.writeFileSync(path.join(dir, 'old.json'), JSON.stringify(v1));
    const check = await runCli(['check', '--no-cache', '--baseline', 'old.json', '--format', 'json', 'app.yaml'], { cwd: dir });
    expect(check.code).not.toBe(2);
    const report = JSON.parse(check.stdout);
    expect(report.findings.filter((f: any) => f.ruleId === 'no-secret-literals-in-env')).toEqual([]);
    expect(report.summary.baselined).toBe(1);
  });
});

describe('one finding per rule and source location', () => {
  const f = (namespace: string, extra: Partial<Finding> = {}): Finding => ({
    ruleId: 'image-pinned', severity: 'error', message: 'm', file: 'base/dep.yaml', line: 12, column: 18, endLine: 12, endColumn: 43,
    resource: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'scorer', namespace }, path: 'spec.x', ...extra,
  });

  it('merges the same location found through several objects, and keeps distinct messages apart', () => {
    const merged = mergeSameLocation([f('ml-b'), f('ml-a'), f('ml-a'), f('ml-c', { message: 'other' })]);
    expect(merged).toHaveLength(2);
    expect(merged[0].resources?.map((r) => r.namespace)).toEqual(['ml-a', 'ml-b']);
    expect(merged[0].resource?.namespace).toBe('ml-a');
    expect(describeObjects(merged[0])).toBe('Deployment ml-a/scorer, ml-b/scorer');
    expect(merged[1].resources).toBeUndefined();
  });

  const p07 = path.join(ROOT, 'test', 'fixtures', 'cases', 'precision', 'p07-shared-base-two-overlays');
  const tool = resolveCommand({ cwd: p07 });
  if (!tool.ok) {
    const reason = `the shared-base test needs kubectl or kustomize on PATH: ${tool.message}`;
    if (process.env.CI === 'true') throw new Error(reason);
    console.warn(`\n*** SKIPPED: ${reason} ***\n`);
  }
  it.runIf(tool.ok)('a base shared by two overlays is one finding naming both objects, in every format', async () => {
    const run = (format: string) => runCli(['check', '--no-cache', '--format', format, '.'], { cwd: p07, env: {} });
    const json = JSON.parse((await run('json')).stdout);
    const pinned = json.findings.filter((x: any) => x.ruleId === 'image-pinned');
    expect(pinned).toHaveLength(1);
    expect(pinned[0]).toMatchObject({ file: 'base/dep.yaml', line: 12, resource: { namespace: 'ml-a' } });
    expect(pinned[0].resources.map((r: any) => `${r.kind} ${r.namespace}/${r.name}`)).toEqual(['Deployment ml-a/scorer', 'Deployment ml-b/scorer']);
    expect(json.summary.errors).toBe(json.findings.filter((x: any) => x.severity === 'error').length);

    const github = (await run('github')).stdout.split('\n').filter((l) => l.includes('image-pinned'));
    expect(github).toHaveLength(1);
    expect(github[0]).toContain('Objects: Deployment ml-a/scorer, ml-b/scorer');

    const sarif = JSON.parse((await run('sarif')).stdout).runs[0].results.filter((r: any) => r.ruleId === 'image-pinned');
    expect(sarif).toHaveLength(1);
    expect(sarif[0].message.text).toContain('(Deployment ml-a/scorer, ml-b/scorer)');
    expect(sarif[0].locations[0].logicalLocations.map((l: any) => l.fullyQualifiedName)).toEqual(['Deployment ml-a/scorer', 'Deployment ml-b/scorer']);

    const junit = (await runCli(['check', '--no-cache', '--format', 'junit', '--junit-fail-on', 'warning', '.'], { cwd: p07, env: {} })).stdout;
    expect(junit.match(/<failure /g)).toHaveLength(1);
    expect(junit).toContain('objects: Deployment ml-a/scorer, ml-b/scorer');

    const stylish = (await run('stylish')).stdout;
    expect(stylish).toContain('Deployment ml-a/scorer, ml-b/scorer · spec.template.spec.containers[0].image');
  });
});
