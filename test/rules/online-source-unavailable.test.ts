/**
 * online-source-unavailable: a configured source that fails gives exactly one warning, within the
 * budget, without credentials in any output; `--offline` opens no connection at all. The broken
 * servers here are loopback listeners that refuse, never answer, answer garbage or present an
 * untrusted certificate (the real MLflow server's 401/403 are in test/sources/mlflow.test.ts).
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTree, removeTree, runCli } from '../helpers.js';
import { freePort } from '../servers/mlflow-server.js';
import { MULTITOOL, validateSarif } from '../sarif-multitool.js';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml-serving-prod }
spec:
  selector: { matchLabels: { app: scorer } }
  template:
    metadata: { labels: { app: scorer } }
    spec:
      containers:
        - name: scorer
          image: registry.example.com/ml/fraud-scorer:3.0.1
          env:
            - { name: MODEL_URI, value: "models:/fraud/3" }
            - { name: OTHER_MODEL, value: "x" }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer-b, namespace: ml-serving-prod }
spec:
  selector: { matchLabels: { app: scorer-b } }
  template:
    metadata: { labels: { app: scorer-b } }
    spec:
      containers:
        - name: scorer
          image: registry.example.com/ml/churn:1.0.0
          env:
            - { name: MODEL_URI, value: "models:/churn@champion" }
`;

const dirs: string[] = [];
const closers: Array<() => void> = [];
afterAll(() => {
  dirs.forEach(removeTree);
  closers.forEach((c) => c());
});
function tree(files: Record<string, string> = {}): string {
  const dir = makeTree({ '.git/HEAD': 'ref: refs/heads/main\n', 'deploy.yaml': DEPLOYMENT, ...files });
  dirs.push(dir);
  return dir;
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  return (server.address() as net.AddressInfo).port;
}

/** A loopback server that accepts connections and never answers; counts them. */
async function silentServer(): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    connections++;
    sockets.push(socket);
  });
  closers.push(() => sockets.forEach((s) => s.destroy()));
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, connections: () => connections };
}

/** An HTTP server answering every request with `status` and `body`; records the Authorization headers. */
async function answeringServer(status: number, body: string): Promise<{ url: string; authorizations: Array<string | undefined> }> {
  const authorizations: Array<string | undefined> = [];
  const server = http.createServer((req, res) => {
    authorizations.push(req.headers.authorization);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, authorizations };
}

/**
 * How long the same run takes with --offline (starting Node and linting, on this machine under its current
 * load): a run against a silent source must end within that plus the budget plus a margin.
 */
async function elapsedOffline(dir: string): Promise<number> {
  const started = Date.now();
  await runCli(['check', '--format', 'json', '--no-cache', '--offline'], { cwd: dir });
  return Date.now() - started;
}

const warningsOf = (stdout: string) => (JSON.parse(stdout).findings as any[]).filter((f) => f.ruleId === 'online-source-unavailable');
const check = (dir: string, args: string[], env: Record<string, string> = {}) => runCli(['check', '--format', 'json', '--no-cache', ...args], { cwd: dir, env });

describe('online-source-unavailable', () => {
  it('connection refused: one warning, exit 0, the other rules still run', async () => {
    const port = await freePort();
    const out = await check(tree(), ['--mlflow-url', `http://127.0.0.1:${port}`]);
    const warnings = warningsOf(out.stdout);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      severity: 'warning',
      message: `MLflow registry at http://127.0.0.1:${port} unreachable: connection refused; version checks skipped (set by --mlflow-url)`,
    });
    expect(out.code).toBe((await check(tree(), ['--offline'])).code);
    // The alias warning needs no registry and is still given.
    expect((JSON.parse(out.stdout).findings as any[]).some((f) => f.ruleId === 'model-version-matches-registry' && f.line === 28)).toBe(true);
  });

  it('a server that never answers: the run ends within timeouts.onlineSeconds, with one warning', async () => {
    const silent = await silentServer();
    const dir = tree({ '.mllint.yaml': 'timeouts: { onlineSeconds: 1.5 }\n' });
    const base = await elapsedOffline(dir);
    const started = Date.now();
    const out = await check(dir, ['--mlflow-url', silent.url]);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(base + 1500 + 1500);
    const warnings = warningsOf(out.stdout);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toMatch(/did not answer in time \(timeouts\.onlineSeconds\); version checks skipped \(set by --mlflow-url\)$/);
    expect(silent.connections()).toBeGreaterThan(0);
  });

  it.each([
    ['not JSON', 200, '<html>proxy login</html>', /answered with something that is not JSON \(HTTP 200\)/],
    ['JSON of another shape', 200, '{"model_version": "four"}', /unexpected answer from registered-models\/alias/],
    ['a server error', 503, '{"error_code":"TEMPORARILY_UNAVAILABLE"}', /HTTP 503 for registered-models\/alias \(TEMPORARILY_UNAVAILABLE\)/],
    ['another service at that URL', 404, '{"detail":"Not Found"}', /HTTP 404 for registered-models\/alias: is this an MLflow tracking server\?/],
  ])('a malformed answer (%s): one warning', async (_name, status, body, message) => {
    const server = await answeringServer(status, body);
    const dir = tree({ '.mllint.yaml': 'registry:\n  mlflow:\n    aliasByNamespace: { "*": champion }\n' });
    const out = await check(dir, ['--mlflow-url', server.url]);
    const warnings = warningsOf(out.stdout);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toMatch(message);
    expect(out.code).toBe((await check(dir, ['--offline'])).code);
  });

  it('with a registry file too, the warning says the snapshot is used, and the snapshot is', async () => {
    const port = await freePort();
    const dir = tree({
      '.mllint.yaml': 'registry:\n  file: model-registry.yaml\n',
      'model-registry.yaml': 'models:\n  fraud:\n    stages: { production: "4" }\n',
    });
    const out = await check(dir, ['--mlflow-url', `http://127.0.0.1:${port}`]);
    expect(warningsOf(out.stdout).map((w) => w.message)).toEqual([
      `MLflow registry at http://127.0.0.1:${port} unreachable: connection refused; version checks use the snapshot model-registry.yaml (set by --mlflow-url)`,
    ]);
    const findings = (JSON.parse(out.stdout).findings as any[]).filter((f) => f.ruleId === 'model-version-matches-registry' && f.severity === 'error');
    expect(findings.map((f) => f.line)).toEqual([13]);
  });

  it('the warning sits at the line of the config that named the source', async () => {
    const port = await freePort();
    const dir = tree({ '.mllint.yaml': `# team config\nregistry:\n  mlflow:\n    url: http://127.0.0.1:${port}\n` });
    const out = await check(dir, [], { MLFLOW_TRACKING_URI: `http://127.0.0.1:${port}` });
    expect(warningsOf(out.stdout).map((w) => [w.file, w.line])).toEqual([['.mllint.yaml', 4]]);
  });

  it('a source set by a flag or the environment is in no file, in every format; SARIF stays valid', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const dir = tree();
    const byFlag = warningsOf((await check(dir, ['--mlflow-url', url])).stdout);
    expect(byFlag.map((w) => [w.file, w.line, w.column, w.message])).toEqual([
      ['', 0, 0, `MLflow registry at ${url} unreachable: connection refused; version checks skipped (set by --mlflow-url)`],
    ]);
    const byEnv = warningsOf((await check(dir, [], { MLFLOW_TRACKING_URI: url })).stdout);
    expect(byEnv.map((w) => [w.file, w.line, w.message])).toEqual([['', 0, `MLflow registry at ${url} unreachable: connection refused; version checks skipped (set by MLFLOW_TRACKING_URI)`]]);

    const stylish = await runCli(['check', '--no-cache', '--no-color', '--mlflow-url', url], { cwd: dir });
    expect(stylish.stdout).toContain(`(command line and environment)\n  warning  MLflow registry at ${url} unreachable`);
    expect(stylish.stdout).not.toContain('(online sources)');
    const github = await runCli(['check', '--no-cache', '--format', 'github', '--mlflow-url', url], { cwd: dir });
    expect(github.stdout).toContain(`::warning title=mllint online-source-unavailable::MLflow registry at ${url} unreachable`);

    const sarifOut = await runCli(['check', '--no-cache', '--format', 'sarif', '--mlflow-url', url], { cwd: dir });
    const sarif = JSON.parse(sarifOut.stdout);
    const run = sarif.runs[0];
    expect(run.results.some((r: any) => r.ruleId === 'online-source-unavailable')).toBe(false);
    expect(run.invocations).toEqual([
      {
        executionSuccessful: true,
        toolExecutionNotifications: [
          { level: 'warning', message: { text: expect.stringContaining('(set by --mlflow-url)') }, associatedRule: { id: 'online-source-unavailable', index: expect.any(Number) } },
        ],
      },
    ]);
    expect(run.tool.driver.rules[run.invocations[0].toolExecutionNotifications[0].associatedRule.index].id).toBe('online-source-unavailable');
    if (MULTITOOL) expect(validateSarif({ sarif }).map((p) => `${p.level} ${p.ruleId}: ${p.message}`)).toEqual([]);
  });

  it('image checks turned on by the config: the warning sits at its registries.check line', async () => {
    const port = await freePort();
    const dir = tree({ 'deploy.yaml': DEPLOYMENT.replace(/registry\.example\.com/g, `127.0.0.1:${port}`), '.mllint.yaml': `# team config\nregistries:\n  caFile: nowhere.pem\n  check: true\n` });
    // A config outside the repository (the user's own) may turn image checks on.
    const outside = makeTree({ 'team.yaml': 'registries:\n  check: true\n' });
    dirs.push(outside);
    const out = await check(dir, ['--config', path.join(outside, 'team.yaml')]);
    expect(warningsOf(out.stdout).map((w) => [w.file, w.line])).toEqual([[path.relative(dir, path.join(outside, 'team.yaml')), 2]]);
    // Inside the repository it is ignored, with the warning at that line.
    const refused = await check(dir, []);
    expect(warningsOf(refused.stdout).map((w) => [w.file, w.line, w.message])).toEqual([['.mllint.yaml', 4, expect.stringMatching(/^registries\.check in a config inside the repository was ignored/)]]);
  });

  describe('image registries (--check-images) on loopback', () => {
    const imageTree = (host: string, files: Record<string, string> = {}) => tree({ 'deploy.yaml': DEPLOYMENT.replace(/registry\.example\.com/g, host), ...files });

    it('connection refused: one warning per registry, its images not judged, exit code of an offline run', async () => {
      const port = await freePort();
      const dir = imageTree(`127.0.0.1:${port}`);
      const out = await check(dir, ['--check-images']);
      expect(warningsOf(out.stdout).map((w) => w.message)).toEqual([
        `image registry at https://127.0.0.1:${port} unreachable: connection refused; image checks skipped for its images (set by --check-images)`,
      ]);
      expect(out.code).toBe((await check(dir, ['--offline'])).code);
    });

    it('a registry that never answers: the run ends within timeouts.onlineSeconds, with one warning', async () => {
      const silent = await silentServer();
      const dir = imageTree(silent.url.replace('http://', ''), { '.mllint.yaml': 'timeouts: { onlineSeconds: 1.5 }\n' });
      const base = await elapsedOffline(dir);
      const started = Date.now();
      const out = await check(dir, ['--check-images']);
      expect(Date.now() - started).toBeLessThan(base + 1500 + 1500);
      expect(warningsOf(out.stdout).map((w) => w.message)).toEqual([expect.stringMatching(/unreachable: did not answer in time \(timeouts\.onlineSeconds\); image checks skipped for its images \(set by --check-images\)$/)]);
      expect(silent.connections()).toBeGreaterThan(0);
    });

    it.each([
      ['a login page answering 200', 200, 'text/html', /answered a manifest request with text\/html, not an image manifest: is this an OCI registry\?/],
      ['a server error', 503, 'application/json', /HTTP 503 for a manifest/],
      ['a 403', 403, 'application/json', /HTTP 403 forbidden \(no credentials for it in DOCKER_AUTH_CONFIG or the Docker config\)/],
    ])('%s: one warning, no finding about the images', async (_name, status, type, message) => {
      const server = http.createServer((_req, res) => {
        res.writeHead(status, { 'content-type': type });
        res.end();
      });
      const port = await listen(server);
      const dir = imageTree(`127.0.0.1:${port}`);
      const out = await check(dir, ['--check-images']);
      const warnings = warningsOf(out.stdout);
      expect(warnings).toHaveLength(1);
      expect(warnings[0].message).toMatch(message);
      expect((JSON.parse(out.stdout).findings as any[]).filter((f) => f.ruleId === 'image-matches-registry')).toEqual([]);
    });
  });

  it('credentials never appear: not from the URL, not from the environment', async () => {
    const port = await freePort();
    const out = await check(tree(), ['--mlflow-url', `http://alice:url-secret-1@127.0.0.1:${port}/mlflow?token=query-secret-2`], {
      MLFLOW_TRACKING_TOKEN: 'env-secret-3',
    });
    expect(warningsOf(out.stdout)).toHaveLength(1);
    for (const secret of ['url-secret-1', 'query-secret-2', 'env-secret-3', 'alice']) expect(out.stdout + out.stderr).not.toContain(secret);
    expect(warningsOf(out.stdout)[0].message).toContain(`http://127.0.0.1:${port}/mlflow`);
  });

  it('a URL from a config inside the repository is not contacted unless MLFLOW_TRACKING_URI or --mlflow-url names it', async () => {
    const server = await answeringServer(404, '{"error_code":"RESOURCE_DOES_NOT_EXIST"}');
    const dir = tree({ '.mllint.yaml': `registry:\n  mlflow:\n    url: ${server.url}\n` });
    const refused = await check(dir, [], { MLFLOW_TRACKING_TOKEN: 'tok-1' });
    expect(server.authorizations).toEqual([]);
    expect(warningsOf(refused.stdout).map((w) => [w.line, w.message])).toEqual([
      [3, expect.stringMatching(/comes from a config inside the repository and was not contacted: a pull request may not choose which server mllint connects to/)],
    ]);
    await check(dir, [], { MLFLOW_TRACKING_TOKEN: 'tok-1', MLFLOW_TRACKING_URI: server.url });
    expect(server.authorizations.length).toBeGreaterThan(0);
    expect(server.authorizations.every((a) => a === 'Bearer tok-1')).toBe(true);
    server.authorizations.length = 0;
    await check(dir, ['--mlflow-url', server.url], { MLFLOW_TRACKING_TOKEN: 'tok-1' });
    expect(server.authorizations.length).toBeGreaterThan(0);
    expect(server.authorizations.every((a) => a === 'Bearer tok-1')).toBe(true);
  });

  it('--offline opens no connection, whatever the config and environment say', async () => {
    const silent = await silentServer();
    const dir = tree({ '.mllint.yaml': `registry:\n  mlflow:\n    url: ${silent.url}\n` });
    const out = await check(dir, ['--offline', '--mlflow-url', silent.url], { MLFLOW_TRACKING_URI: silent.url });
    expect(silent.connections()).toBe(0);
    expect(warningsOf(out.stdout)).toEqual([]);
    // Without --offline the same run does connect (the counter works).
    const dir2 = tree({ '.mllint.yaml': `registry:\n  mlflow:\n    url: ${silent.url}\ntimeouts: { onlineSeconds: 0.5 }\n` });
    await check(dir2, [], { MLFLOW_TRACKING_URI: silent.url });
    expect(silent.connections()).toBeGreaterThan(0);
  });

  it('no source configured: no connection, no warning (MLFLOW_TRACKING_URI that is not http(s) is ignored)', async () => {
    const out = await check(tree(), [], { MLFLOW_TRACKING_URI: 'file:./mlruns' });
    expect(warningsOf(out.stdout)).toEqual([]);
  });

  it('a bad --mlflow-url is a usage error (exit 2)', async () => {
    const out = await check(tree(), ['--mlflow-url', 'mlflow.internal']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('--mlflow-url must be an http:// or https:// URL');
  });

  describe('TLS', () => {
    const certDir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'mllint-tls-'));
    dirs.push(certDir);
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(certDir, 'key.pem'), '-out', path.join(certDir, 'cert.pem')], { encoding: 'utf8' });
    const itTls = made.status === 0 ? it : it.skip;
    if (made.status !== 0) console.warn(`\n*** SKIPPED: TLS tests need openssl: ${made.error?.message ?? made.stderr} ***\n`);

    async function tlsServer(): Promise<string> {
      const server = https.createServer({ key: fs.readFileSync(path.join(certDir, 'key.pem')), cert: fs.readFileSync(path.join(certDir, 'cert.pem')) }, (_req, res) => {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error_code":"RESOURCE_DOES_NOT_EXIST"}');
      });
      const port = await listen(server);
      return `https://127.0.0.1:${port}`;
    }

    itTls('an untrusted certificate: one warning that says how to trust it', async () => {
      const url = await tlsServer();
      const out = await check(tree(), ['--mlflow-url', url]);
      const warnings = warningsOf(out.stdout);
      expect(warnings).toHaveLength(1);
      expect(warnings[0].message).toMatch(/TLS certificate not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT; set NODE_EXTRA_CA_CERTS or the config's caFile\); version checks skipped \(set by --mlflow-url\)$/);
    });

    itTls('registry.mlflow.caFile inside the repository trusts it; one outside the repository is refused', async () => {
      const url = await tlsServer();
      const dir = tree({ 'ca.pem': fs.readFileSync(path.join(certDir, 'cert.pem'), 'utf8'), '.mllint.yaml': 'registry:\n  mlflow:\n    caFile: ca.pem\n' });
      const out = await check(dir, ['--mlflow-url', url]);
      expect(warningsOf(out.stdout)).toEqual([]);
      const models = (JSON.parse(out.stdout).findings as any[]).filter((f) => f.ruleId === 'model-version-matches-registry' && /does not know/.test(f.message));
      expect(models.length).toBe(2);

      const outside = tree({ '.mllint.yaml': `registry:\n  mlflow:\n    caFile: ${path.join(certDir, 'cert.pem')}\n` });
      const refused = await check(outside, ['--mlflow-url', url]);
      const messages = warningsOf(refused.stdout).map((w) => w.message);
      expect(messages).toHaveLength(2);
      expect(messages.some((m) => /CA file cert\.pem is outside the linted repository/.test(m))).toBe(true);
      expect(messages.some((m) => /TLS certificate not trusted/.test(m))).toBe(true);
    });
  });
});
