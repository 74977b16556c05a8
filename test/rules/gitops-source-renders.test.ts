/**
 * gitops-source-renders: what an Argo CD Application, ApplicationSet, Flux Kustomization or HelmRelease
 * deploys from this repository is rendered; a path or values file that is missing is an error at its
 * line (a warning when the Application deploys a pinned revision); sources of other repositories are
 * left alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintPaths } from '../../src/api.js';
import type { Finding } from '../../src/types.js';
import { makeTree, removeTree } from '../helpers.js';
import { describeHelm } from '../render/tools.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeTree));
function lint(files: Record<string, string>, env: Record<string, string> = {}): { findings: Finding[]; dir: string } {
  const dir = makeTree(files);
  dirs.push(dir);
  const outcome = lintPaths(['.'], { cwd: dir, env });
  if (!outcome.ok) throw new Error(outcome.messages.join('\n'));
  return { findings: outcome.result.findings, dir };
}
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
const only = (findings: Finding[], id: string) => findings.filter((f) => f.ruleId === id);

const CONFIG = 'repository: { url: https://github.com/acme/ml-gitops }\n';
const app = (name: string, source: string, namespace = 'ml-serving-prod') => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}
  namespace: argocd
spec:
  project: default
  source:
${source}  destination:
    server: https://kubernetes.default.svc
    namespace: ${namespace}
`;
const POD = (name: string, extraMeta = '') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
${extraMeta}spec:
  containers:
    - name: c
      image: busybox:1.36
`;

describe('gitops-source-renders: Argo CD Applications', () => {
  it('a path missing from the repository is an error at spec.source.path', () => {
    const text = app('scorer', '    repoURL: https://github.com/acme/ml-gitops.git\n    targetRevision: main\n    path: apps/scorer\n');
    const { findings } = lint({ '.git/HEAD': 'ref: refs/heads/main\n', '.mllint.yaml': CONFIG, 'argocd/scorer.yaml': text });
    const f = only(findings, 'gitops-source-renders');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ file: 'argocd/scorer.yaml', line: lineOf(text, 'path: apps/scorer'), severity: 'error' });
    expect(f[0].message).toBe('Application argocd/scorer: path "apps/scorer" does not exist in this repository; Argo CD cannot generate its manifests');
  });

  it('HEAD (or no revision) deploys this tree: an error', () => {
    const text = app('scorer', '    repoURL: https://github.com/acme/ml-gitops.git\n    path: apps/scorer\n');
    expect(only(lint({ '.mllint.yaml': CONFIG, 'argocd/scorer.yaml': text }).findings, 'gitops-source-renders').map((f) => f.severity)).toEqual(['error']);
  });

  it('another branch than the one checked out is a warning (that branch may have the path); the pull request base is this tree', () => {
    const text = app('scorer', '    repoURL: https://github.com/acme/ml-gitops.git\n    targetRevision: staging\n    path: apps/scorer\n');
    const files = { '.git/HEAD': 'ref: refs/heads/main\n', '.mllint.yaml': CONFIG, 'argocd/scorer.yaml': text };
    const f = only(lint(files).findings, 'gitops-source-renders');
    expect(f.map((x) => [x.severity, x.message])).toEqual([['warning', 'Application argocd/scorer: path "apps/scorer" does not exist in this repository (the Application deploys branch staging, which may differ from this tree)']]);
    expect(only(lint(files, { GITHUB_BASE_REF: 'staging' }).findings, 'gitops-source-renders').map((x) => x.severity)).toEqual(['error']);
  });

  it('a pinned revision makes it a warning (that revision may have the path)', () => {
    const text = app('scorer', '    repoURL: git@github.com:acme/ml-gitops.git\n    targetRevision: v1.4.0\n    path: apps/scorer\n');
    const f = only(lint({ '.mllint.yaml': CONFIG, 'argocd/scorer.yaml': text }).findings, 'gitops-source-renders');
    expect(f.map((x) => x.severity)).toEqual(['warning']);
  });

  it('a source in another repository is not checked (even when the path is missing here)', () => {
    const text = app('scorer', '    repoURL: https://github.com/other/repo.git\n    targetRevision: HEAD\n    path: apps/scorer\n');
    expect(only(lint({ '.mllint.yaml': CONFIG, 'argocd/scorer.yaml': text }).findings, 'gitops-source-renders')).toEqual([]);
  });

  it('a path leaving the repository is refused', () => {
    const text = app('scorer', '    repoURL: https://github.com/acme/ml-gitops\n    path: ../../etc\n');
    const f = only(lint({ '.mllint.yaml': CONFIG, 'argocd/scorer.yaml': text }).findings, 'gitops-source-renders');
    expect(f[0].message).toContain('leaves the repository');
  });

  it('a path that is a symbolic link to a folder out of the repository leaves it too (not silently empty)', () => {
    const outside = makeTree({ 'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: { name: outside, namespace: x }\nspec: { containers: [{ name: c, image: "nginx:latest" }] }\n' });
    dirs.push(outside);
    const text = app('scorer', '    repoURL: https://github.com/acme/ml-gitops\n    path: linked\n');
    const dir = makeTree({ '.mllint.yaml': CONFIG, 'argocd/scorer.yaml': text });
    dirs.push(dir);
    fs.symlinkSync(outside, path.join(dir, 'linked'));
    const outcome = lintPaths(['.'], { cwd: dir });
    if (!outcome.ok) throw new Error(outcome.messages.join('\n'));
    const f = only(outcome.result.findings, 'gitops-source-renders');
    expect(f.map((x) => [x.file, x.line, x.message])).toEqual([['argocd/scorer.yaml', lineOf(text, 'path: linked'), 'Application argocd/scorer: path "linked" leaves the repository']]);
    expect(outcome.result.findings.filter((x) => x.resource?.name === 'outside')).toEqual([]);
  });

  it('a directory source is linted as the Application applies it: destination namespace, recurse, include/exclude', () => {
    const text = app('web', '    repoURL: https://github.com/acme/ml-gitops\n    path: apps/web\n    directory:\n      recurse: true\n      exclude: "*-test.yaml"\n', 'ml-web');
    const { findings } = lint({
      '.mllint.yaml': `${CONFIG}rules: { namespace-set: error }\n`,
      'argocd/web.yaml': text,
      'apps/web/pod.yaml': POD('web'),
      'apps/web/nested/pod.yaml': POD('nested'),
      'apps/web/pod-test.yaml': POD('excluded'),
      'apps/unused/pod.yaml': POD('unused'),
    });
    // Deployed by the Application: the destination namespace applies, `via` names it. Excluded or not deployed: linted raw.
    const byPod = (name: string) => findings.filter((f) => f.resource?.kind === 'Pod' && f.resource.name === name);
    for (const name of ['web', 'nested']) {
      expect(byPod(name).length, name).toBeGreaterThan(0);
      expect(byPod(name).every((f) => f.resource?.namespace === 'ml-web' && f.via === 'Application argocd/web'), name).toBe(true);
    }
    for (const name of ['excluded', 'unused']) {
      expect(byPod(name).length, name).toBeGreaterThan(0);
      expect(byPod(name).every((f) => f.resource?.namespace === undefined && f.via === undefined), name).toBe(true);
    }
    expect(only(findings, 'namespace-set').map((f) => f.file)).toContain('apps/unused/pod.yaml');
  });

  it('a directory without recurse deploys only its top-level files', () => {
    const text = app('web', '    repoURL: https://github.com/acme/ml-gitops\n    path: apps/web\n', 'ml-web');
    const { findings } = lint({ '.mllint.yaml': `${CONFIG}rules: { namespace-set: error }\n`, 'argocd/web.yaml': text, 'apps/web/pod.yaml': POD('web'), 'apps/web/nested/pod.yaml': POD('nested') });
    const ofPod = (name: string) => findings.filter((f) => f.resource?.kind === 'Pod' && f.resource.name === name);
    expect(ofPod('web').every((f) => f.via === 'Application argocd/web' && f.resource?.namespace === 'ml-web')).toBe(true);
    expect(ofPod('nested').every((f) => f.via === undefined && f.resource?.namespace === undefined)).toBe(true);
    expect(ofPod('nested').length).toBeGreaterThan(0);
  });

  it('ApplicationSet list and git-directory generators are expanded; their paths are checked', () => {
    const list = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: models
  namespace: argocd
spec:
  generators:
    - list:
        elements:
          - model: ranker
          - model: embedder
  template:
    metadata:
      name: "{{model}}"
    spec:
      project: default
      source:
        repoURL: https://github.com/acme/ml-gitops.git
        targetRevision: HEAD
        path: "models/{{model}}"
      destination:
        server: https://kubernetes.default.svc
        namespace: ml-models
`;
    const dirsSet = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: services
  namespace: argocd
spec:
  goTemplate: true
  generators:
    - git:
        repoURL: https://github.com/acme/ml-gitops.git
        revision: HEAD
        directories:
          - path: services/*
          - path: services/legacy
            exclude: true
  template:
    metadata:
      name: "svc-{{ .path.basename }}"
    spec:
      project: default
      source:
        repoURL: https://github.com/acme/ml-gitops.git
        targetRevision: HEAD
        path: "{{ .path.path }}"
      destination:
        server: https://kubernetes.default.svc
        namespace: ml-services
    `;
    const { findings } = lint({
      '.mllint.yaml': `${CONFIG}rules: { namespace-set: error }\n`,
      'argocd/models.yaml': list,
      'argocd/services.yaml': dirsSet,
      'models/ranker/pod.yaml': POD('ranker'),
      'services/search/pod.yaml': POD('search'),
      'services/legacy/pod.yaml': POD('legacy'),
    });
    const missing = only(findings, 'gitops-source-renders');
    expect(missing.map((f) => `${f.file}:${f.line} ${f.message}`)).toEqual([
      `argocd/models.yaml:${lineOf(list, 'path: "models/')} Application argocd/embedder: path "models/embedder" does not exist in this repository; Argo CD cannot generate its manifests`,
    ]);
    // Deployed objects get their Application's namespace; services/legacy is excluded and linted raw.
    expect(only(findings, 'namespace-set').map((f) => f.file)).toEqual(['services/legacy/pod.yaml']);
    expect(findings.find((f) => f.resource?.kind === 'Pod' && f.resource.name === 'search')?.via).toBe('Application argocd/svc-search');
    expect(findings.find((f) => f.resource?.kind === 'Pod' && f.resource.name === 'ranker')?.resource?.namespace).toBe('ml-models');
  });

  it('past 500 distinct sources in a run, each further Application is one info, never silently dropped', () => {
    const elements = Array.from({ length: 502 }, (_, i) => `        - { ns: n${i} }\n`).join('');
    const text = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: { name: many, namespace: argocd }
spec:
  generators:
    - list:
        elements:
${elements}  template:
    metadata: { name: "a-{{ns}}" }
    spec:
      project: default
      destination: { server: https://kubernetes.default.svc, namespace: "{{ns}}" }
      source: { repoURL: https://github.com/acme/ml-gitops, path: apps }
`;
    const { findings } = lint({ '.mllint.yaml': CONFIG, 'argocd/many.yaml': text, 'apps/pod.yaml': POD('p') });
    expect(only(findings, 'gitops-not-rendered').map((f) => `${f.file}:${f.line} ${f.severity} ${f.message}`)).toEqual(
      ['a-n500', 'a-n501'].map((name) => `argocd/many.yaml:${lineOf(text, 'path: apps')} info Application argocd/${name}: not rendered: a run renders at most 500 Argo CD / Flux sources, and this one came later`),
    );
  }, 60_000);

  it('directory sources add at most 100,000 objects to a run: an ApplicationSet of 101 elements over a 1,000-object folder says so for the last one', () => {
    const elements = Array.from({ length: 101 }, (_, i) => `        - { ns: n${i} }\n`).join('');
    const text = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: { name: wide, namespace: argocd }
spec:
  generators:
    - list:
        elements:
${elements}  template:
    metadata: { name: "w-{{ns}}" }
    spec:
      project: default
      destination: { server: https://kubernetes.default.svc, namespace: "{{ns}}" }
      source: { repoURL: https://github.com/acme/ml-gitops, path: apps }
`;
    // Half as documents, half as a `kind: List` (counted by its items).
    const docs = Array.from({ length: 500 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c${i} }\n`).join('---\n');
    const items = Array.from({ length: 500 }, (_, i) => `  - { apiVersion: v1, kind: ConfigMap, metadata: { name: l${i} } }\n`).join('');
    const { findings } = lint({ '.mllint.yaml': CONFIG, 'argocd/wide.yaml': text, 'apps/maps.yaml': docs, 'apps/list.yaml': `apiVersion: v1\nkind: List\nitems:\n${items}` });
    expect(only(findings, 'gitops-not-rendered').map((f) => `${f.file}:${f.line} ${f.severity} ${f.message}`)).toEqual([
      `argocd/wide.yaml:${lineOf(text, 'path: apps')} info Application argocd/w-n100: not rendered: the Argo CD / Flux directory sources of a run may hold at most 100,000 objects, and this one came later`,
    ]);
  }, 120_000);

  it('ApplicationSet git files generator: each config file (or each element of a list in it) makes an Application', () => {
    const set = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: models
  namespace: argocd
spec:
  generators:
    - git:
        repoURL: https://github.com/acme/ml-gitops.git
        revision: HEAD
        files:
          - path: "models/*/deploy.json"
          - path: "models/retired/deploy.json"
            exclude: true
  template:
    metadata:
      name: "{{model.name}}"
    spec:
      project: default
      source:
        repoURL: https://github.com/acme/ml-gitops.git
        targetRevision: HEAD
        path: "{{path}}/{{model.overlay}}"
      destination:
        server: https://kubernetes.default.svc
        namespace: "{{model.namespace}}"
`;
    const { findings } = lint({
      '.mllint.yaml': `${CONFIG}rules: { namespace-set: error }\n`,
      'argocd/models.yaml': set,
      'models/ranker/deploy.json': '{ "model": { "name": "ranker", "overlay": "prod", "namespace": "ml-ranking" } }\n',
      'models/ranker/prod/pod.yaml': POD('ranker'),
      'models/embedder/deploy.json': '{ "model": { "name": "embedder", "overlay": "gone", "namespace": "ml-embed" } }\n',
      'models/retired/deploy.json': '{ "model": { "name": "old", "overlay": "prod", "namespace": "ml-old" } }\n',
      'models/retired/prod/pod.yaml': POD('old'),
    });
    expect(only(findings, 'gitops-source-renders').map((f) => `${f.file}:${f.line} ${f.message}`)).toEqual([
      `argocd/models.yaml:${lineOf(set, 'path: "{{path}}')} Application argocd/embedder: path "models/embedder/gone" does not exist in this repository; Argo CD cannot generate its manifests`,
    ]);
    const ranker = findings.find((f) => f.resource?.kind === 'Pod' && f.resource.name === 'ranker');
    expect([ranker?.resource?.namespace, ranker?.via]).toEqual(['ml-ranking', 'Application argocd/ranker']);
    // The excluded file makes no Application: its pod is linted raw, without a namespace.
    expect(only(findings, 'namespace-set').map((f) => f.file)).toEqual(['models/retired/prod/pod.yaml']);
  });
});

describe('gitops-source-renders: Flux', () => {
  it('a Flux Kustomization path must exist; targetNamespace applies to what it deploys', () => {
    const ks = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: serving
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps/serving
  targetNamespace: ml-serving
  sourceRef:
    kind: GitRepository
    name: flux-system
`;
    const { findings } = lint({ '.mllint.yaml': `${CONFIG}rules: { namespace-set: error }\n`, 'clusters/prod/serving.yaml': ks, 'apps/serving/pod.yaml': POD('scorer', '  namespace: wrong\n') });
    const pod = findings.filter((f) => f.resource?.name === 'scorer');
    expect(pod.length).toBeGreaterThan(0);
    expect(pod.every((f) => f.resource?.namespace === 'ml-serving')).toBe(true);
  });

  it('a missing Flux Kustomization path: an error when the GitRepository is this repository on the checked-out branch; a warning on a tag; nothing when the source is unknown', () => {
    const ks = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: { name: serving, namespace: flux-system }
spec:
  interval: 10m
  path: ./apps/gone
  sourceRef: { kind: GitRepository, name: flux-system }
`;
    const git = (ref: string) => `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: { name: flux-system, namespace: flux-system }\nspec:\n  url: ssh://git@github.com/acme/ml-gitops\n  ref: ${ref}\n`;
    const base = { '.git/HEAD': 'ref: refs/heads/main\n', '.mllint.yaml': CONFIG, 'clusters/prod/serving.yaml': ks };
    const onBranch = only(lint({ ...base, 'clusters/prod/git.yaml': git('{ branch: main }') }).findings, 'gitops-source-renders');
    expect(onBranch.map((f) => `${f.file}:${f.line} ${f.severity} ${f.message}`)).toEqual([`clusters/prod/serving.yaml:${lineOf(ks, 'path:')} error Kustomization flux-system/serving: path "./apps/gone" does not exist in this repository; Flux cannot build it`]);
    const onTag = only(lint({ ...base, 'clusters/prod/git.yaml': git('{ tag: v1.2.0 }') }).findings, 'gitops-source-renders');
    expect(onTag.map((f) => f.severity)).toEqual(['warning']);
    expect(onTag[0].message).toContain('the GitRepository deploys another revision, which may have it');
    expect(only(lint(base).findings, 'gitops-source-renders')).toEqual([]);
  });
});

describeHelm('gitops-source-renders: charts', () => {
  it('a values file the Application names but the repository lacks is an error at that valueFiles entry', () => {
    const text = app('scorer', '    repoURL: https://github.com/acme/ml-gitops\n    path: charts/scorer\n    helm:\n      valueFiles:\n        - values-prod.yaml\n        - values-missing.yaml\n');
    const { findings } = lint({
      '.mllint.yaml': CONFIG,
      'argocd/scorer.yaml': text,
      'charts/scorer/Chart.yaml': 'apiVersion: v2\nname: scorer\nversion: 0.1.0\n',
      'charts/scorer/values-prod.yaml': 'x: 1\n',
      'charts/scorer/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  x: "{{ .Values.x }}"\n',
    });
    const f = only(findings, 'gitops-source-renders');
    expect(f.map((x) => `${x.file}:${x.line}`)).toEqual([`argocd/scorer.yaml:${lineOf(text, 'values-missing.yaml')}`]);
    expect(f[0].message).toBe('Application argocd/scorer: values file "values-missing.yaml" does not exist in this repository');
  });

  it('Flux HelmRelease valuesFiles are relative to the source root, not the chart (source-controller mergeFileValues(WorkDir, …)); a missing one is an error unless ignoreMissingValuesFiles', () => {
    const release = (extra = '') => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: { name: scorer, namespace: ml }
spec:
  interval: 5m
  chart:
    spec:
      chart: ./charts/scorer
      sourceRef: { kind: GitRepository, name: ml-gitops, namespace: flux-system }
      valuesFiles:
        - ./charts/scorer/values.yaml
        - envs/prod/scorer.yaml
        - envs/prod/missing.yaml
${extra}`;
    const files = {
      'charts/scorer/Chart.yaml': 'apiVersion: v2\nname: scorer\nversion: 0.1.0\n',
      'charts/scorer/values.yaml': 'image: scorer:1.0\n',
      'charts/scorer/templates/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: { name: s, namespace: ml }\nspec:\n  containers:\n    - name: s\n      image: {{ .Values.image | quote }}\n',
      'envs/prod/scorer.yaml': 'image: scorer:latest\n',
    };
    let { findings } = lint({ ...files, 'flux/release.yaml': release() });
    const text = release();
    expect(only(findings, 'gitops-source-renders').map((f) => `${f.file}:${f.line} ${f.severity} ${f.message}`)).toEqual([
      `flux/release.yaml:${lineOf(text, 'missing.yaml')} error HelmRelease ml/scorer: values file "envs/prod/missing.yaml" does not exist in this repository`,
    ]);
    expect(only(findings, 'image-pinned').map((f) => `${f.file}:${f.line}`)).toEqual(['envs/prod/scorer.yaml:1']);
    ({ findings } = lint({ ...files, 'flux/release.yaml': release('      ignoreMissingValuesFiles: true\n') }));
    expect(only(findings, 'gitops-source-renders')).toEqual([]);
    expect(only(findings, 'image-pinned').map((f) => `${f.file}:${f.line}`)).toEqual(['envs/prod/scorer.yaml:1']);
  });

  it('a Flux HelmRelease renders a chart of the repository with valuesFrom ConfigMap and values (values win)', () => {
    const release = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: scorer
  namespace: ml
spec:
  interval: 5m
  chart:
    spec:
      chart: ./charts/scorer
      sourceRef: { kind: GitRepository, name: ml-gitops, namespace: flux-system }
  valuesFrom:
    - kind: ConfigMap
      name: scorer-values
  values:
    replicas: 3
`;
    const cm = `apiVersion: v1
kind: ConfigMap
metadata:
  name: scorer-values
  namespace: ml
data:
  values.yaml: |
    image:
      tag: latest
    replicas: 1
`;
    const { findings } = lint({
      'flux/release.yaml': release,
      'flux/values.yaml': cm,
      'charts/scorer/Chart.yaml': 'apiVersion: v2\nname: scorer\nversion: 0.1.0\n',
      'charts/scorer/values.yaml': 'image:\n  tag: "1.0"\nreplicas: 1\n',
      'charts/scorer/templates/deploy.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  selector: { matchLabels: { app: s } }
  template:
    metadata: { labels: { app: s } }
    spec:
      containers:
        - name: s
          image: "scorer:{{ .Values.image.tag }}"
`,
      'charts/scorer/templates/hpa.yaml': 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: {{ .Release.Name }} }\n  minReplicas: 1\n  maxReplicas: 4\n',
    });
    expect(only(findings, 'image-pinned').map((f) => `${f.file}:${f.line}`)).toEqual([`flux/values.yaml:${lineOf(cm, 'tag: latest')}`]);
    const replicas = only(findings, 'replicas-owned-by-autoscaler');
    expect(replicas.map((f) => `${f.file}:${f.line}`)).toEqual([`flux/release.yaml:${lineOf(release, 'replicas: 3')}`]);
    expect(replicas[0].resource).toMatchObject({ namespace: 'ml', name: 'scorer' });
    expect(replicas[0].via).toBe('HelmRelease ml/scorer');
  });
});

describeHelm('gitops-source-renders: invalid Helm release names are reported where the name is written', () => {
  const chart = {
    'charts/scorer/Chart.yaml': 'apiVersion: v2\nname: scorer\nversion: 0.1.0\n',
    'charts/scorer/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n  namespace: ml\n',
  };
  const release = (name: string, spec: string) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
  namespace: ml
spec:
  interval: 5m
  chart:
    spec:
      chart: ./charts/scorer
      sourceRef: { kind: GitRepository, name: ml-gitops, namespace: flux-system }
${spec}`;
  const renders = (findings: Finding[]) => only(findings, 'gitops-source-renders').map((f) => `${f.file}:${f.line} ${f.message.includes('is not a valid Helm release name')}`);

  it('Argo CD helm.releaseName: at that line, not at path', () => {
    const text = app('scorer', '    repoURL: https://github.com/acme/ml-gitops\n    path: charts/scorer\n    helm:\n      releaseName: Scorer_Prod\n');
    const { findings } = lint({ '.mllint.yaml': CONFIG, 'argocd/scorer.yaml': text, ...chart });
    expect(renders(findings)).toEqual([`argocd/scorer.yaml:${lineOf(text, 'releaseName:')} true`]);
  });

  it('Argo CD without helm.releaseName: the Application name it defaults to, at metadata.name', () => {
    const long = `scorer-${'x'.repeat(50)}`; // a valid object name, too long for a release (53)
    const text = app(long, '    repoURL: https://github.com/acme/ml-gitops\n    path: charts/scorer\n');
    const { findings } = lint({ '.mllint.yaml': CONFIG, 'argocd/scorer.yaml': text, ...chart });
    expect(renders(findings)).toEqual([`argocd/scorer.yaml:${lineOf(text, `name: ${long}`)} true`]);
  });

  it('Flux spec.releaseName at its line; a derived [targetNamespace-]name at metadata.name', () => {
    const named = release('scorer', '  releaseName: "--post-renderer=x"\n');
    const long = `scorer-${'x'.repeat(40)}`;
    const derived = release(long, `  targetNamespace: ml-serving-production\n`);
    const { findings } = lint({ 'flux/named.yaml': named, 'flux/derived.yaml': derived, ...chart });
    expect(renders(findings).sort()).toEqual([`flux/derived.yaml:${lineOf(derived, `name: ${long}`)} true`, `flux/named.yaml:${lineOf(named, 'releaseName:')} true`]);
  });
});

describe('gitops-source-renders: config', () => {
  it('repository.url is validated as a string', () => {
    const dir = makeTree({ '.mllint.yaml': 'repository: { url: 3 }\n', 'a.yaml': POD('p') });
    dirs.push(dir);
    const outcome = lintPaths(['.'], { cwd: dir });
    expect(outcome.ok).toBe(false);
    expect(fs.existsSync(path.join(dir, 'a.yaml'))).toBe(true);
  });
});
