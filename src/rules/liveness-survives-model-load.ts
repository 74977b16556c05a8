import { defineRule } from './define-rule.js';
import { WORKLOAD_KINDS } from '../engine/extract.js';
import { describeModelSource, modelOf } from '../engine/models.js';
import { modelContainer, probeOf, probeTiming, type ProbeTiming } from './utils/serving.js';
import { bytesFromServerFlags, serversOf } from '../engine/servers.js';
import type { PodTemplate } from '../engine/extract.js';
import type { Report } from './define-rule.js';

export interface LivenessSurvivesModelLoadOptions {
  safetyFactor: number;
  serverStartSeconds: number;
  loadGBPerSecond: number;
}

function seconds(n: number): string {
  return `${Math.round(n * 100) / 100}s`;
}

function formula(t: ProbeTiming): string {
  return `initialDelaySeconds ${t.initialDelaySeconds} + failureThreshold ${t.failureThreshold} × periodSeconds ${t.periodSeconds}`;
}

export default defineRule<LivenessSurvivesModelLoadOptions>({
  meta: {
    id: 'liveness-survives-model-load',
    severity: 'error',
    recommended: true,
    description: 'Liveness and startup probes must leave the model time to load before they kill the container',
    kinds: WORKLOAD_KINDS,
    remediation: 'Add a startupProbe whose failureThreshold × periodSeconds covers the model load time.',
    docs: {
      why:
        'A model server is not alive in the liveness sense until its weights are loaded, which takes from seconds ' +
        'to many minutes. A liveness probe with the defaults (checked every 10 s, killed after 3 failures) restarts ' +
        'a container that needs 45 s to load after about 30 s, then again, and again: the pod never becomes ready ' +
        'and ends in CrashLoopBackOff, typically only in production where the model is larger or the disk slower. ' +
        'The fix is a startup probe: liveness checks begin only once it has succeeded.',
      checks:
        'For a workload whose model load time is known — annotation `mllint.io/model-load-seconds` on the workload ' +
        'or its pod template, else the registry entry of the version it serves (`loadSeconds` in the registry file; ' +
        'from MLflow, the version tag `mllint.load_seconds`), else ' +
        '`models.<name>.loadSeconds` in the config — the probes of the container that serves the model (the one ' +
        'whose env names the model, else the `kubectl.kubernetes.io/default-container`, else the KServe model ' +
        'server, else the first container). With a `startupProbe`, its budget `initialDelaySeconds + ' +
        'failureThreshold × periodSeconds` must cover the load time × `safetyFactor` (the startup probe alone ' +
        'kills the container when it runs out, and liveness waits for it). Without one, the `livenessProbe`\'s ' +
        'budget computed the same way must cover it. Unset fields take the Kubernetes defaults: periodSeconds ' +
        '10, failureThreshold 3, initialDelaySeconds 0. A container with neither probe is not checked here ' +
        '(`probes-present` asks for probes). Declared probes are checked in every workload kind, KServe ' +
        '`InferenceService` predictors included. Without any declared load time, a container recognised as an LLM ' +
        'inference server (vLLM, SGLang, TGI, TensorRT-LLM, NIM…, by image or command) whose model id states its size ' +
        '(`Llama-3.1-70B-Instruct`) gets a conservative estimate: `serverStartSeconds` plus the weights (parameters × ' +
        'bytes per parameter of its precision) read at `loadGBPerSecond`; with a liveness probe and no startup probe, ' +
        'a liveness budget below that estimate is reported.',
      fix:
        'Add a `startupProbe` on the readiness endpoint with `failureThreshold × periodSeconds` comfortably above ' +
        'the load time (e.g. `periodSeconds: 10`, `failureThreshold: 30` for up to 5 minutes), and keep the ' +
        'liveness probe short so that a hung server is still restarted quickly. Raising the liveness ' +
        '`initialDelaySeconds` also works, but delays the detection of a hang after every restart.',
      examples: {
        incorrect: `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml }
spec:
  selector: { matchLabels: { app: scorer } }
  template:
    metadata:
      labels: { app: scorer }
      annotations: { mllint.io/model: fraud-detector, mllint.io/model-load-seconds: "45" }
    spec:
      containers:
        - name: scorer
          image: registry.example.com/ml/fraud-scorer:3.0.1
          ports: [{ name: http, containerPort: 8080 }]
          livenessProbe:
            httpGet: { path: /healthz, port: http }
`,
        correct: `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml }
spec:
  selector: { matchLabels: { app: scorer } }
  template:
    metadata:
      labels: { app: scorer }
      annotations: { mllint.io/model: fraud-detector, mllint.io/model-load-seconds: "45" }
    spec:
      containers:
        - name: scorer
          image: registry.example.com/ml/fraud-scorer:3.0.1
          ports: [{ name: http, containerPort: 8080 }]
          startupProbe:
            httpGet: { path: /ready, port: http }
            periodSeconds: 5
            failureThreshold: 18
          livenessProbe:
            httpGet: { path: /healthz, port: http }
`,
      },
    },
    needs: ['loadSeconds'],
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        safetyFactor: {
          type: 'number',
          minimum: 1,
          description: 'Multiplier on the model load time that the probe budget must cover (e.g. 1.5 for slower nodes or cold caches).',
        },
        serverStartSeconds: {
          type: 'number',
          minimum: 0,
          description: 'Without a known load time: seconds a recognised LLM server needs before it reads weights (engine start, CUDA graphs), in the estimate.',
        },
        loadGBPerSecond: {
          type: 'number',
          exclusiveMinimum: 0,
          description: 'Without a known load time: GB of weights per second the estimate assumes a server loads (a fast local disk; downloads are slower).',
        },
      },
    },
    defaultOptions: { safetyFactor: 1.0, serverStartSeconds: 20, loadGBPerSecond: 2 },
    messages: {
      startupTooShort:
        'startupProbe of container "{{container}}" gives up after {{budget}} ({{formula}}), but model "{{model}}" needs {{needed}} to load ({{source}}); the container is killed before the model is loaded',
      livenessTooShort:
        'livenessProbe of container "{{container}}" kills it after {{budget}} ({{formula}}) and there is no startupProbe, but model "{{model}}" needs {{needed}} to load ({{source}}); the pod ends in CrashLoopBackOff',
      livenessTooShortEstimated:
        'livenessProbe of container "{{container}}" kills it after {{budget}} ({{formula}}) and there is no startupProbe, but {{server}} needs at least {{needed}} to load model "{{model}}" ({{estimate}}); the pod ends in CrashLoopBackOff',
    },
  },

  check({ object, template, settings, options }) {
    if (!template) return [];
    const model = modelOf(object, template, settings);
    const load = model?.loadSeconds?.value;
    if (!model || load === undefined || !Number.isFinite(load) || load <= 0) return estimated(template, options);
    const ref = modelContainer(template, model);
    if (!ref) return [];
    const factor = typeof options.safetyFactor === 'number' && options.safetyFactor > 0 ? options.safetyFactor : 1;
    const needed = load * factor;
    const neededText = factor === 1 ? seconds(needed) : `${seconds(needed)} (${seconds(load)} × safetyFactor ${factor})`;

    const startup = probeOf(ref, 'startupProbe');
    const liveness = probeOf(ref, 'livenessProbe');
    const probeName = startup ? 'startupProbe' : liveness ? 'livenessProbe' : undefined;
    const probe = startup ?? liveness;
    if (!probe || !probeName) return [];
    const timing = probeTiming(probe);
    if (timing.budgetSeconds >= needed) return [];

    const threshold = Math.ceil((needed - timing.initialDelaySeconds) / timing.periodSeconds);
    const fix = startup
      ? `Raise startupProbe.failureThreshold to at least ${threshold} (${threshold} × periodSeconds ${timing.periodSeconds} + initialDelaySeconds ${timing.initialDelaySeconds} ≥ ${seconds(needed)}).`
      : `Add a startupProbe on the readiness endpoint with periodSeconds: 10 and failureThreshold: ${Math.ceil(needed / 10)} (≥ ${seconds(needed)}); liveness checks start once it succeeds.`;
    return [
      {
        messageId: startup ? 'startupTooShort' : 'livenessTooShort',
        data: {
          container: ref.name,
          budget: seconds(timing.budgetSeconds),
          formula: formula(timing),
          model: model.name.value,
          needed: neededText,
          source: describeModelSource(model, 'loadSeconds'),
        },
        path: [...ref.path, probeName],
        fix,
      },
    ];
  },
});

/**
 * Without a declared load time: a recognised LLM server whose model id states its size, a liveness probe and
 * no startup probe. The estimate is a floor (engine start + weights read at a fast disk's speed), so a probe
 * that gives up before it certainly kills the server while it loads.
 */
function estimated(template: PodTemplate, options: LivenessSurvivesModelLoadOptions): Report[] {
  const reports: Report[] = [];
  const start = typeof options.serverStartSeconds === 'number' && options.serverStartSeconds >= 0 ? options.serverStartSeconds : 20;
  const speed = typeof options.loadGBPerSecond === 'number' && options.loadGBPerSecond > 0 ? options.loadGBPerSecond : 2;
  for (const s of serversOf(template)) {
    if (!s.server.llm || s.unresolved || !s.model || s.modelFacts?.paramsB === undefined) continue;
    if (probeOf(s.container, 'startupProbe')) continue;
    const liveness = probeOf(s.container, 'livenessProbe');
    if (!liveness) continue;
    const fromFlags = bytesFromServerFlags(s.quantization, s.dtype);
    const bytes = fromFlags?.bytes ?? s.modelFacts.bytesPerParam ?? 2;
    const weightsGB = s.modelFacts.paramsB * bytes;
    const needed = start + weightsGB / speed;
    const timing = probeTiming(liveness);
    if (timing.budgetSeconds >= needed) continue;
    reports.push({
      messageId: 'livenessTooShortEstimated',
      data: {
        container: s.container.name,
        budget: seconds(timing.budgetSeconds),
        formula: formula(timing),
        server: s.server.name,
        needed: seconds(Math.round(needed)),
        model: s.model.value,
        estimate: `${s.modelFacts.paramsB}B parameters ≈ ${Math.round(weightsGB)} GB read at ${speed} GB/s after ${start}s of start-up`,
      },
      path: [...s.container.path, 'livenessProbe'],
      fix: `Add a startupProbe on the readiness endpoint with periodSeconds: 10 and failureThreshold: ${Math.max(30, Math.ceil((needed * 3) / 10))}; liveness checks start once it succeeds.`,
    });
  }
  return reports;
}
