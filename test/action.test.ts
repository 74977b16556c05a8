/**
 * The GitHub Action as the runner runs it: `node action/index.mjs` (the committed bundle, action.yml's
 * `main`) with the runner's environment — GITHUB_WORKSPACE, RUNNER_TEMP, GITHUB_STEP_SUMMARY,
 * GITHUB_OUTPUT, INPUT_* — and a PATH where npm cannot be found, from a copy of the files a runner's checkout
 * of the action holds (no node_modules, no dist/: the bundle must carry all it loads). One run gives annotations, the job
 * summary, outputs and SARIF that passes Microsoft's SARIF Multitool with GitHub's ingestion rules; its
 * findings are the CLI's.
 *
 * Whether the committed bundle is current is not checked here (src/ changes all the time): CI runs
 * `npm run check:action`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import jsYaml from 'js-yaml';
import { planAction } from '../src/action.js';
import { MULTITOOL, validateSarif } from './sarif-multitool.js';

const root = path.resolve(__dirname, '..');
const BUNDLE = path.join(root, 'action', 'index.mjs');
const action = jsYaml.load(fs.readFileSync(path.join(root, 'action.yml'), 'utf8')) as any;
const INPUTS = ['paths', 'config', 'format', 'fail-on', 'sarif-file', 'baseline', 'working-directory'];
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'mllint-action-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

/** The action as a runner checks it out (committed files the bundle reads; no node_modules, no dist/): its bundle. */
function checkedOutBundle(): string {
  const checkout = path.join(temp, 'action-checkout');
  if (!fs.existsSync(checkout)) for (const entry of ['action.yml', 'action', 'package.json', 'schemas', 'packs']) fs.cpSync(path.join(root, entry), path.join(checkout, entry), { recursive: true });
  return path.join(checkout, 'action', 'index.mjs');
}

/** A PATH with node and kubectl only (no npm, npx or tsc), as links in a folder of its own. */
function bareBin(): string {
  const bin = path.join(temp, 'bin');
  if (fs.existsSync(bin)) return bin;
  fs.mkdirSync(bin);
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  const kubectl = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).stdout.trim();
  if (kubectl) fs.symlinkSync(kubectl, path.join(bin, 'kubectl'));
  return bin;
}

interface RunnerRun {
  status: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  workspace: string;
}

/** One step on a simulated runner: a fresh workspace holding `tree` (folder in the workspace → source; examples/ by default), the inputs as INPUT_* variables. */
function runStep(inputs: Record<string, string>, tree: Record<string, string> = { examples: path.join(root, 'examples') }): RunnerRun {
  const job = fs.mkdtempSync(path.join(temp, 'job-'));
  const workspace = path.join(job, 'workspace');
  for (const [name, source] of Object.entries(tree)) fs.cpSync(source, path.join(workspace, name), { recursive: true });
  const runnerTemp = path.join(job, 'runner-temp');
  fs.mkdirSync(runnerTemp);
  const env: Record<string, string> = {
    PATH: bareBin(),
    HOME: job,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: 'acme/ml-gitops',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    RUNNER_TEMP: runnerTemp,
    GITHUB_STEP_SUMMARY: path.join(runnerTemp, 'step_summary'),
    GITHUB_OUTPUT: path.join(runnerTemp, 'output'),
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  fs.writeFileSync(env.GITHUB_STEP_SUMMARY, '');
  fs.writeFileSync(env.GITHUB_OUTPUT, '');
  // As the runner does: node runs the action's main from the workspace.
  const run = spawnSync(process.execPath, [checkedOutBundle()], { cwd: workspace, env, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  const outputs = Object.fromEntries(
    fs.readFileSync(env.GITHUB_OUTPUT, 'utf8').split('\n').filter(Boolean).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, outputs, summary: fs.readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8'), workspace };
}

describe('action.yml', () => {
  it('is a JavaScript action on node20 whose main is the committed bundle', () => {
    expect(action.runs).toEqual({ using: 'node20', main: 'action/index.mjs' });
    expect(fs.existsSync(BUNDLE)).toBe(true);
    expect(Object.keys(action.inputs).sort()).toEqual([...INPUTS].sort());
    for (const name of INPUTS) expect(action.inputs[name].description.length, name).toBeGreaterThan(10);
    expect(Object.keys(action.outputs).sort()).toEqual(['errors', 'exit-code', 'sarif-file', 'warnings']);
  });

  it('maps inputs to one mllint run, never to shell code', () => {
    const planned = planAction(
      { GITHUB_WORKSPACE: '/ws', RUNNER_TEMP: '/rt', 'INPUT_PATHS': 'a b\n$(touch x)', 'INPUT_FAIL-ON': 'warning', 'INPUT_WORKING-DIRECTORY': 'gitops', 'INPUT_CONFIG': 'c.yaml' },
      '/elsewhere',
    );
    expect(planned.ok).toBe(true);
    if (!planned.ok) return;
    expect(planned.plan.cwd).toBe('/ws/gitops');
    expect(planned.plan.sarifFile).toBe('/rt/mllint.sarif');
    expect(planned.plan.argv).toEqual(['check', '--no-color', '--format', 'github', '--format', 'sarif=/rt/mllint.sarif', '--config', 'c.yaml', '--max-warnings', '0', '--', 'a', 'b', '$(touch', 'x)']);
    expect(planAction({ 'INPUT_FAIL-ON': 'sometimes' }, '/').ok).toBe(false);
  });
});

describe('the action on a simulated runner (committed bundle, no npm)', () => {
  it('one run: annotations, job summary, outputs, and SARIF that passes the Multitool with the GitHub rules', () => {
    expect(spawnSync('sh', ['-c', 'command -v npm'], { env: { PATH: bareBin() } }).status).not.toBe(0);
    const run = runStep({ paths: 'manifests/bad', config: 'manifests/rules.config.yaml', 'working-directory': 'examples', 'fail-on': 'error', format: 'github' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1); // error findings fail the step
    expect(run.outputs['exit-code']).toBe('1');
    expect(Number(run.outputs.errors)).toBeGreaterThan(0);
    // Annotations name files from the workspace root, whatever the working directory.
    expect(run.stdout).toMatch(/^::error file=examples\/manifests\/bad\/image-pinned\.yaml,line=19,col=18,/m);
    expect(run.summary).toContain('## mllint');
    expect(run.summary).toContain('https://github.com/acme/ml-gitops/blob/0123456789abcdef0123456789abcdef01234567/examples/manifests/bad/');
    // The sarif-file output is absolute, valid from any working directory.
    const sarifFile = run.outputs['sarif-file'];
    expect(path.isAbsolute(sarifFile)).toBe(true);
    expect(path.basename(sarifFile)).toBe('mllint.sarif');
    const sarif = JSON.parse(fs.readFileSync(sarifFile, 'utf8'));
    const results = sarif.runs[0].results as Array<{ ruleId: string; locations: any[] }>;
    expect(results.filter((r) => r.ruleId !== 'schema-valid').length).toBeGreaterThan(10);
    expect(results[0].locations[0].physicalLocation.artifactLocation.uri).toMatch(/^examples\/manifests\/bad\//);
    if (MULTITOOL) {
      const problems = validateSarif({ action: sarif });
      expect(problems.map((p) => `${p.level} ${p.ruleId}: ${p.message}`)).toEqual([]);
    }

    // The same findings as the CLI (the bundle carries the lazily loaded modules: schemas, cron parser, CEL).
    const cli = spawnSync(process.execPath, [path.join(root, 'bin', 'mllint.js'), 'check', '--no-cache', '-f', 'json', '--config', 'manifests/rules.config.yaml', 'manifests/bad'], {
      cwd: path.join(root, 'examples'),
      encoding: 'utf8',
      env: { ...process.env, MLLINT_HELM_COMMAND: '/nonexistent/helm' }, // the simulated runner has no helm
    });
    const cliFindings = JSON.parse(cli.stdout).findings as Array<{ ruleId: string; line: number; file: string }>;
    const key = (ruleId: string, file: string, line: number) => `${ruleId} ${file.replace(/^examples\//, '')}:${line}`;
    expect(results.map((r) => key(r.ruleId, r.locations[0].physicalLocation.artifactLocation.uri, r.locations[0].physicalLocation.region.startLine)).sort())
      .toEqual(cliFindings.map((f) => key(f.ruleId, f.file, f.line)).sort());
  }, 180_000);

  it('judges a tree as the CLI does, Prometheus Operator kinds included (every model the CLI loads is in the bundle)', () => {
    const run = runStep({ paths: 'parity', format: 'json', 'fail-on': 'never' }, { parity: path.join(root, 'test', 'fixtures', 'action-parity') });
    expect(run.stderr).toBe('');
    const cli = spawnSync(process.execPath, [path.join(root, 'bin', 'mllint.js'), 'check', '--no-cache', '-f', 'json', 'parity'], {
      cwd: run.workspace,
      encoding: 'utf8',
      env: { ...process.env, MLLINT_HELM_COMMAND: '/nonexistent/helm' },
    });
    type Finding = { ruleId: string; severity: string; file: string; line: number; message: string };
    const key = (f: Finding) => `${f.ruleId} ${f.severity} ${f.file}:${f.line} ${f.message}`;
    const cliFindings = (JSON.parse(cli.stdout).findings as Finding[]).map(key).sort();
    // The CLI does judge the monitors (so equal lists mean something): a typo, a wrong type, a pattern.
    expect(cliFindings.filter((k) => k.startsWith('schema-valid error parity/monitoring.yaml:'))).toEqual([
      'schema-valid error parity/monitoring.yaml:13 unknown field "intervall" in spec.endpoints[0] (did you mean "interval"?); the API rejects it, or drops it when unknown fields are pruned',
      'schema-valid error parity/monitoring.yaml:24 spec.podMetricsEndpoints must be array',
      'schema-valid error parity/monitoring.yaml:35 spec.groups[0].partial_response_strategy must match pattern "^(?i)(abort|warn)?$"',
    ]);
    expect((JSON.parse(run.stdout).findings as Finding[]).map(key).sort()).toEqual(cliFindings);
  }, 120_000);

  it('fail-on never passes with findings; a sarif-file input is resolved against working-directory', () => {
    const run = runStep({ paths: 'manifests/bad', config: 'manifests/rules.config.yaml', 'working-directory': 'examples', 'fail-on': 'never', 'sarif-file': 'reports/mllint.sarif' });
    expect(run.status).toBe(0);
    expect(run.outputs['exit-code']).toBe('1');
    expect(run.outputs['sarif-file']).toMatch(/workspace\/examples\/reports\/mllint\.sarif$/);
    expect(fs.existsSync(run.outputs['sarif-file'])).toBe(true);
  }, 120_000);

  it('a clean tree passes with fail-on warning; a typo in paths fails the step (exit 2)', () => {
    const clean = runStep({ paths: 'examples/manifests/good', config: 'examples/manifests/rules.config.yaml', 'fail-on': 'warning' });
    expect(clean.status, clean.stdout + clean.stderr).toBe(0);
    expect(clean.outputs['exit-code']).toBe('0');
    const typo = runStep({ paths: 'examples/manifest/good' });
    expect(typo.status).toBe(1);
    expect(typo.outputs['exit-code']).toBe('2');
  }, 120_000);
});
