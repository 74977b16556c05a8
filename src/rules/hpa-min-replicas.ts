import { defineRule, type Report } from './define-rule.js';
import { namespaceOf, type ResourceIndex } from '../engine/context.js';
import { getAt } from '../engine/extract.js';
import { stageForNamespace, stageIsConfigured } from '../engine/models.js';
import type { LoadedObject } from '../types.js';
import { budgetOf, hpaMinReplicas, replicaFloor, SCALABLE_KINDS, selectedPods, type Budget } from './utils/disruption.js';
import { describeObject } from './utils/objects.js';
import { servesModel } from './utils/gpus.js';
import type { RunSettings } from '../engine/settings.js';
import type { Path } from '../types.js';

/** How the index names Knative Services (not core Services). */
const KNATIVE_SERVICE = 'Service.serving.knative.dev';
const MIN_SCALE_KEYS = ['autoscaling.knative.dev/min-scale', 'autoscaling.knative.dev/minScale'];

export interface HpaMinReplicasOptions {
  minReplicas: number;
  requireExplicitMinReplicas: boolean;
  noScaleToZeroStages: string[];
}

/** How far above the current minReplicas to look for one that satisfies a PDB (percentages converge fast). */
const SEARCH_LIMIT = 1000;

export default defineRule<HpaMinReplicasOptions>({
  meta: {
    id: 'hpa-min-replicas',
    // Warning: the object is accepted and works as written; what it breaks (a drain, availability during one) depends on the cluster.
    severity: 'warning',
    recommended: true,
    description: 'Autoscaling must not scale a model server to zero, or below what its PodDisruptionBudget needs to allow a drain',
    kinds: ['HorizontalPodAutoscaler', 'InferenceService', 'ScaledObject', KNATIVE_SERVICE],
    remediation: 'Set minReplicas explicitly: at least 1, and above the minAvailable of the PodDisruptionBudget of the workload.',
    docs: {
      why:
        'Autoscalers scale down when traffic is low, and the floor they scale down to decides two failures. At ' +
        'zero replicas the next request waits for a pod to schedule, pull the image and load the model: a cold ' +
        'start of minutes for a large model, on an endpoint that callers expect to answer in milliseconds. At a ' +
        'floor equal to the PodDisruptionBudget\'s `minAvailable`, the budget allows no eviction, so every node ' +
        'drain and node-pool upgrade blocks during quiet hours. An HPA without `minReplicas` silently uses 1.',
      checks:
        'HorizontalPodAutoscalers (`autoscaling/v2`, `v1`): `minReplicas` must be written (unless ' +
        '`requireExplicitMinReplicas` is off), must not be 0, must be at least the `minReplicas` option, and, for ' +
        'each PodDisruptionBudget selecting the pods of the HPA\'s target, must leave at least one pod evictable ' +
        'when the target runs at `minReplicas` (together with the other workloads the PDB selects; a percentage ' +
        '`minAvailable` rounds up, as in Kubernetes). KServe InferenceServices: `spec.predictor.minReplicas: 0` is ' +
        'reported in namespaces whose registry stage (`registry.stageByNamespace`; by default every namespace ' +
        'without "staging" in its name is production) is one of `noScaleToZeroStages`. In the same stages, a KEDA ' +
        '`ScaledObject` whose target in the tree serves a model (declares one, runs a recognised inference server, ' +
        'or asks for GPUs) must not scale it to zero: `minReplicaCount` 0 or unset (KEDA\'s default is 0), or an ' +
        '`idleReplicaCount` of 0; nor may a Knative Service serving a model leave its revision template without ' +
        'an `autoscaling.knative.dev/min-scale` of at least 1 (Knative scales to zero by default). These scale-to-zero ' +
        'findings are warnings when `registry.stageByNamespace` maps the namespace to such a stage, and advice ' +
        '(info) when the stage is only guessed from the namespace\'s name.',
      fix:
        'Write `minReplicas` on every HPA, at least `minAvailable + 1` of the workload\'s PDB (or switch the PDB to ' +
        '`maxUnavailable: 1`); keep `minReplicas: 1` or more on production InferenceServices and scale to zero ' +
        'only in development namespaces.',
      examples: {
        incorrect: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: scorer, namespace: ml }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: scorer }
  maxReplicas: 10
`,
        correct: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: scorer, namespace: ml }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: scorer }
  minReplicas: 2
  maxReplicas: 10
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
          description: 'The lowest acceptable HPA minReplicas (e.g. 2 so a model always has a warm spare).',
        },
        requireExplicitMinReplicas: {
          type: 'boolean',
          description: 'Report an HPA that does not write minReplicas (and so defaults to 1).',
        },
        noScaleToZeroStages: {
          type: 'array',
          items: { type: 'string' },
          description: 'Registry stages (from the namespace) in which a KServe InferenceService must not have predictor minReplicas 0.',
        },
      },
    },
    defaultOptions: { minReplicas: 1, requireExplicitMinReplicas: true, noScaleToZeroStages: ['production'] },
    messages: {
      missing: 'minReplicas is not set, so the HPA scales {{target}} down to 1 replica; write the floor explicitly',
      zero: 'minReplicas 0 is rejected by the API server unless the alpha HPAScaleToZero feature gate is on; where it is on, the HPA may scale {{target}} to zero and the next request waits for a cold start',
      belowMinimum: 'minReplicas {{min}} is below the required minimum of {{minimum}}',
      belowPdb:
        'minReplicas {{min}} lets the HPA scale {{target}} down to where PodDisruptionBudget "{{pdb}}" (minAvailable {{value}}) allows no eviction, blocking node drains; set minReplicas to at least {{required}}',
      kedaScaleToZero:
        '{{field}} lets KEDA scale {{target}} to zero in namespace "{{namespace}}" (stage {{stage}}); the first request after a quiet period waits for a cold start and the model load',
      knativeScaleToZero:
        '{{what}} lets Knative scale the model server to zero in namespace "{{namespace}}" (stage {{stage}}); the first request after a quiet period waits for a cold start and the model load',
      kserveScaleToZero:
        'predictor minReplicas 0 in namespace "{{namespace}}" (stage {{stage}}) lets KServe scale the model to zero; the first request after a quiet period waits for a cold start and the model load',
    },
  },

  check({ object, index, options, settings }) {
    if (object.kind === 'ScaledObject') return checkScaledObject(object, index, options, settings);
    if (object.kind === 'Service') return checkKnative(object, index, options, settings);
    if (object.kind === 'InferenceService') {
      const path = ['spec', 'predictor', 'minReplicas'];
      if (getAt(object.object, path) !== 0) return [];
      const where = noZeroStage(object, options, settings);
      if (!where) return [];
      return [{ messageId: 'kserveScaleToZero', data: { namespace: where.namespace, stage: where.stage }, path, maxSeverity: where.severity }];
    }

    const path = ['spec', 'minReplicas'];
    const written = getAt(object.object, path);
    const min = hpaMinReplicas(object);
    const target = targetOf(object, index);
    const targetText = target ? describeObject(target) : describeTarget(object);
    if (written === 0) return [{ messageId: 'zero', data: { target: targetText }, path, maxSeverity: 'warning' }];

    const reports: Report[] = [];
    const blocked = target ? blockingPdb(object, target, index, min) : undefined;
    if (blocked) {
      reports.push({
        messageId: 'belowPdb',
        data: { min: written === undefined || written === null ? 'unset (1)' : min, target: targetText, pdb: blocked.pdb.name, value: blocked.budget.value.text, required: blocked.required },
        path,
      });
    } else if (min < options.minReplicas) {
      reports.push({ messageId: 'belowMinimum', data: { min, minimum: options.minReplicas }, path });
    } else if ((written === undefined || written === null) && options.requireExplicitMinReplicas) {
      reports.push({ messageId: 'missing', data: { target: targetText }, path, maxSeverity: 'info' });
    }
    return reports;
  },
});

/** The workload the HPA scales, when it is in the linted tree and scalable. */
function targetOf(hpa: LoadedObject, index: ResourceIndex): LoadedObject | undefined {
  const kind = getAt(hpa.object, ['spec', 'scaleTargetRef', 'kind']);
  const name = getAt(hpa.object, ['spec', 'scaleTargetRef', 'name']);
  if (typeof kind !== 'string' || typeof name !== 'string' || !SCALABLE_KINDS.includes(kind)) return undefined;
  const target = index.findFor(hpa, kind, name);
  return target && !index.isRemote(hpa, target) ? target : undefined;
}

function describeTarget(hpa: LoadedObject): string {
  const kind = getAt(hpa.object, ['spec', 'scaleTargetRef', 'kind']);
  const name = getAt(hpa.object, ['spec', 'scaleTargetRef', 'name']);
  return typeof kind === 'string' && typeof name === 'string' ? `${kind} "${name}"` : 'its target';
}

/**
 * The first PDB selecting the target whose minAvailable allows no eviction when the HPA holds the target at
 * `min` replicas, with the smallest minReplicas that would allow one. PDBs no minReplicas can satisfy
 * (minAvailable 100%, maxUnavailable 0) are pdb-allows-disruption's finding, not this one.
 */
function blockingPdb(
  hpa: LoadedObject,
  target: LoadedObject,
  index: ResourceIndex,
  min: number,
): { pdb: LoadedObject; budget: Budget; required: number } | undefined {
  const budgetAt = (pdb: LoadedObject, replicas: number) => {
    const pods = selectedPods(pdb, index, (w) =>
      w.object.id === target.id ? { count: Math.max(1, replicas), source: 'hpa', hpa } : replicaFloor(w, index),
    );
    return pods && pods.total > 0 ? budgetOf(pdb, pods.total) : undefined;
  };
  for (const pdb of index.pdbsFor(target)) {
    if (index.isRemote(target, pdb)) continue;
    const budget = budgetAt(pdb, min);
    if (!budget || budget.field !== 'minAvailable' || budget.allowed > 0) continue;
    for (let r = Math.max(1, min) + 1; r <= Math.max(1, min) + SEARCH_LIMIT; r++) {
      const next = budgetAt(pdb, r);
      if (next && next.allowed > 0) return { pdb, budget, required: r };
    }
  }
  return undefined;
}

/**
 * Whether the namespace's registry stage is one where a model must not scale to zero, and how sure that is:
 * a stage configured in `registry.stageByNamespace` makes scale-to-zero likely wrong (warning); a stage
 * only guessed from the namespace's name (every name without "staging" is production) leaves it advice
 * (info): scaling a sample or a dev model to zero is a deliberate choice.
 */
function noZeroStage(object: LoadedObject, options: HpaMinReplicasOptions, settings: RunSettings): { namespace: string; stage: string; severity: 'warning' | 'info' } | undefined {
  const namespace = namespaceOf(object);
  const stage = stageForNamespace(namespace, settings);
  if (!options.noScaleToZeroStages.includes(stage)) return undefined;
  return { namespace, stage, severity: stageIsConfigured(namespace, settings) ? 'warning' : 'info' };
}

/**
 * A KEDA ScaledObject (keda.sh/v1alpha1): `minReplicaCount` defaults to 0 and `idleReplicaCount` scales an
 * idle target to that count. Reported only for a target in the tree that serves a model.
 * Source: https://keda.sh/docs/latest/reference/scaledobject-spec/
 */
function checkScaledObject(object: LoadedObject, index: ResourceIndex, options: HpaMinReplicasOptions, settings: RunSettings): Report[] {
  const where = noZeroStage(object, options, settings);
  if (!where) return [];
  const name = getAt(object.object, ['spec', 'scaleTargetRef', 'name']);
  const kind = getAt(object.object, ['spec', 'scaleTargetRef', 'kind']) ?? 'Deployment';
  if (typeof name !== 'string' || typeof kind !== 'string') return [];
  const target = index.findFor(object, kind, name);
  if (!target || index.isRemote(object, target)) return [];
  const templates = index.podTemplatesOf(target).filter((t) => t.longRunning && t.servesTraffic);
  if (!templates.some((t) => servesModel(target, t, settings))) return [];
  const data = { target: describeObject(target), namespace: where.namespace, stage: where.stage };
  const maxSeverity = where.severity;
  const min = getAt(object.object, ['spec', 'minReplicaCount']);
  if (min === 0 || min === undefined || min === null) {
    const path: Path = min === undefined || min === null ? ['spec'] : ['spec', 'minReplicaCount'];
    return [{ messageId: 'kedaScaleToZero', data: { ...data, field: min === 0 ? 'minReplicaCount 0' : 'minReplicaCount unset (KEDA default 0)' }, path, maxSeverity }];
  }
  if (getAt(object.object, ['spec', 'idleReplicaCount']) === 0) {
    return [{ messageId: 'kedaScaleToZero', data: { ...data, field: 'idleReplicaCount 0' }, path: ['spec', 'idleReplicaCount'], maxSeverity }];
  }
  return [];
}

/**
 * A Knative Service: revisions scale to zero unless `autoscaling.knative.dev/min-scale` (on the revision
 * template) is at least 1. Source: https://knative.dev/docs/serving/autoscaling/scale-bounds/
 */
function checkKnative(object: LoadedObject, index: ResourceIndex, options: HpaMinReplicasOptions, settings: RunSettings): Report[] {
  const where = noZeroStage(object, options, settings);
  if (!where) return [];
  const template = index.podTemplateOf(object);
  if (!template || !servesModel(object, template, settings)) return [];
  for (const key of MIN_SCALE_KEYS) {
    const value = template.annotations[key];
    if (value === undefined) continue;
    if (/^\s*0*[1-9]\d*\s*$/.test(value)) return [];
    return [{ messageId: 'knativeScaleToZero', data: { what: `${key}: "${value}"`, namespace: where.namespace, stage: where.stage }, path: [...template.metadataPath, 'annotations', key], maxSeverity: where.severity }];
  }
  const annotations = getAt(object.object, [...template.metadataPath, 'annotations']);
  const path: Path = annotations !== undefined ? [...template.metadataPath, 'annotations'] : template.metadataPath;
  return [{ messageId: 'knativeScaleToZero', data: { what: 'no autoscaling.knative.dev/min-scale', namespace: where.namespace, stage: where.stage }, path, maxSeverity: where.severity }];
}
