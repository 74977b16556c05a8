/**
 * The GitHub Action's entry (action.yml: `runs: using: node20, main: action/index.mjs`), built by
 * `npm run build:action` into the committed one-file bundle action/index.mjs: nothing is installed or
 * compiled when the action runs.
 *
 * One in-process `mllint check` writes everything: the log format (default `github`: annotations and the
 * job summary in $GITHUB_STEP_SUMMARY) and SARIF for code scanning (`--format sarif=FILE`, default
 * `$RUNNER_TEMP/mllint.sarif`). Outputs (`exit-code`, `sarif-file` as an absolute path, `errors`,
 * `warnings`) go to $GITHUB_OUTPUT. Inputs arrive as INPUT_* environment variables (GitHub's convention:
 * the input name upper-cased, hyphens kept); they become argv entries, never shell code.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from './cli.js';

type Env = Record<string, string | undefined>;

/** An input's value, trimmed (`''` when unset). */
export function actionInput(env: Env, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

export interface ActionPlan {
  /** Absolute working directory. */
  cwd: string;
  argv: string[];
  sarifFile: string;
  failOn: 'error' | 'warning' | 'never';
}

/** Maps the action's inputs to one `mllint check` run; a bad input is a message. */
export function planAction(env: Env, cwd: string): { ok: true; plan: ActionPlan } | { ok: false; message: string } {
  const workspace = path.resolve(cwd, env.GITHUB_WORKSPACE ?? '.');
  const workdir = path.resolve(workspace, actionInput(env, 'working-directory') || '.');
  const failOn = (actionInput(env, 'fail-on') || 'error') as ActionPlan['failOn'];
  if (!['error', 'warning', 'never'].includes(failOn)) return { ok: false, message: `fail-on must be error, warning or never, not "${failOn}"` };
  const format = actionInput(env, 'format') || 'github';
  const paths = (actionInput(env, 'paths') || '.').split(/\s+/).filter(Boolean);
  if (paths.includes('-')) return { ok: false, message: 'paths: "-" (stdin) is not supported in the action' };
  const sarifInput = actionInput(env, 'sarif-file');
  const sarifFile = sarifInput ? path.resolve(workdir, sarifInput) : path.join(env.RUNNER_TEMP || os.tmpdir(), 'mllint.sarif');
  const argv = ['check', '--no-color', '--format', format, '--format', `sarif=${sarifFile}`];
  const config = actionInput(env, 'config');
  if (config) argv.push('--config', config);
  const baseline = actionInput(env, 'baseline');
  if (baseline) argv.push('--baseline', baseline);
  if (failOn === 'warning') argv.push('--max-warnings', '0');
  argv.push('--', ...paths);
  return { ok: true, plan: { cwd: workdir, argv, sarifFile, failOn } };
}

/** Runs the action; returns the process exit code (1 fails the step). */
export async function runAction(env: Env, cwd: string, out: { stdout: (t: string) => void; stderr: (t: string) => void }): Promise<number> {
  const planned = planAction(env, cwd);
  if (!planned.ok) {
    out.stdout(`::error title=mllint::${planned.message}\n`);
    return 1;
  }
  const { plan } = planned;
  // On the 4-core runners large trees would use parse workers, whose script is not in this bundle.
  const runEnv: Env = { ...env, MLLINT_WORKERS: '0' };
  process.env.MLLINT_WORKERS = '0';
  let summary: { errors?: number; warnings?: number } = {};
  const code = await run(plan.argv, {
    stdout: out.stdout,
    stderr: out.stderr,
    readStdin: async () => '',
    cwd: plan.cwd,
    env: runEnv,
    isTTY: false,
  });
  try {
    const log = JSON.parse(fs.readFileSync(plan.sarifFile, 'utf8'));
    const results = (log.runs?.[0]?.results ?? []) as Array<{ level?: string }>;
    summary = { errors: results.filter((r) => r.level === 'error').length, warnings: results.filter((r) => r.level === 'warning').length };
  } catch {
    // no SARIF: the run could not be done (exit 2), already reported
  }
  const outputs = [`exit-code=${code}`, ...(fs.existsSync(plan.sarifFile) ? [`sarif-file=${plan.sarifFile}`] : []), `errors=${summary.errors ?? 0}`, `warnings=${summary.warnings ?? 0}`];
  if (env.GITHUB_OUTPUT) fs.appendFileSync(env.GITHUB_OUTPUT, `${outputs.join('\n')}\n`);
  if (code === 2) return 1;
  if (plan.failOn === 'never') return 0;
  return code === 0 ? 0 : 1;
}
