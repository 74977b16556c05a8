import { defineRule } from './define-rule.js';
import { isNamespacedKind } from '../engine/kinds.js';

export interface NamespaceSetOptions {
  clusterScopedKinds: string[];
}

export default defineRule<NamespaceSetOptions>({
  meta: {
    id: 'namespace-set',
    severity: 'warning',
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
        'Every object of a namespaced kind (everything except Namespace, Node, ClusterRole, CustomResourceDefinition, ' +
        'StorageClass, PriorityClass and the other cluster-scoped kinds, kinds starting with `Cluster`, and the kinds ' +
        'listed in `clusterScopedKinds`) must have a non-empty `metadata.namespace`. Objects are checked as linted: a ' +
        'kustomization rendered by mllint has its `namespace:` applied. `helm template` output has a namespace only ' +
        'where the chart writes `namespace: {{ .Release.Namespace }}`. With `--kustomize=off`, or for trees an ' +
        'Argo CD Application or `helm install --namespace` places, turn the rule off for those paths with `overrides`.',
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

  check({ object, options }) {
    const kind = object.kind;
    if (!isNamespacedKind(kind) || kind.startsWith('Cluster') || options.clusterScopedKinds.includes(kind)) return [];
    if (typeof object.namespace === 'string' && object.namespace.trim() !== '') return [];
    return [{ messageId: 'missing', data: { kind, name: object.name || '(unnamed)' }, path: ['metadata', 'namespace'] }];
  },
});
