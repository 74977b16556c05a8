import { defineRule, type Report } from './define-rule.js';
import { getAt } from '../engine/extract.js';
import { budgetOf, isZero, parseIntOrPercent, selectedPods } from './utils/disruption.js';

export interface PdbAllowsDisruptionOptions {
  minDisruptionsAllowed: number;
}

export default defineRule<PdbAllowsDisruptionOptions>({
  meta: {
    id: 'pdb-allows-disruption',
    // Warning: the object is accepted and works as written; what it breaks (a drain, availability during one) depends on the cluster.
    severity: 'warning',
    recommended: true,
    description: 'A PodDisruptionBudget must let a node drain evict at least one pod (no minAvailable >= replicas, no maxUnavailable 0)',
    kinds: ['PodDisruptionBudget'],
    remediation: 'Use maxUnavailable: 1, or a minAvailable below the replica count (and below the HPA minReplicas).',
    docs: {
      why:
        'A budget that allows no disruption blocks every voluntary eviction of the pods it selects: `kubectl drain`, ' +
        'cluster-autoscaler scale-down and managed node upgrades wait forever (or time out and force-delete), so a ' +
        'GPU node pool cannot be upgraded and the platform team ends up deleting the PDB by hand. The classic ' +
        'cases are `minAvailable` equal to `replicas`, `minAvailable: 100%`, `maxUnavailable: 0`, and a ' +
        '`minAvailable` that was fine until an HPA scaled the model server down to its `minReplicas`.',
      checks:
        'Every PodDisruptionBudget. `maxUnavailable: 0` (or `"0%"`) is always reported. `minAvailable` is compared ' +
        'with the pods of the workloads the PDB selects in its namespace, summed over all of them: a Deployment, ' +
        'StatefulSet or ReplicaSet counts `spec.replicas` (default 1), or, when an HPA scales it, the HPA\'s ' +
        '`minReplicas` (the count it runs at when traffic is low); a Pod counts 1; a KServe InferenceService its ' +
        'predictor\'s `minReplicas`. A percentage is scaled as Kubernetes does (`minAvailable` rounds up, so 50% of ' +
        '3 is 2). The budget is reported when it leaves fewer than `minDisruptionsAllowed` pods evictable. PDBs ' +
        'selecting a DaemonSet, Job or CronJob (pod count known only at run time), single pods by run-time ' +
        'labels (`statefulset.kubernetes.io/pod-name`), or nothing at all are not compared (the last is ' +
        '`pdb-selects-pods`).',
      fix:
        'Prefer `maxUnavailable: 1` (it keeps working when replicas change), or keep `minAvailable` below the ' +
        'replica count of the selected workloads and below the HPA\'s `minReplicas`.',
      examples: {
        incorrect: `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml }
spec:
  replicas: 2
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
  minAvailable: 2
  selector:
    matchLabels: { app: scorer }
`,
        correct: `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml }
spec:
  replicas: 2
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
        minDisruptionsAllowed: {
          type: 'integer',
          minimum: 1,
          description: 'How many pods a drain must be able to evict at once (raise it to let node pools drain faster).',
        },
      },
    },
    defaultOptions: { minDisruptionsAllowed: 1 },
    messages: {
      maxUnavailableZero: 'maxUnavailable {{value}} lets no pod be evicted, so every node drain blocks',
      minAvailableBlocks:
        'minAvailable {{value}} needs {{needed}} of the {{total}} pod(s) of {{workloads}} to stay available, so a node drain can evict none and blocks',
      tooFewDisruptions:
        '{{field}} {{value}} lets a drain evict only {{allowed}} of the {{total}} pod(s) of {{workloads}} at a time; at least {{minimum}} required',
    },
  },

  check({ object, index, options }) {
    const maxUnavailablePath = ['spec', 'maxUnavailable'];
    const maxUnavailable = parseIntOrPercent(getAt(object.object, maxUnavailablePath));
    if (maxUnavailable && isZero(maxUnavailable)) {
      return [{ messageId: 'maxUnavailableZero', data: { value: maxUnavailable.text }, path: maxUnavailablePath }];
    }
    const pods = selectedPods(object, index);
    if (!pods || pods.total === 0) return [];
    const budget = budgetOf(object, pods.total);
    if (!budget || budget.allowed >= options.minDisruptionsAllowed) return [];
    const reports: Report[] = [];
    const path = ['spec', budget.field];
    const data = { value: budget.value.text, needed: budget.needed, total: pods.total, workloads: pods.description };
    if (budget.allowed === 0 && budget.field === 'minAvailable') {
      reports.push({ messageId: 'minAvailableBlocks', data, path });
    } else {
      reports.push({
        messageId: 'tooFewDisruptions',
        data: { ...data, field: budget.field, allowed: budget.allowed, minimum: options.minDisruptionsAllowed },
        path,
      });
    }
    return reports;
  },
});
