/**
 * MLflow Model Registry as an online source, against the real `mlflow server` on 127.0.0.1 (SQLite
 * backend), populated through its REST API: versions with tags, aliases and stages; once without
 * authentication and once with `--app-name basic-auth`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTree, removeTree, runCli } from '../helpers.js';
import { findRegistry, startRegistry } from '../servers/docker-registry.js';
import { ADMIN, createLoggedModel, createRun, findMlflow, registerModel, requireTool, startMlflow, type MlflowServer } from '../servers/mlflow-server.js';

const mlflow = findMlflow();
const available = requireTool(mlflow, 'MLflow');
const describeMlflow = available ? describe : describe.skip;

/** A Deployment serving `uri` (MODEL_URI at line 16) in `namespace`; memory limit at line 19. */
const deployment = (uri: string, namespace = 'ml-serving-prod', image = 'registry.example.com/ml/fraud-scorer:3.0.1', memory = '4Gi') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: scorer
  namespace: ${namespace}
spec:
  selector: { matchLabels: { app: scorer } }
  template:
    metadata:
      labels: { app: scorer }
    spec:
      containers:
        - name: scorer
          image: ${image}
          env:
            - { name: MODEL_URI, value: "${uri}" }
          resources:
            requests: { cpu: "1", memory: ${memory} }
            limits: { memory: ${memory} }
`;

const dirs: string[] = [];
function tree(files: Record<string, string>): string {
  const dir = makeTree({ '.git/HEAD': 'ref: refs/heads/main\n', ...files });
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach(removeTree));

const only = (json: string, ruleId: string) => (JSON.parse(json).findings as any[]).filter((f) => f.ruleId === ruleId);

/** fraud: v3 (challenger, Staging), v4 (champion, Production), each with image/footprint/load tags. */
async function populate(server: MlflowServer) {
  await registerModel(server, 'fraud', [
    { tags: { 'mllint.image': 'registry.example.com/ml/fraud-scorer:1.0.0' } },
    { tags: { 'mllint.image': 'registry.example.com/ml/fraud-scorer:2.0.0' } },
    { tags: { 'mllint.image': 'registry.example.com/ml/fraud-scorer:3.0.1', 'mllint.footprint': '1536Mi', 'mllint.load_seconds': '45' }, aliases: ['challenger'], stage: 'Staging' },
    { tags: { 'mllint.image': 'registry.example.com/ml/fraud-scorer:4.0.0', 'team.footprint': '6Gi' }, aliases: ['champion'], stage: 'Production' },
  ]);
}

describeMlflow('MLflow without authentication', () => {
  let server: MlflowServer;
  beforeAll(async () => {
    server = await startMlflow((mlflow as { bin: string }).bin);
    await populate(server);
  }, 240_000);
  afterAll(async () => server?.stop());

  it('models:/fraud/3 where the namespace deploys fraud@champion (v4): an error at the line of the version', async () => {
    const dir = tree({
      '.mllint.yaml': 'registry:\n  mlflow:\n    aliasByNamespace: { "ml-serving-*": champion }\n',
      'deploy.yaml': deployment('models:/fraud/3'),
    });
    const out = await runCli(['check', '--format', 'json', '--no-cache', '--mlflow-url', server.url], { cwd: dir });
    const findings = only(out.stdout, 'model-version-matches-registry');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: 'error',
      file: 'deploy.yaml',
      line: 16,
      message: `serves model "fraud" version 3, but fraud@champion is version 4 in MLflow at ${server.url} (namespace "ml-serving-prod" deploys alias champion)`,
    });
    expect(out.code).toBe(1);
    expect(only(out.stdout, 'online-source-unavailable')).toEqual([]);
  });

  it('the URL from MLFLOW_TRACKING_URI, the stage from MLflow stages (Production → v4); the right version is clean', async () => {
    const dir = tree({ 'bad.yaml': deployment('models:/fraud/3'), 'good/ok.yaml': deployment('models:/fraud/4', 'ml-serving-prod', 'registry.example.com/ml/fraud-scorer:4.0.0') });
    const out = await runCli(['check', '--format', 'json', '--no-cache'], { cwd: dir, env: { MLFLOW_TRACKING_URI: server.url } });
    const findings = only(out.stdout, 'model-version-matches-registry');
    expect(findings.map((f) => [f.file, f.line, f.messageId ?? ''])).toEqual([['bad.yaml', 16, '']]);
    expect(findings[0].message).toBe(`serves model "fraud" version 3, but the registry's production version is 4 (namespace "ml-serving-prod" deploys stage production)`);
  });

  it('an alias-pinned workload: a warning naming the version the alias resolves to now', async () => {
    const dir = tree({ 'deploy.yaml': deployment('models:/fraud@champion', 'ml-serving-prod', 'registry.example.com/ml/fraud-scorer:4.0.0') });
    const out = await runCli(['check', '--format', 'json', '--no-cache', '--mlflow-url', server.url], { cwd: dir });
    const findings = only(out.stdout, 'model-version-matches-registry');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: 'warning',
      line: 16,
      message: `MODEL_URI "models:/fraud@champion" names the alias "champion" instead of a version; the model served changes whenever the registry moves it (it is version 4 now in MLflow at ${server.url})`,
      fix: 'Pin a version: models:/fraud/4.',
    });
  });

  it('version tags: the registered image and footprint of the served version are checked (renamed tag names too)', async () => {
    const dir = tree({
      '.mllint.yaml': 'registry:\n  mlflow:\n    stageByNamespace: { "*": Staging }\n',
      'deploy.yaml': deployment('models:/fraud/3', 'ml-serving-prod', 'registry.example.com/ml/fraud-scorer:3.0.0', '1Gi'),
    });
    const out = await runCli(['check', '--format', 'json', '--no-cache', '--mlflow-url', server.url], { cwd: dir });
    const model = only(out.stdout, 'model-version-matches-registry');
    expect(model.map((f) => [f.line, f.message])).toEqual([
      [14, 'container "scorer" runs image "registry.example.com/ml/fraud-scorer:3.0.0", but the registry\'s image for model "fraud" version 3 is "registry.example.com/ml/fraud-scorer:3.0.1"'],
    ]);
    const memory = only(out.stdout, 'memory-limit-fits-model');
    expect(memory.length).toBeGreaterThan(0);
    expect(memory[0].message).toContain('1536Mi');

    // The footprint tag renamed: v4 reads team.footprint (6Gi) and the 4Gi limit is too small.
    const renamed = tree({
      '.mllint.yaml': 'registry:\n  mlflow:\n    tags: { footprint: team.footprint }\n',
      'deploy.yaml': deployment('models:/fraud/4', 'ml-serving-prod', 'registry.example.com/ml/fraud-scorer:4.0.0'),
    });
    const second = await runCli(['check', '--format', 'json', '--no-cache', '--mlflow-url', server.url], { cwd: renamed });
    expect(only(second.stdout, 'model-version-matches-registry')).toEqual([]);
    expect(only(second.stdout, 'memory-limit-fits-model').map((f) => f.message).join('\n')).toContain('6Gi');
  });

  it('a model MLflow does not know, and an alias it lacks: warnings that name MLflow', async () => {
    const dir = tree({
      '.mllint.yaml': 'registry:\n  mlflow:\n    aliasByNamespace: { "*": champion, "ml-canary": canary }\n',
      'a.yaml': deployment('models:/churn/2'),
      'b.yaml': deployment('models:/fraud/4', 'ml-canary', 'registry.example.com/ml/fraud-scorer:4.0.0'),
    });
    const out = await runCli(['check', '--format', 'json', '--no-cache', '--mlflow-url', server.url], { cwd: dir });
    const findings = only(out.stdout, 'model-version-matches-registry');
    expect(findings.map((f) => [f.file, f.severity, f.message])).toEqual([
      ['a.yaml', 'warning', `serves model "churn", which the model registry (MLflow at ${server.url}) does not know`],
      ['b.yaml', 'warning', `serves model "fraud" with alias canary (namespace "ml-canary"), but MLflow at ${server.url} has no alias canary for it`],
    ]);
  });

  it('KServe storageUri and MLFLOW_MODEL_URI are read like MODEL_URI', async () => {
    const isvc = `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: fraud
  namespace: ml-serving-prod
spec:
  predictor:
    model:
      modelFormat: { name: mlflow }
      storageUri: models:/fraud/2
`;
    const dir = tree({ 'isvc.yaml': isvc, 'env.yaml': deployment('models:/fraud/1').replace('name: MODEL_URI', 'name: MLFLOW_MODEL_URI') });
    const out = await runCli(['check', '--format', 'json', '--no-cache', '--mlflow-url', server.url], { cwd: dir });
    const findings = only(out.stdout, 'model-version-matches-registry').filter((f) => f.message.startsWith('serves model'));
    expect(findings.map((f) => [f.file, f.line, f.message.split(',')[0]])).toEqual([
      ['env.yaml', 16, 'serves model "fraud" version 1'],
      ['isvc.yaml', 10, 'serves model "fraud" version 2'],
    ]);
  });

  it('mllint registry export writes a snapshot that gives the same findings offline', async () => {
    const dir = tree({
      '.mllint.yaml': 'registry:\n  file: model-registry.yaml\n  mlflow:\n    aliasByNamespace: { "ml-serving-*": champion }\n',
      'deploy.yaml': deployment('models:/fraud/3'),
    });
    const exported = await runCli(['registry', 'export', '--mlflow-url', server.url, '--model', 'fraud'], { cwd: dir });
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('champion: "4"');
    fs.writeFileSync(path.join(dir, 'model-registry.yaml'), exported.stdout);
    const offline = await runCli(['check', '--format', 'json', '--no-cache', '--offline'], { cwd: dir });
    const findings = only(offline.stdout, 'model-version-matches-registry');
    expect(findings.map((f) => [f.line, f.message])).toEqual([
      [16, 'serves model "fraud" version 3, but fraud@champion is version 4 in model-registry.yaml (namespace "ml-serving-prod" deploys alias champion)'],
    ]);
  });

  it('runs:/ and mlflow-artifacts: URIs are the versions registered from them (search by run_id / source_path), online and from an export', async () => {
    // churn v1 and v2 from two runs' artifacts (v2 is champion); v3 from a logged model of run 1 (MLflow 3
    // registers `models:/m-…`), so run 1 has two versions and `runs:/<run1>/model` must pick v1 by its path.
    const [r1, r2] = [await createRun(server), await createRun(server)];
    const [run1, run2] = [r1.runId, r2.runId];
    expect(r1.artifactUri).toBe(`mlflow-artifacts:/0/${run1}/artifacts`);
    const logged = await createLoggedModel(server, run1);
    await registerModel(server, 'churn', [
      { source: `${r1.artifactUri}/model`, runId: run1 },
      { source: `${r2.artifactUri}/model`, runId: run2, aliases: ['champion'] },
      { source: `models:/${logged.modelId}`, runId: run1, modelId: logged.modelId },
    ]);
    const isvc = (uri: string) => `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: churn
  namespace: ml-serving-prod
spec:
  predictor:
    model:
      modelFormat: { name: mlflow }
      storageUri: ${uri}
`;
    const unknownRun = 'f'.repeat(32);
    const files = {
      '.mllint.yaml': 'registry:\n  mlflow:\n    aliasByNamespace: { "ml-serving-*": champion }\n',
      'old-artifact.yaml': isvc(`mlflow-artifacts:/0/${run1}/artifacts/model`),
      'old-run.yaml': deployment(`runs:/${run1}/model`),
      'logged.yaml': isvc(logged.artifactUri),
      'good.yaml': isvc(`runs:/${run2}/model`),
      'unknown.yaml': isvc(`runs:/${unknownRun}/model`),
    };
    const dir = tree(files);
    const out = await runCli(['check', '--format', 'json', '--no-cache', '--mlflow-url', server.url], { cwd: dir });
    expect(only(out.stdout, 'online-source-unavailable')).toEqual([]);
    const expected = [
      ['logged.yaml', 10, `serves model "churn" version 3 (the version registered from storageUri "${logged.artifactUri}"), but churn@champion is version 2`],
      ['old-artifact.yaml', 10, `serves model "churn" version 1 (the version registered from storageUri "mlflow-artifacts:/0/${run1}/artifacts/model"), but churn@champion is version 2`],
      ['old-run.yaml', 16, `serves model "churn" version 1 (the version registered from MODEL_URI "runs:/${run1}/model"), but churn@champion is version 2`],
    ];
    const findings = only(out.stdout, 'model-version-matches-registry');
    expect(findings.map((f) => [f.file, f.line, f.message.replace(/ in MLflow at .*$/, '')])).toEqual(expected);
    expect(findings.every((f) => f.severity === 'error')).toBe(true);

    // The same from a snapshot (versions carry source and runId), offline.
    const exported = await runCli(['registry', 'export', '--mlflow-url', server.url, '--model', 'churn'], { cwd: dir });
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(`runId: "${run1}"`);
    fs.writeFileSync(path.join(dir, 'model-registry.yaml'), exported.stdout);
    const offline = await runCli(['check', '--format', 'json', '--no-cache', '--offline', '--registry', 'model-registry.yaml'], { cwd: dir });
    const offlineFindings = only(offline.stdout, 'model-version-matches-registry');
    expect(offlineFindings.map((f) => [f.file, f.line, f.message.replace(/ in model-registry\.yaml .*$/, '')])).toEqual(expected);
  });
});

const registryTool = findRegistry();
const registryAvailable = requireTool(registryTool, 'OCI registry');

describe.runIf(available && registryAvailable)('MLflow image tags with --check-images (real MLflow and the real Distribution registry)', () => {
  let server: MlflowServer;
  let registry: Awaited<ReturnType<typeof startRegistry>>;
  let built: string;
  let hotfix: string;
  let indexed: string;
  let amd: string;
  beforeAll(async () => {
    registry = await startRegistry(registryTool as Exclude<typeof registryTool, { ok: false }>);
    const h = registry.host;
    built = await registry.pushImage('ml/scorer', '5.0.0', 'release build');
    hotfix = await registry.pushImage('ml/scorer', '5.0.0-hotfix', 'hotfix build');
    // `stable` names exactly the release build's manifest (the same digest under two tags).
    expect(await registry.retag('ml/scorer', built, 'stable')).toBe(built);
    amd = await registry.pushImage('ml/llm', 'amd64', 'a');
    const arm = await registry.pushImage('ml/llm', 'arm64', 'b');
    indexed = await registry.pushIndex('ml/llm', '1.0', [amd, arm]);
    server = await startMlflow((mlflow as { bin: string }).bin);
    await registerModel(server, 'scorer', [{ tags: { 'mllint.image': `${h}/ml/scorer:5.0.0` }, aliases: ['champion'] }]);
    await registerModel(server, 'llm', [{ tags: { 'mllint.image': `${h}/ml/llm:1.0` }, aliases: ['champion'] }]);
  }, 240_000);
  afterAll(async () => {
    await server?.stop();
    await registry?.stop();
  });

  it('the deployed digest differs from the registered image: a finding at the image line; the same build under another tag is clean', async () => {
    const h = registry.host;
    const files = {
      '.mllint.yaml': 'registry:\n  mlflow:\n    aliasByNamespace: { "*": champion }\n',
      'digest-other.yaml': deployment('models:/scorer/1', 'ml-serving-prod', `${h}/ml/scorer@${hotfix}`),
      'digest-same.yaml': deployment('models:/scorer/1', 'ml-serving-prod', `${h}/ml/scorer@${built}`),
      'tag-same-build.yaml': deployment('models:/scorer/1', 'ml-serving-prod', `${h}/ml/scorer:stable`),
      'tag-other.yaml': deployment('models:/scorer/1', 'ml-serving-prod', `${h}/ml/scorer:5.0.0-hotfix`),
      // A single-platform manifest of the registered multi-platform index: not judged (it may be one of its platforms).
      'platform.yaml': deployment('models:/llm/1', 'ml-serving-prod', `${h}/ml/llm@${amd}`),
      'index.yaml': deployment('models:/llm/1', 'ml-serving-prod', `${h}/ml/llm@${indexed}`),
    };
    const dir = tree(files);
    const out = await runCli(['check', '--format', 'json', '--no-cache', '--check-images', '--mlflow-url', server.url], { cwd: dir });
    expect(only(out.stdout, 'online-source-unavailable')).toEqual([]);
    const images = only(out.stdout, 'model-version-matches-registry').filter((f) => f.line === 14);
    expect(images.map((f) => [f.file, f.severity, f.message])).toEqual([
      ['digest-other.yaml', 'warning', `container "scorer" runs image "${h}/ml/scorer@${hotfix}" (${hotfix.slice(0, 19)}), but the registry's image for model "scorer" version 1, "${h}/ml/scorer:5.0.0", is ${built.slice(0, 19)} in http://${h}: another build`],
      ['tag-other.yaml', 'error', `container "scorer" runs image "${h}/ml/scorer:5.0.0-hotfix", but the registry's image for model "scorer" version 1 is "${h}/ml/scorer:5.0.0"`],
    ]);

    // Without --check-images only what the text says: the other tag is a mismatch, digests against a tag are not judged.
    const offline = await runCli(['check', '--format', 'json', '--no-cache', '--mlflow-url', server.url], { cwd: dir });
    expect(only(offline.stdout, 'model-version-matches-registry').filter((f) => f.line === 14).map((f) => f.file)).toEqual(['tag-other.yaml', 'tag-same-build.yaml']);
  });
});

describeMlflow('MLflow with basic auth (--app-name basic-auth)', () => {
  let server: MlflowServer;
  const reader = { username: 'reader', password: 'reader-password-123' };
  beforeAll(async () => {
    server = await startMlflow((mlflow as { bin: string }).bin, { auth: true });
    await populate(server);
    const created = await server.api('POST', 'users/create', reader);
    if (created.status !== 200) throw new Error(`users/create: ${created.status} ${JSON.stringify(created.json)}`);
  }, 240_000);
  afterAll(async () => server?.stop());

  const files = () => tree({ '.mllint.yaml': 'registry:\n  mlflow:\n    aliasByNamespace: { "*": champion }\n', 'deploy.yaml': deployment('models:/fraud/3') });

  it('MLFLOW_TRACKING_USERNAME/PASSWORD: the check works, and the password appears nowhere', async () => {
    const out = await runCli(['check', '--format', 'json', '--no-cache', '--mlflow-url', server.url], {
      cwd: files(),
      env: { MLFLOW_TRACKING_USERNAME: ADMIN.username, MLFLOW_TRACKING_PASSWORD: ADMIN.password },
    });
    expect(only(out.stdout, 'model-version-matches-registry').map((f) => f.line)).toEqual([16]);
    expect(out.stdout + out.stderr).not.toContain(ADMIN.password);
  });

  it.each([
    ['no credentials', {}, /HTTP 401 unauthorized \(set MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME\/PASSWORD\)/],
    ['a wrong password', { MLFLOW_TRACKING_USERNAME: 'admin', MLFLOW_TRACKING_PASSWORD: 'wrong-secret-value' }, /HTTP 401 unauthorized with the given credentials/],
    ['a user without permission', { MLFLOW_TRACKING_USERNAME: reader.username, MLFLOW_TRACKING_PASSWORD: reader.password }, /HTTP 403 forbidden with the given credentials/],
  ])('%s: one warning, version checks skipped, the exit code of an offline run', async (_name, env, message) => {
    const dir = files();
    const out = await runCli(['check', '--format', 'json', '--no-cache', '--mlflow-url', server.url], { cwd: dir, env: env as Record<string, string> });
    const warnings = only(out.stdout, 'online-source-unavailable');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].severity).toBe('warning');
    expect(warnings[0].message).toMatch(new RegExp(`^MLflow registry at ${server.url.replace(/[.]/g, '\\.')} unreachable: `));
    expect(warnings[0].message).toMatch(message);
    expect(warnings[0].message).toMatch(/; version checks skipped \(set by --mlflow-url\)$/);
    expect(only(out.stdout, 'model-version-matches-registry')).toEqual([]);
    expect(out.code).toBe((await runCli(['check', '--no-cache', '--offline'], { cwd: dir })).code);
    expect(out.stdout + out.stderr).not.toContain('wrong-secret-value');
    expect(out.stdout + out.stderr).not.toContain(reader.password);
  });
});
