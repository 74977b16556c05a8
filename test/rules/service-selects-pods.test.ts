import rule from '../../src/rules/service-selects-pods.js';
import { ruleTester } from '../rule-tester.js';

const deployment = (labels: string, namespace = 'ml-serving-prod', name = 'fraud-scorer') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: ${labels}
    spec:
      containers:
        - name: scorer
          image: fraud-scorer:3.0.1
`;

const service = (selector: string, namespace = 'ml-serving-prod', extra = '') => `apiVersion: v1
kind: Service
metadata:
  name: fraud-scorer
  namespace: ${namespace}
spec:
${extra}  selector:
${selector}
  ports:
    - port: 80
      targetPort: 8080
`;

/** Without a namespace (a samples monorepo); the selector's `app:` is on line 6. */
const bareService = (app: string) => `apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  selector:
    app: ${app}
  ports: [{ port: 80 }]
`;
const bareDeployment = (app: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${app} }
spec:
  selector: { matchLabels: { app: ${app} } }
  template:
    metadata: { labels: { app: ${app} } }
    spec:
      containers: [{ name: web, image: "example.org/web:1.0.0" }]
`;

ruleTester(rule, {
  valid: [
    {
      name: 'a namespace where the tree runs no workload at all (istio-system, an operator\'s namespace) is managed elsewhere',
      yaml: service('    app: fraud-scorer'),
    },
    {
      name: 'the pods may be in a file next to the Service that mllint skipped as a template (a load-test StatefulSet written as a Go template)',
      files: {
        'bench/load/headless.yaml': service('    role: load'),
        'bench/load/other.yaml': deployment('{ app: other }', 'ml-serving-prod', 'other'),
        'bench/load/statefulset.yaml': 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {{ .Name }}\nspec:\n  replicas: {{ .Replicas }}\n  template:\n    metadata:\n      labels: { role: load }\n',
      },
    },
    {
      name: 'a selector key naming an operator kind (redisfailovers-role and a Spotahome RedisFailover)',
      yaml: `apiVersion: databases.spotahome.com/v1
kind: RedisFailover
metadata: { name: my-cluster }
spec: { redis: { replicas: 3 } }
---
apiVersion: v1
kind: Service
metadata: { name: redis-my-cluster }
spec:
  selector: { app.kubernetes.io/component: redis, app.kubernetes.io/name: my-cluster, redisfailovers-role: master }
  ports: [{ port: 6379 }]
`,
    },
    {
      name: 'no namespace: pods in another folder of the tree may be applied with it (it exists somewhere)',
      files: { 'samples/net/svc.yaml': bareService('web'), 'samples/app/deploy.yaml': bareDeployment('web') },
    },
    {
      name: 'a selector key naming an operator kind, its value naming the resource (storm-service-name and a StormService)',
      yaml: `apiVersion: orchestration.aibrix.ai/v1alpha1
kind: StormService
metadata: { name: qwen3-32b, namespace: bench }
spec: { replicas: 1 }
---
apiVersion: v1
kind: Service
metadata: { name: qwen3-32b, namespace: bench }
spec:
  selector: { storm-service-name: qwen3-32b }
  ports: [{ port: 8000 }]
`,
    },
    {
      name: 'pods an operator makes from a custom resource whose nested template carries the selected label (aibrix RayClusterFleet), even with a near miss among the linted workloads',
      yaml: `apiVersion: ray.io/v1
kind: RayCluster
metadata: { name: other, namespace: llm }
spec:
  headGroupSpec:
    template:
      metadata: { labels: { ray.io/node-type: head } }
      spec: { containers: [{ name: ray-head, image: "rayproject/ray:2.9.0" }] }
---
apiVersion: orchestration.aibrix.ai/v1alpha1
kind: RayClusterFleet
metadata: { name: qwen, namespace: llm }
spec:
  template:
    metadata:
      labels: { model.aibrix.ai/name: qwen }
    spec:
      headGroupSpec:
        template:
          metadata:
            labels: { model.aibrix.ai/name: qwen }
          spec: { containers: [{ name: ray-head, image: "vllm:0.8" }] }
---
apiVersion: v1
kind: Service
metadata: { name: qwen, namespace: llm }
spec:
  selector: { model.aibrix.ai/name: qwen, ray.io/node-type: head }
  ports: [{ port: 8000 }]
`,
    },
    {
      name: 'pods an operator labels under its own API domain (CloudNativePG Cluster, cnpg.io/cluster)',
      yaml: `apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: { name: pg }
spec: { instances: 3 }
---
apiVersion: v1
kind: Service
metadata: { name: pg-lb }
spec:
  type: LoadBalancer
  selector: { cnpg.io/cluster: pg, role: primary }
  ports: [{ port: 5432 }]
`,
    },
    { name: 'same file', yaml: `${deployment('{ app: fraud-scorer, tier: scoring }')}---\n${service('    app: fraud-scorer')}` },
    {
      name: 'pods of an Argo Rollout',
      yaml: `${deployment('{ app: fraud-scorer }').replace('apiVersion: apps/v1\nkind: Deployment', 'apiVersion: argoproj.io/v1alpha1\nkind: Rollout')}---\n${service('    app: fraud-scorer')}`,
    },
    {
      name: 'Service and Deployment in sibling directories',
      files: {
        'apps/fraud/deployment.yaml': deployment('{ app: fraud-scorer, tier: scoring }'),
        'networking/services/fraud.yaml': service('    app: fraud-scorer\n    tier: scoring'),
      },
    },
    { name: 'no selector: manually managed Endpoints', yaml: 'apiVersion: v1\nkind: Service\nmetadata: { name: external-db }\nspec:\n  ports: [{ port: 5432 }]\n' },
    { name: 'empty selector', yaml: 'apiVersion: v1\nkind: Service\nmetadata: { name: x }\nspec:\n  selector: {}\n  ports: [{ port: 80 }]\n' },
    {
      name: 'ExternalName',
      yaml: 'apiVersion: v1\nkind: Service\nmetadata: { name: feature-store }\nspec:\n  type: ExternalName\n  externalName: features.example.com\n  selector: { app: gone }\n',
    },
    {
      name: 'no namespace on either: both in default',
      yaml: `apiVersion: v1
kind: Pod
metadata: { name: debug, labels: { app: debug } }
spec:
  containers: [{ name: c, image: "busybox:1.36" }]
---
apiVersion: v1
kind: Service
metadata: { name: debug }
spec:
  selector: { app: debug }
`,
    },
    {
      name: 'per-pod Service of a StatefulSet (run-time pod-name label)',
      yaml: `apiVersion: apps/v1
kind: StatefulSet
metadata: { name: vector-db, namespace: ml }
spec:
  serviceName: vector-db
  selector: { matchLabels: { app: vector-db } }
  template:
    metadata: { labels: { app: vector-db } }
    spec:
      containers: [{ name: db, image: "qdrant:1.9.0" }]
---
apiVersion: v1
kind: Service
metadata: { name: vector-db-0, namespace: ml }
spec:
  selector:
    app: vector-db
    statefulset.kubernetes.io/pod-name: vector-db-0
`,
    },
    {
      name: 'KServe InferenceService pods',
      yaml: `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: { name: sentiment, namespace: ml }
spec:
  predictor:
    model: { modelFormat: { name: sklearn }, storageUri: "s3://models/sentiment/3" }
---
apiVersion: v1
kind: Service
metadata: { name: sentiment-extra, namespace: ml }
spec:
  selector: { serving.kserve.io/inferenceservice: sentiment }
`,
    },
    { name: 'numeric label value in the selector', yaml: `${deployment('{ app: fraud-scorer, version: "3" }')}---\n${service('    app: fraud-scorer\n    version: 3')}` },
    { name: 'malformed selector value is ignored, not a crash', yaml: 'apiVersion: v1\nkind: Service\nmetadata: { name: x }\nspec:\n  selector: [app, x]\n' },
    { name: 'spec is null', yaml: 'apiVersion: v1\nkind: Service\nmetadata: { name: x }\nspec: null\n' },
  ],
  invalid: [
    {
      name: 'a broken manifest next to the Service hides nothing (it is an error of its own, linted once fixed)',
      files: {
        'bench/load/headless.yaml': service('    role: load'),
        'bench/load/other.yaml': deployment('{ app: other }', 'ml-serving-prod', 'other'),
        'bench/load/broken.yaml': 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: [oops\n',
      },
      errors: [{ messageId: 'noMatch', file: 'bench/load/headless.yaml', line: 7, severity: 'warning' }],
    },
    {
      name: 'a template in an unrelated top-level folder is no excuse: still reported',
      files: {
        'apps/svc.yaml': service('    role: load'),
        'apps/other.yaml': deployment('{ app: other }', 'ml-serving-prod', 'other'),
        'bench/statefulset.yaml': 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {{ .Name }}\nspec:\n  replicas: {{ .Replicas }}\n  template:\n    metadata:\n      labels: { role: load }\n',
      },
      errors: [{ messageId: 'noMatch', file: 'apps/svc.yaml', line: 7, severity: 'warning' }],
    },
    {
      name: 'no namespace: a near miss in an unrelated folder is no hint, the finding stays a warning',
      files: { 'samples/net/svc.yaml': bareService('webb'), 'samples/app/deploy.yaml': bareDeployment('web') },
      errors: [{ messageId: 'noMatch', severity: 'warning', file: 'samples/net/svc.yaml', line: 5 }],
    },
    {
      name: 'no namespace: a near miss in the same folder is named',
      files: { 'samples/app/svc.yaml': bareService('webb'), 'samples/app/deploy.yaml': bareDeployment('web') },
      errors: [{ messageId: 'valueDiffers', severity: 'error', file: 'samples/app/svc.yaml', line: 6, message: /closest: Deployment "web" has pods labelled app=web$/ }],
    },
    {
      name: 'a custom resource is evidence only for the labels it writes or its own domain: a monitor, or a resource of another domain, does not excuse a typo',
      yaml: `apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: { name: scorer, namespace: ml, labels: { app: fraud-scorrer } }
spec:
  selector: { matchLabels: { app: fraud-scorrer } }
  podMetricsEndpoints: [{ port: metrics }]
---
apiVersion: example.org/v1
kind: Widget
metadata: { name: w, namespace: ml }
spec:
  template:
    metadata: { labels: { app: widget } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: fraud-scorer, namespace: ml }
spec:
  selector: { matchLabels: { app: fraud-scorer } }
  template:
    metadata: { labels: { app: fraud-scorer } }
    spec: { containers: [{ name: scorer, image: "fraud-scorer:3.0.1" }] }
---
apiVersion: v1
kind: Service
metadata: { name: fraud-scorer, namespace: ml }
spec:
  selector:
    app: fraud-scorrer
  ports: [{ port: 80 }]
`,
      errors: [{ messageId: 'valueDiffers', line: 29 }],
    },
    {
      name: 'typo in the label value: points at the value, names the closest workload',
      files: {
        'apps/fraud/deployment.yaml': deployment('{ app: fraud-scorer }'),
        'networking/service.yaml': service('    app: fraud-scorrer'),
      },
      errors: [{
        messageId: 'valueDiffers',
        file: 'networking/service.yaml',
        line: 8,
        column: 10,
        path: 'spec.selector.app',
        message: 'selector app=fraud-scorrer matches no workload in namespace "ml-serving-prod"; closest: Deployment "fraud-scorer" has pods labelled app=fraud-scorer',
      }],
    },
    {
      name: 'second label differs by value (any distance, the other labels match)',
      files: {
        'a/deploy.yaml': deployment('{ app: fraud-scorer, track: stable }'),
        'b/svc.yaml': service('    app: fraud-scorer\n    track: canary'),
      },
      errors: [{ messageId: 'valueDiffers', line: 9, path: 'spec.selector.track', message: /has pods labelled track=stable$/ }],
    },
    {
      name: 'label only on the Deployment metadata, not on the pod template',
      files: {
        'a/deploy.yaml': deployment('{ app: fraud-scorer }'),
        'b/svc.yaml': service('    app: fraud-scorer\n    tier: scoring'),
      },
      errors: [{ messageId: 'labelMissing', line: 9, path: 'spec.selector.tier', message: /lack the label tier=scoring$/ }],
    },
    {
      name: 'a Service that names no namespace, pods only in a named one: it depends on where it is applied (warning, at the name)',
      files: {
        'third-party/dashboard/deployment.yaml': deployment('{ app: fraud-scorer }', 'ml-serving-prod'),
        'third-party/dashboard/service.yaml': service('    app: fraud-scorer').replace('  namespace: ml-serving-prod\n', ''),
      },
      errors: [{
        messageId: 'otherNamespaceUnset', severity: 'warning', file: 'third-party/dashboard/service.yaml', line: 4, path: 'metadata.name',
        message: 'selector app=fraud-scorer matches only Deployment "fraud-scorer", in namespace "ml-serving-prod"; the Service names no namespace, so unless it is applied to "ml-serving-prod" it selects no pods',
      }],
    },
    {
      name: 'pods in another namespace: points at the namespace',
      files: {
        'apps/fraud/deployment.yaml': deployment('{ app: fraud-scorer }', 'ml-serving-prod'),
        'networking/service.yaml': service('    app: fraud-scorer', 'default'),
      },
      errors: [{
        messageId: 'otherNamespace',
        severity: 'error',
        line: 5,
        path: 'metadata.namespace',
        message: 'selector app=fraud-scorer matches no workload in namespace "default", only Deployment "fraud-scorer" in namespace "ml-serving-prod"; a Service selects pods of its own namespace',
      }],
    },
    {
      name: 'nothing close: points at the selector',
      yaml: `${deployment('{ app: llm-summarizer }', 'ml-serving-prod', 'llm-summarizer')}---\n${service('    app: fraud-scorer')}`,
      errors: [{ messageId: 'noMatch', line: 23, path: 'spec.selector', message: 'selector app=fraud-scorer matches the pod labels of no linted workload in namespace "ml-serving-prod"; unless its pods come from elsewhere (an operator, another repository), the Service has no endpoints' }],
    },
    {
      name: 'nothing matches in a namespace that runs other workloads',
      yaml: `${service('    app: fraud-scorer')}---\n${deployment('{ app: feature-store }')}`,
      errors: [{ messageId: 'noMatch', severity: 'warning', line: 7 }],
    },
    {
      name: 'several Services, one broken, across files',
      files: {
        'apps/fraud/deployment.yaml': deployment('{ app: fraud-scorer }'),
        'apps/fraud/service.yaml': service('    app: fraud-scorer'),
        'apps/llm/service.yaml': `apiVersion: v1
kind: Service
metadata: { name: llm, namespace: ml-serving-prod }
spec:
  selector: { app: llm-sumarizer }
`,
        'apps/llm/deployment.yaml': deployment('{ app: llm-summarizer }', 'ml-serving-prod', 'llm-summarizer'),
      },
      errors: [{ messageId: 'valueDiffers', file: 'apps/llm/service.yaml', line: 5, column: 20, message: /closest: Deployment "llm-summarizer"/ }],
    },
    {
      name: 'a Job template does not carry the label either',
      yaml: `apiVersion: batch/v1
kind: Job
metadata: { name: backfill, namespace: ml }
spec:
  template:
    metadata: { labels: { job: backfill } }
    spec:
      restartPolicy: Never
      containers: [{ name: c, image: "backfill:1.0" }]
---
apiVersion: v1
kind: Service
metadata: { name: backfill, namespace: ml }
spec:
  selector: { job: backfil }
`,
      errors: [{ messageId: 'valueDiffers', line: 15, message: /closest: Job "backfill" has pods labelled job=backfill/ }],
    },
  ],
});
