import rule from '../../src/rules/probe-port-exists.js';
import { ruleTester } from '../rule-tester.js';

/** A Deployment; its container starts at line 14, ports are lines 16–18, `probes` start at line 19. */
const deployment = (probes: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: scorer
  namespace: ml-serving-prod
spec:
  selector:
    matchLabels: { app: scorer }
  template:
    metadata:
      labels: { app: scorer }
    spec:
      containers:
        - name: scorer
          image: registry.example.com/ml/fraud-scorer:3.0.1
          ports:
            - { name: http, containerPort: 8080 }
            - { name: grpc, containerPort: 8500 }
${probes}`;

ruleTester(rule, {
  valid: [
    {
      name: 'named and numbered ports that exist, for every handler',
      yaml: deployment(`          startupProbe:
            httpGet: { path: /ready, port: http }
          readinessProbe:
            grpc: { port: 8500 }
          livenessProbe:
            tcpSocket: { port: "8080" }
`),
    },
    { name: 'exec probes have no port', yaml: deployment(`          livenessProbe:\n            exec: { command: [cat, /tmp/healthy] }\n`) },
    { name: 'a probe without a port is left to schema validation', yaml: deployment(`          livenessProbe:\n            httpGet: { path: /healthz }\n`) },
    {
      name: 'KServe model server without declared ports listens on 8080; Knative fills in missing probe ports',
      yaml: `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: { name: sentiment, namespace: ml-serving-prod }
spec:
  predictor:
    model:
      modelFormat: { name: sklearn }
      storageUri: gs://models/sentiment/3
      readinessProbe:
        httpGet: { path: /v2/health/ready, port: 8080 }
      livenessProbe:
        httpGet: { path: /v2/health/live }
`,
    },
    {
      name: 'sidecar init container probing its own port',
      yaml: `apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  initContainers:
    - name: proxy
      image: envoy:1.31.0
      restartPolicy: Always
      ports: [{ name: admin, containerPort: 9901 }]
      readinessProbe: { httpGet: { path: /ready, port: admin } }
  containers:
    - name: app
      image: app:1.0.0
`,
    },
    {
      name: 'malformed probes and ports are skipped, never crash',
      yaml: deployment(`          startupProbe: []
          readinessProbe: { httpGet: null, tcpSocket: { port: true } }
          livenessProbe: "tcp"
`),
    },
    {
      name: 'undeclared port numbers: the kubelet probes the pod IP; a sibling container may declare it (UDP and TCP on one number is fine)',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: { name: op, namespace: ops }
spec:
  selector: { matchLabels: { app: op } }
  template:
    metadata: { labels: { app: op } }
    spec:
      containers:
        - name: server
          image: op:1.0.0
          livenessProbe: { httpGet: { path: /healthz, port: 8081 } }
          readinessProbe: { httpGet: { path: /healthz, port: 9000 } }
          startupProbe: { tcpSocket: { port: "53" } }
        - name: proxy
          image: proxy:1.0.0
          ports: [{ containerPort: 9000 }, { containerPort: 53, protocol: UDP }, { containerPort: 53, protocol: TCP }]
`,
    },
  ],
  invalid: [
    {
      name: 'unknown port name, pointing at the port value',
      yaml: deployment(`          livenessProbe:
            httpGet:
              path: /healthz
              port: web
`),
      errors: [{
        messageId: 'unknownPortName', line: 22, column: 21, endColumn: 24,
        path: 'spec.template.spec.containers[0].livenessProbe.httpGet.port',
        message: 'livenessProbe of container "scorer" uses port "web", but the container declares no port of that name (declared: http/8080, grpc/8500); the probe can never succeed',
      }],
    },
    {
      name: 'a TCP or HTTP probe on a port the pod declares only as UDP, by name and by number',
      yaml: deployment(`            - { name: statsd, containerPort: 8125, protocol: UDP }
          readinessProbe:
            tcpSocket: { port: statsd }
          livenessProbe:
            httpGet: { path: /healthz, port: 8125 }
`),
      errors: [
        { messageId: 'notTcp', line: 21, path: 'spec.template.spec.containers[0].readinessProbe.tcpSocket.port',
          message: 'readinessProbe of container "scorer" connects over TCP to port statsd, which the pod declares as UDP only; the probe can never succeed' },
        { messageId: 'notTcp', line: 23, path: 'spec.template.spec.containers[0].livenessProbe.httpGet.port' },
      ],
    },
    {
      name: "another container's port does not count; a container without ports",
      yaml: `apiVersion: apps/v1
kind: StatefulSet
metadata: { name: llm, namespace: ml-serving-prod }
spec:
  template:
    spec:
      containers:
        - name: server
          image: llm-server:7.2.0
          ports: [{ name: grpc, containerPort: 8500 }]
        - name: exporter
          image: exporter:0.9.1
          readinessProbe:
            httpGet: { path: /metrics, port: grpc }
`,
      errors: [{ messageId: 'unknownPortName', line: 14, message: /container "exporter" uses port "grpc".*\(declared: none\)/ }],
    },
    {
      name: 'KServe InferenceService predictor container, finding inside the InferenceService',
      yaml: `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: { name: fraud, namespace: ml-serving-prod }
spec:
  predictor:
    containers:
      - name: kserve-container
        image: registry.example.com/ml/fraud-scorer:3.0.1
        ports: [{ containerPort: 8080, protocol: TCP }]
        livenessProbe:
          httpGet: { path: /healthz, port: http }
`,
      errors: [{ messageId: 'unknownPortName', line: 11, path: 'spec.predictor.containers[0].livenessProbe.httpGet.port', message: /declared: 8080\)/ }],
    },
    {
      name: 'KServe model server probing an undeclared number is fine; CronJob container with an unknown name',
      yaml: `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: { name: llm, namespace: ml-serving-prod }
spec:
  predictor:
    huggingface:
      args: [--model_name=llm]
      ports: [{ name: h2c, containerPort: 8081 }]
      readinessProbe: { tcpSocket: { port: 8080 } }
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: batch-score, namespace: ml-training }
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: score
              image: scorer:1.0.0
              livenessProbe: { tcpSocket: { port: metrics } }
`,
      errors: [
        { messageId: 'unknownPortName', line: 23, path: 'spec.jobTemplate.spec.template.spec.containers[0].livenessProbe.tcpSocket.port' },
      ],
    },
  ],
});
