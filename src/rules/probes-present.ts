import { defineRule, type Report } from './define-rule.js';
import { WORKLOAD_KINDS } from '../engine/extract.js';
import { isLongRunning, probeOf, servesModel, servingContainers } from './utils/serving.js';
import type { ContainerRef } from '../engine/extract.js';
import { modelOf } from '../engine/models.js';
import { isIdleContainer } from '../engine/servers.js';

export type ProbesPresentOptions = Record<string, never>;

const READINESS_FIX = 'Add a readinessProbe that succeeds only once the model is loaded and answers (e.g. GET /ready or the gRPC health service).';
const LIVENESS_FIX = 'Add a livenessProbe on a cheap endpoint that fails when the server hangs (e.g. GET /healthz).';

export default defineRule<ProbesPresentOptions>({
  meta: {
    id: 'probes-present',
    severity: 'warning',
    recommended: true,
    description: 'Long-running serving containers need a readiness and a liveness probe',
    kinds: WORKLOAD_KINDS,
    remediation: 'Add a readinessProbe (traffic only once the model answers) and a livenessProbe (restart a hung server).',
    docs: {
      why:
        'Without a readiness probe a pod counts as ready the moment its process starts: the Service sends it ' +
        'requests while the model is still loading (errors and timeouts on every rollout and scale-up), and keeps ' +
        'sending them when the server stops answering. Without a liveness probe a model server that deadlocks, ' +
        'or whose worker hangs in a GPU call, is never restarted: the pod stays Running and silently serves nothing.',
      checks:
        'Every regular container (not init or ephemeral containers) of the pod templates of a long-running ' +
        'workload — Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Argo Rollout, the leader ' +
        'of a LeaderWorkerSet, a configured serving kind, and a Pod whose `restartPolicy` is `Always` (the default) ' +
        '— that answers must have a `readinessProbe` and a `livenessProbe`. A container answers when it declares a ' +
        'port or serves a model, or, when no container of the pod declares a port, when a linted Service selects ' +
        'the pod. A container that answers nobody (a sidecar without ports beside a container that has them, a ' +
        'pod with no port and no Service: an agent, a debug pod) needs no readiness probe; a missing liveness ' +
        'probe there is advice (info). Jobs, CronJobs, JobSets, RayJobs and Pods with ' +
        '`restartPolicy: Never`/`OnFailure` run to completion and are not checked; nor are workers reached through ' +
        'their leader or head (LWS workers), nor pods whose controller injects probes (KServe, Knative, KubeRay) or ' +
        'merges the template into its own (Seldon `Server`, KServe `LLMInferenceService`), nor containers that only ' +
        'wait (`sleep infinity`, `tail -f /dev/null`, a `while true; do sleep …; done` loop: toolboxes and benchmark ' +
        'clients that serve nothing, whatever their image). Their declared probes ' +
        'are still checked by `probe-port-exists` and `liveness-survives-model-load`. A missing probe is a ' +
        'warning (the pod runs; whether it is hurt depends on the server), and messages speak of loading a model ' +
        'only for containers that serve one: KServe\'s model server, the container that declares the model, a ' +
        'known model-server image (vLLM, TGI, Triton, TorchServe, …) or a container that requests an accelerator ' +
        '(unless it only runs GPU diagnostics such as `nvidia-smi` or a CUDA sample loop).',
      fix:
        'Add a `readinessProbe` that succeeds only when the model is loaded and can answer (e.g. `GET /ready` or ' +
        'the gRPC health service) and a `livenessProbe` on a cheap endpoint that fails when the server hangs. ' +
        'For models that load slowly, add a `startupProbe` too, so that liveness checks begin only after loading ' +
        '(see `liveness-survives-model-load`).',
      examples: {
        incorrect: `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml }
spec:
  selector: { matchLabels: { app: scorer } }
  template:
    metadata: { labels: { app: scorer } }
    spec:
      containers:
        - name: scorer
          image: registry.example.com/ml/fraud-scorer:3.0.1
          ports: [{ name: http, containerPort: 8080 }]
`,
        correct: `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml }
spec:
  selector: { matchLabels: { app: scorer } }
  template:
    metadata: { labels: { app: scorer } }
    spec:
      containers:
        - name: scorer
          image: registry.example.com/ml/fraud-scorer:3.0.1
          ports: [{ name: http, containerPort: 8080 }]
          readinessProbe:
            httpGet: { path: /ready, port: http }
          livenessProbe:
            httpGet: { path: /healthz, port: http }
`,
      },
    },
    optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
    defaultOptions: {},
    messages: {
      missingBoth:
        'container "{{container}}" has neither a readinessProbe nor a livenessProbe: the pod may join its Service\'s endpoints {{before}}, and a hung container is never restarted',
      missingReadiness:
        'container "{{container}}" has no readinessProbe: the pod may join its Service\'s endpoints as soon as it starts, {{before}}, and stays there when it stops answering',
      missingLivenessNoTraffic:
        'container "{{container}}" has no livenessProbe: if it hangs it is never restarted (it declares no port and no linted Service selects its pod, so it needs no readiness probe)',
      missingLiveness:
        'container "{{container}}" has no livenessProbe: if it hangs it is never restarted, and the pod stays Running while serving nothing',
    },
  },

  check({ object, template, settings, index }) {
    // Workers reached through a leader/head, and pods whose controller injects probes (KubeRay, Knative, KServe), are skipped.
    if (!template || !isLongRunning(template) || !template.servesTraffic || template.probesInjected) return [];
    const reports: Report[] = [];
    const model = modelOf(object, template, settings);
    const containers = servingContainers(template);
    // The containers that answer: those that declare a port or serve a model; when no container declares a
    // port, all of them if a Service selects the pod (it sends traffic to undeclared ports too). A sidecar
    // without ports beside them, or a pod with no port and no Service (an agent, a debug pod running `sleep`),
    // answers nobody (a readiness probe it already has says otherwise): no readiness probe is needed, and a
    // missing liveness probe is advice (info).
    const anyPort = containers.some(declaresPort);
    let selected: boolean | undefined;
    const answers = (ref: ContainerRef) => declaresPort(ref) || servesModel(template, ref, model) || (!anyPort && (selected ??= index.servicesFor(object).length > 0));
    for (const ref of containers) {
      // A container that only waits (`sleep infinity`, a toolbox or benchmark client) has nothing to probe.
      if (isIdleContainer(ref)) continue;
      const readiness = probeOf(ref, 'readinessProbe');
      const liveness = probeOf(ref, 'livenessProbe');
      if (!readiness && !answers(ref)) {
        if (!liveness) reports.push({ messageId: 'missingLivenessNoTraffic', data: { container: ref.name }, path: [...ref.path, 'livenessProbe'], fix: LIVENESS_FIX, maxSeverity: 'info' });
        continue;
      }
      // Model wording only for containers that serve a model.
      const data = { container: ref.name, before: servesModel(template, ref, model) ? 'before the model is loaded' : 'before it can answer' };
      if (!readiness && !liveness) reports.push({ messageId: 'missingBoth', data, path: [...ref.path, 'readinessProbe'] });
      else if (!readiness) reports.push({ messageId: 'missingReadiness', data, path: [...ref.path, 'readinessProbe'], fix: READINESS_FIX });
      else if (!liveness) reports.push({ messageId: 'missingLiveness', data, path: [...ref.path, 'livenessProbe'], fix: LIVENESS_FIX });
    }
    return reports;
  },
});

/** Whether a container lists at least one port in `ports`. */
function declaresPort(ref: ContainerRef): boolean {
  const ports = ref.container.ports;
  return Array.isArray(ports) && ports.length > 0;
}
