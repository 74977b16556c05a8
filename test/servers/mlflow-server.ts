/**
 * The real MLflow tracking server (PyPI `mlflow`), started by tests on 127.0.0.1 with a SQLite backend,
 * and populated through its own REST API. Found in `.tools/mlflow-venv` (what `.ci/run` installs) or on
 * PATH. Tests that need it skip loudly when it is missing, and fail under CI=true.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The `mlflow` program, or a reason it is missing. */
export function findMlflow(): { ok: true; bin: string } | { ok: false; reason: string } {
  const venv = path.join(ROOT, '.tools', 'mlflow-venv', 'bin', 'mlflow');
  if (fs.existsSync(venv)) return { ok: true, bin: venv };
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'mlflow');
    if (dir && fs.existsSync(candidate)) return { ok: true, bin: candidate };
  }
  return { ok: false, reason: 'the MLflow server is not installed (run .ci/run, or: python3 -m venv .tools/mlflow-venv && .tools/mlflow-venv/bin/pip install mlflow)' };
}

/** Skip (loudly) or, under CI=true, fail when a real server is missing. */
export function requireTool(found: { ok: boolean; reason?: string }, what: string): boolean {
  if (found.ok) return true;
  const reason = `${what} tests cannot run: ${found.reason}`;
  if (process.env.CI === 'true') throw new Error(reason);
  console.warn(`\n*** SKIPPED: ${reason} ***\n`);
  return false;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface MlflowServer {
  url: string;
  dir: string;
  /** Calls the REST API (`api/2.0/mlflow/<endpoint>`) as the admin (with auth) or anonymously. */
  api(method: 'GET' | 'POST' | 'PATCH', endpoint: string, body?: Record<string, unknown>, auth?: { username: string; password: string }): Promise<{ status: number; json: any }>;
  stop(): Promise<void>;
}

export const ADMIN = { username: 'admin', password: 'mllint-admin-password-1' };

/** Starts `mlflow server` (with `--app-name basic-auth` when `auth`), waiting until /health answers. */
export async function startMlflow(bin: string, options: { auth?: boolean } = {}): Promise<MlflowServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mllint-mlflow-'));
  const port = await freePort();
  const env: Record<string, string> = { ...(process.env as Record<string, string>), PYTHONUNBUFFERED: '1' };
  const args = ['server', '--host', '127.0.0.1', '--port', String(port), '--backend-store-uri', `sqlite:///${path.join(dir, 'mlflow.db')}`,
    // Artifacts as `mlflow server` serves them by default (runs' artifact URIs are mlflow-artifacts:/…).
    '--default-artifact-root', 'mlflow-artifacts:/', '--artifacts-destination', path.join(dir, 'artifacts'), '--workers', '1'];
  if (options.auth) {
    const ini = path.join(dir, 'basic_auth.ini');
    fs.writeFileSync(ini, [
      '[mlflow]',
      'default_permission = NO_PERMISSIONS',
      `database_uri = sqlite:///${path.join(dir, 'auth.db')}`,
      `admin_username = ${ADMIN.username}`,
      `admin_password = ${ADMIN.password}`,
      'authorization_function = mlflow.server.auth:authenticate_request_basic_auth',
      '',
    ].join('\n'));
    env.MLFLOW_AUTH_CONFIG_PATH = ini;
    env.MLFLOW_FLASK_SERVER_SECRET_KEY = 'mllint-test-only-csrf-key'; // required by the auth app's CSRF protection
    args.push('--app-name', 'basic-auth');
  }
  const log = fs.openSync(path.join(dir, 'server.log'), 'w');
  const child: ChildProcess = spawn(bin, args, { cwd: dir, env, stdio: ['ignore', log, log], detached: true });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      await new Promise((r) => setTimeout(r, 300));
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    fs.closeSync(log);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) {
      const text = fs.readFileSync(path.join(dir, 'server.log'), 'utf8');
      await stop();
      throw new Error(`mlflow server exited (${child.exitCode}):\n${text.slice(-2000)}`);
    }
    try {
      const res = await fetch(`${url}/health`);
      if (res.status < 500) break; // up (with basic auth, /health may ask for credentials)
    } catch {
      /* not yet */
    }
    if (Date.now() - started > 170_000) {
      await stop();
      throw new Error('mlflow server did not start within 170 s');
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const api: MlflowServer['api'] = async (method, endpoint, body, auth = options.auth ? ADMIN : undefined) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (auth) headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    const target = new URL(`${url}/api/2.0/mlflow/${endpoint}`);
    if (method === 'GET' && body) for (const [k, v] of Object.entries(body)) target.searchParams.set(k, String(v));
    const res = await fetch(target, { method, headers, body: method === 'GET' ? undefined : JSON.stringify(body ?? {}) });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, json };
  };
  return { url, dir, api, stop };
}

/** A run in the Default experiment (`runs/create`), for versions registered from a run: its id and artifact URI. */
export async function createRun(server: MlflowServer): Promise<{ runId: string; artifactUri: string }> {
  const answer = await server.api('POST', 'runs/create', { experiment_id: '0', start_time: Date.now() });
  if (answer.status !== 200) throw new Error(`runs/create: HTTP ${answer.status} ${JSON.stringify(answer.json)}`);
  return { runId: answer.json.run.info.run_id, artifactUri: answer.json.run.info.artifact_uri };
}

/** An MLflow 3 logged model of a run (`POST logged-models`): its id (`m-…`) and artifact URI. */
export async function createLoggedModel(server: MlflowServer, runId: string): Promise<{ modelId: string; artifactUri: string }> {
  const answer = await server.api('POST', 'logged-models', { experiment_id: '0', name: 'model', source_run_id: runId });
  if (answer.status !== 200) throw new Error(`logged-models: HTTP ${answer.status} ${JSON.stringify(answer.json)}`);
  return { modelId: answer.json.model.info.model_id, artifactUri: answer.json.model.info.artifact_uri };
}

/** A registered model with versions (tags), aliases and stages, created through the REST API. */
export async function registerModel(
  server: MlflowServer,
  name: string,
  versions: Array<{ tags?: Record<string, string>; stage?: string; aliases?: string[]; source?: string; runId?: string; modelId?: string }>,
): Promise<void> {
  const must = async (p: Promise<{ status: number; json: any }>, what: string) => {
    const answer = await p;
    if (answer.status !== 200) throw new Error(`${what}: HTTP ${answer.status} ${JSON.stringify(answer.json)}`);
    return answer.json;
  };
  await must(server.api('POST', 'registered-models/create', { name }), `create ${name}`);
  for (const v of versions) {
    const source = v.source ?? `s3://models/${name}/${Math.random().toString(16).slice(2)}`;
    const created = await must(server.api('POST', 'model-versions/create', { name, source, ...(v.runId ? { run_id: v.runId } : {}), ...(v.modelId ? { model_id: v.modelId } : {}) }), 'create version');
    const version = String(created.model_version.version);
    for (const [key, value] of Object.entries(v.tags ?? {})) await must(server.api('POST', 'model-versions/set-tag', { name, version, key, value }), 'set tag');
    for (const alias of v.aliases ?? []) await must(server.api('POST', 'registered-models/alias', { name, alias, version }), 'set alias');
    if (v.stage) await must(server.api('POST', 'model-versions/transition-stage', { name, version, stage: v.stage, archive_existing_versions: false }), 'transition stage');
  }
}
