import rule from '../../src/rules/cpu-limit-throttling.js';
import { ruleTester } from '../rule-tester.js';

/** A Deployment; container at line 14, `resources` from line 16. */
const deployment = (resources: string, kind = 'Deployment') => `apiVersion: apps/v1
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
${resources}`;

const cpu = (request: string, limit?: string) => `          resources:
            requests:
              memory: 2Gi
${request ? `              cpu: ${request}\n` : ''}            limits:
              memory: 2Gi
${limit ? `              cpu: ${limit}\n` : ''}`;

ruleTester(rule, {
  valid: [
    { name: 'request and no limit (recommended)', yaml: deployment(cpu('"1"')) },
    { name: 'limit at twice the request', yaml: deployment(cpu('500m', '"1"')) },
    { name: 'limit well above the request', yaml: deployment(cpu('"2"', '"8"')) },
    { name: 'a lower ratio by option', yaml: deployment(cpu('"1"', '1500m')), options: { minLimitToRequestRatio: 1.5 } },
    { name: 'exclusive whole CPUs allowed by option', yaml: deployment(cpu('"4"', '"4"')), options: { allowExclusiveCpus: true } },
    {
      name: 'Jobs and CronJobs are batch work: not checked',
      yaml: `apiVersion: batch/v1
kind: CronJob
metadata: { name: retrain, namespace: ml-training }
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: train
              image: trainer:3.1.0
              resources: { requests: { cpu: "4" }, limits: { cpu: "4" } }
---
apiVersion: v1
kind: Pod
metadata: { name: eval }
spec:
  restartPolicy: OnFailure
  containers: [{ name: eval, image: "evaluator:1.0.0" }]
`,
    },
    {
      name: 'init containers are not checked',
      yaml: `${deployment(cpu('"1"'))}      initContainers:
        - name: fetch
          image: fetcher:1.0.0
          resources: { limits: { cpu: 100m } }
`,
    },
    {
      name: 'request filled in by a LimitRange',
      yaml: `${deployment('')}---
apiVersion: v1
kind: LimitRange
metadata: { name: defaults, namespace: ml-serving-prod }
spec:
  limits:
    - type: Container
      defaultRequest: { cpu: 250m }
`,
    },
    { name: 'invalid quantities are left to schema validation', yaml: deployment(cpu('one', '"1"')) },
  ],
  invalid: [
    {
      name: 'KServe fills in predictor CPU: a model server without resources has a request (its default limit is not judged); a sidecar without a request is reported',
      yaml: `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: { name: fraud, namespace: ml-serving-prod }
spec:
  predictor:
    containers:
      - name: kserve-container
        image: fraud:3.0.1
      - name: proxy
        image: proxy:1.0.0
`,
      errors: [{ messageId: 'missingRequest', line: 9, severity: 'info', message: /^container "proxy"/ }],
    },
    {
      name: 'limit too close to the request, pointing at the limit; a container not known to serve a model: advice (info), no inference wording',
      yaml: deployment(cpu('"1"', '1200m')),
      errors: [{
        messageId: 'tightLimitOther', line: 22, column: 20, path: 'spec.template.spec.containers[0].resources.limits.cpu', severity: 'info',
        message: 'container "scorer" has a CPU limit of 1200m for a request of 1 (ratio 1.2, below 2): CFS throttling pauses it whenever a burst uses up its quota for the period, which may slow it down',
      }],
    },
    {
      name: 'a model server (recognised vLLM image) gets inference wording',
      yaml: deployment(cpu('"1"', '1200m')).replace('registry.example.com/ml/fraud-scorer:3.0.1', 'vllm/vllm-openai:v0.10.1'),
      errors: [{
        messageId: 'tightLimit', line: 22, severity: 'warning',
        message: 'container "scorer" has a CPU limit of 1200m for a request of 1 (ratio 1.2, below 2): CFS throttling pauses it whenever a burst uses up its quota for the period, which adds latency to inference; remove the limit or raise it to at least 2',
      }],
    },
    {
      name: 'MODEL_NAME beside the URL of a model API (an agent calling a model server): a client, advice without inference wording',
      yaml: deployment(`          env:
            - { name: LLM_BASE_URL, value: "http://llm-server:8000/v1" }
            - { name: MODEL_NAME, value: "hosted/llama-3-8b-instruct" }
${cpu('"1"', '"1"')}`),
      errors: [{ messageId: 'tightLimitOther', line: 25, severity: 'info', message: /which may slow it down$/ }],
    },
    {
      name: 'MODEL_NAME beside a storage endpoint (a server downloading its model from S3): still a model server',
      yaml: deployment(`          env:
            - { name: AWS_ENDPOINT_URL, value: "http://minio.storage:9000" }
            - { name: S3_ENDPOINT, value: "http://minio.storage:9000" }
            - { name: MODEL_NAME, value: fraud-detector }
${cpu('"1"', '"1"')}`),
      errors: [{ messageId: 'tightLimit', line: 26, severity: 'warning', message: /adds latency to inference; remove/ }],
    },
    {
      name: 'a container of a workload annotated with its model gets inference wording',
      yaml: deployment(cpu('"1"', '1200m')).replace('  namespace: ml-serving-prod\n', '  namespace: ml-serving-prod\n  annotations: { mllint.io/model: fraud-detector }\n'),
      errors: [{ messageId: 'tightLimit', line: 23, severity: 'warning', message: /adds latency to inference; remove/ }],
    },
    {
      name: 'no request: points at `requests:`',
      yaml: deployment(cpu('')),
      errors: [{
        messageId: 'missingRequest', line: 17, column: 13, path: 'spec.template.spec.containers[0].resources.requests.cpu', severity: 'info',
        message: 'container "scorer" sets no CPU request: it is scheduled as if it needed no CPU and gets the smallest CPU share when the node is busy',
      }],
    },
    {
      name: 'no resources at all: points at the container; StatefulSet',
      yaml: deployment('', 'StatefulSet'),
      errors: [{ messageId: 'missingRequest', line: 14 }],
    },
    {
      name: 'limit without request: the request is copied from it (ratio 1)',
      yaml: deployment(`          resources:\n            limits: { cpu: 500m, memory: 1Gi }\n`),
      errors: [{ messageId: 'tightLimitOther', line: 17, column: 28, message: /limit of 500m for a request of 500m \(copied from its limit\) \(ratio 1, below 2\)/ }],
    },
    {
      name: 'ratio option; exclusive CPUs need whole CPUs',
      yaml: deployment(cpu('1500m', '1500m')),
      options: { minLimitToRequestRatio: 3, allowExclusiveCpus: true },
      errors: [{ messageId: 'tightLimitOther', line: 22, message: /ratio 1, below 3\)/ }],
    },
    {
      name: 'a null requests map reads as missing',
      yaml: deployment(`          resources: { requests: null, limits: { memory: 1Gi } }\n`),
      errors: [{ messageId: 'missingRequest', line: 16 }],
    },
    {
      name: 'a LimitRange default limit throttles too',
      yaml: `${deployment(`          resources:\n            requests: { cpu: "1" }\n`)}---
apiVersion: v1
kind: LimitRange
metadata: { name: defaults, namespace: ml-serving-prod }
spec:
  limits:
    - type: Container
      default: { cpu: "1" }
`,
      errors: [{ messageId: 'tightLimitOther', line: 16, message: /limit of 1 \(default of LimitRange "defaults"\) for a request of 1 / }],
    },
    {
      name: 'a sidecar and a bare Pod',
      yaml: `${deployment(cpu('"1"'))}        - name: exporter
          image: exporter:0.9.1
---
apiVersion: v1
kind: Pod
metadata: { name: server, namespace: ml-serving-prod }
spec:
  containers:
    - name: server
      image: server:1.0.0
      resources: { requests: { cpu: 250m }, limits: { cpu: 250m } }
`,
      errors: [
        { messageId: 'missingRequest', line: 22, message: /^container "exporter"/ },
        { messageId: 'tightLimitOther', line: 32, path: 'spec.containers[0].resources.limits.cpu' },
      ],
    },
    {
      name: 'KServe InferenceService predictor, finding inside the InferenceService',
      yaml: `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: { name: fraud, namespace: ml-serving-prod }
spec:
  predictor:
    sklearn:
      storageUri: gs://models/fraud/3
      resources:
        requests: { cpu: "1", memory: 2Gi }
        limits: { cpu: "1", memory: 2Gi }
`,
      errors: [{ messageId: 'tightLimit', line: 10, path: 'spec.predictor.sklearn.resources.limits.cpu', severity: 'warning', message: /^container "kserve-container"/ }],
    },
    {
      name: 'KubeRay: the Ray container\'s limit sizes Ray (--num-cpus) and is not judged; a sidecar in the same pod is',
      yaml: `apiVersion: ray.io/v1
kind: RayCluster
metadata: { name: rc, namespace: ml }
spec:
  headGroupSpec:
    template:
      spec:
        containers:
          - name: ray-head
            image: rayproject/ray:2.9.0
            resources: { requests: { cpu: "1", memory: 2Gi }, limits: { cpu: "1", memory: 2Gi } }
          - name: log-shipper
            image: fluent/fluent-bit:3.0.0
            resources: { requests: { cpu: 100m }, limits: { cpu: 100m } }
  workerGroupSpecs:
    - groupName: gpu
      replicas: 2
      template:
        spec:
          containers:
            - name: ray-worker
              image: rayproject/ray:2.9.0-gpu
              resources: { requests: { cpu: "8", nvidia.com/gpu: 1 }, limits: { cpu: "8", nvidia.com/gpu: 1 } }
`,
      errors: [{ messageId: 'tightLimitOther', line: 14, severity: 'info', message: /^container "log-shipper"/ }],
    },
    {
      name: 'the same limits on a plain Deployment of a GPU model server are a warning',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: { name: worker, namespace: ml }
spec:
  selector: { matchLabels: { app: w } }
  template:
    metadata: { labels: { app: w } }
    spec:
      containers:
        - name: ray-worker
          image: rayproject/ray:2.9.0-gpu
          resources: { requests: { cpu: "8", nvidia.com/gpu: 1 }, limits: { cpu: "8", nvidia.com/gpu: 1 } }
`,
      errors: [{ messageId: 'tightLimit', line: 12, severity: 'warning' }],
    },
  ],
});
