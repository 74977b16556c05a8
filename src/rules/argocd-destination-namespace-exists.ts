import { defineRule } from './define-rule.js';
import { destinationOf, isArgoApplication, isTemplated, syncOptionsOf } from './utils/argocd.js';

export interface ArgocdDestinationNamespaceExistsOptions {
  /** Namespaces that exist in every cluster (created by the platform, not by this repository). */
  existing: string[];
}

export default defineRule<ArgocdDestinationNamespaceExistsOptions>({
  meta: {
    id: 'argocd-destination-namespace-exists',
    severity: 'warning',
    recommended: true,
    description: 'The destination namespace of an Argo CD Application is neither in the linted files nor created by the sync (CreateNamespace=true)',
    kinds: ['Application'],
    remediation: 'Add `CreateNamespace=true` to spec.syncPolicy.syncOptions, or add the Namespace object to the tree.',
    docs: {
      why:
        'Argo CD does not create the destination namespace unless told to (`syncOptions: [CreateNamespace=true]`). ' +
        'When nothing else creates it, the first sync of a new Application fails with `namespaces "…" not found` ' +
        'and nothing is deployed; it typically happens when an environment is copied under a new namespace name.',
      checks:
        'Every Argo CD Application (also generated or rendered ones) with `destination.namespace`: the namespace ' +
        'must be a Namespace object in the linted files, be created by the sync (`CreateNamespace=true`, of this ' +
        'Application or of another one deploying into the same namespace of the same cluster), be the ' +
        'Application\'s own namespace (where Argo CD runs), or be in `existing` (default: `default`, `kube-system`, ' +
        '`kube-public`, `kube-node-lease`). A warning: the namespace may have been created outside this repository.',
      fix: 'Add `CreateNamespace=true` (with `managedNamespaceMetadata` for labels), or commit the Namespace manifest.',
      examples: {
        incorrect: `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: fraud-scorer, namespace: argocd }
spec:
  project: default
  source: { repoURL: https://github.com/acme/ml-gitops.git, targetRevision: v2.3.0, path: apps/fraud-scorer }
  destination: { server: https://kubernetes.default.svc, namespace: ml-prod }
`,
        correct: `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: fraud-scorer, namespace: argocd }
spec:
  project: default
  source: { repoURL: https://github.com/acme/ml-gitops.git, targetRevision: v2.3.0, path: apps/fraud-scorer }
  destination: { server: https://kubernetes.default.svc, namespace: ml-prod }
  syncPolicy:
    syncOptions: [CreateNamespace=true]
`,
      },
    },
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: { existing: { type: 'array', items: { type: 'string', minLength: 1 } } },
    },
    defaultOptions: { existing: ['default', 'kube-system', 'kube-public', 'kube-node-lease'] },
    messages: {
      missing: 'deploys into namespace "{{namespace}}", which is not in the linted files and is not created by the sync (no CreateNamespace=true): unless it already exists in the cluster, the sync fails with namespaces "{{namespace}}" not found',
    },
  },

  check({ object, options, index }) {
    if (!isArgoApplication(object)) return [];
    const namespace = destinationOf(object).namespace;
    if (!namespace || isTemplated(namespace) || options.existing.includes(namespace)) return [];
    if (object.object.metadata?.namespace === namespace) return [];
    if (syncOptionsOf(object).includes('CreateNamespace=true')) return [];
    if (index.findAnywhere('Namespace', namespace).length > 0) return [];
    // Another Application syncing into the same namespace of the same cluster creates it.
    const dest = destinationOf(object);
    const cluster = (d: typeof dest) => d.name ?? d.server ?? 'https://kubernetes.default.svc';
    const creator = index.byKind('Application').some((other) => other !== object && isArgoApplication(other) && destinationOf(other).namespace === namespace && cluster(destinationOf(other)) === cluster(dest) && syncOptionsOf(other).includes('CreateNamespace=true'));
    if (creator) return [];
    return [{ messageId: 'missing', data: { namespace }, path: ['spec', 'destination', 'namespace'] }];
  },
});
