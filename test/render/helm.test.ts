/**
 * Helm charts rendered with the real `helm template`: findings placed at the values-file line the
 * template reads, else the template line; charts nothing deploys rendered with the config's values or
 * their own; failures (unvendored dependencies, template errors, escaping symlinks) as one finding.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { lintPaths } from '../../src/api.js';
import { RENDER_BUDGET_SPENT } from '../../src/render/helm.js';
import type { Finding } from '../../src/types.js';
import { treesRemovedAfterAll } from '../helpers.js';
import { describeHelm, helmExe } from './tools.js';

const tree = treesRemovedAfterAll();

/** 1-based line of the first line of `text` containing `needle`. */
export function lineIn(text: string, needle: string, from = 0): number {
  const index = text.split('\n').findIndex((l, i) => i >= from && l.includes(needle));
  if (index === -1) throw new Error(`${needle} not found`);
  return index + 1;
}

const CHART = 'apiVersion: v2\nname: scorer\nversion: 0.1.0\nappVersion: "1.0.0"\n';
const VALUES = `image:
  repository: registry.example.com/ml/scorer
  tag: "1.4.2"
model:
  name: fraud-detector
  version: "3"
replicaCount: 2
autoscaling:
  enabled: false
resources: {}
`;
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  namespace: {{ .Release.Namespace }}
  annotations:
    mllint.io/model: {{ .Values.model.name }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels: { app: {{ .Release.Name }} }
  template:
    metadata:
      labels: { app: {{ .Release.Name }} }
    spec:
      containers:
        - name: server
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          imagePullPolicy: Always
          env:
            - name: MODEL_VERSION
              value: {{ .Values.model.version | quote }}
          {{- with .Values.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
`;
const HPA = `{{- if .Values.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ .Release.Name }}
  namespace: {{ .Release.Namespace }}
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: {{ .Release.Name }} }
  minReplicas: 2
  maxReplicas: 6
{{- end }}
`;
const PROD_VALUES = `# production
image:
  tag: latest
replicaCount: 4
autoscaling:
  enabled: true
resources:
  requests:
    cpu: "2"
  limits:
    cpu: "2"
    memory: 512Mi
`;

function chartTree(extra: Record<string, string> = {}) {
  return tree({
    'charts/scorer/Chart.yaml': CHART,
    'charts/scorer/values.yaml': VALUES,
    'charts/scorer/values-prod.yaml': PROD_VALUES,
    'charts/scorer/templates/deployment.yaml': DEPLOYMENT,
    'charts/scorer/templates/hpa.yaml': HPA,
    ...extra,
  });
}

function lint(dir: string, config?: string, options: { paths?: string[] } = {}) {
  if (config !== undefined) fs.writeFileSync(path.join(dir, '.mllint.yaml'), config);
  const outcome = lintPaths(options.paths ?? ['.'], { cwd: dir });
  if (!outcome.ok) throw new Error(outcome.messages.join('\n'));
  return outcome.result.findings;
}

const only = (findings: Finding[], ruleId: string) => findings.filter((f) => f.ruleId === ruleId);
function writeConfig(dir: string, text: string): string {
  const file = path.join(dir, 'other.mllint.yaml');
  fs.writeFileSync(file, text);
  return file;
}

const APP = (extra: string) => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: fraud-scorer
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://git.example.com/ml/gitops.git
    targetRevision: HEAD
    path: charts/scorer
${extra}  destination:
    server: https://kubernetes.default.svc
    namespace: ml-serving-prod
`;

describeHelm('Helm charts (real helm template)', () => {
  it('renders a chart nothing deploys with its own values.yaml; findings at the template line when the value is written there', () => {
    const dir = chartTree();
    const findings = lint(dir);
    expect(findings.filter((f) => f.ruleId === 'helm-chart-skipped')).toEqual([]);
    const pull = findings.find((f) => f.ruleId === 'probes-present');
    expect(pull).toMatchObject({ file: 'charts/scorer/templates/deployment.yaml', line: lineIn(DEPLOYMENT, '- name: server') });
    expect(pull?.resource).toMatchObject({ kind: 'Deployment', name: 'scorer' });
  });

  it('an Application with valueFiles: image tag, replicas and resources point at the values-file lines', () => {
    const dir = chartTree({ 'apps/scorer.yaml': APP('    helm:\n      valueFiles: [values-prod.yaml]\n') });
    const findings = lint(dir, 'repository: { url: "git@git.example.com:ml/gitops" }\nrules: { namespace-set: error }\n');
    const image = only(findings, 'image-pinned');
    expect(image).toHaveLength(1);
    expect(image[0]).toMatchObject({ file: 'charts/scorer/values-prod.yaml', line: lineIn(PROD_VALUES, 'tag: latest'), column: 8 });
    expect(image[0].resource).toMatchObject({ kind: 'Deployment', name: 'fraud-scorer', namespace: 'ml-serving-prod' });
    expect(image[0].via).toBe('Application argocd/fraud-scorer');
    const replicas = only(findings, 'replicas-owned-by-autoscaler');
    expect(replicas.map((f) => `${f.file}:${f.line}`)).toEqual([`charts/scorer/values-prod.yaml:${lineIn(PROD_VALUES, 'replicaCount: 4')}`]);
    // resources written with `toYaml .` inside `with .Values.resources`: the limit's own line in the values file.
    const cpu = only(findings, 'cpu-limit-throttling');
    expect(cpu.map((f) => `${f.file}:${f.line}`)).toEqual([`charts/scorer/values-prod.yaml:${lineIn(PROD_VALUES, 'cpu: "2"', lineIn(PROD_VALUES, 'limits:'))}`]);
    // The destination namespace is the release namespace: no namespace-set finding.
    expect(only(findings, 'namespace-set')).toEqual([]);
  });

  it('Application values (block string), valuesObject and parameters win over value files, in Argo CD order', () => {
    const values = '    helm:\n      valueFiles: [values-prod.yaml]\n      values: |\n        image:\n          tag: "2.0"\n        replicaCount: 5\n      parameters:\n        - name: image.tag\n          value: main\n';
    const app = APP(values);
    const dir = chartTree({ 'apps/scorer.yaml': app });
    const findings = lint(dir, 'repository: { url: https://git.example.com/ml/gitops }\n');
    const replicas = only(findings, 'replicas-owned-by-autoscaler');
    expect(replicas.map((f) => `${f.file}:${f.line}`)).toEqual([`apps/scorer.yaml:${lineIn(app, 'replicaCount: 5')}`]);
    expect(replicas[0].message).toContain('replicas: 5');
    // image tag "main" from the parameter: pinned enough for image-pinned, but located at the parameter when reported
    expect(only(findings, 'image-pinned')).toEqual([]);

    const objectApp = APP('    helm:\n      valuesObject:\n        image: { tag: latest }\n');
    const dir2 = chartTree({ 'apps/scorer.yaml': objectApp });
    const image = only(lint(dir2, 'repository: { url: https://git.example.com/ml/gitops }\n'), 'image-pinned');
    expect(image.map((f) => `${f.file}:${f.line}`)).toEqual([`apps/scorer.yaml:${lineIn(objectApp, 'tag: latest')}`]);
  });

  it('config helm.charts gives the values of a chart nothing deploys', () => {
    const dir = chartTree();
    const findings = lint(dir, 'helm:\n  charts:\n    charts/scorer: { values: [values-prod.yaml], releaseName: scorer-prod, namespace: ml-prod }\n');
    const image = only(findings, 'image-pinned');
    expect(image.map((f) => `${f.file}:${f.line}`)).toEqual([`charts/scorer/values-prod.yaml:${lineIn(PROD_VALUES, 'tag: latest')}`]);
    expect(image[0].resource).toMatchObject({ name: 'scorer-prod', namespace: 'ml-prod' });
  });

  it('a chart with dependencies not vendored is one finding at Chart.yaml, and the run goes on', () => {
    const chart = `${CHART}dependencies:\n  - name: redis\n    version: 19.x.x\n    repository: https://charts.bitnami.com/bitnami\n`;
    const dir = chartTree({ 'charts/scorer/Chart.yaml': chart, 'other/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: { name: p, namespace: n }\nspec:\n  containers: [{ name: c, image: "busybox:latest" }]\n' });
    const findings = lint(dir);
    // Argo CD and Flux build dependencies themselves, so this is what mllint could not render (info), not a broken deployment.
    expect(only(findings, 'gitops-source-renders')).toEqual([]);
    const renders = only(findings, 'gitops-not-rendered');
    expect(renders).toHaveLength(1);
    expect(renders[0]).toMatchObject({ file: 'charts/scorer/Chart.yaml', line: 5, severity: 'info' });
    expect(renders[0].message).toContain('"redis" are not vendored');
    expect(only(findings, 'image-pinned').map((f) => f.file)).toEqual(['other/pod.yaml']);
  });

  it('a vendored dependency (subchart directory) renders with its parent, not on its own', () => {
    const chart = `${CHART}dependencies:\n  - name: cache\n    version: 0.1.0\n`;
    const dir = chartTree({
      'charts/scorer/Chart.yaml': chart,
      'charts/scorer/charts/cache/Chart.yaml': 'apiVersion: v2\nname: cache\nversion: 0.1.0\n',
      'charts/scorer/charts/cache/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cache\ndata:\n  size: "1"\n',
    });
    const findings = lint(dir);
    expect(only(findings, 'gitops-source-renders')).toEqual([]);
    expect(findings.filter((f) => f.ruleId === 'helm-chart-skipped')).toEqual([]);
    const ns = only(findings, 'namespace-set').filter((f) => f.resource?.kind === 'ConfigMap');
    expect(ns.map((f) => f.file)).toEqual(['charts/scorer/charts/cache/templates/cm.yaml']);
  });

  it('a template error is one finding with helm\'s reason', () => {
    const dir = chartTree({ 'charts/scorer/templates/broken.yaml': 'kind: ConfigMap\n{{ .Values.missing.deeper }}\n' });
    const renders = only(lint(dir), 'gitops-source-renders');
    expect(renders).toHaveLength(1);
    expect(renders[0].message).toMatch(/helm could not render chart charts\/scorer: .*broken\.yaml.*nil pointer/);
  });

  it('a chart with a symbolic link out of the repository is not rendered', () => {
    const outside = tree({ 'secret.txt': 'token' });
    const dir = chartTree();
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(dir, 'charts/scorer/templates/leak.txt'));
    const renders = only(lint(dir), 'gitops-source-renders');
    expect(renders).toHaveLength(1);
    expect(renders[0].message).toContain('symbolic link out of the repository');
  });

  it('a chart folder linked to a folder of the repository that links out is not rendered (helm follows linked folders)', () => {
    const outside = tree({ 'secret.txt': 'TOPSECRET' });
    const dir = chartTree({
      'charts/scorer/templates/leak.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: {{ .Files.Get "files/secret.txt" | trim | lower }} }\n',
    });
    fs.mkdirSync(path.join(dir, 'shared'));
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(dir, 'shared/secret.txt'));
    fs.symlinkSync('../../shared', path.join(dir, 'charts/scorer/files'));
    // A cycle back into the chart is walked once.
    fs.symlinkSync('..', path.join(dir, 'shared/loop'));
    const findings = lint(dir);
    expect(JSON.stringify(findings)).not.toMatch(/topsecret/i);
    const renders = only(findings, 'gitops-source-renders');
    expect(renders).toHaveLength(1);
    expect(renders[0].message).toContain('files/secret.txt is a symbolic link out of the repository');
  });

  it('a chart a kustomization inflates (helmCharts) with a symbolic link out of the repository is not rendered', () => {
    const outside = tree({ 'secret.txt': 'TOPSECRET' });
    const dir = tree({
      'k/kustomization.yaml': 'helmCharts:\n  - name: leaky\n    releaseName: r\n',
      'k/charts/leaky/Chart.yaml': 'apiVersion: v2\nname: leaky\nversion: 0.1.0\n',
      'k/charts/leaky/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: {{ .Files.Get "secret.txt" | trim | lower }}, namespace: default }\n',
    });
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(dir, 'k/charts/leaky/secret.txt'));
    const findings = lint(dir);
    expect(JSON.stringify(findings)).not.toMatch(/topsecret/i);
    const refused = findings.filter((f) => f.file === 'k/kustomization.yaml' && f.ruleId === 'parse-error');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ line: 2 });
    expect(refused[0].message).toContain('Helm chart "leaky": secret.txt is a symbolic link out of the repository');
  });

  it('all charts of a run share one rendering budget: slow charts past it are findings, not an unbounded run', () => {
    const slow = '{{- range $i := until 30000 }}{{ range $j := until 30000 }}{{ end }}{{ end }}\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: slow, namespace: default }\n';
    const files: Record<string, string> = {};
    for (const name of ['a', 'b', 'c']) {
      files[`${name}/Chart.yaml`] = `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`;
      files[`${name}/templates/cm.yaml`] = slow;
    }
    const dir = tree(files);
    const started = Date.now();
    const outcome = lintPaths(['.'], { cwd: dir, helmBudgetMs: 1000 });
    const seconds = (Date.now() - started) / 1000;
    if (!outcome.ok) throw new Error(outcome.messages.join('\n'));
    const renders = outcome.result.findings.filter((f) => f.ruleId === 'gitops-source-renders');
    expect(renders.map((f) => f.file).sort()).toEqual(['a/Chart.yaml', 'b/Chart.yaml', 'c/Chart.yaml']);
    for (const f of renders) expect(f.message).toBe(`chart ${f.file.replace('/Chart.yaml', '')} not rendered: ${RENDER_BUDGET_SPENT}`);
    expect(RENDER_BUDGET_SPENT).toContain('all kustomize and Helm renders of a run share 600s');
    expect(seconds).toBeLessThan(20);
  });

  it('a release name that looks like a flag (--post-renderer=program) never reaches helm as a flag: no program runs', () => {
    const marker = path.join(tree({}), 'PWNED');
    const dir = chartTree({
      'evil.sh': `#!/bin/sh\n/usr/bin/touch ${marker}\n/bin/cat\n`,
      'apps/scorer.yaml': APP('    helm:\n      releaseName: "--post-renderer=EVIL"\n'),
      'k/kustomization.yaml': 'helmCharts:\n  - name: inflated\n    releaseName: "--post-renderer=EVIL"\n',
      'k/charts/inflated/Chart.yaml': 'apiVersion: v2\nname: inflated\nversion: 0.1.0\n',
      'k/charts/inflated/values.yaml': 'x: 1\n',
      'k/charts/inflated/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: ml }\n',
    });
    const evil = path.join(dir, 'evil.sh');
    fs.chmodSync(evil, 0o755);
    for (const file of ['apps/scorer.yaml', 'k/kustomization.yaml']) fs.writeFileSync(path.join(dir, file), fs.readFileSync(path.join(dir, file), 'utf8').replace('EVIL', evil));
    const findings = lint(dir, 'repository: { url: https://git.example.com/ml/gitops }\n');
    expect(fs.existsSync(marker)).toBe(false);
    expect(only(findings, 'gitops-source-renders').map((f) => f.message)).toContainEqual(expect.stringContaining('is not a valid Helm release name'));
    const refused = findings.filter((f) => f.file === 'k/kustomization.yaml' && f.ruleId === 'parse-error');
    expect(refused.map((f) => [f.line, f.message])).toEqual([[3, expect.stringContaining('releaseName "--post-renderer=')]]);
  });

  it('a chart rendering more than 16 MiB is one finding, not parsed (the cap of a file)', () => {
    const dir = tree({
      'big/Chart.yaml': 'apiVersion: v2\nname: big\nversion: 0.1.0\n',
      'big/templates/cm.yaml': '{{- range $i := until 20 }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: c{{ $i }}, namespace: ml }\ndata: { blob: {{ repeat 1048576 "x" | quote }} }\n{{- end }}\n',
    });
    const renders = only(lint(dir), 'gitops-source-renders');
    expect(renders.map((f) => [f.file, f.message])).toEqual([['big/Chart.yaml', expect.stringMatching(/helm output is 20\.\d MiB; rendered charts over 16 MiB are not parsed/)]]);
  });

  it('helm.command cannot be set by a config inside the repository; MLLINT_HELM_COMMAND must be outside it', () => {
    const dir = chartTree();
    fs.writeFileSync(path.join(dir, 'helm'), '#!/bin/sh\necho pwned\n', { mode: 0o755 });
    fs.writeFileSync(path.join(dir, '.mllint.yaml'), `helm: { command: ${JSON.stringify(path.join(dir, 'helm'))} }\n`);
    const refused = lintPaths(['.'], { cwd: dir });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.messages.join('\n')).toMatch(/helm\.command cannot be set by a config file inside the linted repository/);
    fs.rmSync(path.join(dir, '.mllint.yaml'));
    const inside = lintPaths(['.'], { cwd: dir, helmCommand: path.join(dir, 'helm') });
    expect(inside.ok && inside.result.findings.filter((f) => f.ruleId === 'helm-chart-skipped')).toHaveLength(1);
    const missing = lintPaths(['.'], { cwd: dir, helmCommand: '/nonexistent/bin/helm' });
    expect(missing.ok && missing.result.findings.filter((f) => f.ruleId === 'helm-chart-skipped')).toHaveLength(1);
    const trusted = lintPaths(['.'], { cwd: dir, helmCommand: helmExe });
    expect(trusted.ok && trusted.result.findings.filter((f) => f.ruleId === 'helm-chart-skipped')).toHaveLength(0);
  });

  it('--helm off (and helm.enabled: false) runs no helm, yet still renders what Argo CD deploys from directories; a chart an Application deploys is said not rendered, at its path', () => {
    const dirApp = APP('').replace('name: fraud-scorer', 'name: plain').replace('path: charts/scorer', 'path: apps/plain');
    const dir = chartTree({ 'argocd/scorer.yaml': APP(''), 'argocd/plain.yaml': dirApp, 'apps/plain/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: busybox:latest\n' });
    fs.writeFileSync(path.join(dir, '.mllint.yaml'), 'repository: { url: https://git.example.com/ml/gitops }\n');
    for (const outcome of [lintPaths(['.'], { cwd: dir, helm: 'off' }), lintPaths(['.'], { cwd: dir, configPath: writeConfig(dir, 'repository: { url: https://git.example.com/ml/gitops }\nhelm: { enabled: false }\n') })]) {
      if (!outcome.ok) throw new Error(outcome.messages.join('\n'));
      const findings = outcome.result.findings;
      // The directory source is rendered as Argo CD applies it: the Pod in the destination namespace, via the Application.
      const pinned = only(findings, 'image-pinned');
      expect(pinned.map((f) => [f.file, f.via, f.resource?.namespace])).toEqual([['apps/plain/pod.yaml', 'Application argocd/plain', 'ml-serving-prod']]);
      // The chart is not rendered, and says why where the Application names it; its templates are not linted raw.
      const notRendered = only(findings, 'gitops-not-rendered');
      expect(notRendered.map((f) => [f.file, f.line, f.severity])).toEqual([['argocd/scorer.yaml', 11, 'info']]);
      expect(notRendered[0].message).toBe('chart charts/scorer (for Application argocd/fraud-scorer) not rendered: Helm rendering is off (--helm off or helm.enabled: false)');
      expect(findings.filter((f) => f.file.startsWith('charts/scorer/templates/'))).toEqual([]);
    }
  });

  it('helm.enabled: false lints no chart', () => {
    const dir = chartTree();
    const findings = lint(dir, 'helm: { enabled: false }\n');
    expect(findings.filter((f) => f.ruleId === 'helm-chart-skipped')).toHaveLength(1);
    expect(findings.filter((f) => f.file.startsWith('charts/scorer/templates/deployment'))).toEqual([]);
  });
});
