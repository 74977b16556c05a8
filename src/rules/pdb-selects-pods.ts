import { defineRule } from './define-rule.js';
import { namespaceOf, usesRuntimeLabels, withoutRuntimeLabels } from '../engine/context.js';
import { getAt } from '../engine/extract.js';
import { isEmptySelector, namesLabelValue, toLabelSelector } from '../engine/selector.js';
import { isPlainObject } from '../loaders/objects.js';
import { operatorMayCreate } from './utils/operator-made.js';
import { describeSelector, workloadSelectorMiss } from './utils/selector-hints.js';
import { describeObject } from './utils/objects.js';

export type PdbSelectsPodsOptions = Record<string, never>;

export default defineRule<PdbSelectsPodsOptions>({
  meta: {
    id: 'pdb-selects-pods',
    // Warning: the object is accepted and works as written; what it breaks (a drain, availability during one) depends on the cluster.
    severity: 'warning',
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
        'Every PodDisruptionBudget (one in a namespace where the linted tree runs no workload at all is managed ' +
        'elsewhere and not reported): `spec.selector` must be present, and must match the pod template labels of at ' +
        'least one workload (Deployment, StatefulSet, ReplicaSet, DaemonSet, Job, CronJob, Pod, KServe ' +
        'InferenceService) in the same namespace anywhere in the linted tree (`matchLabels` and ' +
        '`matchExpressions`). In `policy/v1` an empty selector (`selector: {}`) selects every pod of the ' +
        'namespace; in `policy/v1beta1` it selects none. Labels that controllers add to pods at run time ' +
        '(`statefulset.kubernetes.io/pod-name`, `pod-template-hash`…) are in no template: they are left out of ' +
        'the match, and a selector of only such labels is not checked. The message names the closest workload: ' +
        'one that misses the selector by one label (a typo in a value, a label missing), or one in another ' +
        'namespace that the selector does match. ' +
        'Not judged when a custom resource in scope may make the pods (mllint cannot see what an operator it does not ' +
        'model creates): a label map inside its `spec` carries one of the selected labels (an aibrix RayClusterFleet\'s ' +
        'nested template), or a selected key lives in its API domain (`cnpg.io/cluster` and a CloudNativePG Cluster), or a selected key names its kind (`storm-service-name`, `redisfailovers-role`).',
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
      noMatch: 'selector {{selector}} matches the pod labels of no linted workload in namespace "{{namespace}}"; unless its pods come from elsewhere (an operator, another repository), the budget protects nothing',
      valueDiffers:
        'selector {{key}}={{expected}} matches no workload in namespace "{{namespace}}"; closest: {{workload}} has pods labelled {{key}}={{actual}}',
      labelMissing:
        'selector {{selector}} matches no workload in namespace "{{namespace}}"; closest: {{workload}}, whose pods lack the label {{key}}={{expected}}',
      otherNamespace:
        'selector {{selector}} matches no workload in namespace "{{namespace}}", only {{workload}} in namespace "{{other}}"; a PodDisruptionBudget protects pods of its own namespace',
      otherNamespaceUnset:
        'selector {{selector}} matches only {{workload}}, in namespace "{{other}}"; the budget names no namespace, so unless it is applied to "{{other}}" it protects nothing',
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
    if (operatorMayCreate(index, [namespace], matchable, object)) return [];
    const text = describeSelector(selector) || '{}';
    const miss = workloadSelectorMiss(index, object, namespace, matchable, [...selectorPath, 'matchLabels'], text);
    if (miss) return [miss];

    // Nothing matches in the PDB's namespace, so any match is in another one.
    const elsewhere = !namesLabelValue(matchable) ? undefined : index.workloadsMatchingAnywhere(matchable, 1)[0];
    if (elsewhere) {
      const other = namespaceOf(elsewhere.object);
      // Without metadata.namespace the budget lands where it is applied: likely wrong, not certain.
      const unset = object.namespace === undefined;
      return [{
        messageId: unset ? 'otherNamespaceUnset' : 'otherNamespace',
        data: { selector: text, namespace, other, workload: describeObject(elsewhere.object) },
        path: ['metadata', unset ? 'name' : 'namespace'],
        fix: `Put the PodDisruptionBudget in namespace "${other}", next to the pods it protects.`,
        ...(unset ? { maxSeverity: 'warning' as const } : {}),
      }];
    }
    // Pods may come from elsewhere (operators, other repositories): likely wrong, not certain.
    // A namespace where the linted tree runs no workload at all is managed elsewhere: nothing says the pods are missing.
    if (index.workloadsInNamespace(namespace).length === 0) return [];
    return [{ messageId: 'noMatch', data: { selector: text, namespace }, path: selectorPath, maxSeverity: 'warning' }];
  },
});

