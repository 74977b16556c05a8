import { defineRule } from './define-rule.js';
import { getAt, WORKLOAD_KINDS } from '../engine/extract.js';
import type { Path } from '../types.js';
import { replicaFloor } from './utils/disruption.js';
import { isLongRunning, servesModel, servingContainers } from './utils/serving.js';
import { modelOf } from '../engine/models.js';

export interface PdbPresentOptions {
  minReplicas: number;
}

export default defineRule<PdbPresentOptions>({
  meta: {
    id: 'pdb-present',
    severity: 'warning',
    recommended: true,
    description: 'A serving workload with several replicas should have a PodDisruptionBudget',
    kinds: WORKLOAD_KINDS,
    remediation: 'Add a policy/v1 PodDisruptionBudget with maxUnavailable: 1 selecting the pod template labels.',
    docs: {
      why:
        'Replicas protect a model endpoint against a pod crashing, not against voluntary disruptions: without a ' +
        'PodDisruptionBudget, `kubectl drain`, a managed node upgrade or the cluster autoscaler may evict every ' +
        'replica at the same time, and a model that needs a minute to load leaves the endpoint down for that ' +
        'minute. A PDB makes evictions wait until enough replicas are ready elsewhere.',
      checks:
        'Deployments, StatefulSets, ReplicaSets, ReplicationControllers, Argo Rollouts, LeaderWorkerSets (their ' +
        'leader pods) and KServe InferenceServices that run at ' +
        'least `minReplicas` replicas: `spec.replicas` (default 1), or the `maxReplicas` of the HPA that scales ' +
        'them (a drain at peak traffic meets that many), or the predictor\'s `minReplicas`. Such a workload must have its pod template labels matched by ' +
        'some PodDisruptionBudget in its namespace, anywhere in the linted tree. Single-replica workloads are left ' +
        'alone: a PDB cannot keep one replica up during a drain without blocking it. The finding is a warning for ' +
        'workloads that serve a model (slow to come back) and advice (info) for others.',
      fix:
        'Add a PodDisruptionBudget in the same namespace with `maxUnavailable: 1` and `selector.matchLabels` equal ' +
        'to the pod template labels.',
      examples: {
        incorrect: `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml }
spec:
  replicas: 3
  selector: { matchLabels: { app: scorer } }
  template:
    metadata: { labels: { app: scorer } }
    spec:
      containers: [{ name: scorer, image: "fraud-scorer:3.0.1" }]
`,
        correct: `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml }
spec:
  replicas: 3
  selector: { matchLabels: { app: scorer } }
  template:
    metadata: { labels: { app: scorer } }
    spec:
      containers: [{ name: scorer, image: "fraud-scorer:3.0.1" }]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: scorer, namespace: ml }
spec:
  maxUnavailable: 1
  selector:
    matchLabels: { app: scorer }
`,
      },
    },
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        minReplicas: {
          type: 'integer',
          minimum: 1,
          description: 'Workloads running at least this many replicas need a PodDisruptionBudget.',
        },
      },
    },
    defaultOptions: { minReplicas: 2 },
    messages: {
      noPdb:
        '{{replicas}} replicas and no PodDisruptionBudget selecting their pods; a node drain may evict all of them at once',
      noPdbHpa:
        'scaled by HPA "{{hpa}}" up to {{replicas}} replicas, and no PodDisruptionBudget selects their pods; a node drain may evict all of them at once',
    },
  },

  check({ object, template, index, options, settings }) {
    if (!template || !isLongRunning(template) || !template.servesTraffic || template.definition.pdb !== true) return [];
    const floor = replicaFloor({ object, template }, index);
    if (!floor) return [];
    // With an HPA, what matters is how many replicas a drain at peak traffic could evict together.
    const hpaMax = floor.hpa ? getAt(floor.hpa.object, ['spec', 'maxReplicas']) : undefined;
    const replicas = floor.hpa && typeof hpaMax === 'number' ? Math.max(hpaMax, floor.count) : floor.count;
    if (replicas < options.minReplicas) return [];
    if (index.pdbsFor(object).length > 0) return [];
    const path: Path = template.replicasPath ?? ['metadata', 'name'];
    // A model server evicted everywhere at once is down until a model loads again: likely to hurt (warning).
    // Other workloads come back as fast as they start: a budget is advice (info).
    const model = modelOf(object, template, settings);
    const doubt = servingContainers(template).some((ref) => servesModel(template, ref, model)) ? {} : { maxSeverity: 'info' as const };
    if (floor.hpa) return [{ messageId: 'noPdbHpa', data: { hpa: floor.hpa.name, replicas }, path, ...doubt }];
    return [{ messageId: 'noPdb', data: { replicas }, path, ...doubt }];
  },
});
