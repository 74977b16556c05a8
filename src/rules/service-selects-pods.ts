import { defineRule } from './define-rule.js';
import { namespaceOf, serviceSelectorOf } from '../engine/context.js';
import { selectorValues } from '../engine/selector.js';
import { describeObject } from './utils/objects.js';
import { describeSelector, workloadSelectorMiss } from './utils/selector-hints.js';
import { operatorMayCreate } from './utils/operator-made.js';

export type ServiceSelectsPodsOptions = Record<string, never>;

export default defineRule<ServiceSelectsPodsOptions>({
  meta: {
    id: 'service-selects-pods',
    severity: 'error',
    recommended: true,
    description: 'A Service selector must match the pod template labels of a workload in its namespace',
    kinds: ['Service'],
    remediation: 'Make the Service selector equal to (a subset of) the pod template labels of the workload it fronts, in the same namespace.',
    docs: {
      why:
        'A Service whose selector matches no pod gets no endpoints: every request to it fails (connection refused, ' +
        'or a 503 from the Ingress) while `kubectl apply` reports success. A one-letter typo in a label value, a ' +
        'label only added to the Deployment\'s own metadata instead of its pod template, or a Service in another ' +
        'namespace than its pods are the usual causes, and nothing in the cluster flags them.',
      checks:
        'Every Service with a non-empty `spec.selector` (not `type: ExternalName`; Services without a selector use ' +
        'manually managed Endpoints and are skipped) must match the pod template labels of at least one workload ' +
        '(Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod, KServe InferenceService) in its ' +
        'namespace, anywhere in the linted tree. Labels that controllers add at run time (' +
        '`statefulset.kubernetes.io/pod-name`, `pod-template-hash`, `controller-revision-hash`, …) are ignored. ' +
        'A namespace where the linted tree runs no workload at all is managed elsewhere and not reported. ' +
        'The finding points at the selector value that is off and names the closest workload: one that differs in ' +
        'a single label value (a typo) or lacks a single label, or that matches in another namespace (an error when ' +
        'the Service names its namespace; a warning when it names none, since it lands where it is applied). ' +
        'Not judged when a custom resource in scope may make the pods (mllint cannot see what an operator it does not ' +
        'model creates): a label map inside its `spec` carries one of the selected labels (an aibrix RayClusterFleet\'s ' +
        'nested template), or a selected key lives in its API domain (`cnpg.io/cluster` and a CloudNativePG Cluster), or a selected key names its kind (`storm-service-name`, `redisfailovers-role`). ' +
        'Nor when nothing matches and a file next to it was not linted — a Go or `${…}` template whose text has every selected value, or an unrendered Helm chart whose name is in one — in its directory or, below the top level, anywhere under the parent directory: that file may define what is missing (mllint reports the skipped file itself).',
      fix: 'Correct the selector (or the pod template labels) so that they agree, and keep the Service in the namespace of its pods.',
      examples: {
        incorrect: `apiVersion: apps/v1
kind: Deployment
metadata: { name: fraud-scorer, namespace: ml }
spec:
  selector: { matchLabels: { app: fraud-scorer } }
  template:
    metadata: { labels: { app: fraud-scorer } }
    spec:
      containers: [{ name: scorer, image: "fraud-scorer:3.0.1" }]
---
apiVersion: v1
kind: Service
metadata: { name: fraud-scorer, namespace: ml }
spec:
  selector: { app: fraud-scorrer }
  ports: [{ port: 80, targetPort: 8080 }]
`,
        correct: `apiVersion: apps/v1
kind: Deployment
metadata: { name: fraud-scorer, namespace: ml }
spec:
  selector: { matchLabels: { app: fraud-scorer } }
  template:
    metadata: { labels: { app: fraud-scorer } }
    spec:
      containers: [{ name: scorer, image: "fraud-scorer:3.0.1" }]
---
apiVersion: v1
kind: Service
metadata: { name: fraud-scorer, namespace: ml }
spec:
  selector: { app: fraud-scorer }
  ports: [{ port: 80, targetPort: 8080 }]
`,
      },
    },
    optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
    defaultOptions: {},
    messages: {
      noMatch: 'selector {{selector}} matches the pod labels of no linted workload in namespace "{{namespace}}"; unless its pods come from elsewhere (an operator, another repository), the Service has no endpoints',
      valueDiffers:
        'selector {{key}}={{expected}} matches no workload in namespace "{{namespace}}"; closest: {{workload}} has pods labelled {{key}}={{actual}}',
      labelMissing:
        'selector {{selector}} matches no workload in namespace "{{namespace}}"; closest: {{workload}}, whose pods lack the label {{key}}={{expected}}',
      otherNamespace:
        'selector {{selector}} matches no workload in namespace "{{namespace}}", only {{workload}} in namespace "{{other}}"; a Service selects pods of its own namespace',
      otherNamespaceUnset:
        'selector {{selector}} matches only {{workload}}, in namespace "{{other}}"; the Service names no namespace, so unless it is applied to "{{other}}" it selects no pods',
    },
  },

  check({ object, index }) {
    const selector = serviceSelectorOf(object);
    if (!selector || index.workloadsForService(object).length > 0) return [];
    const namespace = namespaceOf(object);
    // Pods an operator makes from a custom resource here (its nested template carries the labels).
    if (operatorMayCreate(index, [namespace], selector, object)) return [];
    const text = describeSelector(selector);

    const miss = workloadSelectorMiss(index, object, namespace, selector, ['spec', 'selector'], text);
    if (miss) return [miss];

    // Nothing matches in the Service's namespace, so any match is in another one.
    const elsewhere = index.workloadsMatchingAnywhere(selector, 1)[0];
    if (elsewhere) {
      const other = namespaceOf(elsewhere.object);
      // Without metadata.namespace the Service lands where it is applied (`kubectl -n`, the deploying tool):
      // likely wrong, not certain.
      const unset = object.namespace === undefined;
      return [{
        messageId: unset ? 'otherNamespaceUnset' : 'otherNamespace',
        data: { selector: text, namespace, other, workload: describeObject(elsewhere.object) },
        path: ['metadata', unset ? 'name' : 'namespace'],
        fix: `Put the Service in namespace "${other}", next to its pods.`,
        ...(unset ? { maxSeverity: 'warning' as const } : {}),
      }];
    }
    // A namespace where the linted tree runs no workload at all is managed elsewhere (istio-system, an
    // operator's namespace): nothing says the pods are missing.
    if (index.workloadsInNamespace(namespace).length === 0) return [];
    // A template or unrendered chart nearby was not linted: it may hold the pods.
    if (index.unlintedNear(object, selectorValues(selector)) !== undefined) return [];
    // Pods may come from elsewhere (operators, other repositories): likely wrong, not certain.
    return [{ messageId: 'noMatch', data: { selector: text, namespace }, path: ['spec', 'selector'], maxSeverity: 'warning' }];
  },
});
