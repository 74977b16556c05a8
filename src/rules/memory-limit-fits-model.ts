import { defineRule, type Report } from './define-rule.js';
import { WORKLOAD_KINDS } from '../engine/extract.js';
import { namespaceOf } from '../engine/context.js';
import { describeModelSource, modelOf } from '../engine/models.js';
import { formatBytesAtLeast, parseQuantity } from './utils/quantity.js';
import { isIdleContainer } from '../engine/servers.js';
import { describeEffective, effectiveResource, modelContainer, servingContainers } from './utils/serving.js';

export interface MemoryLimitFitsModelOptions {
  headroom: number;
}

export default defineRule<MemoryLimitFitsModelOptions>({
  meta: {
    id: 'memory-limit-fits-model',
    severity: 'error',
    recommended: true,
    description: 'Memory requests and limits are set, and fit the model footprint plus headroom (OOMKilled while loading)',
    kinds: WORKLOAD_KINDS,
    remediation: 'Set resources.requests.memory to at least the model footprint and resources.limits.memory to the footprint plus headroom.',
    docs: {
      why:
        'Loading a model needs its whole footprint in memory at once (weights, plus tokenizer, runtime and ' +
        'framework buffers), and serving needs more for batches. A memory limit below that kills the container ' +
        'with OOMKilled while loading — in a loop, since every restart loads again — or under the first large ' +
        'batch. A missing request lets the scheduler put the pod on a node that has no room for the model (it is ' +
        'then the first evicted under memory pressure); a missing limit lets one leaking server push the node ' +
        'into memory pressure and take its neighbours down with it.',
      checks:
        'Every regular container (not init or ephemeral containers) of every workload — Deployment, StatefulSet, ' +
        'DaemonSet, ReplicaSet, Pod, KServe `InferenceService` predictor, and also Jobs and CronJobs, because a ' +
        'batch-scoring or training job that loads a model is OOMKilled just the same — must have a memory request ' +
        'and a memory limit. A request missing next to a limit is fine (Kubernetes copies the limit into it), and ' +
        'so is a value the namespace\'s LimitRange fills in (`default`/`defaultRequest` for containers), and the ' +
        'KServe default (1 CPU, 2Gi, from its `inferenceservice` ConfigMap) for a predictor\'s model server. A missing ' +
        'value is a warning, and advice (info) for a container that only waits (`sleep infinity`, `tail -f /dev/null`). When the ' +
        'model footprint is known (annotation `mllint.io/model-footprint`, else the registry entry of the served ' +
        'version — `footprint` in the registry file, the version tag `mllint.footprint` in MLflow — else ' +
        '`models.<name>.footprint` in the config), the container that serves the model (the one ' +
        'whose env names it, else the `kubectl.kubernetes.io/default-container`, else the KServe model server, ' +
        'else the first container) must request at least the footprint and be limited to at least footprint × ' +
        '(1 + `headroom`). Quantities are compared exactly (`Ki`/`Mi`/`Gi`/`Ti`, `k`/`M`/`G`/`T`, `m`, exponents); ' +
        'a value that is not a valid quantity is left to schema validation, and a footprint annotation that is ' +
        'not one is reported. A KServe predictor without memory values is reported too: KServe then applies its ' +
        'cluster-wide defaults (typically 2Gi), which know nothing about the model.',
      fix:
        'Measure the model\'s resident memory after loading and under peak batch size, write it down as ' +
        '`mllint.io/model-footprint` (or in the registry), then set `requests.memory` to at least that and ' +
        '`limits.memory` to it plus headroom. Many teams set request = limit for model servers (Guaranteed QoS): ' +
        'they are then the last pods evicted.',
      examples: {
        incorrect: `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml }
spec:
  selector: { matchLabels: { app: scorer } }
  template:
    metadata:
      labels: { app: scorer }
      annotations: { mllint.io/model: fraud-detector, mllint.io/model-footprint: 1536Mi }
    spec:
      containers:
        - name: scorer
          image: registry.example.com/ml/fraud-scorer:3.0.1
          resources:
            requests: { cpu: "1", memory: 1Gi }
            limits: { memory: 1Gi }
`,
        correct: `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml }
spec:
  selector: { matchLabels: { app: scorer } }
  template:
    metadata:
      labels: { app: scorer }
      annotations: { mllint.io/model: fraud-detector, mllint.io/model-footprint: 1536Mi }
    spec:
      containers:
        - name: scorer
          image: registry.example.com/ml/fraud-scorer:3.0.1
          resources:
            requests: { cpu: "1", memory: 2Gi }
            limits: { memory: 2Gi }
`,
      },
    },
    needs: ['footprint'],
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        headroom: {
          type: 'number',
          minimum: 0,
          description: 'Fraction of the footprint the memory limit must exceed it by (0.25: limit ≥ 1.25 × footprint), for batches, buffers and fragmentation.',
        },
      },
    },
    defaultOptions: { headroom: 0.25 },
    messages: {
      missingRequestAndLimit:
        'container "{{container}}" sets no memory request and no memory limit: it may be scheduled on a node without room for {{what}}, is evicted first under memory pressure, and can exhaust the node',
      missingLimit:
        'container "{{container}}" sets no memory limit: a leak or an oversized batch can exhaust the node and get other pods OOMKilled',
      requestBelowFootprint:
        'container "{{container}}" requests {{request}} of memory, less than the {{footprint}} footprint of model "{{model}}" ({{source}}); request at least {{needed}}',
      limitBelowFootprint:
        'container "{{container}}" has a memory limit of {{limit}}, but model "{{model}}" needs {{footprint}} ({{source}}) plus {{headroom}} headroom, {{needed}}; it is OOMKilled while loading or under load',
      invalidFootprint:
        'model footprint "{{footprint}}" is not a Kubernetes quantity (such as 1536Mi or 2Gi); the memory of model "{{model}}" cannot be checked',
    },
  },

  check({ object, template, settings, options, index }) {
    if (!template) return [];
    const reports: Report[] = [];
    const namespace = namespaceOf(object);
    const model = modelOf(object, template, settings);
    const server = modelContainer(template, model);
    let footprint: number | undefined;
    if (model?.footprint) {
      footprint = parseQuantity(model.footprint.value);
      if ((footprint === undefined || footprint <= 0) && model.footprint.path) {
        reports.push({ messageId: 'invalidFootprint', data: { footprint: model.footprint.value, model: model.name.value }, path: model.footprint.path });
      }
    }
    const headroom = typeof options.headroom === 'number' && options.headroom >= 0 ? options.headroom : 0.25;

    for (const ref of servingContainers(template)) {
      const memoryPath = (section: string) => [...ref.path, 'resources', section, 'memory'];
      const request = effectiveResource(ref, 'requests', 'memory', index, namespace, template);
      const limit = effectiveResource(ref, 'limits', 'memory', index, namespace, template);
      const isServer = ref === server && model !== undefined && footprint !== undefined && footprint > 0;
      const what = model && ref === server ? `model "${model.name.value}"` : 'it';
      const data = { container: ref.name, what };
      // A missing value is a risk under memory pressure, not a certain failure: a warning at most; for a container
      // that only waits (`sleep infinity`, a debug or client pod) it is advice (info).
      const missingSeverity = isIdleContainer(ref) ? 'info' as const : 'warning' as const;
      // No request even after defaulting means no limit either (a limit or a LimitRange default would fill it).
      if (request === undefined) {
        reports.push({ messageId: 'missingRequestAndLimit', data, path: memoryPath('requests'), maxSeverity: missingSeverity });
        continue;
      }
      if (limit === undefined) reports.push({ messageId: 'missingLimit', data, path: memoryPath('limits'), maxSeverity: missingSeverity });
      if (!isServer || footprint === undefined || !model?.footprint) continue;

      const common = { container: ref.name, model: model.name.value, footprint: model.footprint.value, source: describeModelSource(model, 'footprint') };
      // A request copied from a too-small limit is reported once, on the limit.
      if (request !== undefined && request !== 'invalid' && request.origin !== 'limit' && request.value < footprint) {
        reports.push({
          messageId: 'requestBelowFootprint',
          data: { ...common, request: describeEffective(request), needed: formatBytesAtLeast(footprint) },
          path: memoryPath('requests'),
          fix: `Set resources.requests.memory to at least ${formatBytesAtLeast(footprint)}.`,
          // A platform default (KServe's ConfigMap) may differ on the cluster: likely, not certain.
          ...(request.origin === 'platform' ? { maxSeverity: 'warning' as const } : {}),
        });
      }
      const neededLimit = footprint * (1 + headroom);
      if (limit !== undefined && limit !== 'invalid' && limit.value < neededLimit) {
        reports.push({
          messageId: 'limitBelowFootprint',
          data: { ...common, limit: describeEffective(limit), headroom: `${Math.round(headroom * 1000) / 10}%`, needed: formatBytesAtLeast(neededLimit) },
          path: memoryPath('limits'),
          ...(limit.origin === 'platform' ? { maxSeverity: 'warning' as const } : {}),
          fix: `Set resources.limits.memory to at least ${formatBytesAtLeast(neededLimit)}${request !== undefined && request !== 'invalid' && request.origin === 'limit' ? ` and resources.requests.memory to at least ${formatBytesAtLeast(footprint)}` : ''}.`,
        });
      }
    }
    return reports;
  },
});
