import rule from '../../src/rules/probes-present.js';
import { ruleTester } from '../rule-tester.js';

const READY = `          readinessProbe:
            httpGet: { path: /ready, port: http }
`;
const LIVE = `          livenessProbe:
            httpGet: { path: /healthz, port: http }
`;

/** A Deployment whose single container starts at line 14 (ports on line 16), followed by `probes`. */
const deployment = (probes: string, kind = 'Deployment') => `apiVersion: apps/v1
kind: ${kind}
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
          ports: [{ name: http, containerPort: 8080 }]
${probes}`;

ruleTester(rule, {
  valid: [
    {
      name: 'containers that only wait have nothing to probe: a server image kept alive as a benchmark client, a GPU toolbox loop, tail -f /dev/null',
      yaml: `apiVersion: v1
kind: Pod
metadata: { name: perf-client, namespace: bench }
spec:
  containers:
    - name: client
      image: nvcr.io/nvidia/tritonserver:24.08-py3-sdk
      command: ["sleep", "infinity"]
    - name: shell
      image: tensorflow/tensorflow:2.14.0
      command: ["/bin/bash", "-c", "--"]
      args: ["while true; do sleep infinity; done;"]
      resources: { limits: { google.com/tpu: 4 } }
---
${deployment('').replace('          ports: [{ name: http, containerPort: 8080 }]\n', '          command: ["/bin/bash", "-c"]\n          args: ["trap : TERM; while true; do sleep 600; done & wait"]\n          resources: { limits: { nvidia.com/gpu: 1 } }\n')}---
${deployment('').replace('name: scorer\n  namespace', 'name: shell\n  namespace').replace('          ports: [{ name: http, containerPort: 8080 }]\n', '          args: ["tail", "-f", "/dev/null"]\n')}`,
    },
    { name: 'both probes', yaml: deployment(READY + LIVE) },
    { name: 'StatefulSet with both probes', yaml: deployment(LIVE + READY, 'StatefulSet') },
    {
      name: 'init containers need no probes',
      yaml: `${deployment(READY + LIVE)}      initContainers:
        - name: fetch-model
          image: registry.example.com/ml/model-fetcher:1.0.0
`,
    },
    {
      name: 'Jobs and CronJobs run to completion',
      yaml: `apiVersion: batch/v1
kind: Job
metadata: { name: backfill, namespace: ml-training }
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: score, image: "scorer:1.0.0" }]
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: retrain, namespace: ml-training }
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{ name: train, image: "trainer:1.0.0" }]
`,
    },
    {
      name: 'a Pod with restartPolicy Never is a batch pod',
      yaml: `apiVersion: v1
kind: Pod
metadata: { name: eval, namespace: ml-training }
spec:
  restartPolicy: Never
  containers: [{ name: eval, image: "evaluator:2.1.0" }]
`,
    },
    {
      name: 'KServe InferenceService: KServe and Knative probe the model server',
      yaml: `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: { name: sentiment, namespace: ml-serving-prod }
spec:
  predictor:
    model:
      modelFormat: { name: sklearn }
      storageUri: gs://models/sentiment/3
`,
    },
    {
      name: 'a sidecar without ports, with a liveness probe, beside a probed container that declares one',
      yaml: `${deployment(READY + LIVE)}        - name: log-shipper
          image: registry.example.com/ops/shipper:5.1.0
          livenessProbe: { exec: { command: [cat, /tmp/alive] } }
`,
    },
    { name: 'not a workload', yaml: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata:\n  livenessProbe: none\n' },
    { name: 'containers that are not mappings are skipped', yaml: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: odd }\nspec:\n  template:\n    spec:\n      containers: [null, 42, "text"]\n' },
    { name: 'a workload without a pod spec', yaml: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: d }\nspec: null\n' },
  ],
  invalid: [
    {
      name: 'no probes at all: one finding at the container',
      yaml: deployment(''),
      errors: [{
        messageId: 'missingBoth', line: 14, column: 11, path: 'spec.template.spec.containers[0].readinessProbe',
        severity: 'warning',
        message: 'container "scorer" has neither a readinessProbe nor a livenessProbe: the pod may join its Service\'s endpoints before it can answer, and a hung container is never restarted',
      }],
    },
    {
      name: 'readiness missing',
      yaml: deployment(LIVE),
      errors: [{ messageId: 'missingReadiness', line: 14, path: 'spec.template.spec.containers[0].readinessProbe', message: /may join its Service's endpoints as soon as it starts, before it can answer/ }],
    },
    {
      name: 'model wording only for model servers: a known server image, an accelerator request, a declared model',
      yaml: deployment('').replace('registry.example.com/ml/fraud-scorer:3.0.1', 'vllm/vllm-openai:v0.6.3') +
        '---\n' + deployment('').replace('name: scorer\n  namespace', 'name: gpu\n  namespace').replace('          ports:', '          resources: { limits: { nvidia.com/gpu: 1 } }\n          ports:') +
        '---\n' + deployment('').replace('name: scorer\n  namespace', 'name: redis\n  namespace').replace('registry.example.com/ml/fraud-scorer:3.0.1', 'redis:7.2.4'),
      errors: [
        { messageId: 'missingBoth', line: 14, message: /before the model is loaded/ },
        { messageId: 'missingBoth', line: 31, message: /before the model is loaded/ },
        { messageId: 'missingBoth', line: 49, message: /before it can answer/ },
      ],
    },
    {
      name: 'a GPU container that only runs a CUDA sample in a loop is no model server: plain wording; a server image whose command runs the server is one',
      yaml: `${deployment('').replace('          ports: [{ name: http, containerPort: 8080 }]\n', '          command: ["sh", "-c", "while true; do ./vector-add; sleep 5; done"]\n          resources: { limits: { nvidia.com/gpu: 1 } }\n')}---
${deployment('').replace('name: scorer\n  namespace', 'name: triton\n  namespace').replace('registry.example.com/ml/fraud-scorer:3.0.1', 'nvcr.io/nvidia/tritonserver:24.08-py3').replace('          ports:', '          command: ["tritonserver", "--model-repository=/models"]\n          ports:')}`,
      errors: [
        // No port and no Service: it answers nobody, so only the liveness advice, with no model wording.
        { messageId: 'missingLivenessNoTraffic', line: 14, severity: 'info', message: /^container "scorer"/ },
        { messageId: 'missingBoth', line: 32, message: /before the model is loaded/ },
      ],
    },
    {
      name: 'a GPU container that runs its own launcher and declares no port still serves a model',
      yaml: deployment('').replace('          ports: [{ name: http, containerPort: 8080 }]\n', '          command: ["sh", "-c"]\n          args: ["python3 launch.py --model_path /models/sd"]\n          resources: { limits: { nvidia.com/gpu: 1 } }\n'),
      errors: [{ messageId: 'missingBoth', line: 14, message: /before the model is loaded/ }],
    },
    {
      name: 'liveness missing',
      yaml: deployment(READY),
      errors: [{ messageId: 'missingLiveness', line: 14, path: 'spec.template.spec.containers[0].livenessProbe', message: /never restarted/ }],
    },
    {
      name: 'a null probe counts as missing; DaemonSet',
      yaml: deployment(`${READY}          livenessProbe:
`, 'DaemonSet'),
      errors: [{ messageId: 'missingLiveness', line: 19 }],
    },
    {
      name: 'the sidecar of a StatefulSet, and a bare Pod in a second document',
      yaml: `${deployment(READY + LIVE, 'StatefulSet')}        - name: metrics-exporter
          image: registry.example.com/ops/exporter:0.9.1
---
apiVersion: v1
kind: Pod
metadata: { name: debug-server, namespace: ml-serving-prod }
spec:
  containers:
    - name: server
      image: registry.example.com/ml/fraud-scorer:3.0.1
      readinessProbe: { tcpSocket: { port: 8080 } }
`,
      errors: [
        // The exporter declares no port beside a container that does: nothing sends it traffic, a liveness probe is advice.
        // The bare Pod declares no port either, but its readiness probe says it answers: it wants a liveness probe too.
        { messageId: 'missingLivenessNoTraffic', severity: 'info', line: 21, message: /^container "metrics-exporter" has no livenessProbe/ },
        { messageId: 'missingLiveness', severity: 'warning', line: 29, path: 'spec.containers[0].livenessProbe' },
      ],
    },
    {
      name: 'a node agent (DaemonSet) with a liveness probe, and a debug pod, with no port and no Service: no readiness needed, liveness is advice',
      yaml: `apiVersion: apps/v1
kind: DaemonSet
metadata: { name: weights-prefetch, namespace: ml-system }
spec:
  selector: { matchLabels: { app: weights-prefetch } }
  template:
    metadata: { labels: { app: weights-prefetch } }
    spec:
      containers:
        - name: prefetch
          image: registry.example.com/ops/prefetch:2.4.0
          livenessProbe: { exec: { command: [cat, /tmp/alive] } }
---
apiVersion: v1
kind: Pod
metadata: { name: shell, namespace: ml-system }
spec:
  containers:
    - name: shell
      image: registry.example.com/ops/toolbox:1.3.0
      command: [/opt/toolbox/watch-queue]
`,
      errors: [{ messageId: 'missingLivenessNoTraffic', severity: 'info', line: 19, path: 'spec.containers[0].livenessProbe' }],
    },
    {
      name: 'no container declares a port, but a Service in the file selects the pod: every container answers',
      yaml: `apiVersion: v1
kind: Service
metadata: { name: scorer, namespace: ml-serving-prod }
spec:
  selector: { app: scorer }
  ports: [{ port: 80, targetPort: 8080 }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml-serving-prod }
spec:
  selector: { matchLabels: { app: scorer } }
  template:
    metadata: { labels: { app: scorer } }
    spec:
      containers:
        - name: scorer
          image: registry.example.com/ml/fraud-scorer:3.0.1
`,
      errors: [{ messageId: 'missingBoth', line: 17, message: /^container "scorer"/ }],
    },
    {
      name: 'ReplicaSet in a List',
      yaml: `apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: ReplicaSet
    metadata: { name: rs }
    spec:
      template:
        spec:
          containers:
            - name: a
              image: a:1.0.0
              ports: [{ containerPort: 9000 }]
              livenessProbe: { exec: { command: [true] } }
`,
      errors: [{ messageId: 'missingReadiness', line: 11 }],
    },
  ],
});
