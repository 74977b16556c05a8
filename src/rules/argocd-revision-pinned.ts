import { defineRule, type Report } from './define-rule.js';
import { applicationSources, DEFAULT_PRODUCTION, destinationOf, isArgoApplication, isExactChartVersion, isPinnedRevision, isTemplated, matchDestination } from './utils/argocd.js';

export interface ArgocdRevisionPinnedOptions {
  /** Globs of destination namespaces that are production. */
  productionNamespaces: string[];
  /** Globs of destination cluster names (`destination.name`) or server hosts/URLs (`destination.server`) that are production. */
  productionClusters: string[];
}

export default defineRule<ArgocdRevisionPinnedOptions>({
  meta: {
    id: 'argocd-revision-pinned',
    severity: 'warning',
    recommended: true,
    description: 'An Argo CD Application deploying to production should track a version tag or commit, not HEAD or a branch (or a chart version range)',
    kinds: ['Application'],
    remediation: 'Set targetRevision to a release tag or commit SHA (for a Helm repository chart, an exact chart version) and promote by changing it.',
    docs: {
      why:
        'An Application whose `targetRevision` is `HEAD` (the default when it is empty) or a branch deploys every commit ' +
        'merged into that branch at the next sync: a change reviewed for staging reaches production at the same moment, ' +
        'and there is no release to roll back to, only a revert. A chart version range (`1.4.*`) does the same with ' +
        'every chart release. Pinning production to a tag or commit makes promotion an explicit, reviewable change.',
      checks:
        'Every Argo CD Application (also those an ApplicationSet generates or a chart renders) whose destination is ' +
        'production: `destination.namespace` matches one of `productionNamespaces`, or `destination.name` or the host of ' +
        '`destination.server` matches one of `productionClusters` (default for both: names that are or contain `prod`, ' +
        '`production` or `prd` as a dash- or dot-separated part, e.g. `ml-prod`, `prod-eu-1`). Each source must have a ' +
        '`targetRevision` that is a commit SHA, a version tag (`v1.2.3`, `1.4`) or `refs/tags/…`; a Helm repository ' +
        'source (`chart:`) an exact version. A tag with another naming scheme looks like a branch and is reported ' +
        '(suppress it, or configure the globs). Revisions still holding `{{…}}` are not judged.',
      fix: 'Pin `targetRevision` to a tag or SHA; move environments forward by changing it in a pull request.',
      examples: {
        incorrect: `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: fraud-scorer, namespace: argocd }
spec:
  project: default
  source:
    repoURL: https://github.com/acme/ml-gitops.git
    targetRevision: main
    path: apps/fraud-scorer
  destination: { server: https://kubernetes.default.svc, namespace: ml-prod }
`,
        correct: `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: fraud-scorer, namespace: argocd }
spec:
  project: default
  source:
    repoURL: https://github.com/acme/ml-gitops.git
    targetRevision: v2.3.0
    path: apps/fraud-scorer
  destination: { server: https://kubernetes.default.svc, namespace: ml-prod }
`,
      },
    },
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        productionNamespaces: { type: 'array', items: { type: 'string', minLength: 1 } },
        productionClusters: { type: 'array', items: { type: 'string', minLength: 1 } },
      },
    },
    defaultOptions: { productionNamespaces: DEFAULT_PRODUCTION, productionClusters: DEFAULT_PRODUCTION },
    messages: {
      head: 'deploys {{revision}} of {{repo}} to production ({{where}}): every commit merged there goes live at the next sync, with no release to roll back to',
      branch: 'targetRevision "{{revision}}" is not a version tag or commit SHA but the destination is production ({{where}}): if it is a branch, every commit merged there goes live at the next sync',
      chartRange: 'chart {{chart}} version "{{revision}}" is not an exact version but the destination is production ({{where}}): every matching chart release goes live at the next sync',
    },
  },

  check({ object, options }) {
    if (!isArgoApplication(object)) return [];
    const dest = destinationOf(object);
    if (isTemplated(dest.namespace) || isTemplated(dest.name) || isTemplated(dest.server)) return [];
    const where = matchDestination(dest, options.productionNamespaces, options.productionClusters);
    if (!where) return [];
    const reports: Report[] = [];
    for (const { source, at } of applicationSources(object)) {
      const raw = source.targetRevision;
      const revision = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
      if (isTemplated(revision)) continue;
      const path = raw === undefined ? at : [...at, 'targetRevision'];
      const repo = typeof source.repoURL === 'string' ? source.repoURL : 'the repository';
      if (typeof source.chart === 'string' && source.chart !== '') {
        if (!isExactChartVersion(revision)) reports.push({ messageId: 'chartRange', data: { chart: source.chart, revision: revision || '(latest)', where }, path });
      } else if (revision === '' || revision === 'HEAD') {
        reports.push({ messageId: 'head', data: { revision: 'HEAD', repo, where }, path });
      } else if (!isPinnedRevision(revision)) {
        reports.push({ messageId: 'branch', data: { revision, where }, path });
      }
    }
    return reports;
  },
});
