/**
 * Issue 10: a pull request is attacker input. Each finding of the review is reproduced in a temporary
 * repository and run through the real CLI (bin/mllint.js, the build) in a child process, and the secure
 * outcome is asserted: no canary in any output format, no marker file, no request to a loopback server,
 * time and memory bounds, outside files unchanged, no forged workflow command, no ESC byte.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORMAT_NAMES } from '../../src/formatters/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'mllint.js');
const built = fs.existsSync(path.join(ROOT, 'dist', 'cli.js'));
const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
for (const [ok, reason] of [
  [built, 'dist/ is not built: run npm run build (npm test does)'],
  [kubectl, 'kubectl is not on PATH: the kustomize attacks need the real renderer'],
] as const) {
  if (ok) continue;
  if (process.env.CI === 'true') throw new Error(reason);
  console.warn(`\n*** SKIPPED hostile-PR tests: ${reason} ***\n`);
}

const CANARY = 'CANARY-7f3a9c1e';
let base: string;
let caseNo = 0;

/** A fresh git work tree (`git init`) holding `files`. */
export function repo(files: Record<string, string | Buffer>): string {
  const dir = path.join(base, `repo-${++caseNo}`);
  fs.mkdirSync(dir, { recursive: true });
  spawnSync('git', ['init', '-q', dir]);
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** The CLI in a child process; `env` is added to a copy of this process's environment. */
function mllint(cwd: string, args: string[], options: { env?: Record<string, string>; timeoutMs?: number; input?: string } = {}): Run {
  const started = Date.now();
  const child = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    input: options.input,
    timeout: options.timeoutMs ?? 30_000,
    env: { ...process.env, NO_COLOR: '1', CI: '', GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '', GITHUB_WORKSPACE: '', ...options.env },
  });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr, seconds: (Date.now() - started) / 1000 };
}

/** Runs `check` in every output format (and the step summary for github); all that was printed or written. */
function everyFormat(cwd: string, args: string[], env: Record<string, string> = {}): { text: string; codes: Array<number | null> } {
  let text = '';
  const codes: Array<number | null> = [];
  for (const format of FORMAT_NAMES) {
    const summary = path.join(base, `summary-${caseNo}-${format}.md`);
    const run = mllint(cwd, ['check', '--format', format, ...args], { env: { ...env, GITHUB_STEP_SUMMARY: summary } });
    codes.push(run.code);
    text += run.stdout + run.stderr;
    if (fs.existsSync(summary)) text += fs.readFileSync(summary, 'utf8');
  }
  return { text, codes };
}

/** The CLI in a child process without blocking this one (a loopback server here must be able to answer). */
function mllintAsync(cwd: string, args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '', GITHUB_WORKSPACE: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, seconds: (Date.now() - started) / 1000 });
    });
  });
}

const findingsOf = (run: Run) => JSON.parse(run.stdout).findings as Array<{ ruleId: string; file: string; line: number; severity: string; message: string }>;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: scorer
  namespace: ml
spec:
  selector: { matchLabels: { app: scorer } }
  template:
    metadata: { labels: { app: scorer } }
    spec:
      containers:
        - name: scorer
          image: scorer:1.0.0
`;

describe.skipIf(!built || !kubectl)('issue 10: safe on a hostile pull request', () => {
  beforeAll(() => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mllint-sec-')));
  });
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  it('1. secret exfiltration: no repository config widens the load restrictor, and no secret reaches any output', () => {
    const outside = path.join(base, `outside-${caseNo}.txt`);
    fs.writeFileSync(outside, `${CANARY}-file\n`);
    // The attack of the review: a repository config asks for LoadRestrictionsNone, a configMapGenerator reads
    // an outside file and the CI's environment, a replacement copies them into an image that image-pinned prints.
    const kustomization = `resources: [deploy.yaml]
configMapGenerator:
  - name: leak
    files: [stolen=${outside}]
replacements:
  - source: { kind: ConfigMap, name: leak, fieldPath: data.stolen }
    targets: [{ select: { kind: Deployment }, fieldPaths: [spec.template.spec.containers.0.image] }]
`;
    const dir = repo({
      '.mllint.yaml': 'kustomize:\n  command: kubectl kustomize --load-restrictor LoadRestrictionsNone\n',
      'k/kustomization.yaml': kustomization,
      'k/deploy.yaml': DEPLOYMENT,
    });
    const env = { MLLINT_TEST_SECRET: `${CANARY}-env` };
    const refused = mllint(dir, ['check', 'k'], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('.mllint.yaml:2:3: kustomize.command cannot be set by a config file inside the linted repository');
    // The same from a trusted place (the environment) is still refused: the load restrictor is never widened.
    fs.rmSync(path.join(dir, '.mllint.yaml'));
    const all = everyFormat(dir, ['k'], { ...env, MLLINT_KUSTOMIZE_COMMAND: 'kubectl kustomize --load-restrictor LoadRestrictionsNone' });
    expect(all.text).toContain('k/kustomization.yaml:4 refers to');
    expect(all.text).toContain('which is outside the linted repository');
    expect(all.text).not.toContain(CANARY);
    // A committed symlink to the outside file is the same file.
    fs.symlinkSync(outside, path.join(dir, 'k/stolen.txt'));
    fs.writeFileSync(path.join(dir, 'k/kustomization.yaml'), kustomization.replace(`files: [stolen=${outside}]`, 'files: [stolen=stolen.txt]'));
    const linked = everyFormat(dir, ['k'], env);
    expect(linked.text).toContain('which is outside the linted repository');
    expect(linked.text).not.toContain(CANARY);
    // Default rendering: the outside file is refused before kustomize runs (and its root-only restrictor would refuse it too).
    fs.writeFileSync(path.join(dir, 'k/kustomization.yaml'), kustomization);
    const plain = everyFormat(dir, ['k'], env);
    expect(plain.codes.every((c) => c === 0 || c === 1)).toBe(true);
    expect(plain.text).not.toContain(CANARY);
  }, 120_000);

  it("1b. the renderer's environment holds no secret of mllint's, no proxy that works, git for local files only", () => {
    // A trusted renderer (outside the repository) that records the environment it was given.
    const tools = fs.mkdtempSync(path.join(base, 'tools-'));
    const record = path.join(tools, 'env.txt');
    fs.writeFileSync(path.join(tools, 'kustomize'), `#!/bin/sh
env > ${record}
echo "apiVersion: v1
kind: ConfigMap
metadata: {name: x, namespace: ml}"
`);
    fs.chmodSync(path.join(tools, 'kustomize'), 0o755);
    const dir = repo({ 'k/kustomization.yaml': 'resources: [deploy.yaml]\n', 'k/deploy.yaml': DEPLOYMENT });
    const run = mllint(dir, ['check', '--format', 'json', 'k'], {
      env: { MLLINT_KUSTOMIZE_COMMAND: `${tools}/kustomize build`, MLLINT_TEST_SECRET: CANARY, GITHUB_TOKEN: CANARY, HTTPS_PROXY: 'http://proxy.example:3128' },
    });
    expect(run.code === 0 || run.code === 1).toBe(true);
    const env = fs.readFileSync(record, 'utf8');
    expect(env).not.toContain(CANARY);
    expect(env).toMatch(/^HTTPS_PROXY=http:\/\/127\.0\.0\.1:9$/m);
    expect(env).toMatch(/^GIT_ALLOW_PROTOCOL=file$/m);
    const home = /^HOME=(.*)$/m.exec(env)?.[1] ?? '';
    expect(home.startsWith(fs.realpathSync(os.tmpdir()))).toBe(true);
    expect(home).not.toBe(os.homedir());
    expect(fs.existsSync(home)).toBe(false); // removed after the run
  });

  it('2. code execution: a program committed to the repository never runs, whatever the working directory', () => {
    const dir = repo({
      'tools/kustomize': `#!/bin/sh\ntouch "$(dirname "$0")/../PWNED"\necho "apiVersion: v1\nkind: List\nitems: []"\n`,
      'gitops/k/kustomization.yaml': 'resources: [deploy.yaml]\n',
      'gitops/k/deploy.yaml': DEPLOYMENT,
    });
    fs.chmodSync(path.join(dir, 'tools/kustomize'), 0o755);
    const marker = path.join(dir, 'PWNED');
    const script = path.join(dir, 'tools/kustomize');
    const gitops = path.join(dir, 'gitops');
    // A repository config, from the action's working-directory (a subdirectory): refused as a config error.
    fs.writeFileSync(path.join(gitops, '.mllint.yaml'), `kustomize:\n  command: ${script} build\n`);
    const fromSubdir = mllint(gitops, ['check', 'k']);
    expect(fromSubdir.code).toBe(2);
    expect(fromSubdir.stderr).toMatch(/kustomize\.command cannot be set by a config file inside the linted repository/);
    // The same config named with --config from outside the work tree: still inside the repository.
    const named = mllint(base, ['check', '-c', path.join(gitops, '.mllint.yaml'), path.join(gitops, 'k')]);
    expect(named.code).toBe(2);
    // A workspace without .git: GITHUB_WORKSPACE is the repository.
    fs.rmSync(path.join(dir, '.git'), { recursive: true, force: true });
    const workspace = mllint(gitops, ['check', 'k'], { env: { GITHUB_WORKSPACE: dir } });
    expect(workspace.code).toBe(2);
    // Even a trusted setting (the environment) or PATH never runs a program inside the repository.
    fs.rmSync(path.join(gitops, '.mllint.yaml'));
    spawnSync('git', ['init', '-q', dir]);
    const viaEnv = mllint(gitops, ['check', '--format', 'json', 'k'], { env: { MLLINT_KUSTOMIZE_COMMAND: `${script} build` } });
    expect(findingsOf(viaEnv)[0].message).toContain('is inside the linted repository');
    const viaPath = mllint(gitops, ['check', '--format', 'json', 'k'], { env: { PATH: `${path.join(dir, 'tools')}${path.delimiter}${process.env.PATH}` } });
    expect(viaPath.code === 0 || viaPath.code === 1).toBe(true);
    expect(fs.existsSync(marker)).toBe(false);
  }, 60_000);

  it('3. no network: a remote reference in any kustomization field is reported once at its line (warning), never fetched; the run goes on', async () => {
    let requests = 0;
    const server = http.createServer((req, res) => {
      requests++;
      res.end('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fetched}\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      // One entry point per field; the remote reference is always on line 3.
      const fields: Record<string, string> = {
        resources: `resources:\n  - deploy.yaml\n  - ${url}/all.yaml\n`,
        git: `resources:\n  - deploy.yaml\n  - git::${url}/org/repo.git//base?ref=v1\n`,
        hostlike: `resources:\n  - deploy.yaml\n  - ${url.slice('http://'.length)}/org/repo/base\n`,
        github: `resources:\n  - deploy.yaml\n  - github.com/acme/manifests/base?ref=main\n`,
        bases: `resources: [deploy.yaml]\nbases:\n  - https://${url.slice('http://'.length)}/base\n`,
        components: `resources: [deploy.yaml]\ncomponents:\n  - ${url}/component\n`,
        patches: `resources: [deploy.yaml]\npatches:\n  - path: ${url}/patch.yaml\n`,
        json6902: `resources: [deploy.yaml]\npatchesJson6902:\n  - path: ${url}/ops.yaml\n    target: { kind: Deployment, name: scorer }\n`,
        strategic: `resources: [deploy.yaml]\npatchesStrategicMerge:\n  - ${url}/smp.yaml\n`,
        generatorFiles: `resources: [deploy.yaml]\nconfigMapGenerator:\n  - { name: c, files: [\"k=${url}/file\"] }\n`,
        replacements: `resources: [deploy.yaml]\nreplacements:\n  - path: ${url}/replacements.yaml\n`,
        transformers: `resources: [deploy.yaml]\ntransformers:\n  - ${url}/transformer.yaml\n`,
        crds: `resources: [deploy.yaml]\ncrds:\n  - ${url}/crd.json\n`,
        openapi: `resources: [deploy.yaml]\nopenapi:\n  path: ${url}/schema.json\n`,
        helm: `resources: [deploy.yaml]\nhelmCharts:\n  - { name: x, repo: "${url}/charts", version: 1.0.0 }\n`,
      };
      const files: Record<string, string> = { 'local/kustomization.yaml': 'resources: [deploy.yaml]\n', 'local/deploy.yaml': DEPLOYMENT.replace('1.0.0', '1.0.0@sha256:9f86d08') }; // an image-pinned error
      for (const [name, text] of Object.entries(fields)) {
        files[`${name}/kustomization.yaml`] = text;
        files[`${name}/deploy.yaml`] = DEPLOYMENT;
      }
      // A remote reference in a base is reported once, for the entry point that uses it, in the base.
      files['overlay/kustomization.yaml'] = 'resources:\n  - ../remotebase\n';
      files['remotebase/kustomization.yaml'] = `resources:\n  - deploy.yaml\n  - ${url}/all.yaml\n`;
      files['remotebase/deploy.yaml'] = DEPLOYMENT;
      const dir = repo(files);
      const run = await mllintAsync(dir, ['check', '--format', 'json', '.']);
      expect(run.code, run.stderr).toBe(1);
      expect(requests).toBe(0);
      const findings = findingsOf(run);
      const skipped = findings.filter((f) => f.ruleId === 'parse-error');
      expect(skipped.map((f) => `${f.file}:${f.line} ${f.severity}`).sort()).toEqual(
        [...Object.keys(fields).map((name) => `${name}/kustomization.yaml:3 warning`), 'remotebase/kustomization.yaml:3 warning'].sort(),
      );
      for (const f of skipped) expect(f.message).toMatch(/not rendered: .*(remote resource|does not use the network)/);
      expect(skipped.find((f) => f.file.startsWith('remotebase'))!.message).toContain('kustomization overlay not rendered');
      // The local entry point was still rendered and linted.
      expect(findings.some((f) => f.ruleId === 'image-pinned' && f.file === 'local/deploy.yaml')).toBe(true);
      expect(run.seconds).toBeLessThan(30);
    } finally {
      server.close();
    }
  }, 90_000);

  it('4. super-linear time: evil regexes, globs, URL values and huge flow mappings finish in seconds', () => {
    const evil = `${'a'.repeat(40)}!`;
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.org }
spec:
  group: example.org
  names: { kind: Widget, plural: widgets }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                id: { type: string, pattern: "^(a+)+$" }
---
apiVersion: example.org/v1
kind: Widget
metadata: { name: w, namespace: ml }
spec: { id: "${evil}" }
`;
    const policy = `policies:
  - id: evil-pattern
    description: evil
    severity: warning
    match: { kinds: [ConfigMap] }
    schema: { properties: { data: { properties: { v: { pattern: "^(a|a)+$" } } } } }
overrides:
  - namespaces: ["${'*(a|a)'.repeat(12)}b"]
    rules: { image-pinned: "off" }
`;
    const dir = repo({
      'crd.yaml': crd,
      '.mllint.yaml': policy,
      'cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: "${'a'.repeat(40)}" }\ndata: { v: "${evil}" }\n`,
      'env.yaml': DEPLOYMENT.replace('image: scorer:1.0.0', `image: scorer:1.0.0\n          env: [{ name: DATABASE_URL, value: "a://${':'.repeat(200_000)}" }]`),
      'flow.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: flow, namespace: ml }\ndata: {${Array.from({ length: 40_000 }, (_, i) => `k${i}: v`).join(', ')}}\n`,
      'k/kustomization.yaml': `resources: [deploy.yaml]\npatches:\n  - target: { kind: Deployment, name: "(a|a)+$" }\n    patch: |\n      - { op: add, path: /metadata/labels, value: { x: y } }\n`,
      'k/deploy.yaml': DEPLOYMENT.replace('name: scorer', `name: ${'a'.repeat(40)}b`),
    });
    const run = mllint(dir, ['check', '--format', 'json', '.'], { timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(1);
    expect(run.seconds).toBeLessThan(30);
    const findings = findingsOf(run);
    // Same answers as the API server (RE2): the CRD pattern and the policy pattern fail on the evil values.
    expect(findings.some((f) => f.ruleId === 'schema-valid' && f.file === 'crd.yaml')).toBe(true);
    expect(findings.some((f) => f.ruleId === 'evil-pattern' && f.file === 'cm.yaml')).toBe(true);
    expect(findings.some((f) => f.ruleId === 'no-secret-literals-in-env')).toBe(false);
    expect(findings.some((f) => f.ruleId === 'parse-error' && f.file === 'flow.yaml')).toBe(false);
    // A repeated key in a huge flow mapping is still found, in linear time.
    fs.writeFileSync(path.join(dir, 'flow.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: flow, namespace: ml }\ndata: {${Array.from({ length: 200_000 }, (_, i) => `k${i % 199_999}: v`).join(', ')}}\n`);
    const dup = mllint(dir, ['check', '--format', 'json', 'flow.yaml'], { timeoutMs: 60_000 });
    expect(dup.code, dup.stderr).toBe(1);
    expect(findingsOf(dup)).toEqual([expect.objectContaining({ ruleId: 'parse-error', line: 4, message: expect.stringContaining('duplicate key') })]);
    expect(dup.seconds).toBeLessThan(30);
  }, 120_000);

  it('4b. size caps: an oversized kustomization or config is reported, not parsed', () => {
    const big = `# ${'x'.repeat(2 * 1024 * 1024)}\n`;
    const dir = repo({ 'k/kustomization.yaml': `resources: [deploy.yaml]\n${big}`, 'k/deploy.yaml': DEPLOYMENT, 'ok.yaml': DEPLOYMENT });
    const run = mllint(dir, ['check', '--format', 'json', '.']);
    expect(run.code).not.toBe(2); // findings, not a usage or config error (the oversized kustomization is a warning)
    expect(findingsOf(run).find((f) => f.file === 'k/kustomization.yaml')?.message).toMatch(/kustomization file is 2\.0 MiB; the limit is 1 MiB/);
    fs.writeFileSync(path.join(dir, '.mllint.yaml'), `rules: {}\n${big}`);
    const config = mllint(dir, ['check', '.']);
    expect(config.code).toBe(2);
    expect(config.stderr).toMatch(/config file is 2\.0 MiB; the limit is 1 MiB/);
  });

  it('5. symlinks to /dev/zero or outside files (packs, ignore files, Chart.yaml, registry, nodes): never read, never echoed', () => {
    const secret = path.join(base, `secret-${caseNo}.yaml`);
    fs.writeFileSync(secret, `${CANARY}: 1\nmodels: { ${CANARY}: {} }\n`);
    const dir = repo({ 'gitops/app.yaml': DEPLOYMENT, 'gitops/chart/templates/x.yaml': 'x: {{ .Values.x }}\n' });
    fs.symlinkSync('/dev/zero', path.join(dir, '.gitignore'));
    fs.symlinkSync('/dev/zero', path.join(dir, 'gitops/.mllintignore'));
    fs.symlinkSync('/dev/zero', path.join(dir, 'gitops/chart/Chart.yaml'));
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero-pack.yaml'));
    fs.symlinkSync(secret, path.join(dir, 'linked-secret.yaml'));
    const attempts = [
      'extends: [./zero-pack.yaml]\n',
      `extends: [${secret}]\n`,
      'extends: [./linked-secret.yaml]\n',
      `registry: { file: ${secret} }\n`,
      'registry: { file: linked-secret.yaml }\n',
      `cluster: { nodesFile: ${secret} }\n`,
    ];
    for (const config of attempts) {
      fs.writeFileSync(path.join(dir, '.mllint.yaml'), config);
      const run = mllint(dir, ['check', 'gitops'], { timeoutMs: 20_000 });
      expect(run.code, config).toBe(2);
      expect(run.stderr, config).toMatch(/outside the linted repository|not a regular file/);
      expect(run.stdout + run.stderr).not.toContain(CANARY);
      expect(run.seconds).toBeLessThan(15);
    }
    // Without a config: the /dev/zero ignore files and Chart.yaml are skipped, the run is normal.
    fs.rmSync(path.join(dir, '.mllint.yaml'));
    const plain = mllint(dir, ['check', '--format', 'json', 'gitops'], { timeoutMs: 20_000 });
    expect(plain.code === 0 || plain.code === 1, plain.stderr).toBe(true);
    expect(findingsOf(plain).some((f) => f.ruleId === 'helm-chart-skipped')).toBe(true);
    // Named on the command line, an outside file is the user's choice: read (and its problems shown).
    const named = mllint(dir, ['check', '--registry', secret, 'gitops']);
    expect(named.code).toBe(2);
    expect(named.stderr).toContain('invalid model registry');
  }, 120_000);

  it('6. a huge stdin or rendered output is an error, not a V8 out-of-memory abort', () => {
    const dir = repo({});
    const doc = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: ml }\n---\n';
    const huge = doc.repeat(Math.ceil((70 * 1048576) / doc.length));
    const run = mllint(dir, ['check', '-'], { input: huge, timeoutMs: 60_000 });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('stdin is larger than 64 MiB');
    const one = mllint(dir, ['check', '--format', 'json', '-'], { input: doc.repeat(Math.ceil((17 * 1048576) / doc.length)), timeoutMs: 60_000 });
    expect(one.code).toBe(1);
    expect(findingsOf(one)[0].message).toMatch(/over 16 MiB are not parsed/);
  }, 120_000);

  it('7. packs extended along many paths are loaded once: 18 packs that each extend the next twice', () => {
    const files: Record<string, string> = { 'app.yaml': DEPLOYMENT };
    for (let i = 0; i < 18; i++) files[`packs/p${i}.yaml`] = i === 17 ? 'ignore: ["tmp/**"]\nrules: { pdb-present: warning }\n' : `extends: [./p${i + 1}.yaml, ./p${i + 1}.yaml]\nignore: ["x${i}/**"]\n`;
    files['.mllint.yaml'] = 'extends: [./packs/p0.yaml, ./packs/p0.yaml]\n';
    const dir = repo(files);
    const run = mllint(dir, ['check', '--format', 'json', '.'], { timeoutMs: 20_000 });
    expect(run.code === 0 || run.code === 1, run.stderr).toBe(true);
    expect(run.seconds).toBeLessThan(10);
  });

  it('8. writes never follow a committed symlink: cache folder, -o, --write-baseline', () => {
    const outside = fs.mkdtempSync(path.join(base, 'outside-'));
    fs.writeFileSync(path.join(outside, 'keep.txt'), 'precious\n');
    fs.writeFileSync(path.join(outside, `result-${'0'.repeat(32)}.json`), 'decoy\n');
    fs.writeFileSync(path.join(outside, 'report.json'), 'precious\n');
    const snapshot = () => fs.readdirSync(outside).sort().map((n) => `${n}:${fs.readFileSync(path.join(outside, n), 'utf8')}`);
    const before = snapshot();
    const dir = repo({ 'app.yaml': DEPLOYMENT });
    fs.symlinkSync(outside, path.join(dir, '.mllint-cache'));
    fs.symlinkSync(path.join(outside, 'report.json'), path.join(dir, 'report.json'));
    fs.symlinkSync(path.join(outside, 'report.json'), path.join(dir, 'baseline.json'));
    fs.symlinkSync(outside, path.join(dir, 'reports'));
    for (let i = 0; i < 3; i++) expect([0, 1]).toContain(mllint(dir, ['check', '.']).code); // the cache is on by default
    const toLink = mllint(dir, ['check', '-o', 'report.json', '.']);
    expect(toLink.code).toBe(2);
    expect(toLink.stderr).toContain('is a symlink; mllint does not write through symlinks');
    const throughFolder = mllint(dir, ['check', '-o', 'reports/new/out.json', '.']);
    expect(throughFolder.code).toBe(2);
    expect(throughFolder.stderr).toContain('leads out of the repository through a symlink');
    const baseline = mllint(dir, ['check', '--write-baseline', 'baseline.json', '.']);
    expect(baseline.code).toBe(2);
    expect(baseline.stderr).toContain('is a symlink');
    expect(snapshot()).toEqual(before);
    // A real cache folder works as before: created by mllint, results reused.
    fs.rmSync(path.join(dir, '.mllint-cache'));
    mllint(dir, ['check', '.']);
    expect(fs.lstatSync(path.join(dir, '.mllint-cache')).isDirectory()).toBe(true);
    expect(fs.readdirSync(path.join(dir, '.mllint-cache')).some((n) => n.startsWith('result-'))).toBe(true);
    // -o to a path the user names outside the repository is fine.
    expect(mllint(dir, ['check', '-o', path.join(outside, 'fresh.json'), '.']).code).not.toBe(2);
  });

  it('10a. a kustomization base outside the repository is not rendered (warning at its line)', () => {
    const outsideBase = fs.mkdtempSync(path.join(base, 'outside-base-'));
    fs.writeFileSync(path.join(outsideBase, 'kustomization.yaml'), 'resources: [deploy.yaml]\n');
    fs.writeFileSync(path.join(outsideBase, 'deploy.yaml'), DEPLOYMENT.replace('scorer:1.0.0', `${CANARY.toLowerCase()}:latest`));
    const dir = repo({ 'k/deploy.yaml': DEPLOYMENT });
    fs.writeFileSync(path.join(dir, 'k/kustomization.yaml'), `resources:\n  - deploy.yaml\n  - ${path.relative(path.join(dir, 'k'), outsideBase)}\n`);
    fs.symlinkSync(outsideBase, path.join(dir, 'linked-base'));
    fs.mkdirSync(path.join(dir, 'l'));
    fs.writeFileSync(path.join(dir, 'l/kustomization.yaml'), 'resources:\n  - ../linked-base\n');
    const all = everyFormat(dir, ['k', 'l']);
    expect(all.text.toLowerCase()).not.toContain(CANARY.toLowerCase());
    const run = mllint(dir, ['check', '--format', 'json', 'k', 'l']);
    expect(findingsOf(run).filter((f) => f.ruleId === 'parse-error').map((f) => `${f.file}:${f.line} ${f.severity}`)).toEqual([
      'k/kustomization.yaml:3 warning',
      'l/kustomization.yaml:2 warning',
    ]);
  });

  it("10c. helmGlobals.configHome outside the repository (helm reads repositories.yaml and registry/config.json there) is not rendered", () => {
    const outsideHome = fs.mkdtempSync(path.join(base, 'outside-helm-home-'));
    const dir = repo({
      'k/charts/mini/Chart.yaml': 'apiVersion: v2\nname: mini\nversion: 0.1.0\n',
      'k/charts/mini/values.yaml': 'x: a\n',
      'k/charts/mini/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: mini, namespace: ns }\n',
      'k/kustomization.yaml': `helmGlobals:\n  chartHome: charts\n  configHome: ${outsideHome}\nhelmCharts:\n  - { name: mini, releaseName: mini }\n`,
    });
    const run = mllint(dir, ['check', '--format', 'json', 'k']);
    expect(findingsOf(run).map((f) => `${f.ruleId} ${f.file}:${f.line} ${f.severity}`)).toEqual(['parse-error k/kustomization.yaml:3 warning']);
    expect(findingsOf(run)[0].message).toContain(`refers to "${outsideHome}", which is outside the linted repository`);
  });

  it('10d. run from a folder outside any work tree that holds the repository (`mllint check pr` from $HOME), that folder is not the repository', () => {
    const holder = fs.mkdtempSync(path.join(base, 'holder-'));
    fs.mkdirSync(path.join(holder, 'private'));
    fs.writeFileSync(path.join(holder, 'private/kustomization.yaml'), 'resources: [deploy.yaml]\n');
    fs.writeFileSync(path.join(holder, 'private/deploy.yaml'), DEPLOYMENT.replace('scorer:1.0.0', `${CANARY.toLowerCase()}:latest`));
    const dir = path.join(holder, 'pr');
    fs.renameSync(repo({ 'k/kustomization.yaml': 'resources:\n  - ../linked\n', 'l/kustomization.yaml': 'resources:\n  - ../../private\n' }), dir);
    fs.symlinkSync(path.join(holder, 'private'), path.join(dir, 'linked'));
    const run = mllint(holder, ['check', '--format', 'json', 'pr']);
    expect(run.stdout.toLowerCase()).not.toContain(CANARY.toLowerCase());
    expect(findingsOf(run).map((f) => `${f.ruleId} ${f.file}:${f.line} ${f.severity}`)).toEqual([
      'parse-error pr/k/kustomization.yaml:2 warning',
      'parse-error pr/l/kustomization.yaml:2 warning',
    ]);
  });

  it('10b. mllint.io/model: toString (and other Object.prototype names) gives findings, not rule-errors', () => {
    const dir = repo({
      'reg.yaml': 'models:\n  fraud: { stages: { production: "3" }, versions: { "3": { footprint: 1Gi } } }\n',
      '.mllint.yaml': 'registry: { file: reg.yaml, stageByNamespace: { "*": production } }\nmodels:\n  valueOf: { footprint: 1Gi }\n',
    });
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
      fs.writeFileSync(path.join(dir, 'a.yaml'), DEPLOYMENT.replace('  namespace: ml\n', `  namespace: ml\n  annotations: { mllint.io/model: "${name}", mllint.io/model-version: "${name}" }\n`));
      const run = mllint(dir, ['check', '--format', 'json', 'a.yaml']);
      expect([0, 1], run.stderr).toContain(run.code);
      expect(findingsOf(run).filter((f) => f.ruleId === 'rule-error')).toEqual([]);
    }
  });

  it('9. log and terminal injection: no forged workflow command, no ESC/OSC, no lone CR, a plain-text job summary', () => {
    const forged = '\n::add-mask::x\n::error file=README.md,line=1::forged';
    const dir = repo({
      'app.yaml': DEPLOYMENT.replace('- name: scorer', `- name: ${JSON.stringify(`scorer${forged}\u001b]52;c;cHduZWQ=\u0007\u001b[2K\u009b31m\rX`)}`).replace('scorer:1.0.0', 'scorer:latest'),
      [`::error file=a.yaml::named.yaml`]: DEPLOYMENT.replace('1.0.0', 'latest').replace('name: scorer\n  namespace', `name: "<img src=x onerror=alert(1)> [link](https://evil.example) **b**"\n  namespace`),
      '.mllint.yaml': `rules:\n  image-pinned: error\n  unknown-${'\u001b'}[2Krule: warning\n`,
    });
    fs.writeFileSync(path.join(dir, `nl${forged.replace(/\//g, '_')}.yaml`), DEPLOYMENT.replace('1.0.0', 'latest'));
    // stderr: a config error quoting the hostile key.
    const configError = mllint(dir, ['check', '.']);
    expect(configError.code).toBe(2);
    expect(configError.stderr).not.toMatch(/\u001b/);
    expect(configError.stderr).toContain('\\x1b');
    fs.writeFileSync(path.join(dir, '.mllint.yaml'), 'rules:\n  image-pinned: error\n');
    for (const format of FORMAT_NAMES) {
      const summary = path.join(base, `summary-9-${format}.md`);
      const run = mllint(dir, ['check', '--format', format, '.'], { env: { GITHUB_STEP_SUMMARY: summary } });
      expect(run.code, `${format}: ${run.stderr}`).toBe(1);
      const text = run.stdout + run.stderr + (fs.existsSync(summary) ? fs.readFileSync(summary, 'utf8') : '');
      expect(text, format).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/); // no ESC, BEL, C1 …
      expect(text, format).not.toMatch(/\r(?!\n)/); // no lone CR
      for (const line of text.split('\n')) {
        if (format === 'github' && line.startsWith('::')) expect(line, line).toMatch(/^::(error|warning|notice) file=[^:]*(%3A[^:]*)*::[^\n]*$/);
        else expect(line.trimStart().startsWith('::'), `${format}: ${line}`).toBe(false);
      }
      expect(text).not.toMatch(/^::add-mask::/m);
      if (format === 'github') {
        const md = fs.readFileSync(summary, 'utf8');
        expect(md).not.toContain('<img');
        expect(md).not.toContain('](https://evil.example)');
        expect(md).not.toContain('**b**');
        expect(md).toContain('&lt;img');
      }
    }
  });
});

export { base, mllint, everyFormat, findingsOf, spawn, http, CANARY, DEPLOYMENT };
