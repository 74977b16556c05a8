/**
 * Idle rules: a run whose rules had none of the facts they need says so once, at the end of the stylish
 * output (never in JSON or SARIF), naming the missing thing and the rule whose docs say how to provide it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { makeTree, removeTree, runCli } from '../helpers.js';

const serving = (extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: scorer
  namespace: ml-serving-prod
  annotations: { mllint.io/model: fraud${extra} }
spec:
  selector: { matchLabels: { app: scorer } }
  template:
    metadata: { labels: { app: scorer } }
    spec:
      containers:
        - name: scorer
          image: registry.example.com/ml/fraud-scorer:3.0.1
          env: [{ name: MODEL_VERSION, value: "3" }]
`;

const plain = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - { name: web, image: nginx:1.27 }
`;

const nodes = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Node
    metadata: { name: n1, labels: { kubernetes.io/os: linux, kubernetes.io/arch: amd64 } }
    status: { allocatable: { cpu: "8", memory: 32Gi } }
`;

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeTree));
function tree(files: Record<string, string>): string {
  const dir = makeTree({ '.git/HEAD': 'ref: refs/heads/main\n', ...files });
  dirs.push(dir);
  return dir;
}
const lastLine = (text: string) => text.trimEnd().split('\n').at(-1);
const stylish = (dir: string, args: string[] = []) => runCli(['check', '--no-cache', '--no-color', ...args, '.'], { cwd: dir });

describe('idle rules', () => {
  it('a model served without a registry: one line at the end, naming the missing registry and where to read more', async () => {
    const out = await stylish(tree({ 'deploy.yaml': serving() }));
    expect(lastLine(out.stdout)).toBe(
      '5 rules were idle: no model registry (3 rules, see `mllint explain model-version-matches-registry`); image checks off (see `mllint explain image-matches-registry`); no node pools (see `mllint explain tolerations-match-node-selector`)',
    );
    expect(out.stdout.match(/were idle/g)).toHaveLength(1);
  });

  it('with a registry (footprints, load times), node pools and image facts missing only where they are', async () => {
    const dir = tree({
      'deploy.yaml': serving(),
      'model-registry.yaml': 'models:\n  fraud:\n    stages: { production: "3" }\n    versions:\n      "3": { footprint: 1Gi }\n',
      'nodes.yaml': nodes,
    });
    const out = await stylish(dir, ['--registry', 'model-registry.yaml', '--nodes', 'nodes.yaml']);
    // The registry has a footprint but no load time: only the load-time rule and the image checks are idle.
    expect(lastLine(out.stdout)).toBe(
      '2 rules were idle: no model load times (see `mllint explain liveness-survives-model-load`); image checks off (see `mllint explain image-matches-registry`)',
    );
  });

  it('a workload that serves no model leaves the model rules out; nothing to run on, nothing idle; rules turned off are not counted', async () => {
    const out = await stylish(tree({ 'web.yaml': plain }));
    expect(lastLine(out.stdout)).toBe('2 rules were idle: image checks off (see `mllint explain image-matches-registry`); no node pools (see `mllint explain tolerations-match-node-selector`)');

    const none = await stylish(tree({ 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: shop }\ndata: { a: b }\n' }));
    expect(none.stdout).not.toMatch(/were idle/);

    const off = await stylish(tree({ 'web.yaml': plain, '.mllint.yaml': 'rules:\n  image-matches-registry: off\n  tolerations-match-node-selector: off\n' }));
    expect(off.stdout).not.toMatch(/were idle/);
  });

  it('not part of the JSON or SARIF payloads', async () => {
    const dir = tree({ 'deploy.yaml': serving() });
    for (const format of ['json', 'sarif', 'github', 'junit']) {
      const out = await runCli(['check', '--no-cache', '--format', format, '.'], { cwd: dir });
      expect(out.stdout).not.toMatch(/rules? (were|was) idle/);
    }
  });
});
