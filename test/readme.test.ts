/**
 * What the README shows must do what it says: its example `ignore` glob silences the Helm-chart info it
 * is there for.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTree, removeTree, runCli } from './helpers.js';
import { describeHelm } from './render/tools.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeTree));

describe('README examples', () => {
  it('the Configuration example\'s ignore glob silences the Helm chart info', async () => {
    const line = README.split('\n').find((l) => /^ignore: \[/.test(l));
    expect(line, 'README has an `ignore:` example line').toBeDefined();
    const chart = {
      'charts/fraud-scorer/Chart.yaml': 'apiVersion: v2\nname: fraud-scorer\nversion: 0.1.0\n',
      'charts/fraud-scorer/templates/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n',
      'charts/fraud-scorer/templates/_helpers.tpl': '{{- define "x" -}}{{- end -}}\n',
    };
    const without = makeTree(chart);
    const withIgnore = makeTree({ ...chart, '.mllint.yaml': `${line!.replace(/#.*$/, '')}\n` });
    dirs.push(without, withIgnore);
    // --helm off: as without helm installed (with helm, the chart is rendered and linted instead).
    const before = JSON.parse((await runCli(['check', '--no-cache', '--helm', 'off', '-f', 'json', '.'], { cwd: without })).stdout);
    expect(before.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['helm-chart-skipped']);
    const after = await runCli(['check', '--no-cache', '-f', 'json', '.'], { cwd: withIgnore });
    expect(JSON.parse(after.stdout).findings).toEqual([]);
  });
});

describe('README for users', () => {
  it('keeps benchmark internals in docs/performance.md: the Performance section is a short summary that links there', () => {
    const start = README.indexOf('\n## Performance\n');
    expect(start).toBeGreaterThan(0);
    const section = README.slice(start + 1, README.indexOf('\n## ', start + 1));
    expect(section.split('\n').filter((l) => l.trim() !== '').length).toBeLessThanOrEqual(15);
    expect(section).toContain('docs/performance.md');
    expect(fs.existsSync(path.join(ROOT, 'docs', 'performance.md'))).toBe(true);
  });

  it('the quick start is exactly two commands: install and lint the bundled examples, then the whole suite', () => {
    const quick = README.slice(README.indexOf('## Quick start'), README.indexOf('\n## ', README.indexOf('## Quick start') + 1));
    const commands = /```sh\n([\s\S]*?)```/.exec(quick)![1].trim().split('\n');
    expect(commands).toEqual([expect.stringMatching(/^npm ci && node bin\/mllint\.js check .*examples\/manifests$/), 'npm test']);
  });
});

describe('README usage', () => {
  it('the options table of check lists every option `mllint check --help` shows, and Usage every command', async () => {
    const help = (await runCli(['check', '--help'], { cwd: ROOT })).stdout;
    const options = [...help.matchAll(/^ {2}(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]).filter((o) => o !== '--help');
    expect(options.length).toBeGreaterThan(20);
    const start = README.indexOf('Options of `check`:');
    const table = README.slice(start, README.indexOf('\n\n', README.indexOf('| option |', start)));
    for (const option of options) expect(table, option).toContain(`${option}`);
    const commands = [...(await runCli(['--help'], { cwd: ROOT })).stdout.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]).filter((c) => c !== 'help');
    const usage = README.slice(README.indexOf('## Usage'), start);
    for (const command of commands) expect(usage, command).toContain(`mllint ${command}`);
  });
});

describe('README links', () => {
  it('every #anchor link names a heading of the README (GitHub\'s slugs), and every relative file link exists', () => {
    const slugs = new Set(
      [...README.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1].trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-')),
    );
    const anchors = [...README.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(anchors.length).toBeGreaterThan(5);
    for (const anchor of anchors) expect(slugs.has(anchor), `#${anchor}`).toBe(true);
    const files = [...README.matchAll(/\]\((?!#|https?:)([^)#\s]+)(#[^)]*)?\)/g)].map((m) => m[1]);
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) expect(fs.existsSync(path.join(ROOT, file)), file).toBe(true);
  });
});

describe('config schema', () => {
  it('has a resolvable $id: the raw file of this repository (from package.json) at this version\'s tag, shown in the README', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'config.schema.json'), 'utf8'));
    const registry = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'registry.schema.json'), 'utf8'));
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const repo = /github\.com\/([^/]+\/[^/.]+)/.exec(pkg.repository.url)![1];
    expect(schema.$id).toBe(`https://raw.githubusercontent.com/${repo}/v${pkg.version}/schemas/config.schema.json`);
    expect(registry.$id).toBe(`https://raw.githubusercontent.com/${repo}/v${pkg.version}/schemas/registry.schema.json`);
    expect(README).toContain(`# yaml-language-server: $schema=${schema.$id}`);
  });
});

/**
 * README blocks that show a run (`$ mllint check …` on a tree of this repository) are what that run prints:
 * for each file the block shows, the same findings in the same order — location, severity, rule, the object
 * line under each — with only these cuts allowed: `…/` for leading folders, `…` for the rest of a message.
 */
describeHelm('README sample outputs are real output', () => {
  const blocks = [...README.matchAll(/```\n(\$ mllint check [^\n]*)\n([\s\S]*?)```/g)]
    .map(([, command, body]) => ({ args: command.replace(/^\$ mllint /, '').split(/\s+/), body }))
    .filter(({ args }) => args.filter((a, i) => !a.startsWith('-') && !args[i - 1]?.startsWith('--config') && a !== 'check').every((p) => fs.existsSync(path.join(ROOT, p))));

  it('has such a block (the GitOps example)', () => {
    expect(blocks.map((b) => b.args.join(' '))).toContain('check --config examples/gitops/.mllint.yaml examples/gitops');
  });

  interface Shown { location: string; severity: string; message: string; ruleId: string; object?: string }
  /** Stylish output (or a README copy of it) by file: each finding line and the object line under it. */
  const byFile = (text: string): Map<string, Shown[]> => {
    const files = new Map<string, Shown[]>();
    let current: Shown[] | undefined;
    for (const line of text.split('\n')) {
      const finding = /^ {2}(\S+)\s+(error|warning|info)\s+(.*?)\s{2}([a-z0-9-]+)$/.exec(line);
      if (/^\S/.test(line) && !/^[✖✔]|^by rule|rules? (?:was|were) idle/.test(line)) files.set(line.trim(), (current = []));
      else if (finding && current) current.push({ location: finding[1], severity: finding[2], message: finding[3], ruleId: finding[4] });
      else if (/^ {6}\S/.test(line) && current?.length) current[current.length - 1].object = line.trim();
    }
    return files;
  };
  /** Whether `shown` is `real` with `…` standing for any text (and `…/` for leading folders). */
  const cutOf = (shown: string, real: string) => {
    let at = 0;
    for (const part of shown.split(/…\/?/)) {
      const found = real.indexOf(part.trim(), at);
      if (found === -1) return false;
      at = found + part.trim().length;
    }
    return shown.endsWith('…') || at === real.length;
  };

  it.each(blocks.map((b) => [b.args.join(' '), b] as const))('%s', async (_name, block) => {
    const run = await runCli([...block.args, '--no-cache', '--no-color'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '' } });
    const real = byFile(run.stdout);
    const shown = byFile(block.body.replace(/^\$ .*\n/, ''));
    expect(shown.size).toBeGreaterThan(0);
    for (const [file, findings] of shown) {
      const actual = real.get(file);
      expect(actual, `${file} is in the real output`).toBeDefined();
      expect(findings.map((f) => `${f.severity} ${f.ruleId}`), `${file}: every finding, in order`).toEqual(actual!.map((f) => `${f.severity} ${f.ruleId}`));
      findings.forEach((f, i) => {
        const a = actual![i];
        expect(cutOf(f.location, a.location), `${f.location} ~ ${a.location}`).toBe(true);
        expect(cutOf(f.message, a.message), `${f.message}\n  ~ ${a.message}`).toBe(true);
        expect(f.object === undefined ? undefined : cutOf(f.object, a.object ?? ''), `object line of ${f.location}`).toBe(a.object === undefined ? undefined : true);
      });
    }
  }, 120_000);
});
