import { defineRule, type Report } from './define-rule.js';
import { namespaceOf } from '../engine/context.js';
import { WORKLOAD_KINDS } from '../engine/extract.js';
import { formatCpu } from './utils/quantity.js';
import { describeEffective, effectiveResource, isLongRunning, servesModel, servingContainers } from './utils/serving.js';
import { modelOf } from '../engine/models.js';

export interface CpuLimitThrottlingOptions {
  minLimitToRequestRatio: number;
  allowExclusiveCpus: boolean;
}

function ratioText(n: number): string {
  return String(Math.round(n * 100) / 100);
}

export default defineRule<CpuLimitThrottlingOptions>({
  meta: {
    id: 'cpu-limit-throttling',
    severity: 'warning',
    recommended: true,
    description: 'Serving containers request CPU, and have no CPU limit or one well above the request (CFS throttling)',
    kinds: WORKLOAD_KINDS,
    remediation: 'Set resources.requests.cpu and remove resources.limits.cpu (or raise it to at least minLimitToRequestRatio × the request).',
    docs: {
      why:
        'A CPU limit is enforced by the Linux CFS bandwidth controller as a quota per 100 ms period ' +
        '(`cpu.cfs_quota_us` / `cpu.max`). An inference server is bursty and multi-threaded: a request fans out ' +
        'over many threads (PyTorch/ONNX intra-op threads, tokenizers, gRPC workers), which can spend a whole ' +
        'period\'s quota in a few milliseconds. The kernel then freezes every thread of the container until the ' +
        'next period begins, so a request that needed 20 ms of CPU waits up to 100 ms more: p99 latency jumps ' +
        'and timeouts appear while dashboards show average CPU usage far below the limit. A limit equal or close ' +
        'to the request makes this happen on every burst. The CPU request, on the other hand, is what reserves ' +
        'CPU: it drives scheduling and the container\'s CFS weight (`cpu.shares` / `cpu.weight`), which gives it its ' +
        'proportional share under contention without ever pausing it. Without a request, a serving container ' +
        'is scheduled as if it needed no CPU and gets the smallest share when the node is busy.',
      checks:
        'Every regular container (not init or ephemeral containers) of a long-running workload — Deployment, ' +
        'StatefulSet, DaemonSet, ReplicaSet, ReplicationController, KServe `InferenceService` predictor, and a Pod ' +
        'whose `restartPolicy` is `Always` — must have a CPU request (written, copied by Kubernetes from its limit, ' +
        'or filled in by a LimitRange `defaultRequest`/`default`, or for a KServe predictor\'s model server the ' +
        'KServe default of 1 CPU from its `inferenceservice` ConfigMap). Its CPU limit (written or a LimitRange `default`) ' +
        'must be absent (recommended) or at least `minLimitToRequestRatio` × the request. Jobs and CronJobs are ' +
        'not checked: for batch work a limit only makes the run longer, which is often the intent on a shared ' +
        'cluster. KServe\'s default limit is the cluster operator\'s setting, not the manifest\'s, and is not ' +
        'judged. With `allowExclusiveCpus`, a container whose request equals its limit in whole CPUs is accepted: ' +
        'on nodes with the static CPU manager policy it gets dedicated cores and is not throttled that way. ' +
        'Severity: a warning for a container that serves a model (a recognised inference server, KServe\'s model server, ' +
        'the container a model annotation or `MODEL_*` env names, or one given GPUs/TPUs that does not only run GPU ' +
        'diagnostics such as `nvidia-smi`, nor only wait with `sleep`), where throttling shows up as ' +
        'inference tail latency; `info` for every other container (controllers, sidecars such as kube-rbac-proxy, web ' +
        'apps): there a tight limit is often a deliberate bound on a small helper, and whether its latency matters is ' +
        'not known. The Ray container of a KubeRay pod (RayCluster, RayService) is not judged on its limit: KubeRay ' +
        'derives Ray\'s `--num-cpus` from it and the Ray docs set requests equal to limits.',
      fix:
        'Set `requests.cpu` to what the server needs at its usual load and remove `limits.cpu` (noisy neighbours ' +
        'are then bounded by their own requests). If a limit is mandatory on your cluster, set it to at least ' +
        '`minLimitToRequestRatio` × the request. Keep the memory limit: memory is not compressible, CPU is.',
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
          env: [{ name: MODEL_NAME, value: fraud-detector }]
          resources:
            requests: { cpu: "1", memory: 2Gi }
            limits: { cpu: 1200m, memory: 2Gi }
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
          env: [{ name: MODEL_NAME, value: fraud-detector }]
          resources:
            requests: { cpu: "1", memory: 2Gi }
            limits: { memory: 2Gi }
`,
      },
    },
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        minLimitToRequestRatio: {
          type: 'number',
          minimum: 1,
          description: 'Smallest accepted `limits.cpu` / `requests.cpu` when a CPU limit is set.',
        },
        allowExclusiveCpus: {
          type: 'boolean',
          description: 'Accept request = limit in whole CPUs (Guaranteed pods pinned to dedicated cores by the static CPU manager policy).',
        },
      },
    },
    defaultOptions: { minLimitToRequestRatio: 2, allowExclusiveCpus: false },
    messages: {
      missingRequest:
        'container "{{container}}" sets no CPU request: it is scheduled as if it needed no CPU and gets the smallest CPU share when the node is busy',
      tightLimit:
        'container "{{container}}" has a CPU limit of {{limit}} for a request of {{request}} (ratio {{ratio}}, below {{minRatio}}): CFS throttling pauses it whenever a burst uses up its quota for the period, which adds latency to inference; remove the limit or raise it to at least {{needed}}',
      tightLimitOther:
        'container "{{container}}" has a CPU limit of {{limit}} for a request of {{request}} (ratio {{ratio}}, below {{minRatio}}): CFS throttling pauses it whenever a burst uses up its quota for the period, which may slow it down',
    },
  },

  check({ object, template, options, index, settings }) {
    if (!template || !isLongRunning(template)) return [];
    const model = modelOf(object, template, settings);
    const reports: Report[] = [];
    const namespace = namespaceOf(object);
    const minRatio = typeof options.minLimitToRequestRatio === 'number' && options.minLimitToRequestRatio > 0 ? options.minLimitToRequestRatio : 2;
    const containers = servingContainers(template);
    for (const ref of containers) {
      // Serving wording and a warning only for containers that serve a model; advice (info) for the rest.
      const servesAModel = servesModel(template, ref, model);
      const doubt = servesAModel ? {} : { maxSeverity: 'info' as const };
      const cpuPath = (section: string) => [...ref.path, 'resources', section, 'cpu'];
      const request = effectiveResource(ref, 'requests', 'cpu', index, namespace, template);
      const limit = effectiveResource(ref, 'limits', 'cpu', index, namespace, template);
      if (request === 'invalid' || limit === 'invalid') continue; // not a quantity: schema-valid's finding
      if (request === undefined || request.value <= 0) {
        reports.push({ messageId: 'missingRequest', data: { container: ref.name }, path: cpuPath('requests'), ...doubt });
        continue;
      }
      // A platform's default limit (KServe's) is the cluster operator's choice, not this manifest's.
      if (limit === undefined || limit.origin === 'platform' || limit.value >= minRatio * request.value) continue;
      if (options.allowExclusiveCpus && limit.value === request.value && Number.isInteger(limit.value)) continue;
      // KubeRay sizes Ray from the Ray container's (the first container's) CPU limit: configuration, not an accident.
      if (template.definition.cpuLimitSizesRuntime && ref === containers[0]) continue;
      const needed = formatCpu(Math.ceil(minRatio * request.value * 1000) / 1000);
      reports.push({
        messageId: servesAModel ? 'tightLimit' : 'tightLimitOther',
        data: {
          container: ref.name,
          limit: describeEffective(limit),
          request: describeEffective(request),
          ratio: ratioText(limit.value / request.value),
          minRatio: ratioText(minRatio),
          needed,
        },
        path: cpuPath('limits'),
        ...doubt,
        fix: `Remove resources.limits.cpu, or raise it to at least ${needed}.`,
      });
    }
    return reports;
  },
});
