/**
 * examples/gitops: an Argo CD app of apps, a chart whose values file sets the model image and version,
 * a kustomize overlay over helmCharts and a Flux HelmRelease; findings land on the lines a person edits.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { lintPaths } from '../../src/api.js';
import { describeHelm } from './tools.js';

const root = path.resolve(__dirname, '..', '..');
const lineOf = (file: string, needle: string) => fs.readFileSync(path.join(root, file), 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;

describeHelm('examples/gitops', () => {
  it('lints what Argo CD and Flux deploy, at the values-file lines', () => {
    const outcome = lintPaths(['examples/gitops'], { cwd: root, configPath: 'examples/gitops/.mllint.yaml' });
    if (!outcome.ok) throw new Error(outcome.messages.join('\n'));
    const at = outcome.result.findings.map((f) => `${f.ruleId} ${f.file}:${f.line}${f.via ? ` via ${f.via}` : ''}`);
    const prod = 'examples/gitops/charts/model-server/values-prod.yaml';
    const fraud = 'via Application argocd/fraud-scorer';
    expect(at).toEqual(
      expect.arrayContaining([
        `image-pinned ${prod}:${lineOf(prod, 'tag: latest')} ${fraud}`,
        `model-version-matches-registry ${prod}:${lineOf(prod, 'version: "4"')} ${fraud}`,
        `replicas-owned-by-autoscaler ${prod}:${lineOf(prod, 'replicaCount: 3')} ${fraud}`,
        `memory-limit-fits-model ${prod}:${lineOf(prod, 'memory: 1Gi')} ${fraud}`,
        `memory-limit-fits-model examples/gitops/flux/drift-detector.yaml:${lineOf('examples/gitops/flux/drift-detector.yaml', 'limits: { memory: 256Mi }')} via HelmRelease flux-system/drift-detector`,
        `argocd-revision-pinned examples/gitops/argocd/apps/fraud-scorer.yaml:${lineOf('examples/gitops/argocd/apps/fraud-scorer.yaml', 'targetRevision: HEAD')} via Application argocd/ml-platform`,
        `cpu-limit-throttling examples/gitops/kustomize/feature-store/base/kustomization.yaml:${lineOf('examples/gitops/kustomize/feature-store/base/kustomization.yaml', 'limits: { cpu: "1"')} via Application argocd/feature-store`,
      ]),
    );
    // Nothing is reported inside templates/ for values that come from values files, and no chart is skipped.
    expect(outcome.result.findings.filter((f) => f.ruleId === 'helm-chart-skipped' || f.ruleId === 'gitops-source-renders' || f.ruleId === 'parse-error')).toEqual([]);
  });
});
