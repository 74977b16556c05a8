import { defineRule, type Report } from './define-rule.js';
import { namespaceOf, usesRuntimeLabels, withoutRuntimeLabels } from '../engine/context.js';
import { getAt } from '../engine/extract.js';
import { isEmptySelector, toLabelSelector, type LabelSelector } from '../engine/selector.js';
import type { ResourceIndex, Workload } from '../engine/context.js';
import { isPlainObject } from '../loaders/objects.js';
import { describeSelector, nearestSelectorMiss } from './utils/selector-hints.js';
import { describeObject } from './utils/objects.js';

export type PdbSelectsPodsOptions = Record<string, never>;

export default defineRule<PdbSelectsPodsOptions>({
  meta: {
    id: 'pdb-selects-pods',
    severity: 'error',
    recommended: true,
    description: 'A PodDisruptionBudget must select the pods of at least one workload in its namespace',
    kinds: ['PodDisruptionBudget'],
    remediation: 'Make spec.selector match the pod template labels of the workload the budget is meant to protect.',
    docs: {
      why:
        'A PodDisruptionBudget whose selector matches no pod protects nothing: a node drain or cluster upgrade ' +
        'evicts every replica of the model server at once, and nobody notices until the endpoint returns 503s. ' +
        'The usual causes are a label renamed in the Deployment but not in the PDB, a typo in a label value, or ' +
        'a PDB copied into the wrong namespace. The API server accepts all of them silently.',
      checks:
        'Every PodDisruptionBudget: `spec.selector` must be present, and must match the pod template labels of at ' +
        'least one workload (Deployment, StatefulSet, ReplicaSet, DaemonSet, Job, CronJob, Pod, KServe ' +
        'InferenceService) in the same namespace anywhere in the linted tree (`matchLabels` and ' +
        '`matchExpressions`). In `policy/v1` an empty selector (`selector: {}`) selects every pod of the ' +
        'namespace; in `policy/v1beta1` it selects none. Labels that controllers add to pods at run time ' +
        '(`statefulset.kubernetes.io/pod-name`, `pod-template-hash`…) are in no template: they are left out of ' +
        'the match, and a selector of only such labels is not checked. When a workload misses the selector by ' +
        'one label, the message names it.',
      fix:
        'Copy the labels from the workload\'s `spec.template.metadata.labels` into the PDB\'s ' +
        '`spec.selector.matchLabels`, and put the PDB in the workload\'s namespace.',
      examples: {
        incorrect: `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml }
spec:
  replicas: 3
  selector: { matchLabels: { app: fraud-scorer } }
  template:
    metadata: { labels: { app: fraud-scorer } }
    spec:
      containers: [{ name: scorer, image: "fraud-scorer:3.0.1" }]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: scorer, namespace: ml }
spec:
  maxUnavailable: 1
  selector:
    matchLabels: { app: fraud-scoring }
`,
        correct: `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml }
spec:
  replicas: 3
  selector: { matchLabels: { app: fraud-scorer } }
  template:
    metadata: { labels: { app: fraud-scorer } }
    spec:
      containers: [{ name: scorer, image: "fraud-scorer:3.0.1" }]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: scorer, namespace: ml }
spec:
  maxUnavailable: 1
  selector:
    matchLabels: { app: fraud-scorer }
`,
      },
    },
    optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
    defaultOptions: {},
    messages: {
      noSelector: 'PodDisruptionBudget has no selector, so it protects no pods',
      emptySelectorBeta: 'an empty selector selects no pods in policy/v1beta1; list the labels of the pods to protect',
      noMatch: 'selector {{selector}} matches the pods of no workload in namespace "{{namespace}}"',
      nearMiss:
        'selector {{selector}} matches the pods of no workload in namespace "{{namespace}}"; {{candidate}} has {{actual}}',
    },
  },

  check({ object, index }) {
    const selectorPath = ['spec', 'selector'];
    const raw = getAt(object.object, selectorPath);
    if (!isPlainObject(raw)) return [{ messageId: 'noSelector', path: selectorPath }];
    const selector = toLabelSelector(raw);
    if (isEmptySelector(selector) && object.apiVersion === 'policy/v1beta1') {
      return [{ messageId: 'emptySelectorBeta', path: selectorPath }];
    }
    if (index.workloadsForPdb(object).length > 0) return [];
    // A selector of run-time labels only (one StatefulSet pod by its pod-name) cannot be checked statically.
    const matchable = withoutRuntimeLabels(selector);
    if (usesRuntimeLabels(selector) && isEmptySelector(matchable)) return [];

    const namespace = namespaceOf(object);
    const data = { selector: describeSelector(selector) || '{}', namespace };
    const miss = nearestSelectorMiss(matchable, (relaxed) => hintCandidates(index, namespace, matchable, relaxed), (w) => w.template.labels);
    const reports: Report[] = [];
    if (miss) {
      const actual = miss.actual === undefined ? `no label "${miss.key}"` : `${miss.key}=${miss.actual}`;
      reports.push({
        messageId: 'nearMiss',
        data: { ...data, candidate: describeObject(miss.item.object), actual },
        path: [...selectorPath, 'matchLabels', miss.key],
      });
    } else {
      reports.push({ messageId: 'noMatch', data, path: selectorPath });
    }
    return reports;
  },
});

/** At most this many candidates are ranked for a hint, so a crowded namespace costs bounded time per PDB. */
const HINT_CANDIDATES = 64;

/**
 * Candidates for the near-miss hint, by lookup. The hint relaxes a one-label selector to "has the key";
 * that is answered with the workloads whose value for the key is one typo away, not every workload
 * carrying the key.
 */
function hintCandidates(index: ResourceIndex, namespace: string, selector: LabelSelector, relaxed: LabelSelector): readonly Workload[] {
  const pairs = Object.entries(selector.matchLabels ?? {});
  const onlyExists = relaxed.matchExpressions?.length === 1 && relaxed.matchExpressions[0].operator === 'Exists' && Object.keys(relaxed.matchLabels ?? {}).length === 0;
  if (pairs.length === 1 && (selector.matchExpressions ?? []).length === 0 && onlyExists && relaxed.matchExpressions?.[0].key === pairs[0][0]) {
    return index.workloadsWithLabelNear(namespace, pairs[0][0], pairs[0][1]);
  }
  return index.workloadsMatching(namespace, relaxed).slice(0, HINT_CANDIDATES);
}
