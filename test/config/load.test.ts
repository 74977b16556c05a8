import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA, compileSchema } from '../../src/config/schema.js';
import { BROKEN_POD, runCli, treesRemovedAfterAll } from '../helpers.js';

const tree = treesRemovedAfterAll();

function imagePinned(stdout: string): Array<{ file: string; severity: string }> {
  return JSON.parse(stdout).findings.filter((f: { ruleId: string }) => f.ruleId === 'image-pinned');
}

async function configError(config: string) {
  const dir = tree({ 'rules.config.yaml': config, 'pod.yaml': BROKEN_POD });
  const r = await runCli(['check'], { cwd: dir });
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  return r.stderr;
}

describe('config', () => {
  it('the shipped JSON Schema compiles', () => {
    expect(typeof compileSchema(CONFIG_SCHEMA)).toBe('function');
  });

  it('an unknown rule is exit 2 with file, line and a hint', async () => {
    expect(await configError('rules:\n  image-pined: error\n')).toBe(
      'mllint: config error: rules.config.yaml:2:3: unknown rule "image-pined" (did you mean "image-pinned"?)\n',
    );
  });

  it('a bad severity is exit 2 with its position', async () => {
    expect(await configError('rules:\n  image-pinned: fatal\n')).toContain('rules.config.yaml:2:17: rule "image-pinned": bad severity "fatal"');
    expect(await configError('rules:\n  image-pinned:\n    severity: loud\n')).toContain('rules.config.yaml:3:15: rule "image-pinned": bad severity "loud"');
  });

  it('a bad option is exit 2 naming the option', async () => {
    expect(await configError('rules:\n  image-pinned:\n    options:\n      requireDigest: "yes please"\n')).toContain(
      'rules.config.yaml:4:22: rule "image-pinned": option requireDigest must be of type boolean',
    );
    expect(await configError('rules:\n  image-pinned:\n    options: { pinEverything: true }\n')).toContain('rules.config.yaml:3:16: rule "image-pinned": unknown option "pinEverything"');
  });

  it('unknown top-level keys and invalid YAML are exit 2 with positions', async () => {
    expect(await configError('rules: {}\nregistery:\n  file: x\n')).toContain('rules.config.yaml:2:1: unknown key "registery"');
    expect(await configError('rules: [\n')).toMatch(/rules\.config\.yaml:\d+:\d+: invalid YAML/);
  });

  it('an unquoted off (a YAML 1.1 boolean) means off', async () => {
    const dir = tree({ 'rules.config.yaml': 'rules:\n  image-pinned: off\n  probes-present:\n    severity: off\n', 'pod.yaml': BROKEN_POD });
    const r = await runCli(['check', '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(imagePinned(r.stdout)).toEqual([]);
  });

  it('--config names a file; a missing one is exit 2', async () => {
    const dir = tree({ 'conf/strict.yaml': 'rules:\n  image-pinned: warning\n', 'pod.yaml': BROKEN_POD });
    const r = await runCli(['check', '--config', 'conf/strict.yaml', '-f', 'json'], { cwd: dir });
    expect(imagePinned(r.stdout).map((f) => f.severity)).toEqual(['warning']);
    const missing = await runCli(['check', '--config', 'nope.yaml'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.yaml: config file not found');
  });

  it('is found in the current directory or a parent up to the repository root', async () => {
    const dir = tree({ '.git/HEAD': 'x', '.mllint.yaml': 'rules:\n  image-pinned: "off"\n', 'gitops/apps/pod.yaml': BROKEN_POD });
    const r = await runCli(['check', '.', '-f', 'json'], { cwd: `${dir}/gitops/apps` });
    expect(r.code).toBe(0);
    expect(imagePinned(r.stdout)).toEqual([]);
  });

  it('ignore globs are relative to the config file', async () => {
    const dir = tree({ 'rules.config.yaml': 'ignore: ["legacy/**"]\n', 'legacy/pod.yaml': BROKEN_POD, 'apps/pod.yaml': BROKEN_POD });
    const r = await runCli(['check', '-f', 'json'], { cwd: dir });
    expect(imagePinned(r.stdout).map((f) => f.file)).toEqual(['apps/pod.yaml']);
  });
});

describe('mllint.io/ignore', () => {
  it('silences the listed rules on that object and counts them as suppressed', async () => {
    const suppressed = BROKEN_POD.replace('  namespace: ml\n', '  namespace: ml\n  annotations:\n    mllint.io/ignore: "probes-present, image-pinned"\n');
    const dir = tree({ 'a.yaml': suppressed, 'b.yaml': BROKEN_POD.replace('name: scorer\n  namespace', 'name: other\n  namespace') });
    const r = await runCli(['check', '-f', 'json'], { cwd: dir });
    const report = JSON.parse(r.stdout);
    expect(report.findings.filter((f: { ruleId: string }) => f.ruleId === 'image-pinned').map((f: { file: string }) => f.file)).toEqual(['b.yaml']);
    expect(report.summary.suppressed).toBeGreaterThanOrEqual(1);
  });
});
