import { defineRule } from './define-rule.js';
import { deployerOf } from './utils/deployers.js';
import { isClusterScoped } from './utils/scope.js';

export interface NamespaceSetOptions {
  clusterScopedKinds: string[];
}

export default defineRule<NamespaceSetOptions>({
  meta: {
    id: 'namespace-set',
    // Info: many repositories apply namespace-less manifests on purpose (`kubectl apply -n`, `helm install
    // --namespace`, a deployer outside the tree); whether one is missing depends on how the tree is applied.
    severity: 'info',
    recommended: true,
    description: 'Namespaced objects must name their namespace explicitly',
    remediation: 'Set metadata.namespace, or set namespace: in the kustomization that renders the object.',
    docs: {
      why:
        'An object without `metadata.namespace` lands in whatever namespace the applying context points at: ' +
        '`default` in CI, the current kubectl context on a laptop, the Argo CD Application\'s destination in GitOps. ' +
        'The same manifest then creates a model server in two places, Services and Ingresses stop finding each other, ' +
        'and cross-object checks (Service → pods, PDB → pods, HPA → target) compare objects that will not meet.',
      checks:
        'Every object of a namespaced kind must have a non-empty `metadata.namespace`. Cluster-scoped kinds are ' +
        'skipped: a CustomResourceDefinition in the linted tree decides for its own kind (`spec.scope`); else the ' +
        'built-in cluster-scoped kinds (Namespace, Node, ClusterRole, StorageClass, PriorityClass, …), a table of ' +
        'well-known cluster-scoped custom kinds with their sources (GatewayClass, Kueue ResourceFlavor/ClusterQueue, ' +
        'Kubeflow Profile, Karpenter NodePool, GKE Network/ComputeClass, Gatekeeper constraints, …), kinds starting ' +
        'with `Cluster`, and the kinds listed in `clusterScopedKinds`. Objects are checked as linted: a ' +
        'kustomization rendered by mllint has its `namespace:` applied. Objects in a folder that an Argo CD ' +
        '`Application` of the tree deploys with `destination.namespace` (its `source.path`), or that a Flux ' +
        '`Kustomization` deploys with `targetNamespace` (its `path`), get that namespace. `helm template` output has ' +
        'a namespace only where the chart writes `namespace: {{ .Release.Namespace }}`; for trees `helm install ' +
        '--namespace` or a deployer outside the tree places, turn the rule off for those paths with `overrides`. ' +
        'An `info` by default (on real repositories it was a third of all findings, mostly samples applied with ' +
        '`kubectl apply -n` on purpose); raise it to `warning` or `error` where every object must name its namespace.',
      fix: 'Add `metadata.namespace: <namespace>` to the object, or `namespace:` to the kustomization that renders it.',
      examples: {
        incorrect: `apiVersion: v1
kind: Service
metadata:
  name: scorer
spec:
  selector: { app: scorer }
  ports: [{ port: 80 }]
`,
        correct: `apiVersion: v1
kind: Service
metadata:
  name: scorer
  namespace: ml-serving-prod
spec:
  selector: { app: scorer }
  ports: [{ port: 80 }]
`,
      },
    },
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        clusterScopedKinds: {
          type: 'array',
          items: { type: 'string' },
          description: 'More cluster-scoped kinds (e.g. of CRDs) that need no namespace.',
        },
      },
    },
    defaultOptions: { clusterScopedKinds: [] },
    messages: {
      missing: '{{kind}} "{{name}}" has no metadata.namespace; it will land in whatever namespace the applying context uses',
    },
  },

  check({ object, options, index }) {
    const kind = object.kind;
    if (options.clusterScopedKinds.includes(kind) || isClusterScoped(object, index)) return [];
    if (typeof object.namespace === 'string' && object.namespace.trim() !== '') return [];
    // Deployed by an Argo CD Application or Flux Kustomization of the tree that sets the namespace.
    if (deployerOf(object, index)) return [];
    return [{ messageId: 'missing', data: { kind, name: object.name || '(unnamed)' }, path: ['metadata', 'namespace'] }];
  },
});
