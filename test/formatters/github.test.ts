/**
 * `--format github`: workflow commands in GitHub's exact syntax (with its escaping), and the Markdown
 * job summary appended to `$GITHUB_STEP_SUMMARY` by the CLI.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import formatGithub, { escapeData, escapeProperty } from '../../src/formatters/github.js';
import { normalizeReport } from '../../src/formatters/index.js';
import type { LintResult } from '../../src/types.js';
import { runCli } from './run-cli.js';

const root = path.resolve(__dirname, '../..');

const result: LintResult = {
  findings: [
    {
      ruleId: 'image-pinned', severity: 'error', message: 'container "scorer" uses image "a:latest"; pin a version tag or digest',
      file: 'apps/fraud, v2/deploy.yaml', line: 23, column: 18, endLine: 23, endColumn: 37,
      resource: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'fraud-scorer', namespace: 'ml' },
      path: 'spec.template.spec.containers[0].image', fix: 'Pin it',
    },
    { ruleId: 'pdb-present', severity: 'warning', message: '100% of\nreplicas | unprotected', file: 'apps/x.yaml', line: 1, column: 1, endLine: 1, endColumn: 5 },
    { ruleId: 'helm-chart-skipped', severity: 'info', message: 'skipped', file: 'charts/a/templates', line: 1, column: 1, endLine: 1, endColumn: 1 },
  ],
  summary: { files: 3, resources: 4, errors: 1, warnings: 1, infos: 1, suppressed: 0 },
};

describe('github format', () => {
  it('escapes data and properties as GitHub requires', () => {
    expect(escapeData('50%\r\nnext: a,b')).toBe('50%25%0D%0Anext: a,b');
    expect(escapeProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
  });

  it('prints one workflow command per finding, by severity', () => {
    const { output, files } = normalizeReport(formatGithub(result, { color: false, cwd: '/repo', repoRoot: '/repo', env: {}, version: '1' }));
    const lines = output.trimEnd().split('\n');
    expect(lines[0]).toBe(
      '::error file=apps/fraud%2C v2/deploy.yaml,line=23,col=18,endLine=23,endColumn=37,title=mllint image-pinned::container "scorer" uses image "a:latest"; pin a version tag or digest%0AObject: Deployment ml/fraud-scorer%0APin it',
    );
    expect(lines[1]).toBe('::warning file=apps/x.yaml,line=1,col=1,endLine=1,endColumn=5,title=mllint pdb-present::100%25 of%0Areplicas | unprotected');
    expect(lines[2]).toMatch(/^::notice file=charts\/a\/templates,line=1,/);
    for (const line of lines.slice(0, 3)) expect(line).toMatch(/^::(error|warning|notice) (\w+=[^,:]*)(,\w+=[^,:]*)*::[^\n]*$/);
    expect(files).toEqual([]);
  });

  it('names files relative to the repository root', () => {
    const { output } = normalizeReport(formatGithub(result, { color: false, cwd: '/repo/gitops', repoRoot: '/repo', env: {}, version: '1' }));
    expect(output).toContain('::warning file=gitops/apps/x.yaml,');
  });

  it('returns a job summary for $GITHUB_STEP_SUMMARY: counts per severity and rule, every finding', () => {
    const env = { GITHUB_STEP_SUMMARY: '/tmp/summary.md', GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/gitops', GITHUB_SHA: 'abc123' };
    const { files } = normalizeReport(formatGithub(result, { color: false, cwd: '/repo', repoRoot: '/repo', env, version: '1' }));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ path: '/tmp/summary.md', append: true });
    const md = files[0].content;
    expect(md).toContain('**3 problem(s)**');
    expect(md).toContain('| error | 1 |');
    expect(md).toContain('| warning | 1 |');
    expect(md).toMatch(/\| \[image-pinned\]\(https:\/\/[^)]+rules\.md#image-pinned\) \| 1 \| 0 \| 0 \|/);
    expect(md).toContain('| [pdb-present](');
    expect(md).toContain('[apps/fraud, v2/deploy.yaml:23:18](https://github.com/acme/gitops/blob/abc123/apps/fraud%2C%20v2/deploy.yaml#L23)');
    expect(md).toContain('100% of replicas \\| unprotected');
    const tableRows = md.split('\n').filter((l) => /^\| (error|warning|info) \| [`[]/.test(l));
    expect(tableRows).toHaveLength(3);
  });

  it('keeps the job summary under GitHub\'s 1 MiB limit', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => ({ ...result.findings[0], line: i + 1, message: `${'long message '.repeat(5)}${i}` }));
    const { files } = normalizeReport(formatGithub({ findings: many, summary: { ...result.summary, errors: many.length, warnings: 0, infos: 0 } }, { color: false, cwd: '/repo', repoRoot: '/repo', env: { GITHUB_STEP_SUMMARY: '/s' }, version: '1' }));
    expect(Buffer.byteLength(files[0].content)).toBeLessThan(1024 * 1024);
    expect(files[0].content).toMatch(/… and \d+ more finding\(s\)/);
    expect(files[0].content).toContain('| error | 20000 |');
  });

  it('the CLI prints the annotations and appends the summary to $GITHUB_STEP_SUMMARY', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mllint-gh-'));
    const summary = path.join(dir, 'step-summary.md');
    fs.writeFileSync(summary, '# earlier step\n');
    const out = await runCli(['check', '--format', 'github', 'examples/manifests/bad/image-pinned.yaml'], { cwd: root, env: { GITHUB_STEP_SUMMARY: summary } });
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/^::warning file=examples\/manifests\/bad\/image-pinned\.yaml,line=19,col=18,endLine=19,endColumn=61,title=mllint image-pinned::container "scorer"/m);
    expect(out.stdout).toMatch(/^::error file=examples\/manifests\/bad\/image-pinned\.yaml,line=27,col=18,endLine=27,endColumn=70,title=mllint image-pinned::init container "fetch-model"/m);
    const md = fs.readFileSync(summary, 'utf8');
    expect(md.startsWith('# earlier step\n## mllint')).toBe(true);
    expect(md).toContain('| error | examples/manifests/bad/image-pinned.yaml:27:18 | image-pinned |');
    expect(md).toContain('| warning | examples/manifests/bad/image-pinned.yaml:19:18 | image-pinned |');
  });

  it('without $GITHUB_STEP_SUMMARY writes no file, and a clean run says so', async () => {
    const out = await runCli(['check', '--format', 'github', 'examples/manifests/good'], { cwd: root, env: {} });
    expect(out.code).toBe(0);
    expect(out.stdout).not.toMatch(/^::/m);
    const { files } = normalizeReport(formatGithub({ findings: [], summary: { files: 1, resources: 1, errors: 0, warnings: 0, infos: 0, suppressed: 0 } }, { color: false, cwd: '/r', env: { GITHUB_STEP_SUMMARY: '/s' }, version: '1' }));
    expect(files[0].content).toContain('No problems');
  });
});
