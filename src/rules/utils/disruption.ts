/**
 * Pod-disruption arithmetic shared by the PDB and HPA rules, computed as the Kubernetes disruption
 * controller does: `minAvailable`/`maxUnavailable` are integers or percentages of the expected pods,
 * scaled with rounding up (`intstr.GetScaledValueFromIntOrPercent(…, roundUp=true)`), and a drain may evict
 * a pod only while `disruptionsAllowed = healthy − desiredHealthy` is above zero.
 */
import type { LoadedObject } from '../../types.js';
import { usesRuntimeLabels, type ResourceIndex, type Workload } from '../../engine/context.js';
import { getAt } from '../../engine/extract.js';
import { toLabelSelector } from '../../engine/selector.js';
import { WORKLOAD_KINDS_TABLE } from '../../knowledge/workload-kinds.js';

export interface IntOrPercent {
  type: 'int' | 'percent';
  /** The integer, or the percentage (0–100). */
  value: number;
  /** As written, for messages (`2`, `"50%"`). */
  text: string;
}

/**
 * An IntOrString field as the API server accepts it for a PDB: a non-negative integer or `"N%"` with
 * 0 ≤ N ≤ 100. Anything else (a string such as `"2"`, `"50.5%"`, a negative number) is undefined: that is
 * schema-valid's finding, not a budget.
 */
export function parseIntOrPercent(value: unknown): IntOrPercent | undefined {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 0 ? { type: 'int', value, text: String(value) } : undefined;
  }
  if (typeof value === 'string') {
    const match = /^(\d{1,3})%$/.exec(value.trim());
    if (match && Number(match[1]) <= 100) return { type: 'percent', value: Number(match[1]), text: `"${value}"` };
  }
  return undefined;
}

/** The value for `total` pods: an integer as is, a percentage of `total` rounded up (as Kubernetes does for PDBs). */
export function scaledValue(value: IntOrPercent, total: number): number {
  return value.type === 'int' ? value.value : Math.ceil((value.value * total) / 100);
}

/** Whether the value is zero (`0` or `"0%"`). */
export function isZero(value: IntOrPercent): boolean {
  return value.value === 0;
}

/** An HPA's `spec.minReplicas`: the number written, or 1 (the API default) when it is missing or not a number. */
export function hpaMinReplicas(hpa: LoadedObject): number {
  const raw = getAt(hpa.object, ['spec', 'minReplicas']);
  return typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 ? raw : 1;
}

/** Kinds whose replica count an HPA drives through the scale subresource (the workload-kind table's `hpa` autoscaler). */
export const SCALABLE_KINDS: readonly string[] = WORKLOAD_KINDS_TABLE.filter((d) => d.autoscalers?.includes('hpa')).map((d) => d.kind);

export interface ReplicaFloor {
  /** The fewest pods the workload runs in normal operation. */
  count: number;
  /** Where the number comes from, for messages. */
  source: 'replicas' | 'default' | 'hpa' | 'pod' | 'kserve';
  /** The HPA whose minReplicas sets the floor, when one targets the workload. */
  hpa?: LoadedObject;
}

/**
 * The fewest pods a workload runs outside a rollout: the minReplicas of the HPA that scales it (at least 1),
 * else `spec.replicas` (default 1); a bare Pod is 1; a KServe InferenceService its predictor's minReplicas
 * (at least 1). Undefined when the count depends on the cluster or on time (DaemonSet, Job, CronJob).
 */
export function replicaFloor(workload: Workload, index: ResourceIndex): ReplicaFloor | undefined {
  const { object, template } = workload;
  if (index.kinds.isScalable(object.kind, object.apiVersion)) {
    const hpa = index.hpaFor(object);
    if (hpa && !index.isRemote(object, hpa)) return { count: Math.max(1, hpaMinReplicas(hpa)), source: 'hpa', hpa };
  }
  if (object.kind === 'Pod') return { count: 1, source: 'pod' };
  if (object.kind === 'InferenceService') return { count: Math.max(1, template.replicas ?? 1), source: 'kserve' };
  if (template.replicas === undefined) return undefined;
  return { count: template.replicas, source: template.replicasPath !== undefined ? 'replicas' : 'default' };
}

/** `Deployment "scorer" (3 replicas)`, `Deployment "scorer" (2, the minReplicas of HPA "scorer")`. */
export function describeFloor(workload: Workload, floor: ReplicaFloor): string {
  const what = `${workload.object.kind} "${workload.object.name}"`;
  switch (floor.source) {
    case 'hpa':
      return `${what} (${floor.count}, the minReplicas of HPA "${floor.hpa?.name ?? ''}")`;
    case 'kserve':
      return `${what} (minReplicas ${floor.count})`;
    case 'pod':
      return `${what} (1 pod)`;
    case 'default':
      return `${what} (1 replica by default)`;
    default:
      return `${what} (${floor.count} replica${floor.count === 1 ? '' : 's'})`;
  }
}

export interface SelectedPods {
  /** Sum of the replica floors of every selected workload. */
  total: number;
  /** The workloads with their counts, for messages. */
  description: string;
}

/**
 * The pods a PDB protects at the workloads' floors. Undefined when it selects no workload, one whose
 * count cannot be known statically (DaemonSet, Job, CronJob), or individual pods by run-time labels
 * (`statefulset.kubernetes.io/pod-name`). `floorOf` lets a caller try another floor for one workload
 * (e.g. a proposed HPA minReplicas).
 */
export function selectedPods(
  pdb: LoadedObject,
  index: ResourceIndex,
  floorOf: (workload: Workload) => ReplicaFloor | undefined = (w) => replicaFloor(w, index),
): SelectedPods | undefined {
  const workloads = index.workloadsForPdb(pdb).filter((w) => !index.isRemote(pdb, w.object));
  if (workloads.length === 0 || usesRuntimeLabels(toLabelSelector(getAt(pdb.object, ['spec', 'selector'])))) return undefined;
  let total = 0;
  const parts: string[] = [];
  for (const workload of workloads) {
    const floor = floorOf(workload);
    if (!floor) return undefined;
    total += floor.count;
    parts.push(describeFloor(workload, floor));
  }
  parts.sort();
  const shown = parts.length > 3 ? [...parts.slice(0, 3), `${parts.length - 3} more`] : parts;
  return { total, description: shown.join(', ') };
}

export interface Budget {
  field: 'minAvailable' | 'maxUnavailable';
  value: IntOrPercent;
  /** Pods that must stay available (desiredHealthy). */
  needed: number;
  /** Pods a drain may evict while all are healthy (disruptionsAllowed). */
  allowed: number;
}

/**
 * The budget of a PDB for `total` healthy pods. `maxUnavailable` wins when both are written, as in the
 * disruption controller (the API rejects that anyway). Undefined when neither holds a valid value.
 */
export function budgetOf(pdb: LoadedObject, total: number): Budget | undefined {
  const maxUnavailable = parseIntOrPercent(getAt(pdb.object, ['spec', 'maxUnavailable']));
  if (maxUnavailable) {
    const allowed = Math.min(total, scaledValue(maxUnavailable, total));
    return { field: 'maxUnavailable', value: maxUnavailable, needed: total - allowed, allowed };
  }
  const minAvailable = parseIntOrPercent(getAt(pdb.object, ['spec', 'minAvailable']));
  if (minAvailable) {
    const needed = scaledValue(minAvailable, total);
    return { field: 'minAvailable', value: minAvailable, needed, allowed: Math.max(0, total - needed) };
  }
  return undefined;
}
