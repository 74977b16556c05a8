import rule from '../../src/rules/namespace-set.js';
import { ruleTester } from '../rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'namespace set', yaml: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: scorer\n  namespace: ml-serving-prod\nspec:\n  ports: [{ port: 80 }]\n' },
    { name: 'explicit default is explicit', yaml: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: default }\n' },
    {
      name: 'cluster-scoped kinds',
      yaml: `apiVersion: v1
kind: Namespace
metadata: { name: ml-serving-prod }
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: { name: ml-gpu }
value: 1000
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: reader }
---
apiVersion: serving.kserve.io/v1alpha1
kind: ClusterServingRuntime
metadata: { name: triton }
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: { name: require-labels }
`,
    },
    {
      name: 'clusterScopedKinds option for a CRD',
      yaml: 'apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: { name: gpu }\n',
      options: { clusterScopedKinds: ['NodePool'] },
    },
    { name: 'non-Kubernetes YAML', yaml: 'resources:\n  - deployment.yaml\nnamespace: ml-serving-prod\n' },
  ],
  invalid: [
    {
      name: 'no namespace: points at metadata',
      yaml: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: scorer\nspec: {}\n',
      errors: [{ messageId: 'missing', line: 3, column: 1, path: 'metadata.namespace', severity: 'warning',
        message: 'Deployment "scorer" has no metadata.namespace; it will land in whatever namespace the applying context uses' }],
    },
    {
      name: 'empty namespace, and a CRD kind assumed namespaced',
      yaml: `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: ""
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: scorer
spec:
  selector: {}
`,
      errors: [
        { messageId: 'missing', line: 5, message: /^ConfigMap "settings"/ },
        { messageId: 'missing', line: 9, message: /^ServiceMonitor "scorer"/ },
      ],
    },
    {
      name: 'across directories, List items too',
      files: {
        'apps/fraud/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata: { name: fraud }\nspec:\n  ports: [{ port: 80 }]\n',
        'base/list.yaml': `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Namespace
    metadata: { name: ml }
  - apiVersion: v1
    kind: Secret
    metadata:
      name: creds
`,
      },
      errors: [
        { line: 3, file: 'apps/fraud/service.yaml' },
        { line: 9, file: 'base/list.yaml', message: /^Secret "creds"/ },
      ],
    },
  ],
});
