import { defineRule } from './define-rule.js';
import { WORKLOAD_KINDS } from '../engine/extract.js';
import { describeModelSource, modelOf } from '../engine/models.js';
import { modelContainer, probeOf, probeTiming, type ProbeTiming } from './utils/serving.js';

export interface LivenessSurvivesModelLoadOptions {
  safetyFactor: number;
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
        'or its pod template, else the registry entry of the version it serves (`loadSeconds`), else ' +
        '`models.<name>.loadSeconds` in the config — the probes of the container that serves the model (the one ' +
        'whose env names the model, else the `kubectl.kubernetes.io/default-container`, else the KServe model ' +
        'server, else the first container). With a `startupProbe`, its budget `initialDelaySeconds + ' +
        'failureThreshold × periodSeconds` must cover the load time × `safetyFactor` (the startup probe alone ' +
        'kills the container when it runs out, and liveness waits for it). Without one, the `livenessProbe`\'s ' +
        'budget computed the same way must cover it. Unset fields take the Kubernetes defaults: periodSeconds ' +
        '10, failureThreshold 3, initialDelaySeconds 0. A container with neither probe is not checked here ' +
        '(`probes-present` asks for probes). Declared probes are checked in every workload kind, KServe ' +
        '`InferenceService` predictors included.',
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
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        safetyFactor: {
          type: 'number',
          minimum: 1,
          description: 'Multiplier on the model load time that the probe budget must cover (e.g. 1.5 for slower nodes or cold caches).',
        },
      },
    },
    defaultOptions: { safetyFactor: 1.0 },
    messages: {
      startupTooShort:
        'startupProbe of container "{{container}}" gives up after {{budget}} ({{formula}}), but model "{{model}}" needs {{needed}} to load ({{source}}); the container is killed before the model is loaded',
      livenessTooShort:
        'livenessProbe of container "{{container}}" kills it after {{budget}} ({{formula}}) and there is no startupProbe, but model "{{model}}" needs {{needed}} to load ({{source}}); the pod ends in CrashLoopBackOff',
    },
  },

  check({ object, template, settings, options }) {
    if (!template) return [];
    const model = modelOf(object, template, settings);
    const load = model?.loadSeconds?.value;
    if (!model || load === undefined || !Number.isFinite(load) || load <= 0) return [];
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
