import rule from '../../src/rules/argocd-destination-namespace-exists.js';
import { ruleTester } from '../rule-tester.js';

/** `namespace:` of the destination is on line 8. */
const app = (namespace: string, policy = '') => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: fraud-scorer, namespace: argocd }
spec:
  source: { repoURL: https://github.com/acme/ml-gitops.git, targetRevision: v1.0.0, path: apps/fraud-scorer }
  destination:
    server: https://kubernetes.default.svc
    namespace: ${namespace}
${policy}`;

const namespaceObject = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata: { name: ${name} }\n`;

ruleTester(rule, {
  valid: [
    { name: 'created by the sync', yaml: app('ml-prod', '  syncPolicy:\n    syncOptions:\n      - CreateNamespace=true\n') },
    { name: 'a Namespace object in another file', files: { 'argocd/app.yaml': app('ml-prod'), 'platform/namespaces.yaml': namespaceObject('ml-prod') } },
    { name: 'default namespace', yaml: app('default') },
    { name: 'another Application into the same namespace creates it', files: { 'argocd/app.yaml': app('ml-prod'), 'argocd/other.yaml': app('ml-prod', '  syncPolicy:\n    syncOptions: [CreateNamespace=true]\n').replace('name: fraud-scorer', 'name: ranker') } },
    { name: "the Application's own namespace", yaml: app('argocd') },
    { name: 'configured as existing', yaml: app('ml-prod'), options: { existing: ['ml-prod'] } },
    { name: 'templated', yaml: app('"{{ .namespace }}"') },
    { name: 'no destination namespace', yaml: 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: { name: a, namespace: argocd }\nspec:\n  destination: { server: https://kubernetes.default.svc }\n' },
  ],
  invalid: [
    {
      name: 'namespace nowhere',
      yaml: app('ml-prod'),
      errors: [{ messageId: 'missing', line: 8, severity: 'warning', message: 'deploys into namespace "ml-prod", which is not in the linted files and is not created by the sync (no CreateNamespace=true): unless it already exists in the cluster, the sync fails with namespaces "ml-prod" not found' }],
    },
    {
      name: 'another Application creates a namespace of that name in another cluster',
      files: { 'argocd/app.yaml': app('ml-prod'), 'argocd/other.yaml': app('ml-prod', '  syncPolicy:\n    syncOptions: [CreateNamespace=true]\n').replace('name: fraud-scorer', 'name: ranker').replace('server: https://kubernetes.default.svc', 'server: https://eu.k8s.acme.internal') },
      errors: [{ messageId: 'missing', line: 8, file: 'argocd/app.yaml' }],
    },
    { name: 'CreateNamespace=false', yaml: app('ml-prod', '  syncPolicy:\n    syncOptions: [CreateNamespace=false]\n'), errors: [{ messageId: 'missing', line: 8 }] },
    { name: 'a Namespace of another name', files: { 'argocd/app.yaml': app('ml-prod'), 'platform/namespaces.yaml': namespaceObject('ml-staging') }, errors: [{ messageId: 'missing', line: 8, file: 'argocd/app.yaml' }] },
  ],
});
