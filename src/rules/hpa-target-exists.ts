import { defineRule } from './define-rule.js';
import { namespaceOf } from '../engine/context.js';
import { getAt } from '../engine/extract.js';
import { closestString } from './utils/strings.js';
import { SCALABLE_KINDS } from './utils/disruption.js';

export type HpaTargetExistsOptions = Record<string, never>;

/** Built-in kinds with no scale subresource: an HPA pointing at one never scales anything. */
const NOT_SCALABLE = new Set(['DaemonSet', 'Job', 'CronJob', 'Pod', 'Service', 'ConfigMap', 'Secret']);

export default defineRule<HpaTargetExistsOptions>({
  meta: {
    id: 'hpa-target-exists',
    severity: 'error',
    recommended: true,
    description: 'A HorizontalPodAutoscaler must target a workload of that kind and name in its namespace',
    kinds: ['HorizontalPodAutoscaler'],
    remediation: 'Make spec.scaleTargetRef name the kind and name of the Deployment or StatefulSet to scale, in the same namespace.',
    docs: {
      why:
        'An HPA whose `scaleTargetRef` names no workload scales nothing: the API server accepts it, the HPA only ' +
        'reports `FailedGetScale` in its events, and the model server stays at its fixed replica count through the ' +
        'next traffic peak. It happens when a Deployment is renamed or turned into a StatefulSet and the HPA is not.',
      checks:
        'Every HorizontalPodAutoscaler (`autoscaling/v2`, `v2beta2`, `v1`): `spec.scaleTargetRef` must give a ' +
        '`kind` and `name`, and an object of that kind and name must exist in the HPA\'s namespace anywhere in the ' +
        'linted tree. The message names a workload with the same name but another kind, or a name that differs by ' +
        'a typo. A target of a kind that cannot be scaled (DaemonSet, Job, CronJob, Pod) is reported too.',
      fix: 'Correct `scaleTargetRef.kind` and `scaleTargetRef.name`, or move the HPA into the workload\'s namespace.',
      examples: {
        incorrect: `apiVersion: apps/v1
kind: Deployment
metadata: { name: fraud-scorer, namespace: ml }
spec:
  selector: { matchLabels: { app: scorer } }
  template:
    metadata: { labels: { app: scorer } }
    spec:
      containers: [{ name: scorer, image: "fraud-scorer:3.0.1" }]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: fraud-scorer, namespace: ml }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: fraud-scoring }
  minReplicas: 2
  maxReplicas: 10
`,
        correct: `apiVersion: apps/v1
kind: Deployment
metadata: { name: fraud-scorer, namespace: ml }
spec:
  selector: { matchLabels: { app: scorer } }
  template:
    metadata: { labels: { app: scorer } }
    spec:
      containers: [{ name: scorer, image: "fraud-scorer:3.0.1" }]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: fraud-scorer, namespace: ml }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: fraud-scorer }
  minReplicas: 2
  maxReplicas: 10
`,
      },
    },
    optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
    defaultOptions: {},
    messages: {
      noTarget: 'scaleTargetRef must name the kind and name of the workload to scale',
      missing: 'scales {{kind}} "{{name}}", which is not among the linted objects of namespace "{{namespace}}"; unless it is applied from elsewhere, the autoscaler scales nothing',
      typo: 'scales {{kind}} "{{name}}", which is not among the linted objects of namespace "{{namespace}}"; did you mean "{{candidate}}"?',
      wrongKind: 'scales {{kind}} "{{name}}", but "{{name}}" in namespace "{{namespace}}" is a {{actualKind}}',
      notScalable: 'scales {{kind}} "{{name}}", but a {{kind}} has no replica count an HPA could set',
    },
  },

  check({ object, index }) {
    const refPath = ['spec', 'scaleTargetRef'];
    const kind = getAt(object.object, [...refPath, 'kind']);
    const name = getAt(object.object, [...refPath, 'name']);
    if (typeof kind !== 'string' || kind === '') return [{ messageId: 'noTarget', path: [...refPath, 'kind'] }];
    if (typeof name !== 'string' || name === '') return [{ messageId: 'noTarget', path: [...refPath, 'name'] }];
    const namespace = namespaceOf(object);
    const data = { kind, name, namespace };
    if (NOT_SCALABLE.has(kind)) return [{ messageId: 'notScalable', data, path: [...refPath, 'kind'] }];
    if (index.find(kind, namespace, name)) return [];

    // Evidence from the same directory only (no namespace, other files: a folder of samples) is a hint for a
    // warning; the same file, render or named namespace makes it certain (see ResourceIndex.isClose).
    const otherKind = SCALABLE_KINDS.map((k) => index.findFor(object, k, name)).find((o) => o !== undefined && !index.isRemote(object, o));
    if (otherKind) {
      const certain = index.isClose(object, otherKind);
      return [{ messageId: 'wrongKind', data: { ...data, actualKind: otherKind.kind }, path: [...refPath, 'kind'], ...(certain ? {} : { maxSeverity: 'warning' as const }) }];
    }
    const candidate = closestString(name, index.namesNearFor(object, kind, name));
    if (candidate) {
      const certain = index.hasCloseNamed(object, kind, candidate);
      return [{ messageId: 'typo', data: { ...data, candidate }, path: [...refPath, 'name'], ...(certain ? {} : { maxSeverity: 'warning' as const }) }];
    }
    // The target may be applied from elsewhere (another repository, an operator): likely wrong, not certain.
    return [{ messageId: 'missing', data, path: [...refPath, 'name'], maxSeverity: 'warning' }];
  },
});
