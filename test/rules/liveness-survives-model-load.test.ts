import rule from '../../src/rules/liveness-survives-model-load.js';
import type { ModelRegistry } from '../../src/engine/settings.js';
import { ruleTester } from '../rule-tester.js';

const registry: ModelRegistry = {
  file: 'model-registry.yaml',
  models: {
    'fraud-detector': {
      stages: { production: '3', staging: '4' },
      versions: { '3': { footprint: '1536Mi', loadSeconds: 45 }, '4': { footprint: '2Gi', loadSeconds: 60 } },
    },
  },
};

/**
 * A Deployment serving fraud-detector (annotations on line 12); its container starts at line 15 and
 * `probes` start at line 18.
 */
const deployment = (annotations: string, probes: string, namespace = 'ml-serving-prod') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: scorer
  namespace: ${namespace}
spec:
  selector:
    matchLabels: { app: scorer }
  template:
    metadata:
      labels: { app: scorer }
      annotations: { mllint.io/model: fraud-detector${annotations} }
    spec:
      containers:
        - name: scorer
          image: registry.example.com/ml/fraud-scorer:3.0.1
          ports: [{ name: http, containerPort: 8080 }]
${probes}`;

const LOAD_45 = ', mllint.io/model-load-seconds: "45"';
const DEFAULT_LIVENESS = `          livenessProbe:
            httpGet: { path: /healthz, port: http }
`;
const startup = (period: number, failures: number) => `          startupProbe:
            httpGet: { path: /ready, port: http }
            periodSeconds: ${period}
            failureThreshold: ${failures}
`;

ruleTester(rule, {
  valid: [
    { name: 'startup probe covers the load time', yaml: deployment(LOAD_45, startup(5, 18) + DEFAULT_LIVENESS) },
    { name: 'load time unknown: nothing to compare', yaml: deployment('', DEFAULT_LIVENESS) },
    { name: 'no probes: probes-present asks for them', yaml: deployment(LOAD_45, '') },
    {
      name: 'liveness initialDelaySeconds covers it (60 + 3 × 10 ≥ 45)',
      yaml: deployment(LOAD_45, `          livenessProbe:
            httpGet: { path: /healthz, port: http }
            initialDelaySeconds: 60
`),
    },
    { name: 'exactly the load time is enough', yaml: deployment(', mllint.io/model-load-seconds: "30"', DEFAULT_LIVENESS) },
    { name: 'registry load time (45s, production version 3) covered', yaml: deployment('', startup(10, 6) + DEFAULT_LIVENESS), settings: { registry } },
    {
      name: "a sidecar's short liveness probe is not the model server's",
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml-serving-prod }
spec:
  template:
    metadata:
      annotations: { mllint.io/model-load-seconds: "120" }
    spec:
      containers:
        - name: exporter
          image: exporter:0.9.1
          livenessProbe: { tcpSocket: { port: 9090 } }
        - name: scorer
          image: fraud-scorer:3.0.1
          env: [{ name: MODEL_NAME, value: fraud-detector }]
          startupProbe: { tcpSocket: { port: 8080 }, failureThreshold: 12 }
          livenessProbe: { tcpSocket: { port: 8080 } }
`,
    },
    { name: 'a load time that is not a number is ignored', yaml: deployment(', mllint.io/model-load-seconds: soon', DEFAULT_LIVENESS) },
    { name: 'readiness probes never kill', yaml: deployment(LOAD_45, `          readinessProbe:\n            httpGet: { path: /ready, port: http }\n`) },
  ],
  invalid: [
    {
      name: 'default liveness (30s) against a 45s load, no startup probe',
      yaml: deployment(LOAD_45, DEFAULT_LIVENESS),
      errors: [{
        messageId: 'livenessTooShort', line: 18, column: 11, path: 'spec.template.spec.containers[0].livenessProbe',
        message: 'livenessProbe of container "scorer" kills it after 30s (initialDelaySeconds 0 + failureThreshold 3 × periodSeconds 10) and there is no startupProbe, but model "fraud-detector" needs 45s to load (annotation mllint.io/model-load-seconds); the pod ends in CrashLoopBackOff',
      }],
    },
    {
      name: 'startup probe too short (5 × 6 = 30s); liveness budget does not matter then',
      yaml: deployment(LOAD_45, startup(5, 6) + `          livenessProbe:
            httpGet: { path: /healthz, port: http }
            initialDelaySeconds: 300
`),
      errors: [{
        messageId: 'startupTooShort', line: 18, path: 'spec.template.spec.containers[0].startupProbe',
        message: 'startupProbe of container "scorer" gives up after 30s (initialDelaySeconds 0 + failureThreshold 6 × periodSeconds 5), but model "fraud-detector" needs 45s to load (annotation mllint.io/model-load-seconds); the container is killed before the model is loaded',
      }],
    },
    {
      name: 'registry load time of the staging version (60s) for a staging namespace',
      yaml: deployment('', startup(10, 5) + DEFAULT_LIVENESS, 'ml-serving-staging'),
      settings: { registry },
      errors: [{ messageId: 'startupTooShort', line: 18, message: /after 50s .* needs 60s to load \(registry, version 4\)/ }],
    },
    {
      name: 'safetyFactor 1.5: 60s no longer covers 45s × 1.5',
      yaml: deployment(LOAD_45, startup(10, 6) + DEFAULT_LIVENESS),
      options: { safetyFactor: 1.5 },
      errors: [{ messageId: 'startupTooShort', line: 18, message: /after 60s .* needs 67\.5s \(45s × safetyFactor 1\.5\) to load/ }],
    },
    {
      name: 'MODEL_URI with a version picks the registry entry; unusable probe fields take the defaults',
      yaml: `apiVersion: apps/v1
kind: StatefulSet
metadata: { name: scorer, namespace: ml-serving-prod }
spec:
  template:
    spec:
      containers:
        - name: scorer
          image: fraud-scorer:3.0.1
          env:
            - { name: MODEL_URI, value: "models:/fraud-detector/3" }
          livenessProbe:
            tcpSocket: { port: 8080 }
            periodSeconds: null
            failureThreshold: "lots"
`,
      settings: { registry },
      errors: [{ messageId: 'livenessTooShort', line: 12, message: /after 30s .* needs 45s to load \(registry, version 3\)/ }],
    },
    {
      name: 'KServe InferenceService model server, finding inside the InferenceService',
      yaml: `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: llm
  namespace: ml-serving-prod
  annotations:
    mllint.io/model: llm-summarizer
    mllint.io/model-load-seconds: "240"
spec:
  predictor:
    huggingface:
      args: [--model_name=llm]
      livenessProbe:
        httpGet: { path: /v2/health/live, port: 8080 }
        initialDelaySeconds: 60
`,
      errors: [{ messageId: 'livenessTooShort', line: 13, path: 'spec.predictor.huggingface.livenessProbe', message: /container "kserve-container" kills it after 90s .* needs 240s/ }],
    },
    {
      name: 'model load time from the config models section',
      yaml: deployment('', DEFAULT_LIVENESS),
      settings: { models: { 'fraud-detector': { loadSeconds: 50 } } },
      errors: [{ messageId: 'livenessTooShort', line: 18, message: /needs 50s to load \(config models\.fraud-detector\.loadSeconds\)/ }],
    },
  ],
});

/** Recognised LLM servers without any annotation: a conservative load-time estimate from the model id. */
const llm = (args: string, probes: string, image = 'vllm/vllm-openai:v0.10.0') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: llm, namespace: ml}
spec:
  selector: {matchLabels: {app: llm}}
  template:
    metadata: {labels: {app: llm}}
    spec:
      containers:
        - name: server
          image: ${image}
          args: ${args}
${probes}`;
const LIVENESS = '          livenessProbe: {httpGet: {path: /health, port: 8000}}\n';
const STARTUP = '          startupProbe: {httpGet: {path: /health, port: 8000}, periodSeconds: 10, failureThreshold: 60}\n';

ruleTester(rule, {
  valid: [
    { name: 'estimate: 70B with a startupProbe', yaml: llm('["--model", "meta-llama/Llama-3.1-70B-Instruct"]', STARTUP + LIVENESS) },
    { name: 'estimate: 7B loads within the default 30 s budget', yaml: llm('["--model", "mistralai/Mistral-7B-Instruct-v0.3"]', LIVENESS) },
    { name: 'estimate: unknown size stays silent', yaml: llm('["--model", "my-org/house-model"]', LIVENESS) },
    { name: 'estimate: a long liveness initialDelay covers it', yaml: llm('["--model", "meta-llama/Llama-3.1-70B-Instruct"]', '          livenessProbe: {httpGet: {path: /health, port: 8000}, initialDelaySeconds: 600}\n') },
    { name: 'estimate: not an LLM server (Triton)', yaml: llm('["--model-repository", "s3://bucket/llama-70b"]', LIVENESS, 'nvcr.io/nvidia/tritonserver:24.08-py3') },
  ],
  invalid: [
    {
      name: 'estimate: vLLM with a 70B model and the default liveness budget',
      yaml: llm('["--model", "meta-llama/Llama-3.1-70B-Instruct"]', LIVENESS),
      errors: [{ messageId: 'livenessTooShortEstimated', line: 13, message: /vLLM needs at least 90s to load model "meta-llama\/Llama-3.1-70B-Instruct"/ }],
    },
    {
      name: 'estimate: TGI reads MODEL_ID from env; the options change the estimate',
      yaml: llm('["--port", "8000"]', `          env: [{name: MODEL_ID, value: "Qwen/Qwen2.5-14B-Instruct"}]\n${LIVENESS}`, 'ghcr.io/huggingface/text-generation-inference:3.0.0'),
      options: { loadGBPerSecond: 0.5 },
      errors: [{ messageId: 'livenessTooShortEstimated', line: 14, message: /Text Generation Inference needs at least 76s/ }],
    },
  ],
});
