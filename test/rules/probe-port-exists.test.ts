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
      name: 'undeclared port number (server moved, probe left behind), in each handler',
      yaml: deployment(`          startupProbe:
            tcpSocket: { port: 8000 }
          readinessProbe:
            grpc: { port: 9000 }
          livenessProbe:
            httpGet: { path: /healthz, port: "8000" }
`),
      errors: [
        { messageId: 'undeclaredPortNumber', line: 20, path: 'spec.template.spec.containers[0].startupProbe.tcpSocket.port',
          message: 'startupProbe of container "scorer" checks port 8000, which the container does not declare (declared: http/8080, grpc/8500); the probe fails unless the server listens there' },
        { messageId: 'undeclaredPortNumber', line: 22, path: 'spec.template.spec.containers[0].readinessProbe.grpc.port' },
        { messageId: 'undeclaredPortNumber', line: 24, path: 'spec.template.spec.containers[0].livenessProbe.httpGet.port' },
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
      name: 'KServe model server with declared ports gets no 8080 default; CronJob container',
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
        { messageId: 'undeclaredPortNumber', line: 9, path: 'spec.predictor.huggingface.readinessProbe.tcpSocket.port', message: /^readinessProbe of container "kserve-container"/ },
        { messageId: 'unknownPortName', line: 23, path: 'spec.jobTemplate.spec.template.spec.containers[0].livenessProbe.tcpSocket.port' },
      ],
    },
  ],
});
