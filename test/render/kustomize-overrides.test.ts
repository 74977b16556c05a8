/**
 * Kustomize overrides of the GitOps controllers applied with the real kustomize: an Argo CD
 * Application's `kustomize:` (images, namePrefix, nameSuffix, namespace, commonLabels,
 * commonAnnotations, replicas, patches) and a Flux Kustomization's `images`, `patches`,
 * `targetNamespace`. Findings they cause point at the owner's line.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { lintPaths } from '../../src/api.js';
import { resolveCommand } from '../../src/loaders/kustomize.js';
import { parseSetImage } from '../../src/render/owners.js';
import type { Finding } from '../../src/types.js';
import { makeTree, removeTree } from '../helpers.js';

const tool = resolveCommand({ cwd: process.cwd() });
if (!tool.ok) {
  const reason = `kustomize override tests need kubectl or kustomize on PATH: ${tool.message}`;
  if (process.env.CI === 'true') throw new Error(reason);
  console.warn(`\n*** SKIPPED: ${reason} ***\n`);
}
const describeTool = tool.ok ? describe : describe.skip;

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeTree));
function lint(files: Record<string, string>, options: { kustomize?: 'auto' | 'off' } = {}): Finding[] {
  const dir = makeTree({ '.git/HEAD': 'ref: refs/heads/main\n', '.mllint.yaml': 'repository: { url: https://github.com/acme/gitops }\n', ...files });
  dirs.push(dir);
  const outcome = lintPaths(['.'], { cwd: dir, ...options });
  if (!outcome.ok) throw new Error(outcome.messages.join('\n'));
  return outcome.result.findings;
}
/** 1-based line of the first line of `text` containing `needle`. */
const lineIn = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
const only = (findings: Finding[], id: string) => findings.filter((f) => f.ruleId === id);

const KUSTOMIZATION = `resources: [deployment.yaml, hpa.yaml]
images:
  - name: scorer
    newName: registry.acme.io/ml/scorer
    newTag: "1.0.0"
`;
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer }
spec:
  selector: { matchLabels: { app: scorer } }
  template:
    metadata: { labels: { app: scorer } }
    spec:
      containers:
        - name: scorer
          image: scorer
          resources: { requests: { cpu: "1", memory: 1Gi }, limits: { memory: 1Gi } }
`;
const HPA = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: scorer }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: scorer }
  minReplicas: 2
  maxReplicas: 8
`;
const TREE = { 'apps/scorer/kustomization.yaml': KUSTOMIZATION, 'apps/scorer/deployment.yaml': DEPLOYMENT, 'apps/scorer/hpa.yaml': HPA };

const app = (kustomize: string, namespace = 'ml-serving') => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: scorer, namespace: argocd }
spec:
  project: default
  source:
    repoURL: https://github.com/acme/gitops.git
    targetRevision: HEAD
    path: apps/scorer
    kustomize:
${kustomize}  destination: { server: https://kubernetes.default.svc, namespace: ${namespace} }
  syncPolicy: { syncOptions: [CreateNamespace=true] }
`;

describe('kustomize edit set image arguments', () => {
  it.each([
    ['scorer=registry.acme.io/ml/scorer:2.0', { name: 'scorer', newName: 'registry.acme.io/ml/scorer', newTag: '2.0' }],
    ['scorer:2.0', { name: 'scorer', newTag: '2.0' }],
    ['scorer=other/scorer', { name: 'scorer', newName: 'other/scorer' }],
    ['scorer@sha256:abc', { name: 'scorer', digest: 'sha256:abc' }],
    ['registry:5000/ml/scorer:2.0', { name: 'registry:5000/ml/scorer', newTag: '2.0' }],
    ['scorer=reg.io/s@sha256:abc', { name: 'scorer', newName: 'reg.io/s', digest: 'sha256:abc' }],
  ])('%s', (arg, expected) => expect(parseSetImage(arg)).toEqual(expected));
  it('a bare name is not an override', () => expect(parseSetImage('scorer')).toBeUndefined());
});

describeTool('Argo CD Application kustomize overrides, rendered by the real kustomize', () => {
  it('images: the Application entry replaces the kustomization entry of the same name; a finding points at it', () => {
    const text = app('      images:\n        - scorer=registry.acme.io/ml/scorer:latest\n');
    const findings = lint({ ...TREE, 'argocd/scorer.yaml': text });
    const pinned = only(findings, 'image-pinned');
    expect(pinned.map((f) => [f.file, f.line, f.message])).toEqual([['argocd/scorer.yaml', lineIn(text, 'scorer=registry'), 'container "scorer" uses image "registry.acme.io/ml/scorer:latest"; pin a version tag or digest']]);
    expect(only(findings, 'gitops-not-rendered')).toEqual([]);
  });

  it('a tag-only override keeps the kustomization\'s new name', () => {
    const text = app('      images:\n        - scorer:latest\n');
    const pinned = only(lint({ ...TREE, 'argocd/scorer.yaml': text }), 'image-pinned');
    expect(pinned.map((f) => [f.line, f.message])).toEqual([[lineIn(text, 'scorer:latest'), 'container "scorer" uses image "registry.acme.io/ml/scorer:latest"; pin a version tag or digest']]);
  });

  it('namePrefix, namespace, commonLabels and an inline patch: objects as Argo CD renders them; the patched value at its line in the Application', () => {
    const text = app(`      namePrefix: prod-
      namespace: ml-prod
      commonLabels:
        team: fraud
      patches:
        - target: { kind: Deployment, name: scorer }
          patch: |-
            - op: add
              path: /spec/replicas
              value: 3
`);
    const findings = lint({ ...TREE, 'argocd/scorer.yaml': text });
    const owned = only(findings, 'replicas-owned-by-autoscaler');
    expect(owned.map((f) => [f.file, f.line, `${f.resource?.kind} ${f.resource?.namespace}/${f.resource?.name}`, f.message])).toEqual([
      ['argocd/scorer.yaml', lineIn(text, 'value: 3'), 'Deployment ml-prod/prod-scorer', 'sets replicas: 3 while HorizontalPodAutoscaler "prod-scorer" scales this Deployment (2–8): every apply or sync resets it to 3'],
    ]);
  });

  it('without the Application the kustomization renders as written (no replicas: nothing to report)', () => {
    expect(only(lint(TREE), 'replicas-owned-by-autoscaler')).toEqual([]);
  });

  it('a namePrefix that would replace the kustomization\'s own is not applied, and said once', () => {
    const text = app('      namePrefix: prod-\n');
    const findings = lint({ ...TREE, 'apps/scorer/kustomization.yaml': `namePrefix: base-\n${KUSTOMIZATION}`, 'argocd/scorer.yaml': text });
    const info = only(findings, 'gitops-not-rendered');
    expect(info.map((f) => [f.line, f.severity, f.message])).toEqual([[lineIn(text, 'namePrefix: prod-'), 'info', 'Application argocd/scorer: namePrefix is not applied by mllint: it replaces the kustomization\'s own namePrefix "base-", which mllint cannot undo']]);
  });

  it('an override kustomize rejects is a gitops-source-renders error at the Application', () => {
    const text = app('      patches:\n        - patch: |-\n            - op: remove\n              path: /spec/nothing\n          target: { kind: Deployment }\n');
    const errors = only(lint({ ...TREE, 'argocd/scorer.yaml': text }), 'gitops-source-renders');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'argocd/scorer.yaml', line: lineIn(text, 'kustomize:'), severity: 'error' });
    expect(errors[0].message).toMatch(/^Application argocd\/scorer: kustomize could not render apps\/scorer with its patches: error in remove for path: '\/spec\/nothing'/);
  });

  it('an Application that deploys a base other overlays also use renders it on its own, in its destination namespace', () => {
    const text = app('', 'ml-canary').replace('    kustomize:\n', '');
    const findings = lint({
      'apps/scorer/base/kustomization.yaml': 'resources: [deployment.yaml]\n',
      'apps/scorer/base/deployment.yaml': DEPLOYMENT.replace('image: scorer', 'image: registry.acme.io/ml/scorer:latest'),
      'apps/scorer/prod/kustomization.yaml': 'resources: [../base]\nimages:\n  - name: registry.acme.io/ml/scorer\n    newTag: "1.0.0"\n',
      'argocd/scorer.yaml': text.replace('path: apps/scorer', 'path: apps/scorer/base'),
    });
    expect(only(findings, 'image-pinned').map((f) => [f.file, f.line, `${f.resource?.namespace}/${f.resource?.name}`, f.via])).toEqual([
      ['apps/scorer/base/deployment.yaml', lineIn(DEPLOYMENT, 'image: scorer'), 'ml-canary/scorer', 'Application argocd/scorer'],
    ]);
  });

  it('hostile overrides: a patch file outside the repository is not read; a value cannot add fields to the wrapper', () => {
    const text = app(`      namePrefix: "p-\\nhelmCharts: [{ name: x, repo: 'https://evil.example' }]\\n"
      patches:
        - path: ../../../../../../etc/passwd
`);
    const findings = lint({ ...TREE, 'argocd/scorer.yaml': text });
    expect(only(findings, 'gitops-not-rendered').map((f) => [f.line, f.message])).toEqual([
      [lineIn(text, 'etc/passwd'), 'Application argocd/scorer: kustomize.patches[0] names "../../../../../../etc/passwd", which is outside the repository; that patch is not applied'],
    ]);
    // The prefix is one (odd) string: kustomize renders with it, nothing is pulled, and the objects are linted.
    expect(only(findings, 'gitops-source-renders')).toEqual([]);
    expect(findings.some((f) => f.resource?.kind === 'Deployment' && f.resource.name.startsWith('p-'))).toBe(true);
  });

  it('with kustomize off the overrides are reported as not applied', () => {
    const text = app('      images:\n        - scorer:latest\n');
    const info = only(lint({ ...TREE, 'argocd/scorer.yaml': text }, { kustomize: 'off' }), 'gitops-not-rendered');
    expect(info.map((f) => [f.line, f.message])).toEqual([[lineIn(text, 'images:'), 'Application argocd/scorer: images is not applied by mllint (kustomize rendering is off); findings show the kustomization as written']]);
  });
});

describeTool('Flux Kustomization images, patches and targetNamespace, rendered by the real kustomize', () => {
  const flux = (extra: string) => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: { name: scorer, namespace: flux-system }
spec:
  interval: 10m
  path: ./apps/scorer
  prune: true
  sourceRef: { kind: GitRepository, name: gitops }
  targetNamespace: ml-prod
${extra}`;
  const GIT = 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: { name: gitops, namespace: flux-system }\nspec: { url: https://github.com/acme/gitops, ref: { branch: main } }\n';

  it('images and a patch applied; findings at the Flux Kustomization lines, objects in targetNamespace', () => {
    const text = flux(`  images:
    - name: registry.acme.io/ml/scorer
      newTag: latest
  patches:
    - target: { kind: Deployment }
      patch: |
        apiVersion: apps/v1
        kind: Deployment
        metadata: { name: any }
        spec:
          replicas: 4
`);
    const findings = lint({ ...TREE, 'clusters/prod/scorer.yaml': text, 'clusters/prod/git.yaml': GIT });
    expect(only(findings, 'image-pinned').map((f) => [f.file, f.line, `${f.resource?.kind} ${f.resource?.namespace}/${f.resource?.name}`])).toEqual([['clusters/prod/scorer.yaml', lineIn(text, 'newTag: latest'), 'Deployment ml-prod/scorer']]);
    expect(only(findings, 'replicas-owned-by-autoscaler').map((f) => [f.file, f.line])).toEqual([['clusters/prod/scorer.yaml', lineIn(text, 'replicas: 4')]]);
  });
});
