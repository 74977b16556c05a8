/**
 * Scheduling semantics, after the kube-scheduler: node selector requirements (`In`, `NotIn`, `Exists`,
 * `DoesNotExist`, `Gt`, `Lt`), taints and tolerations, and the resources a pod requests.
 */
import type { ContainerRef, PodTemplate } from '../../engine/extract.js';
import { isPlainObject } from '../../loaders/objects.js';
import type { Taint } from '../../engine/settings.js';
import type { Path } from '../../types.js';
import { parseQuantity } from './quantity.js';
import { resourceOf } from './serving.js';
import { selectorMatches } from '../../engine/selector.js';

export interface NodeRequirement {
  key: string;
  operator: string;
  values: string[];
}

/** A `NodeSelectorRequirement` against a node's labels (Kubernetes semantics; unknown operators match nothing). */
export function nodeRequirementMatches(req: NodeRequirement, labels: Readonly<Record<string, string>>): boolean {
  if (req.operator === 'Gt' || req.operator === 'Lt') {
    if (!Object.prototype.hasOwnProperty.call(labels, req.key) || req.values.length !== 1) return false;
    const label = parseInteger(labels[req.key]);
    const bound = parseInteger(req.values[0]);
    if (label === undefined || bound === undefined) return false;
    return req.operator === 'Gt' ? label > bound : label < bound;
  }
  return selectorMatches({ matchExpressions: [req] }, labels); // In, NotIn, Exists, DoesNotExist
}

function parseInteger(value: string | undefined): number | undefined {
  if (value === undefined || !/^[+-]?\d+$/.test(value.trim())) return undefined;
  return Number(value);
}

/** `accelerator In [a, b]` in the words of a message. */
export function describeRequirement(req: NodeRequirement): string {
  switch (req.operator) {
    case 'In':
      return req.values.length === 1 ? `${req.key}=${req.values[0]}` : `${req.key} in (${req.values.join(', ')})`;
    case 'NotIn':
      return `${req.key} not in (${req.values.join(', ')})`;
    case 'Exists':
      return `label ${req.key}`;
    case 'DoesNotExist':
      return `no label ${req.key}`;
    case 'Gt':
      return `${req.key} > ${req.values[0] ?? '?'}`;
    case 'Lt':
      return `${req.key} < ${req.values[0] ?? '?'}`;
    default:
      return `${req.key} ${req.operator} (${req.values.join(', ')})`;
  }
}

export interface Toleration {
  key: string;
  operator: string;
  value: string;
  effect: string;
}

/** The pod's tolerations, read defensively (malformed entries are dropped). */
export function tolerationsOf(podSpec: Record<string, unknown>): Toleration[] {
  const raw = podSpec.tolerations;
  if (!Array.isArray(raw)) return [];
  return raw.filter(isPlainObject).map((t) => ({
    key: typeof t.key === 'string' ? t.key : '',
    operator: typeof t.operator === 'string' && t.operator !== '' ? t.operator : 'Equal',
    value: t.value === undefined || t.value === null ? '' : String(t.value),
    effect: typeof t.effect === 'string' ? t.effect : '',
  }));
}

/** Kubernetes `Toleration.ToleratesTaint`: effect, key (empty key + Exists tolerates everything), operator. */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect !== '' && toleration.effect !== taint.effect) return false;
  if (toleration.key !== '' && toleration.key !== taint.key) return false;
  if (toleration.operator === 'Exists') return true;
  if (toleration.operator === 'Equal') return toleration.key !== '' && toleration.value === (taint.value ?? '');
  return false;
}

/** `nvidia.com/gpu=present:NoSchedule`. */
export function describeTaint(taint: Taint): string {
  return `${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect}`;
}

export interface ResourceRequest {
  /** Total the scheduler sees, in base units (cores, bytes, devices). */
  amount: number;
  /** The container request that contributes most, for the finding's position. */
  path: Path;
  container: ContainerRef;
}

/**
 * What a container requests for a resource: `requests`, else `limits` (Kubernetes defaults a missing
 * request to the limit). An invalid quantity counts as no request (schema-valid reports it).
 */
export function containerRequest(ref: ContainerRef, resource: string): { amount: number; path: Path } | undefined {
  for (const section of ['requests', 'limits'] as const) {
    const read = resourceOf(ref, section, resource);
    if (read.state === 'invalid') return undefined;
    if (read.state === 'set') return { amount: read.value, path: [...ref.path, 'resources', section, resource] };
  }
  return undefined;
}

function resourceNames(ref: ContainerRef): string[] {
  const resources = ref.container.resources;
  if (!isPlainObject(resources)) return [];
  const names = new Set<string>();
  for (const field of ['requests', 'limits']) {
    const map = resources[field];
    if (isPlainObject(map)) for (const name of Object.keys(map)) names.add(name);
  }
  return [...names];
}

/**
 * The pod's effective requests, as the scheduler computes them: the sum over app containers (and
 * sidecar init containers, `restartPolicy: Always`), or the largest regular init container (plus the
 * sidecars started before it) when that is larger, plus `overhead`. Ephemeral containers request nothing.
 */
export function podRequests(template: PodTemplate): Map<string, ResourceRequest> {
  const out = new Map<string, ResourceRequest>();
  const refs = template.containers.filter((c) => c.type !== 'ephemeralContainer');
  const names = new Set(refs.flatMap(resourceNames));
  for (const resource of names) {
    let sum = 0;
    let sidecars = 0;
    let initPeak = 0;
    let best: { amount: number; path: Path; container: ContainerRef } | undefined;
    for (const ref of refs) {
      const request = containerRequest(ref, resource);
      if (!request) continue;
      if (!best || request.amount > best.amount) best = { ...request, container: ref };
      const sidecar = ref.type === 'initContainer' && ref.container.restartPolicy === 'Always';
      if (ref.type === 'container') sum += request.amount;
      else if (sidecar) sidecars += request.amount;
      else initPeak = Math.max(initPeak, sidecars + request.amount);
    }
    if (!best) continue;
    const overhead = isPlainObject(template.podSpec.overhead) ? parseQuantity(template.podSpec.overhead[resource]) ?? 0 : 0;
    const amount = Math.max(sum + sidecars, initPeak) + overhead;
    if (amount > 0) out.set(resource, { amount, path: best.path, container: best.container });
  }
  return out;
}

/** Extended resources (`nvidia.com/gpu`) are fully qualified names; a node without one has none of it. */
export function isExtendedResource(resource: string): boolean {
  return resource.includes('/') && !resource.startsWith('kubernetes.io/');
}
