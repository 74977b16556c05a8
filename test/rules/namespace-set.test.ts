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
    {
      name: 'well-known cluster-scoped custom kinds (table), and a kind whose CRD in the tree says scope: Cluster',
      yaml: `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: gw }
---
apiVersion: kueue.x-k8s.io/v1beta1
kind: ResourceFlavor
metadata: { name: spot }
---
apiVersion: kubeflow.org/v1
kind: Profile
metadata: { name: team-a }
---
apiVersion: karpenter.sh/v1
kind: NodePool
metadata: { name: gpu }
---
apiVersion: networking.gke.io/v1
kind: GKENetworkParamSet
metadata: { name: rdma }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata: { name: must-have-team }
---
apiVersion: datasciencecluster.opendatahub.io/v1
kind: DataScienceCluster
metadata: { name: default-dsc }
---
apiVersion: config.openshift.io/v1
kind: Proxy
metadata: { name: cluster }
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: tenants.example.org }
spec:
  group: example.org
  scope: Cluster
  names: { kind: Tenant, plural: tenants }
  versions: [{ name: v1, served: true, storage: true }]
---
apiVersion: example.org/v1
kind: Tenant
metadata: { name: team-a }
`,
    },
    {
      name: 'folders deployed by an Argo CD Application or a Flux Kustomization that set the namespace',
      files: {
        'argocd/serving.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: serving, namespace: argocd }
spec:
  destination: { server: https://kubernetes.default.svc, namespace: ml-serving }
  source: { repoURL: https://example.org/gitops.git, path: apps/serving }
`,
        'apps/serving/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata: { name: fraud }\nspec:\n  ports: [{ port: 80 }]\n',
        'clusters/prod/batch.yaml': `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: { name: batch, namespace: flux-system }
spec:
  path: ./apps/batch
  targetNamespace: ml-batch
  sourceRef: { kind: GitRepository, name: gitops }
`,
        'apps/batch/job.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\n',
      },
    },
    { name: 'non-Kubernetes YAML', yaml: 'resources:\n  - deployment.yaml\nnamespace: ml-serving-prod\n' },
  ],
  invalid: [
    {
      name: 'tool configuration documents (skaffold, kind, kubeconfig, audit policy, Gateway API conformance report) are not cluster objects; the Deployment beside them is',
      files: {
        'skaffold.yaml': 'apiVersion: skaffold/v2beta4\nkind: Config\nmetadata: { name: app }\nbuild: { artifacts: [{ image: app }] }\n',
        'hack/kind.yaml': 'apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\nmetadata: { name: dev }\nnodes: [{ role: control-plane }]\n',
        'hack/kubeconfig.yaml': 'apiVersion: v1\nkind: Config\nmetadata: { name: dev }\nclusters: []\ncontexts: []\nusers: []\n',
        'hack/audit.yaml': 'apiVersion: audit.k8s.io/v1\nkind: Policy\nmetadata: { name: audit }\nrules: [{ level: Metadata }]\n',
        'conformance/reports/v1/report.yaml': 'apiVersion: gateway.networking.k8s.io/v1\nkind: ConformanceReport\nmetadata: { name: r }\nmode: default\n',
        'app.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  selector: { matchLabels: { app: a } }\n  template:\n    metadata: { labels: { app: a } }\n    spec: { containers: [{ name: a, image: "a:1" }] }\n',
      },
      errors: [{ file: 'app.yaml', line: 3 }],
    },
    {
      name: 'a CRD in the tree that says Namespaced wins over the Cluster… name; a folder no deployer covers',
      files: {
        'crds/clusterthing.yaml': `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: clusterthings.example.org }
spec:
  group: example.org
  scope: Namespaced
  names: { kind: ClusterThing, plural: clusterthings }
  versions: [{ name: v1, served: true, storage: true }]
`,
        'apps/thing.yaml': 'apiVersion: example.org/v1\nkind: ClusterThing\nmetadata: { name: t }\n',
        'argocd/app.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: other, namespace: argocd }
spec:
  destination: { namespace: other }
  source: { path: apps/other }
`,
      },
      errors: [{ messageId: 'missing', file: 'apps/thing.yaml', line: 3, message: /^ClusterThing "t"/ }],
    },
    {
      name: 'no namespace: points at metadata',
      yaml: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: scorer\nspec: {}\n',
      errors: [{ messageId: 'missing', line: 3, column: 1, path: 'metadata.namespace', severity: 'info',
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
