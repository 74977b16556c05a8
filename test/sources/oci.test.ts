/**
 * Image registries as an online source, against the real Distribution registry (`docker-registry`) on
 * 127.0.0.1: anonymous over HTTP, and htpasswd Basic auth over TLS with a test CA. Images, a moved tag
 * and an image index are pushed with the registry's HTTP API.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTree, removeTree, runCli } from '../helpers.js';
import { requireTool } from '../servers/mlflow-server.js';
import { findRegistry, REGISTRY_USER, startRegistry, type Registry } from '../servers/docker-registry.js';

const tool = findRegistry();
const available = requireTool(tool, 'OCI registry');
const describeRegistry = available ? describe : describe.skip;

/** A Deployment whose containers run `images` (the image of container i at line 11 + 2·i). */
const deployment = (images: string[]) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml-serving-prod }
spec:
  selector: { matchLabels: { app: scorer } }
  template:
    metadata: { labels: { app: scorer } }
    spec:
      containers:
${images.map((image, i) => `        - name: c${i}\n          image: ${image}`).join('\n')}
`;

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeTree));
function tree(files: Record<string, string>): string {
  const dir = makeTree({ '.git/HEAD': 'ref: refs/heads/main\n', ...files });
  dirs.push(dir);
  return dir;
}
const findingsOf = (stdout: string, ruleId: string) => (JSON.parse(stdout).findings as any[]).filter((f) => f.ruleId === ruleId);
const check = (dir: string, args: string[], env: Record<string, string> = {}) => runCli(['check', '--format', 'json', '--no-cache', ...args], { cwd: dir, env: { HOME: dir, ...env } });

describeRegistry('OCI registry, anonymous over HTTP', () => {
  let registry: Registry;
  let first: string;
  let moved: string;
  beforeAll(async () => {
    registry = await startRegistry(tool as Exclude<typeof tool, { ok: false }>);
    first = await registry.pushImage('ml/fraud-scorer', '3.0.1', 'first build');
    moved = await registry.pushImage('ml/fraud-scorer', '3.0.1', 'rebuilt');
    const amd = await registry.pushImage('ml/llm-server', 'amd64', 'a');
    const arm = await registry.pushImage('ml/llm-server', 'arm64', 'b');
    await registry.pushIndex('ml/llm-server', '7.2.0', [amd, arm]);
  });
  afterAll(async () => registry?.stop());

  it('a tag the registry lacks is an error at its line; existing tags, an index and a digest are clean', async () => {
    const h = registry.host;
    const dir = tree({ 'deploy.yaml': deployment([`${h}/ml/fraud-scorer:3.0.1`, `${h}/ml/fraud-scorer:3.0.2`, `${h}/ml/llm-server:7.2.0`, `${h}/ml/fraud-scorer@${moved}`, `${h}/ml/nothing-here:1.0`]) });
    const out = await check(dir, ['--check-images']);
    expect(findingsOf(out.stdout, 'online-source-unavailable')).toEqual([]);
    const findings = findingsOf(out.stdout, 'image-matches-registry');
    expect(findings.map((f) => [f.line, f.severity, f.message])).toEqual([
      [13, 'error', `container "c1" uses image "${h}/ml/fraud-scorer:3.0.2", which http://${h} does not have: pods will fail with ImagePullBackOff`],
      [19, 'error', `container "c4" uses image "${h}/ml/nothing-here:1.0", which http://${h} does not have: pods will fail with ImagePullBackOff`],
    ]);
  });

  it('repo:tag@digest whose tag has moved: a warning naming the digest the tag has now', async () => {
    const h = registry.host;
    const dir = tree({ 'deploy.yaml': deployment([`${h}/ml/fraud-scorer:3.0.1@${first}`, `${h}/ml/fraud-scorer:3.0.1@${moved}`]) });
    const out = await check(dir, ['--check-images']);
    const findings = findingsOf(out.stdout, 'image-matches-registry');
    expect(findings.map((f) => [f.line, f.severity, f.message])).toEqual([
      [11, 'warning', `container "c0" uses image "${h}/ml/fraud-scorer:3.0.1@${first}", but tag 3.0.1 now points at ${moved} in http://${h}: the pods run the pinned digest, not what the tag names today`],
    ]);
  });

  it('without --check-images (or with --offline) the registry is not asked', async () => {
    const dir = tree({ 'deploy.yaml': deployment([`${registry.host}/ml/fraud-scorer:9.9.9`]) });
    expect(findingsOf((await check(dir, [])).stdout, 'image-matches-registry')).toEqual([]);
    expect(findingsOf((await check(dir, ['--check-images', '--offline'])).stdout, 'image-matches-registry')).toEqual([]);
    // registries.check in a config inside the repository (the pull request's) turns nothing on: one warning, no request.
    const configured = tree({ '.mllint.yaml': 'registries: { check: true }\n', 'deploy.yaml': deployment([`${registry.host}/ml/fraud-scorer:9.9.9`]) });
    const refused = await check(configured, []);
    expect(findingsOf(refused.stdout, 'image-matches-registry')).toEqual([]);
    expect(findingsOf(refused.stdout, 'online-source-unavailable').map((f) => f.message)).toEqual([
      expect.stringMatching(/^registries\.check in a config inside the repository was ignored/),
    ]);
    expect(findingsOf((await check(configured, ['--check-images'])).stdout, 'image-matches-registry')).toHaveLength(1);
  });
});

describeRegistry('OCI registry, htpasswd Basic auth over TLS with a test CA', () => {
  let registry: Registry;
  beforeAll(async () => {
    registry = await startRegistry(tool as Exclude<typeof tool, { ok: false }>, { tlsBasic: true });
    await registry.pushImage('ml/fraud-scorer', '3.0.1', 'x');
  });
  afterAll(async () => registry?.stop());

  const files = () =>
    tree({
      'ca.pem': registry.ca!,
      '.mllint.yaml': 'registries: { caFile: ca.pem }\n',
      'deploy.yaml': deployment([`${registry.host}/ml/fraud-scorer:3.0.1`, `${registry.host}/ml/fraud-scorer:3.0.2`]),
    });
  const dockerConfig = (dir: string, password = REGISTRY_USER.password) => {
    const configDir = path.join(dir, '.docker-test');
    fs.mkdirSync(configDir, { recursive: true });
    fs.writeFileSync(path.join(configDir, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from(`${REGISTRY_USER.username}:${password}`).toString('base64') } } }));
    return configDir;
  };

  it('credentials from the Docker config (DOCKER_CONFIG) and the CA from registries.caFile: the missing tag is found', async () => {
    const dir = files();
    const out = await check(dir, ["--check-images"], { DOCKER_CONFIG: dockerConfig(dir) });
    expect(findingsOf(out.stdout, 'online-source-unavailable')).toEqual([]);
    expect(findingsOf(out.stdout, 'image-matches-registry').map((f) => f.line)).toEqual([13]);
    expect(out.stdout + out.stderr).not.toContain(REGISTRY_USER.password);
  });

  it('~/.docker/config.json is read when DOCKER_CONFIG is not set', async () => {
    const dir = files();
    const home = path.join(dir, 'home');
    fs.mkdirSync(path.join(home, '.docker'), { recursive: true });
    fs.copyFileSync(path.join(dockerConfig(dir), 'config.json'), path.join(home, '.docker', 'config.json'));
    const out = await check(dir, ["--check-images"], { HOME: home });
    expect(findingsOf(out.stdout, 'image-matches-registry').map((f) => f.line)).toEqual([13]);
  });

  it('DOCKER_AUTH_CONFIG (GitLab CI convention) is used, before the Docker config file, and never printed', async () => {
    const dir = files();
    const auth = (password: string) => JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from(`${REGISTRY_USER.username}:${password}`).toString('base64') } } });
    const out = await check(dir, ['--check-images'], { DOCKER_CONFIG: dockerConfig(dir, 'file-password-wrong-5'), DOCKER_AUTH_CONFIG: auth(REGISTRY_USER.password) });
    expect(findingsOf(out.stdout, 'online-source-unavailable')).toEqual([]);
    expect(findingsOf(out.stdout, 'image-matches-registry').map((f) => f.line)).toEqual([13]);
    for (const secret of [REGISTRY_USER.password, 'file-password-wrong-5', Buffer.from(`${REGISTRY_USER.username}:${REGISTRY_USER.password}`).toString('base64')]) {
      expect(out.stdout + out.stderr).not.toContain(secret);
    }

    const wrong = await check(dir, ['--check-images'], { DOCKER_CONFIG: path.join(dir, 'nowhere'), DOCKER_AUTH_CONFIG: auth('env-password-wrong-6') });
    expect(findingsOf(wrong.stdout, 'online-source-unavailable').map((w) => w.message)).toEqual([
      expect.stringMatching(/HTTP 401 unauthorized with the credentials of DOCKER_AUTH_CONFIG; image checks skipped for its images \(set by --check-images\)$/),
    ]);
    expect(wrong.stdout + wrong.stderr).not.toContain('env-password-wrong-6');

    const broken = await check(dir, ['--check-images'], { DOCKER_CONFIG: dockerConfig(dir), DOCKER_AUTH_CONFIG: '{"auths": "secret-text-7"' });
    expect(findingsOf(broken.stdout, 'online-source-unavailable').map((w) => w.message)).toEqual([
      'image registries: DOCKER_AUTH_CONFIG is not a Docker config JSON ({"auths": {…}}); it was ignored (set by --check-images)',
    ]);
    expect(findingsOf(broken.stdout, 'image-matches-registry').map((f) => f.line)).toEqual([13]);
    expect(broken.stdout + broken.stderr).not.toContain('secret-text-7');
  });

  it.each([
    ['no credentials', undefined, /HTTP 401 unauthorized \(no credentials for it in DOCKER_AUTH_CONFIG or the Docker config\)/],
    ['a wrong password', 'not-the-password-7', /HTTP 401 unauthorized with the credentials of the Docker config/],
  ])('%s: one warning, its images not judged', async (_name, password, message) => {
    const dir = files();
    const env: Record<string, string> = password ? { DOCKER_CONFIG: dockerConfig(dir, password) } : { DOCKER_CONFIG: path.join(dir, 'nowhere') };
    const out = await check(dir, ["--check-images"], env);
    const warnings = findingsOf(out.stdout, 'online-source-unavailable');
    expect(warnings.map((w) => w.message)).toHaveLength(1);
    expect(warnings[0].message).toMatch(new RegExp(`^image registry at https://${registry.host.replace(/\./g, '\\.')} unreachable: `));
    expect(warnings[0].message).toMatch(message);
    expect(warnings[0].message).toMatch(/; image checks skipped for its images \(set by --check-images\)$/);
    expect(findingsOf(out.stdout, 'image-matches-registry')).toEqual([]);
    expect(out.stdout + out.stderr).not.toContain('not-the-password-7');
  });

  it('without the CA: one TLS warning', async () => {
    const dir = tree({ 'deploy.yaml': deployment([`${registry.host}/ml/fraud-scorer:3.0.1`]) });
    const out = await check(dir, ['--check-images'], { DOCKER_CONFIG: dockerConfig(dir) });
    const warnings = findingsOf(out.stdout, 'online-source-unavailable');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toMatch(/TLS certificate not trusted/);
  });
});
