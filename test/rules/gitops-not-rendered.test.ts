/**
 * gitops-not-rendered (info): what mllint does not render is said once, at its line — charts from Helm
 * repositories, other ApplicationSet generators, plugins, values from Secrets, Application kustomize
 * overrides, a missing helm; kustomize `helmCharts:` inflated only from vendored charts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { lintPaths } from '../../src/api.js';
import type { Finding } from '../../src/types.js';
import { makeTree, removeTree } from '../helpers.js';
import { describeHelm } from '../render/tools.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeTree));
function lint(files: Record<string, string>, options: { helmCommand?: string } = {}): Finding[] {
  const dir = makeTree(files);
  dirs.push(dir);
  const outcome = lintPaths(['.'], { cwd: dir, ...options });
  if (!outcome.ok) throw new Error(outcome.messages.join('\n'));
  return outcome.result.findings;
}
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
const only = (findings: Finding[], id: string) => findings.filter((f) => f.ruleId === id);

describe('gitops-not-rendered', () => {
  it('a chart from a Helm repository: one info at `chart:`', () => {
    const text = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: redis, namespace: argocd }
spec:
  source:
    repoURL: https://charts.bitnami.com/bitnami
    chart: redis
    targetRevision: 19.6.4
  destination: { server: https://kubernetes.default.svc, namespace: cache }
`;
    const f = only(lint({ 'apps/redis.yaml': text }), 'gitops-not-rendered');
    expect(f.map((x) => `${x.file}:${x.line} ${x.severity}`)).toEqual([`apps/redis.yaml:${lineOf(text, 'chart: redis')} info`]);
  });

  it('ApplicationSet generators other than list and git directories; config management plugins', () => {
    const set = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: { name: clusters, namespace: argocd }
spec:
  generators:
    - clusters: { selector: { matchLabels: { env: prod } } }
  template:
    metadata: { name: "{{name}}-app" }
    spec:
      source: { repoURL: https://github.com/acme/x, path: apps, targetRevision: HEAD }
      destination: { server: "{{server}}", namespace: apps }
`;
    const plugin = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: tanka, namespace: argocd }
spec:
  source:
    repoURL: https://github.com/acme/x
    path: env/prod
    plugin: { name: tanka }
  destination: { server: https://kubernetes.default.svc, namespace: apps }
`;
    const f = only(lint({ 'argocd/set.yaml': set, 'argocd/plugin.yaml': plugin, 'env/prod/main.jsonnet.yaml': 'a: 1\n' }), 'gitops-not-rendered');
    expect(f.map((x) => `${x.file}:${x.line}`).sort()).toEqual([`argocd/plugin.yaml:${lineOf(plugin, 'plugin:')}`, `argocd/set.yaml:${lineOf(set, '- clusters')}`].sort());
    expect(f.find((x) => x.file === 'argocd/set.yaml')?.message).toContain('the clusters generator is not expanded');
  });

  it('the input of a config management plugin (a kustomization it post-processes, patch files) is not linted raw', () => {
    const plugin = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: kh, namespace: argocd }
spec:
  source:
    repoURL: https://github.com/acme/x
    path: plugins/kustomized-helm
    plugin: { name: kustomized-helm }
  destination: { server: https://kubernetes.default.svc, namespace: apps }
`;
    const files = {
      'argocd/plugin.yaml': plugin,
      // Legacy string patches (kustomize 5 refuses them) and a partial Deployment: only the plugin's tooling reads these.
      'plugins/kustomized-helm/kustomization.yaml': 'resources: [all.yaml]\npatches:\n  - overlays/deployment.yaml\n',
      'plugins/kustomized-helm/overlays/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec:\n  replicas: 1\n',
    };
    const findings = lint(files);
    expect(findings.filter((x) => x.file.startsWith('plugins/')).map((x) => `${x.file}:${x.line} ${x.ruleId}`)).toEqual([]);
    expect(only(findings, 'gitops-not-rendered').map((x) => `${x.file}:${x.line} ${x.message}`)).toEqual([
      `argocd/plugin.yaml:${lineOf(plugin, 'plugin:')} Application argocd/kh: a config management plugin renders this source; mllint does not run plugins, and lints neither its output nor its input files`,
    ]);
  });

  it('Application kustomize overrides that mllint does not apply (components) are named; images are applied', () => {
    const text = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: web, namespace: argocd }
spec:
  source:
    repoURL: https://github.com/acme/x
    path: apps/web
    kustomize:
      images: [ "web=registry.example.com/web:2.0" ]
      components: [ ../../components/tracing ]
  destination: { server: https://kubernetes.default.svc, namespace: web }
`;
    const f = only(lint({ 'argocd/web.yaml': text, 'apps/web/kustomization.yaml': 'resources: [cm.yaml]\n', 'apps/web/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n' }), 'gitops-not-rendered');
    expect(f.map((x) => `${x.line} ${x.message}`)).toEqual([`${lineOf(text, 'components:')} Application argocd/web: kustomize.components of the Application are not applied by mllint`]);
  });

  it('an Application for a chart when helm is missing: one info, the chart skipped', () => {
    const text = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: s, namespace: argocd }
spec:
  source: { repoURL: https://github.com/acme/x, path: charts/s }
  destination: { server: https://kubernetes.default.svc, namespace: s }
`;
    const findings = lint(
      { 'argocd/s.yaml': text, 'charts/s/Chart.yaml': 'apiVersion: v2\nname: s\nversion: 0.1.0\n', 'charts/s/templates/cm.yaml': 'kind: ConfigMap\n' },
      { helmCommand: '/nonexistent/helm' },
    );
    expect(only(findings, 'gitops-not-rendered').map((x) => x.message)).toEqual([
      'chart charts/s (for Application argocd/s) not rendered: "/nonexistent/helm" (helm.command) was not found; install Helm 3 (or set MLLINT_HELM_COMMAND to its absolute path) to lint charts as rendered',
    ]);
  });
});

const FEATURE_CHART = {
  'base/charts/feature-server/Chart.yaml': 'apiVersion: v2\nname: feature-server\nversion: 1.2.0\n',
  'base/charts/feature-server/values.yaml': 'tag: "1.2.0"\nreplicas: 2\n',
  'base/charts/feature-server/templates/deploy.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-fs
spec:
  replicas: {{ .Values.replicas }}
  selector: { matchLabels: { app: fs } }
  template:
    metadata: { labels: { app: fs } }
    spec:
      containers:
        - name: fs
          image: "registry.example.com/fs:{{ .Values.tag }}"
`,
};
const BASE = `helmCharts:
  - name: feature-server
    releaseName: features
    valuesInline:
      tag: latest
`;

describeHelm('kustomize helmCharts (real kustomize and helm)', () => {
  it('a vendored chart is inflated; a value from valuesInline is reported at its line in the kustomization', () => {
    const findings = lint({ ...FEATURE_CHART, 'base/kustomization.yaml': BASE, 'overlays/prod/kustomization.yaml': 'namespace: features\nresources: [../../base]\n' });
    expect(findings.filter((f) => f.ruleId === 'parse-error' || f.ruleId === 'helm-chart-skipped')).toEqual([]);
    const image = only(findings, 'image-pinned');
    expect(image.map((f) => `${f.file}:${f.line}`)).toEqual([`base/kustomization.yaml:${lineOf(BASE, 'tag: latest')}`]);
    expect(image[0].resource).toMatchObject({ name: 'features-fs', namespace: 'features' });
  });

  it('a chart that is not vendored is not pulled: one finding at helmCharts', () => {
    const base = 'helmCharts:\n  - name: redis\n    releaseName: cache\n';
    const findings = lint({ 'base/kustomization.yaml': base });
    const f = findings.filter((x) => x.file === 'base/kustomization.yaml');
    expect(f.map((x) => `${x.ruleId}:${x.line}`)).toEqual(['parse-error:1']);
    expect(f[0].message).toContain('Helm chart "redis" (helmCharts) is not vendored');
  });

  it('without helm, a kustomization with helmCharts is one finding', () => {
    const findings = lint({ ...FEATURE_CHART, 'base/kustomization.yaml': BASE }, { helmCommand: '/nonexistent/helm' });
    expect(findings.filter((x) => x.file === 'base/kustomization.yaml').map((x) => x.message)).toEqual([
      expect.stringContaining('it inflates Helm charts (helmCharts) and helm was not found'),
    ]);
  });

  it('an overlay with a remote base: its local resources and local bases are still linted on their own', () => {
    const overlay = 'resources:\n  - https://github.com/acme/platform//base?ref=v1\n  - ../../base\n  - pod.yaml\npatches:\n  - path: patch.yaml\n';
    const findings = lint({
      'overlays/prod/kustomization.yaml': overlay,
      'overlays/prod/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: { name: local, namespace: n }\nspec:\n  containers: [{ name: c, image: "busybox:latest" }]\n',
      'overlays/prod/patch.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: { name: local }\nspec: {}\n',
      'base/kustomization.yaml': 'resources: [cm.yaml]\n',
      'base/cm.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: { name: from-base, namespace: n }\nspec:\n  containers: [{ name: c, image: "busybox:latest" }]\n',
    });
    const remote = findings.filter((f) => f.file === 'overlays/prod/kustomization.yaml');
    expect(remote.map((f) => `${f.line} ${f.severity}`)).toEqual(['2 warning']);
    expect(only(findings, 'image-pinned').map((f) => `${f.file} ${f.resource?.name}`).sort()).toEqual(['base/cm.yaml from-base', 'overlays/prod/pod.yaml local']);
    expect(findings.filter((f) => f.file === 'overlays/prod/patch.yaml')).toEqual([]);
  });
});
