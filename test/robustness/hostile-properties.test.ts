/**
 * Property and adversarial generators for the classes of issue 10 (fast-check, bounded runs, fixed seeds):
 * - regex-bearing fields (CRD `pattern`, globs) with generated patterns built from backtracking-prone
 *   atoms, on long values: linear time, never a rule-error;
 * - huge flow and block mappings, with and without a repeated key: a duplicate-key finding exactly when a
 *   key repeats, in linear time;
 * - control characters and `::` in every repository-derived string: no control character and no line
 *   starting with `::` in any format but github's own commands;
 * - symlinks in every place a path is read (config, packs, registry, nodes, ignore files, Chart.yaml,
 *   kustomizations and what they name) pointing at /dev/zero or an outside file: never read, never echoed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lintPaths, lintText } from '../../src/api.js';
import { globMatch } from '../../src/config/safe-match.js';
import { escapeResult, guardCommandLines } from '../../src/formatters/hygiene.js';
import { FORMAT_NAMES, loadFormatter, normalizeReport } from '../../src/formatters/index.js';
import type { LintResult } from '../../src/types.js';

const SEED = 20261129;
const atom = fc.constantFrom('a', 'a+', 'a*', '(a|a)', '(a+)+', '(a*)*', '[a-z]+', '.*', '\\d?', '(aa|a)+', 'a{2,}', '(.*a){3}');
const pattern = fc.array(atom, { minLength: 1, maxLength: 6 }).map((parts) => `^${parts.join('')}$`);

function crdWith(p: string, value: string): string {
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.org }
spec:
  group: example.org
  names: { kind: Widget, plural: widgets }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: { type: object, properties: { id: { type: string, pattern: ${JSON.stringify(p)} } } }
---
apiVersion: example.org/v1
kind: Widget
metadata: { name: w, namespace: ml }
spec: { id: ${JSON.stringify(value)} }
`;
}

describe('regex-bearing fields run in linear time', () => {
  it('generated CRD patterns on 5,000-character values: quick, no rule-error', () => {
    fc.assert(
      fc.property(pattern, fc.nat({ max: 5000 }), (p, n) => {
        const started = Date.now();
        const result = lintText(crdWith(p, `${'a'.repeat(n)}!`), { display: 'crd.yaml' });
        expect(result.findings.filter((f) => f.ruleId === 'rule-error')).toEqual([]);
        expect(Date.now() - started).toBeLessThan(3000);
      }),
      { numRuns: 25, seed: SEED },
    );
  });

  it('generated globs (extglobs, braces, stars) against long names: quick', () => {
    const globAtom = fc.constantFrom('*', 'a', '*a', '+(a|aa)', '*(a|a)', '@(a|b)', '{a,aa}', '?', '[a-z]', '**');
    fc.assert(
      fc.property(fc.array(globAtom, { minLength: 1, maxLength: 12 }), fc.nat({ max: 2000 }), (parts, n) => {
        const started = Date.now();
        globMatch(`${'a'.repeat(n)}b`, `${parts.join('')}c`);
        expect(Date.now() - started).toBeLessThan(1000);
      }),
      { numRuns: 50, seed: SEED },
    );
  });
});

describe('huge mappings', () => {
  it('a duplicate-key finding exactly when a key repeats, flow or block, in linear time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30_000 }), fc.boolean(), fc.boolean(), (n, flow, repeat) => {
        const keys = Array.from({ length: n }, (_, i) => `k${i}`);
        if (repeat) keys.push(`k${Math.floor(n / 2)}`);
        const body = flow ? `data: {${keys.map((k) => `${k}: v`).join(', ')}}\n` : `data:\n${keys.map((k) => `  ${k}: v`).join('\n')}\n`;
        const started = Date.now();
        const result = lintText(`apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: ml }\n${body}`, { display: 'cm.yaml' });
        const duplicate = result.findings.some((f) => f.ruleId === 'parse-error' && /duplicate key/.test(f.message));
        expect(duplicate).toBe(repeat);
        expect(Date.now() - started).toBeLessThan(10_000);
      }),
      { numRuns: 8, seed: SEED },
    );
  }, 120_000);
});

describe('control characters and :: in repository text', () => {
  const nasty = fc.array(fc.constantFrom('a', '\n', '\r', '::', '::error::x', '\u001b[2K', '\u001b]52;c;eA==\u0007', '\u009b', '\u2028', '\u202e', '%', '|', '<b>', '\t'), { minLength: 1, maxLength: 8 }).map((p) => p.join(''));
  it('no format prints a control character or starts a line with :: (github: only its own commands)', async () => {
    const formatters = await Promise.all(FORMAT_NAMES.map(async (name) => [name, await loadFormatter(name)] as const));
    await fc.assert(
      fc.asyncProperty(nasty, nasty, nasty, async (file, message, name) => {
        const raw: LintResult = {
          findings: [{ ruleId: 'image-pinned', severity: 'error', message, file, line: 1, column: 1, resource: { apiVersion: 'v1', kind: 'Pod', name, namespace: name }, path: `spec.${name}`, fix: name } as never],
          summary: { files: 1, resources: 1, errors: 1, warnings: 0, infos: 0 },
        };
        for (const [format, formatter] of formatters) {
          const { output, files } = normalizeReport(formatter!(escapeResult(raw), { color: false, cwd: '/repo', env: { GITHUB_STEP_SUMMARY: '/tmp/s.md' }, version: '1', repoRoot: '/repo' } as never));
          const text = [format === 'github' ? output : guardCommandLines(output), ...files.map((f) => guardCommandLines(f.content))].join('\n');
          expect(text, format).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/);
          expect(text, format).not.toMatch(/\r(?!\n)/);
          for (const line of text.split('\n')) {
            if (format === 'github' && line.startsWith('::')) expect(line).toMatch(/^::(error|warning|notice) [^\n]*::[^\n]*$/);
            else expect(line.trimStart().startsWith('::'), `${format}: ${JSON.stringify(line)}`).toBe(false);
          }
        }
      }),
      { numRuns: 60, seed: SEED },
    );
  });
});

describe('symlinks in every place a path is read', () => {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mllint-links-')));
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));
  const CANARY = 'CANARY-LINK-5c1d';
  const outside = path.join(base, 'outside.yaml');
  fs.writeFileSync(outside, `${CANARY}: 1\nmodels: {}\nresources: [${CANARY}]\n`);
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata: { name: p, namespace: ml }\nspec:\n  containers: [{ name: c, image: "c:1.0.0" }]\n';
  /** Each place: the files of the repository, and the path inside it that becomes the symlink. */
  const places: Array<{ name: string; files: Record<string, string>; link: string }> = [
    { name: 'config', files: {}, link: '.mllint.yaml' },
    { name: 'pack', files: { '.mllint.yaml': 'extends: [./pack.yaml]\n' }, link: 'pack.yaml' },
    { name: 'registry', files: { '.mllint.yaml': 'registry: { file: reg.yaml }\n' }, link: 'reg.yaml' },
    { name: 'nodes', files: { '.mllint.yaml': 'cluster: { nodesFile: nodes.yaml }\n' }, link: 'nodes.yaml' },
    { name: '.gitignore', files: {}, link: '.gitignore' },
    { name: '.mllintignore', files: {}, link: 'app/.mllintignore' },
    { name: 'Chart.yaml', files: { 'chart/templates/x.yaml': 'x: {{ .Values.x }}\n' }, link: 'chart/Chart.yaml' },
    { name: 'kustomization', files: { 'k/pod.yaml': pod }, link: 'k/kustomization.yaml' },
    { name: 'kustomize resource', files: { 'k/kustomization.yaml': 'resources: [pod.yaml, linked.yaml]\n', 'k/pod.yaml': pod }, link: 'k/linked.yaml' },
    { name: 'kustomize patch', files: { 'k/kustomization.yaml': 'resources: [pod.yaml]\npatches: [{ path: patch.yaml }]\n', 'k/pod.yaml': pod }, link: 'k/patch.yaml' },
    { name: 'generator file', files: { 'k/kustomization.yaml': 'resources: [pod.yaml]\nconfigMapGenerator: [{ name: g, files: [data.txt] }]\n', 'k/pod.yaml': pod }, link: 'k/data.txt' },
  ];
  let n = 0;
  for (const place of places) {
    for (const target of ['/dev/zero', outside]) {
      it(`${place.name} → ${target === outside ? 'outside file' : target}: not read, not echoed`, () => {
        const dir = path.join(base, `r${++n}`);
        fs.mkdirSync(path.join(dir, '.git'), { recursive: true });
        for (const [rel, content] of Object.entries({ 'app/pod.yaml': pod, ...place.files })) {
          fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
          fs.writeFileSync(path.join(dir, rel), content);
        }
        fs.mkdirSync(path.dirname(path.join(dir, place.link)), { recursive: true });
        fs.symlinkSync(target, path.join(dir, place.link));
        const started = Date.now();
        const outcome = lintPaths(['.'], { cwd: dir, env: {} });
        expect(Date.now() - started).toBeLessThan(20_000);
        const text = JSON.stringify(outcome);
        expect(text).not.toContain(CANARY);
      });
    }
  }
});
