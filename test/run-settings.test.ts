/**
 * The model registry file (`--registry`, `registry.file`) and Node objects (`--nodes`, `cluster.nodesFile`):
 * loading, validation with positions, and what the CLI does with them (exit 2 on a broken file).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, type CliIO } from '../src/cli.js';
import { parseNodesText, parseRegistryText } from '../src/config/run-settings.js';

const root = path.resolve(__dirname, '..');
const examples = path.join(root, 'examples', 'manifests');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mllint-run-settings-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

async function cli(argv: string[], cwd = tmp): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readStdin: async () => '',
    cwd,
    env: { NO_COLOR: '1' },
    isTTY: false,
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

const REGISTRY = `models:
  fraud-detector:
    stages: { production: 3, staging: "4" }
    versions:
      "3": { footprint: 1536Mi, loadSeconds: 45, image: registry.example.com/ml/fraud-scorer:3.0.1 }
      "4": { footprint: 2Gi }
`;

const SCORER = (version: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: fraud-scorer
  namespace: ml-serving-prod
  annotations:
    mllint.io/model: fraud-detector
    mllint.io/model-version: "${version}"
spec:
  selector:
    matchLabels: { app: fraud-scorer }
  template:
    metadata:
      labels: { app: fraud-scorer }
    spec:
      containers:
        - name: scorer
          image: registry.example.com/ml/fraud-scorer:3.0.1
`;

const EMPTY_CONFIG = write('config/empty.yaml', 'rules: {}\n');
const onlyMyRules = ['--config', EMPTY_CONFIG];
const MY_RULES = new Set(['model-version-matches-registry', 'tolerations-match-node-selector']);

/** Findings of the two rules these files feed, from `--format json` output, as [line, message]. */
function mine(stdout: string): Array<[number, string]> {
  const findings = JSON.parse(stdout).findings as Array<{ ruleId: string; line: number; message: string }>;
  return findings.filter((f) => MY_RULES.has(f.ruleId)).map((f) => [f.line, f.message]);
}

describe('registry file: parsing', () => {
  it('reads stages and versions; numeric versions become strings', () => {
    const result = parseRegistryText(REGISTRY, 'model-registry.yaml');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.registry.file).toBe('model-registry.yaml');
    expect(result.registry.models['fraud-detector'].stages).toEqual({ production: '3', staging: '4' });
    expect(result.registry.models['fraud-detector'].versions['3']).toEqual({
      footprint: '1536Mi', loadSeconds: 45, image: 'registry.example.com/ml/fraud-scorer:3.0.1',
    });
  });

  it('reports a bad quantity once, at its line and column', () => {
    const result = parseRegistryText(REGISTRY.replace('footprint: 2Gi', 'footprint: two gigs'), 'r.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      { file: 'r.yaml', line: 6, column: 25, message: 'invalid model registry: models.fraud-detector.versions.4.footprint must be a Kubernetes quantity such as 1536Mi or 2Gi' },
    ]);
  });

  it('reports a misspelt key and a missing models key', () => {
    const typo = parseRegistryText(REGISTRY.replace('loadSeconds', 'loadSecs'), 'r.yaml');
    expect(typo.ok ? [] : typo.problems.map((p) => `${p.line}:${p.column} ${p.message}`)).toEqual([
      '5:43 invalid model registry: unknown key "loadSecs" in models.fraud-detector.versions.3',
    ]);
    const shape = parseRegistryText('fraud-detector:\n  stages: {}\n', 'r.yaml');
    expect(shape.ok ? [] : shape.problems.map((p) => p.message)).toContain('invalid model registry: the document is missing the required key "models"');
  });

  it('reports an empty file', () => {
    const result = parseRegistryText('# nothing yet\n', 'r.yaml');
    expect(result.ok ? '' : result.problems[0].message).toMatch(/the file is empty/);
  });
});

describe('nodes file: parsing', () => {
  it('turns each Node of a kind: List into a pool with labels, taints and allocatable', () => {
    const result = parseNodesText(fs.readFileSync(path.join(examples, 'nodes.yaml'), 'utf8'), 'nodes.yaml');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.pools.map((p) => p.name)).toEqual(['gpu-a100-7f2k', 'general-x8c1', 'general-q2m9']);
    expect(result.pools[0]).toMatchObject({
      labels: { accelerator: 'nvidia-a100', 'kubernetes.io/os': 'linux' },
      taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }],
      allocatable: { cpu: '47900m', 'nvidia.com/gpu': '4', memory: '339484048Ki' },
      source: 'nodes.yaml',
    });
    expect(result.pools[1].taints).toEqual([]);
  });

  it('accepts plain multi-document Nodes and ignores other kinds', () => {
    const text = `apiVersion: v1
kind: Node
metadata: { name: a, labels: { pool: x } }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: not-a-node }
---
apiVersion: v1
kind: Node
metadata: { name: b }
status: { allocatable: { cpu: 4 } }
`;
    const result = parseNodesText(text, 'n.yaml');
    expect(result.ok && result.pools.map((p) => [p.name, p.allocatable])).toEqual([['a', {}], ['b', { cpu: '4' }]]);
  });

  it('reports a taint without an effect at its position', () => {
    const text = 'apiVersion: v1\nkind: Node\nmetadata: { name: a }\nspec:\n  taints:\n    - key: gpu\n      value: "yes"\n';
    const result = parseNodesText(text, 'n.yaml');
    expect(result.ok ? [] : result.problems.map((p) => `${p.line}:${p.column} ${p.message}`)).toEqual([
      '6:7 invalid nodes file: Node "a": a taint needs a key and an effect (NoSchedule, PreferNoSchedule or NoExecute)',
    ]);
  });

  it('reports a file without Nodes', () => {
    const result = parseNodesText('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n', 'n.yaml');
    expect(result.ok ? '' : result.problems[0].message).toMatch(/no Node objects found/);
  });
});

describe('CLI --registry', () => {
  const manifests = write('apps/scorer.yaml', SCORER('3'));
  const registry = write('registry/model-registry.yaml', REGISTRY);

  it('a good registry file: the workload serving the production version passes', async () => {
    const { stdout, stderr } = await cli(['check', ...onlyMyRules, '--registry', 'registry/model-registry.yaml', '--format', 'json', manifests]);
    expect(stderr).toBe('');
    expect(mine(stdout)).toEqual([]);
  });

  it('a good registry file: the wrong version is an error finding (exit 1)', async () => {
    const wrong = write('apps-wrong/scorer.yaml', SCORER('4'));
    const { code, stdout } = await cli(['check', ...onlyMyRules, '--registry', registry, '--format', 'json', wrong]);
    expect(code).toBe(1);
    expect(mine(stdout)).toEqual([
      [8, 'serves model "fraud-detector" version 4, but the registry\'s production version is 3 (namespace "ml-serving-prod" deploys stage production)'],
    ]);
  });

  it('broken YAML: exit 2 with file:line:column, no stack trace', async () => {
    write('registry/broken.yaml', 'models:\n  fraud-detector:\n    stages: { production: "3"\n    versions: {}\n');
    const { code, stdout, stderr } = await cli(['check', ...onlyMyRules, '--registry', 'registry/broken.yaml', manifests]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^mllint: config error: registry\/broken\.yaml:\d+:\d+: invalid model registry: invalid YAML: /);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('wrong shape: exit 2 pointing at the bad value', async () => {
    write('registry/shape.yaml', REGISTRY.replace('loadSeconds: 45', 'loadSeconds: soon'));
    const { code, stderr } = await cli(['check', ...onlyMyRules, '--registry', 'registry/shape.yaml', manifests]);
    expect(code).toBe(2);
    expect(stderr).toBe('mllint: config error: registry/shape.yaml:5:46: invalid model registry: models.fraud-detector.versions.3.loadSeconds must be of type number\n');
  });

  it('missing file: exit 2 naming it', async () => {
    const { code, stderr } = await cli(['check', ...onlyMyRules, '--registry', 'registry/nope.yaml', manifests]);
    expect(code).toBe(2);
    expect(stderr).toBe('mllint: config error: registry/nope.yaml: model registry file not found\n');
  });

  it('registry.file in the config, relative to the config file; --registry overrides it', async () => {
    const config = write('cfg/rules.config.yaml', 'registry:\n  file: ../registry/shape.yaml\n');
    const broken = await cli(['check', '--config', config, manifests]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/registry\/shape\.yaml:5:46: /);
    const overridden = await cli(['check', '--config', config, '--registry', registry, '--format', 'json', manifests]);
    expect(overridden.stderr).toBe('');
    expect(mine(overridden.stdout)).toEqual([]);
  });
});

describe('CLI --nodes', () => {
  const gpuPod = write('gpu/pod.yaml', `apiVersion: v1
kind: Pod
metadata: { name: llm, namespace: ml-serving-prod }
spec:
  nodeSelector: { accelerator: nvidia-a100 }
  containers:
    - name: server
      image: registry.example.com/ml/llm-server:7.2.0
      resources:
        limits: { nvidia.com/gpu: "1" }
`);

  it('the clean example stack stays clean with the example Node objects', async () => {
    const { code, stdout, stderr } = await cli(
      ['check', '--config', 'rules.config.yaml', '--nodes', 'nodes.yaml', '--format', 'json', 'good', 'nodes.yaml'],
      examples,
    );
    expect(stderr).toBe('');
    expect(mine(stdout)).toEqual([]);
    expect(code).toBe(0);
  });

  it('Node taints are enforced, and the message names the node', async () => {
    const { code, stdout } = await cli(['check', ...onlyMyRules, '--nodes', path.join(examples, 'nodes.yaml'), '--format', 'json', gpuPod]);
    expect(code).toBe(1);
    expect(mine(stdout)).toEqual([
      [4, 'the pod tolerates no node pool it selects: pool gpu-a100-7f2k has taint nvidia.com/gpu=present:NoSchedule'],
    ]);
  });

  it('cluster.nodesFile in the config is used', async () => {
    const nodes = write('cluster/nodes.yaml', 'apiVersion: v1\nkind: Node\nmetadata: { name: cpu-only, labels: { pool: general } }\n');
    const config = write('cluster/rules.config.yaml', 'cluster:\n  nodesFile: nodes.yaml\n');
    expect(fs.existsSync(nodes)).toBe(true);
    const { code, stdout } = await cli(['check', '--config', config, '--format', 'json', gpuPod]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/nodeSelector accelerator=nvidia-a100 matches no node pool: cpu-only has no accelerator label/);
  });

  it('broken YAML: exit 2 with file:line:column, no stack trace', async () => {
    write('cluster/broken.yaml', 'apiVersion: v1\nkind: Node\nmetadata:\n  name: a\n  labels: { pool: [general }\n');
    const { code, stdout, stderr } = await cli(['check', ...onlyMyRules, '--nodes', 'cluster/broken.yaml', gpuPod]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^mllint: config error: cluster\/broken\.yaml:5:\d+: invalid nodes file: /);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('a malformed taint: exit 2 at the taint', async () => {
    write('cluster/taint.yaml', 'apiVersion: v1\nkind: Node\nmetadata: { name: a }\nspec:\n  taints:\n    - { key: gpu, effect: NoWay }\n');
    const { code, stderr } = await cli(['check', ...onlyMyRules, '--nodes', 'cluster/taint.yaml', gpuPod]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^mllint: config error: cluster\/taint\.yaml:6:7: invalid nodes file: Node "a": a taint needs a key and an effect/);
  });

  it('missing file: exit 2 naming it', async () => {
    const { code, stderr } = await cli(['check', ...onlyMyRules, '--nodes', 'cluster/none.yaml', gpuPod]);
    expect(code).toBe(2);
    expect(stderr).toBe('mllint: config error: cluster/none.yaml: nodes file not found\n');
  });
});
