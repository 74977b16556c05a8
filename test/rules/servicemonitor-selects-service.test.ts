import rule from '../../src/rules/servicemonitor-selects-service.js';
import { ruleTester } from '../rule-tester.js';

const deployment = (namespace = 'ml-serving-prod') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: fraud-scorer
  namespace: ${namespace}
spec:
  selector:
    matchLabels: { app: fraud-scorer }
  template:
    metadata:
      labels: { app: fraud-scorer, tier: scoring }
    spec:
      containers:
        - name: scorer
          image: fraud-scorer:3.0.1
          ports:
            - { name: http, containerPort: 8080 }
            - { name: metrics, containerPort: 9090 }
`;

const service = (labels = '{ app: fraud-scorer }', namespace = 'ml-serving-prod') => `apiVersion: v1
kind: Service
metadata:
  name: fraud-scorer
  namespace: ${namespace}
  labels: ${labels}
spec:
  selector: { app: fraud-scorer }
  ports:
    - { name: http, port: 80, targetPort: http }
    - { name: metrics, port: 9090, targetPort: metrics }
`;

const serviceMonitor = (spec: string, namespace = 'ml-serving-prod') => `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: fraud-scorer
  namespace: ${namespace}
spec:
${spec}`;

const podMonitor = (spec: string, namespace = 'ml-serving-prod') => `apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata:
  name: fraud-scorer
  namespace: ${namespace}
spec:
${spec}`;

const SELECT_APP = '  selector:\n    matchLabels:\n      app: fraud-scorer\n';

/** The same text without its `namespace:` line (a samples monorepo). */
const bare = (yaml: string) => yaml.replace(/^  namespace: .*\n/m, '');
const ENDPOINT_GRPC_METRICS = `${SELECT_APP}  endpoints:\n    - port: grpc-metrics\n`;

const rayService = (headService: string) => `apiVersion: ray.io/v1
kind: RayService
metadata: { name: chat, namespace: llm }
spec:
  serveConfigV2: |
    applications: []
  rayClusterConfig:
    headGroupSpec:
${headService}      template:
        spec: { containers: [{ name: ray-head, image: "rayproject/ray:2.40.0", ports: [{ name: dashboard, containerPort: 8265 }] }] }
`;
const headMonitor = (labels: string) => `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: { name: ray-heads, namespace: llm }
spec:
  selector:
    matchLabels: ${labels}
  endpoints:
    - port: metrics
`;

ruleTester(rule, {
  valid: [
    {
      // An Exists-only selector matches nearly every pod: a match in another namespace is no evidence that it was
      // aimed there, so no "other namespace" error; the namespace holds no linted workload, so nothing is said.
      name: 'PodMonitor whose selector only tests that a label exists, with matches only in another namespace',
      files: {
        'apps/fraud/deployment.yaml': deployment(),
        'mesh/proxies.yaml': podMonitor('  selector:\n    matchExpressions:\n      - { key: tier, operator: Exists }\n  podMetricsEndpoints:\n    - port: metrics\n', 'mesh-system'),
      },
    },
    {
      name: 'no Service at all in the monitored namespace (another chart installs them): nothing says they are missing',
      yaml: serviceMonitor(`${SELECT_APP}  endpoints:\n    - port: metrics\n`),
    },
    {
      name: 'no namespace: a Service only in another sample folder says nothing about the endpoint port',
      files: { 'samples/a/monitor.yaml': bare(serviceMonitor(ENDPOINT_GRPC_METRICS)), 'samples/b/app.yaml': `${bare(deployment())}---\n${bare(service())}` },
    },
    {
      name: 'no namespace: a PodMonitor with pods only in another sample folder',
      files: { 'samples/a/monitor.yaml': bare(podMonitor(`${SELECT_APP}  podMetricsEndpoints:\n    - port: grpc-metrics\n`)), 'samples/b/app.yaml': bare(deployment()) },
    },
    {
      name: 'a PodMonitor for pods an operator labels under its own domain (Dynamo graph, nvidia.com/dynamo-component)',
      yaml: `apiVersion: nvidia.com/v1alpha1
kind: DynamoGraphDeployment
metadata: { name: qwen, namespace: llm }
spec:
  services:
    Frontend: { replicas: 1 }
---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: { name: frontend, namespace: llm }
spec:
  selector:
    matchLabels: { nvidia.com/dynamo-component: Frontend }
  podMetricsEndpoints: [{ port: http }]
`,
    },
    {
      name: 'own namespace, across directories',
      files: {
        'apps/fraud/deployment.yaml': deployment(),
        'apps/fraud/service.yaml': service(),
        'monitoring/fraud.yaml': serviceMonitor(`${SELECT_APP}  endpoints:\n    - port: metrics\n      interval: 30s\n`),
      },
    },
    {
      name: 'monitor in monitoring namespace with matchNames',
      files: {
        'apps/fraud/service.yaml': service(),
        'monitoring/fraud.yaml': serviceMonitor(`${SELECT_APP}  namespaceSelector:\n    matchNames: [ml-serving-prod]\n  endpoints:\n    - port: metrics\n`, 'monitoring'),
      },
    },
    {
      name: 'namespaceSelector any',
      files: {
        'apps/fraud/service.yaml': service(),
        'monitoring/fraud.yaml': serviceMonitor(`${SELECT_APP}  namespaceSelector: { any: true }\n  endpoints:\n    - port: metrics\n`, 'monitoring'),
      },
    },
    {
      name: 'matchExpressions',
      yaml: `${service('{ app: fraud-scorer, team: fraud }')}---\n${serviceMonitor('  selector:\n    matchExpressions:\n      - { key: team, operator: In, values: [fraud, risk] }\n      - { key: app, operator: Exists }\n  endpoints:\n    - port: metrics\n')}`,
    },
    { name: 'empty selector selects every Service', yaml: `${service()}---\n${serviceMonitor('  selector: {}\n  endpoints:\n    - port: metrics\n')}` },
    {
      name: 'targetPort endpoint checked against the pods',
      yaml: `${deployment()}---\n${service()}---\n${serviceMonitor(`${SELECT_APP}  endpoints:\n    - targetPort: 9090\n    - targetPort: metrics\n`)}`,
    },
    {
      name: 'PodMonitor by port name and portNumber',
      files: {
        'apps/fraud/deployment.yaml': deployment(),
        'monitoring/pods.yaml': podMonitor(`${SELECT_APP}  podMetricsEndpoints:\n    - port: metrics\n    - portNumber: 9090\n`),
      },
    },
    {
      name: 'PodMonitor with namespaceSelector any',
      files: {
        'apps/fraud/deployment.yaml': deployment(),
        'monitoring/pods.yaml': podMonitor(`${SELECT_APP}  namespaceSelector: { any: true }\n  podMetricsEndpoints:\n    - port: metrics\n`, 'monitoring'),
      },
    },
    { name: 'another API group with the same kind', yaml: 'apiVersion: example.com/v1\nkind: ServiceMonitor\nmetadata: { name: x }\nspec:\n  selector: { matchLabels: { app: none } }\n' },
    { name: 'endpoints not a list, spec null', yaml: `${service()}---\n${serviceMonitor(`${SELECT_APP}  endpoints: metrics\n`)}---\napiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nmetadata: { name: y }\nspec: null\n` },
    {
      name: 'KubeRay creates a head Service for a RayService, labelled ray.io/node-type=head (no Service object in the tree)',
      yaml: `${rayService('')}---\n${headMonitor('{ ray.io/node-type: head }')}`,
    },
    {
      name: 'the head Service of the RayService cluster keeps the labels given in headService.metadata.labels',
      yaml: `${rayService('      headService:\n        metadata: { name: chat-head, labels: { team: llm } }\n')}---\n${headMonitor('{ team: llm, ray.io/node-type: head }')}`,
    },
    {
      name: 'the serve Service of a RayService carries ray.io/serve=<name>-serve',
      yaml: `${rayService('')}---\n${headMonitor('{ ray.io/serve: chat-serve }')}`,
    },
  ],
  invalid: [
    {
      name: 'a label KubeRay does not put on the Services of a RayService is still no match',
      yaml: `${rayService('')}---\n${headMonitor('{ ray.io/node-type: worker }')}`,
      errors: [{ messageId: 'noTarget', line: 16 }],
    },
    {
      name: 'no namespace: a Service in the same folder is checked',
      files: { 'samples/a/monitor.yaml': bare(serviceMonitor(ENDPOINT_GRPC_METRICS)), 'samples/a/app.yaml': `${bare(deployment())}---\n${bare(service())}` },
      errors: [{ messageId: 'portMissing', file: 'samples/a/monitor.yaml', line: 10 }],
    },
    {
      name: 'KubeRay adds the metrics port (8080) to the Ray container of heads and workers: a PodMonitor on port "metrics" or 8080 is right; "metricz" is not',
      yaml: `apiVersion: ray.io/v1
kind: RayCluster
metadata: { name: rc, namespace: ray }
spec:
  headGroupSpec:
    template:
      spec: { containers: [{ name: ray-head, image: "rayproject/ray:2.9.0", ports: [{ name: gcs-server, containerPort: 6379 }] }] }
  workerGroupSpecs:
    - groupName: gpu
      replicas: 1
      template:
        spec: { containers: [{ name: ray-worker, image: "rayproject/ray:2.9.0" }] }
---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: { name: ray-workers, namespace: ray }
spec:
  selector:
    matchLabels: { ray.io/node-type: worker }
  podMetricsEndpoints:
    - port: metrics
    - portNumber: 8080
    - port: metricz
`,
      errors: [{ messageId: 'podPortMissing', line: 23, message: /endpoint port "metricz" is not a container port of the selected pods of RayCluster "rc" \(ports: metrics \(8080\)\)/ }],
    },
    {
      name: 'endpoint port names no Service port, across directories',
      files: {
        'apps/fraud/service.yaml': service(),
        'monitoring/fraud.yaml': serviceMonitor(`${SELECT_APP}  endpoints:\n    - port: http-metrics\n`),
      },
      errors: [{
        messageId: 'portMissing',
        file: 'monitoring/fraud.yaml',
        line: 11,
        column: 13,
        path: 'spec.endpoints[0].port',
        message: 'endpoint port "http-metrics" is not a port name of the selected Service "fraud-scorer" (ports: http, metrics); the endpoint is never scraped',
      }],
    },
    {
      name: 'monitor in another namespace without namespaceSelector',
      files: {
        'apps/fraud/service.yaml': service(),
        'monitoring/fraud.yaml': serviceMonitor(`${SELECT_APP}  endpoints:\n    - port: metrics\n`, 'monitoring'),
      },
      errors: [{
        messageId: 'otherNamespace',
        line: 6,
        path: 'spec.namespaceSelector',
        message: 'selector app=fraud-scorer matches no Service in namespace "monitoring", only Service "fraud-scorer" in namespace "ml-serving-prod"; namespaceSelector does not include its namespace',
      }],
    },
    {
      name: 'matchNames lists the wrong namespace',
      files: {
        'apps/fraud/service.yaml': service(),
        'monitoring/fraud.yaml': serviceMonitor(`${SELECT_APP}  namespaceSelector:\n    matchNames: [ml-serving-staging]\n  endpoints:\n    - port: metrics\n`, 'monitoring'),
      },
      errors: [{ messageId: 'otherNamespace', line: 10, message: /in namespace "ml-serving-staging", only Service "fraud-scorer" in namespace "ml-serving-prod"/ }],
    },
    {
      name: 'label value typo: points at the value',
      files: {
        'apps/fraud/service.yaml': service(),
        'monitoring/fraud.yaml': serviceMonitor('  selector:\n    matchLabels:\n      app: fraud-scorrer\n  endpoints:\n    - port: metrics\n'),
      },
      errors: [{
        messageId: 'valueDiffers',
        line: 9,
        column: 12,
        path: 'spec.selector.matchLabels.app',
        message: 'selector app=fraud-scorrer matches no Service in namespace "ml-serving-prod"; closest: Service "fraud-scorer" has app=fraud-scorer',
      }],
    },
    {
      name: 'selector uses pod labels the Service does not carry',
      files: {
        'apps/fraud/deployment.yaml': deployment(),
        'apps/fraud/service.yaml': service('{ app: fraud-scorer }'),
        'monitoring/fraud.yaml': serviceMonitor('  selector:\n    matchLabels:\n      tier: scoring\n  endpoints:\n    - port: metrics\n'),
      },
      errors: [{ messageId: 'podLabelsOnly', line: 7, path: 'spec.selector', message: /only the pods of Deployment "fraud-scorer"; a ServiceMonitor selects Services by their own metadata.labels$/ }],
    },
    {
      name: 'Service lacks one of two selector labels',
      yaml: `${service()}---\n${serviceMonitor('  selector:\n    matchLabels:\n      app: fraud-scorer\n      release: prometheus\n  endpoints:\n    - port: metrics\n')}`,
      errors: [{ messageId: 'labelMissing', line: 22, path: 'spec.selector.matchLabels.release', message: /closest: Service "fraud-scorer", which lacks the label release=prometheus$/ }],
    },
    {
      name: 'matchExpressions select nothing',
      yaml: `${service()}---\n${serviceMonitor('  selector:\n    matchExpressions:\n      - { key: team, operator: In, values: [fraud] }\n  endpoints:\n    - port: metrics\n')}`,
      errors: [{ messageId: 'noTarget', line: 19, message: 'selector team In (fraud) matches no linted Service in namespace "ml-serving-prod"; unless it comes from elsewhere, Prometheus scrapes nothing' }],
    },
    {
      name: 'namespaceSelector any, label typo: the candidate is named with its namespace',
      files: {
        'apps/fraud/service.yaml': service(),
        'monitoring/fraud.yaml': serviceMonitor('  selector:\n    matchLabels:\n      app: fraud-scorerr\n  namespaceSelector:\n    any: true\n  endpoints:\n    - port: metrics\n', 'monitoring'),
      },
      errors: [{ messageId: 'valueDiffers', line: 9, message: 'selector app=fraud-scorerr matches no Service in any namespace; closest: Service "fraud-scorer" in namespace "ml-serving-prod" has app=fraud-scorer' }],
    },
    {
      name: 'namespaceSelector any, pod labels only',
      files: {
        'apps/fraud/deployment.yaml': deployment(),
        'apps/fraud/service.yaml': service(),
        'monitoring/fraud.yaml': serviceMonitor('  selector:\n    matchLabels: { tier: scoring }\n  namespaceSelector: { any: true }\n  endpoints:\n    - port: metrics\n', 'monitoring'),
      },
      errors: [{ messageId: 'podLabelsOnly', line: 7, message: /^selector tier=scoring matches no Service in any namespace, only the pods of Deployment "fraud-scorer" in namespace "ml-serving-prod"/ }],
    },
    {
      name: 'no matching Service in a namespace that holds other Services',
      yaml: `${serviceMonitor(`${SELECT_APP}  endpoints:\n    - port: metrics\n`)}---
apiVersion: v1
kind: Service
metadata: { name: feature-store, namespace: ml-serving-prod, labels: { app: feature-store } }
spec: { selector: { app: feature-store }, ports: [{ name: http, port: 80 }] }
`,
      errors: [{ messageId: 'noTarget', severity: 'warning', line: 7 }],
    },
    {
      name: 'targetPort endpoint that no pod exposes',
      files: {
        'apps/fraud/deployment.yaml': deployment(),
        'apps/fraud/service.yaml': service(),
        'monitoring/fraud.yaml': serviceMonitor(`${SELECT_APP}  endpoints:\n    - port: metrics\n    - targetPort: 9100\n`),
      },
      errors: [{ messageId: 'targetPortMissing', line: 12, path: 'spec.endpoints[1].targetPort', message: /^endpoint targetPort 9100 is not a container port of the pods behind Service "fraud-scorer" \(ports: http \(8080\), metrics \(9090\)\)$/ }],
    },
    {
      name: 'PodMonitor port name not a container port',
      files: {
        'apps/fraud/deployment.yaml': deployment(),
        'monitoring/pods.yaml': podMonitor(`${SELECT_APP}  podMetricsEndpoints:\n    - port: prometheus\n    - portNumber: 9100\n`),
      },
      errors: [
        { messageId: 'podPortMissing', file: 'monitoring/pods.yaml', line: 11, path: 'spec.podMetricsEndpoints[0].port', message: 'endpoint port "prometheus" is not a container port of the selected pods of Deployment "fraud-scorer" (ports: http (8080), metrics (9090))' },
        { messageId: 'podPortMissing', line: 12, path: 'spec.podMetricsEndpoints[1].portNumber' },
      ],
    },
    {
      name: 'PodMonitor selector typo',
      files: {
        'apps/fraud/deployment.yaml': deployment(),
        'monitoring/pods.yaml': podMonitor('  selector:\n    matchLabels:\n      app: fraud-scorer\n      tier: scorng\n  podMetricsEndpoints:\n    - port: metrics\n'),
      },
      errors: [{ messageId: 'valueDiffers', line: 10, message: 'selector tier=scorng matches no pod in namespace "ml-serving-prod"; closest: Deployment "fraud-scorer" has tier=scoring' }],
    },
    {
      name: 'PodMonitor in monitoring namespace without namespaceSelector',
      files: {
        'apps/fraud/deployment.yaml': deployment(),
        'monitoring/pods.yaml': podMonitor(`${SELECT_APP}  podMetricsEndpoints:\n    - port: metrics\n`, 'monitoring'),
      },
      errors: [{ messageId: 'otherNamespace', line: 6, message: /only Deployment "fraud-scorer" in namespace "ml-serving-prod"/ }],
    },
  ],
});
