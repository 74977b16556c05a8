/**
 * `helm template … | mllint check -`: Helm's `# Source:` comments become the file of each finding, and
 * lines count within what that template rendered.
 */
import { describe, expect, it } from 'vitest';
import { splitHelmStream } from '../../src/loaders/helm.js';
import { runCli } from '../helpers.js';

/** What `helm template fraud ./charts/fraud-scorer -n ml-serving-prod` prints (Helm 3.14). */
const RENDERED = `---
# Source: fraud-scorer/charts/redis/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: fraud-redis
  namespace: ml-serving-prod
spec:
  selector:
    app.kubernetes.io/name: redis
  ports:
    - port: 6379
---
# Source: fraud-scorer/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: fraud-fraud-scorer
  namespace: ml-serving-prod
  labels:
    helm.sh/chart: fraud-scorer-0.1.0
    app.kubernetes.io/name: fraud-scorer
    app.kubernetes.io/instance: fraud
    app.kubernetes.io/managed-by: Helm
spec:
  type: ClusterIP
  ports:
    - port: 80
      targetPort: http
      protocol: TCP
      name: http
  selector:
    app.kubernetes.io/name: fraud-scorer
    app.kubernetes.io/instance: fraud
---
# Source: fraud-scorer/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: fraud-fraud-scorer
  namespace: ml-serving-prod
  labels:
    helm.sh/chart: fraud-scorer-0.1.0
    app.kubernetes.io/name: fraud-scorer
    app.kubernetes.io/instance: fraud
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: fraud-scorer
      app.kubernetes.io/instance: fraud
  template:
    metadata:
      labels:
        app.kubernetes.io/name: fraud-scorer
        app.kubernetes.io/instance: fraud
    spec:
      containers:
        - name: fraud-scorer
          image: "registry.example.com/ml/fraud-scorer:latest"
          imagePullPolicy: IfNotPresent
          ports:
            - name: http
              containerPort: 8080
              protocol: TCP
---
# Source: fraud-scorer/templates/workers.yaml
apiVersion: v1
kind: Pod
metadata:
  name: fraud-warmup-a
  namespace: ml-serving-prod
spec:
  containers:
    - name: warmup
      image: registry.example.com/ml/warmup:1.0.0
---
# Source: fraud-scorer/templates/workers.yaml
apiVersion: v1
kind: Pod
metadata:
  name: fraud-warmup-b
  namespace: ml-serving-prod
spec:
  containers:
    - name: warmup
      image: registry.example.com/ml/warmup
---
# Source: fraud-scorer/templates/tests/test-connection.yaml
apiVersion: v1
kind: Pod
metadata:
  name: "fraud-fraud-scorer-test-connection"
  namespace: ml-serving-prod
  annotations:
    "helm.sh/hook": test
spec:
  containers:
    - name: wget
      image: busybox:1.36
      command: ['wget']
      args: ['fraud-fraud-scorer:80']
  restartPolicy: Never
`;

describe('helm template output on stdin', () => {
  it('splits the stream by # Source:, one source per template, lines within the template', () => {
    const parts = splitHelmStream(RENDERED);
    expect(parts.map((p) => p.display)).toEqual([
      'fraud-scorer/charts/redis/templates/service.yaml',
      'fraud-scorer/templates/service.yaml',
      'fraud-scorer/templates/deployment.yaml',
      'fraud-scorer/templates/workers.yaml',
      'fraud-scorer/templates/tests/test-connection.yaml',
    ]);
    const deployment = parts[2].text!.split('\n');
    expect(deployment[0]).toBe('apiVersion: apps/v1');
    // Two documents of one template are joined as the template writes them.
    expect(parts[3].text).toMatch(/^apiVersion: v1\nkind: Pod\n[\s\S]*\n---\napiVersion: v1\nkind: Pod\n/);
  });

  it('mllint check - reports findings at the template path and its line', async () => {
    const r = await runCli(['check', '--format', 'json', '-'], { cwd: process.cwd(), stdin: RENDERED });
    const json = JSON.parse(r.stdout);
    const image = json.findings.filter((f: { ruleId: string }) => f.ruleId === 'image-pinned');
    expect(image.map((f: { file: string; line: number }) => `${f.file}:${f.line}`)).toEqual([
      'fraud-scorer/templates/deployment.yaml:24',
      // workers.yaml: the first document (9 lines), `---`, then line 9 of the second
      'fraud-scorer/templates/workers.yaml:19',
    ]);
    expect(json.findings.filter((f: { ruleId: string }) => f.ruleId === 'parse-error')).toEqual([]);
    expect(json.summary.files).toBe(5);
  });

  it('a stream without # Source: comments is linted as "-", with the stream lines', async () => {
    const plain = RENDERED.split('\n').filter((l) => !l.startsWith('# Source:')).join('\n');
    expect(splitHelmStream(plain)).toEqual([{ display: '-', text: plain }]);
    const r = await runCli(['check', '--format', 'json', '-'], { cwd: process.cwd(), stdin: plain });
    const image = JSON.parse(r.stdout).findings.filter((f: { ruleId: string }) => f.ruleId === 'image-pinned');
    const lines = plain.split('\n');
    const lineOf = (text: string) => lines.indexOf(text) + 1;
    expect(image.map((f: { file: string; line: number }) => `${f.file}:${f.line}`)).toEqual([
      `-:${lineOf('          image: "registry.example.com/ml/fraud-scorer:latest"')}`,
      `-:${lineOf('      image: registry.example.com/ml/warmup')}`,
    ]);
  });

  it('documents before the first # Source: stay in "-"; comment-only documents are dropped', () => {
    const parts = splitHelmStream('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\n# Source: c/templates/x.yaml\nkind: ConfigMap\napiVersion: v1\n---\n# Source: c/templates/empty.yaml\n# nothing rendered\n');
    expect(parts).toEqual([
      { display: '-', text: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n' },
      { display: 'c/templates/x.yaml', text: 'kind: ConfigMap\napiVersion: v1\n' },
    ]);
  });
});
