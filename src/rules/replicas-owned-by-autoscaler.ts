import { defineRule } from './define-rule.js';
import { namespaceOf } from '../engine/context.js';
import { getAt } from '../engine/extract.js';
import type { LoadedObject } from '../types.js';
import type { ResourceIndex } from '../engine/context.js';
import { SCALABLE_KINDS } from './utils/disruption.js';

export type ReplicasOwnedByAutoscalerOptions = Record<string, never>;

/**
 * KEDA ScaledObjects (keda.sh/v1alpha1) scale their target through an HPA that KEDA creates; the target
 * kind defaults to Deployment (KEDA docs, "Scaling Deployments, StatefulSets & Custom Resources").
 */
function scaledObjectsFor(object: LoadedObject, index: ResourceIndex): LoadedObject[] {
  const all = index.byKind('ScaledObject').filter((so) => {
    if (!String(so.apiVersion).startsWith('keda.sh/')) return false;
    const kind = getAt(so.object, ['spec', 'scaleTargetRef', 'kind']) ?? 'Deployment';
    return kind === object.kind && getAt(so.object, ['spec', 'scaleTargetRef', 'name']) === object.name && namespaceOf(so) === namespaceOf(object);
  });
  return index.nearest(object, all, (so) => so);
}

export default defineRule<ReplicasOwnedByAutoscalerOptions>({
  meta: {
    id: 'replicas-owned-by-autoscaler',
    severity: 'warning',
    recommended: true,
    description: 'A workload that sets spec.replicas while an HPA or KEDA ScaledObject scales it: every apply or GitOps sync resets the scale',
    kinds: SCALABLE_KINDS,
    remediation: 'Remove spec.replicas from the manifest (and from the values or kustomization that sets it); the autoscaler owns the replica count.',
    docs: {
      why:
        'With an autoscaler, the replica count is the autoscaler\'s to set. A manifest that also writes ' +
        '`spec.replicas` sets it back every time the object is applied: each Argo CD or Flux sync (and each ' +
        '`kubectl apply`) drops a service scaled out to 12 pods for a traffic peak back to the 2 written in ' +
        'Git, until the HPA notices and scales up again; with Argo CD auto-sync and self-heal it keeps fighting ' +
        'the HPA. The Kubernetes documentation asks to remove `spec.replicas` from manifests of HPA-scaled ' +
        'workloads for this reason.',
      checks:
        'Every kind with a scale subresource (the workload-kinds table: Deployment, StatefulSet, ReplicaSet, Argo ' +
        'Rollout, LeaderWorkerSet, …) with a numeric `spec.replicas` (as rendered: ' +
        'from a Helm values file, a kustomize `replicas:` entry or a patch) that a HorizontalPodAutoscaler or a ' +
        'KEDA ScaledObject in the same namespace targets (kind and name of `scaleTargetRef`; KEDA defaults the ' +
        'kind to Deployment). Not reported when the HPA\'s minReplicas and maxReplicas both equal the replicas ' +
        'written (nothing to reset).',
      fix:
        'Delete `spec.replicas` (in a chart, render it only when autoscaling is off: `{{- if not .Values.autoscaling.enabled }}`). ' +
        'If it must stay, tell Argo CD to leave it alone: `ignoreDifferences` on `/spec/replicas` with the sync option ' +
        '`RespectIgnoreDifferences=true`, and silence this finding with `mllint.io/ignore: replicas-owned-by-autoscaler`.',
      examples: {
        incorrect: `apiVersion: apps/v1
kind: Deployment
metadata: { name: fraud-scorer, namespace: ml }
spec:
  replicas: 2
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
      hpa: 'sets replicas: {{replicas}} while HorizontalPodAutoscaler "{{scaler}}"{{where}} scales this {{kind}} ({{min}}–{{max}}): every apply or sync resets it to {{replicas}}',
      keda: 'sets replicas: {{replicas}} while KEDA ScaledObject "{{scaler}}"{{where}} scales this {{kind}}: every apply or sync resets it to {{replicas}}',
    },
  },

  check({ object, index }) {
    const replicas = getAt(object.object, ['spec', 'replicas']);
    if (typeof replicas !== 'number') return [];
    if (!index.kinds.isScalable(object.kind, object.apiVersion)) return [];
    // An autoscaler tied to the workload only by the rest of the tree (no namespace, another folder) is no evidence.
    const hpa = index.hpasFor(object).find((h) => !index.isRemote(object, h));
    if (hpa) {
      const min = getAt(hpa.object, ['spec', 'minReplicas']);
      const max = getAt(hpa.object, ['spec', 'maxReplicas']);
      const minValue = typeof min === 'number' ? min : 1;
      if (minValue === replicas && max === replicas) return [];
      return [{ messageId: 'hpa', data: { replicas, scaler: hpa.name, where: index.whereIs(object, hpa), kind: object.kind, min: minValue, max: typeof max === 'number' ? max : '?' }, path: ['spec', 'replicas'] }];
    }
    const scaled = scaledObjectsFor(object, index).find((so) => !index.isRemote(object, so));
    if (scaled) return [{ messageId: 'keda', data: { replicas, scaler: scaled.name, where: index.whereIs(object, scaled), kind: object.kind }, path: ['spec', 'replicas'] }];
    return [];
  },
});
