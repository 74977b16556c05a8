/**
 * action.yml: a composite action whose inputs all reach the run step (as environment variables, never
 * spliced into shell code), and whose script maps them to the CLI — run here for real on the built CLI.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import jsYaml from 'js-yaml';
import { RULES } from '../src/rules/index.js';

const root = path.resolve(__dirname, '..');
const action = jsYaml.load(fs.readFileSync(path.join(root, 'action.yml'), 'utf8')) as any;
const script = fs.readFileSync(path.join(root, 'scripts/action-run.sh'), 'utf8');
const INPUTS = ['paths', 'config', 'format', 'fail-on', 'sarif-file', 'baseline', 'working-directory'];

describe('action.yml', () => {
  it('is a composite action with the documented inputs', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs).sort()).toEqual([...INPUTS].sort());
    for (const name of INPUTS) expect(action.inputs[name].description.length, name).toBeGreaterThan(10);
    expect(action.inputs.format.default).toBe('github');
    expect(action.inputs['fail-on'].default).toBe('error');
  });

  it('installs with npm ci in the action path (prepare builds dist) and wires every input to the script', () => {
    const [install, check] = action.runs.steps;
    expect(install['working-directory']).toBe('${{ github.action_path }}');
    expect(install.run).toMatch(/^npm ci\b/);
    expect(check['working-directory']).toBe('${{ inputs.working-directory }}');
    for (const name of INPUTS.filter((n) => n !== 'working-directory')) {
      const variable = `MLLINT_${name.toUpperCase().replace(/-/g, '_')}`;
      expect(check.env[variable], variable).toBe(`\${{ inputs.${name} }}`);
      expect(script, variable).toContain(`MLLINT_${name.toUpperCase().replace(/-/g, '_')}`);
    }
    for (const step of action.runs.steps) expect(step.run, 'inputs must not be spliced into shell code').not.toMatch(/\$\{\{/);
    expect(action.outputs['exit-code'].value).toBe('${{ steps.check.outputs.exit-code }}');
  });
});

describe('the README example workflow', () => {
  it('parses, uses only inputs the action has, and skips the SARIF upload on forks', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const block = /```yaml\n(# \.github\/workflows\/mllint\.yml\n[\s\S]*?)```/.exec(readme);
    expect(block, 'README has the example workflow').not.toBeNull();
    const workflow = jsYaml.load(block![1]) as any;
    const steps = workflow.jobs.mllint.steps as any[];
    const mllint = steps.find((s) => /\/mllint@/.test(s.uses ?? ''));
    for (const input of Object.keys(mllint.with)) expect(Object.keys(action.inputs), input).toContain(input);
    const upload = steps.find((s) => /codeql-action\/upload-sarif/.test(s.uses ?? ''));
    expect(upload.with.sarif_file).toBe(mllint.with['sarif-file']);
    expect(upload.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
    expect(workflow.jobs.mllint.permissions['security-events']).toBe('write');
  });
});

describe('scripts/action-run.sh (the action step, on the built CLI)', () => {
  const built = fs.existsSync(path.join(root, 'dist/cli.js'));
  const workspace = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mllint-action-'));
    fs.mkdirSync(path.join(dir, 'manifests'));
    fs.copyFileSync(path.join(root, 'examples/manifests/bad/image-pinned.yaml'), path.join(dir, 'manifests/app.yaml'));
    fs.writeFileSync(path.join(dir, 'manifests/README.yaml'), '# not a manifest\n');
    // image-pinned as a warning, everything else off: one warning and nothing else.
    const rules = RULES.map((r) => `  ${r.meta.id}: ${r.meta.id === 'image-pinned' ? 'warning' : '"off"'}\n`).join('');
    fs.writeFileSync(path.join(dir, 'warn.yaml'), `rules:\n${rules}`);
    return dir;
  };
  const step = (dir: string, env: Record<string, string>) => {
    const out = path.join(dir, 'github-output');
    fs.writeFileSync(out, '');
    const run = spawnSync('bash', [path.join(root, 'scripts/action-run.sh')], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? dir, MLLINT_HOME: root, GITHUB_OUTPUT: out, MLLINT_FORMAT: 'github', MLLINT_FAIL_ON: 'error', ...env },
    });
    return { code: run.status, stdout: run.stdout, stderr: run.stderr, outputs: fs.readFileSync(out, 'utf8') };
  };

  it.runIf(built)('fail-on maps to the exit code: error passes a warning, warning fails it, never passes errors', () => {
    const dir = workspace();
    const base = { MLLINT_PATHS: 'manifests', MLLINT_CONFIG: 'warn.yaml' };
    const onError = step(dir, { ...base, MLLINT_FAIL_ON: 'error' });
    expect(onError.code, onError.stderr).toBe(0);
    expect(onError.stdout).toMatch(/^::warning file=manifests\/app\.yaml,line=19,col=18,/m);
    const onWarning = step(dir, { ...base, MLLINT_FAIL_ON: 'warning' });
    expect(onWarning.code).toBe(1);
    expect(onWarning.outputs).toContain('exit-code=1');
    const never = step(dir, { MLLINT_PATHS: 'manifests', MLLINT_FAIL_ON: 'never' });
    expect(never.code).toBe(0);
    expect(never.stdout).toMatch(/^::error /m);
    expect(never.outputs).toContain('exit-code=1');
  });

  it.runIf(built)('writes SARIF too, splits paths on spaces and newlines, and still fails a run that cannot be done', () => {
    const dir = workspace();
    const sarif = step(dir, { MLLINT_PATHS: 'manifests/app.yaml\n manifests/README.yaml', MLLINT_CONFIG: 'warn.yaml', MLLINT_SARIF_FILE: 'out/mllint.sarif' });
    expect(sarif.code, sarif.stderr).toBe(0);
    const log = JSON.parse(fs.readFileSync(path.join(dir, 'out/mllint.sarif'), 'utf8'));
    expect(log.runs[0].results.map((r: any) => r.ruleId)).toEqual(['image-pinned']);
    expect(sarif.outputs).toContain('sarif-file=out/mllint.sarif');
    expect(step(dir, { MLLINT_PATHS: 'missing-dir', MLLINT_FAIL_ON: 'never' }).code).toBe(2);
    const badInput = step(dir, { MLLINT_PATHS: 'manifests', MLLINT_FAIL_ON: 'sometimes' });
    expect(badInput.code).toBe(2);
    expect(badInput.stdout).toContain('::error title=mllint::input fail-on must be error, warning or never');
  });
});
