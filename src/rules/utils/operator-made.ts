/**
 * Pods and Services that an operator may create from a custom resource in the tree. mllint models the
 * controllers it knows (knowledge/workload-kinds.ts); for any other custom resource (an aibrix
 * RayClusterFleet, a CloudNativePG Cluster, a Dynamo graph, a Strimzi Kafka) the objects its operator creates
 * are invisible, so a selector that matches none of the linted pods may well match those. Evidence that it
 * does, per custom resource in the selector's namespace:
 * - a label map written inside the resource's `spec` (a pod template of the operator's own shape) carries one of
 *   the selector's `matchLabels` pairs (`model.aibrix.ai/name: qwen` in a RayClusterFleet's nested template);
 * - a selector key lives in the resource's API domain: its prefix is the resource's group or a parent domain of
 *   it (`cnpg.io/cluster` and a `postgresql.cnpg.io` Cluster; `nvidia.com/dynamo-component` and a `nvidia.com`
 *   DynamoGraphDeployment). Operators label what they create under their own domain;
 * - a selector key names the resource's kind (`storm-service-name` and a StormService, `redisfailovers-role` and
 *   a Spotahome RedisFailover).
 * Kinds that only select or configure (monitors, routes, policies, certificates) and kinds mllint models as
 * workloads are not evidence. Built once per index; bounded walk per resource.
 */
import { namespaceOf, type ResourceIndex } from '../../engine/context.js';
import { podTemplatesOf } from '../../engine/extract.js';
import type { LabelSelector } from '../../engine/selector.js';
import { isPlainObject } from '../../loaders/objects.js';
import type { LoadedObject } from '../../types.js';

/** API groups whose kinds select or configure other objects and never create pods or Services themselves. */
const NOT_CREATORS = [
  'monitoring.coreos.com', 'monitoring.googleapis.com', 'monitoring.gke.io', 'cert-manager.io', 'networking.istio.io',
  'security.istio.io', 'telemetry.istio.io', 'keda.sh', 'autoscaling.k8s.io', 'networking.gke.io', 'cloud.google.com',
  'kyverno.io', 'templates.gatekeeper.sh', 'constraints.gatekeeper.sh', 'external-secrets.io', 'bitnami.com',
];

/** Walk limits per resource: nesting depth and visited nodes. */
const MAX_DEPTH = 16;
const MAX_NODES = 20_000;

interface Evidence {
  object: LoadedObject;
  group: string;
  /** `key\u0000value` of every label written in a label map inside `spec`. */
  pairs: Set<string>;
}

const perIndex = new WeakMap<ResourceIndex, Map<string, Evidence[]>>();

function evidenceByNamespace(index: ResourceIndex): Map<string, Evidence[]> {
  let byNs = perIndex.get(index);
  if (byNs) return byNs;
  byNs = new Map();
  for (const object of index.objects) {
    const slash = object.apiVersion.indexOf('/');
    const group = slash === -1 ? '' : object.apiVersion.slice(0, slash);
    if (!group.includes('.') || group.endsWith('.k8s.io') && !group.endsWith('.x-k8s.io') || NOT_CREATORS.includes(group)) continue;
    if (object.kind === 'CustomResourceDefinition' || podTemplatesOf(object.object, index.kinds).length > 0) continue;
    const pairs = new Set<string>();
    collectLabelPairs(object.object.spec, pairs);
    const ns = namespaceOf(object);
    const list = byNs.get(ns);
    const evidence = { object, group, pairs };
    if (list) list.push(evidence);
    else byNs.set(ns, [evidence]);
  }
  perIndex.set(index, byNs);
  return byNs;
}

function collectLabelPairs(root: unknown, pairs: Set<string>): void {
  const stack: Array<[unknown, number]> = [[root, 0]];
  let visited = 0;
  while (stack.length > 0 && visited < MAX_NODES) {
    const [node, depth] = stack.pop()!;
    visited++;
    if (depth > MAX_DEPTH) continue;
    if (Array.isArray(node)) {
      for (const item of node) stack.push([item, depth + 1]);
      continue;
    }
    if (!isPlainObject(node)) continue;
    for (const [key, value] of Object.entries(node)) {
      // A selector names labels of other objects, not labels this resource's objects carry.
      if (key === 'selector' || key === 'matchLabels' || key === 'nodeSelector') continue;
      if (key === 'labels' && isPlainObject(value)) {
        for (const [k, v] of Object.entries(value)) {
          if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') pairs.add(`${k}\u0000${String(v)}`);
        }
        continue;
      }
      stack.push([value, depth + 1]);
    }
  }
}

/** `storm-service-name` → `stormservicename`: lower case, letters and digits only. */
function squash(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** `cnpg.io` for `cnpg.io/cluster`; undefined for unprefixed keys and the Kubernetes project's own prefixes. */
function keyDomain(key: string): string | undefined {
  const slash = key.indexOf('/');
  if (slash <= 0) return undefined;
  const domain = key.slice(0, slash);
  if (!domain.includes('.') || domain.endsWith('kubernetes.io') || domain.endsWith('k8s.io')) return undefined;
  return domain;
}

function sameDomain(group: string, domain: string): boolean {
  return group === domain || group.endsWith(`.${domain}`) || domain.endsWith(`.${group}`);
}

/**
 * A custom resource in one of `namespaces` (every namespace when undefined) whose operator may create the
 * objects `selector` looks for (see the file comment), or undefined. `exclude` is the selecting object itself.
 */
export function operatorMayCreate(
  index: ResourceIndex,
  namespaces: readonly string[] | undefined,
  selector: LabelSelector,
  exclude?: LoadedObject,
): LoadedObject | undefined {
  const byNs = evidenceByNamespace(index);
  if (byNs.size === 0) return undefined;
  const lists = namespaces === undefined ? [...byNs.values()] : namespaces.map((ns) => byNs.get(ns) ?? []);
  const pairs = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}\u0000${v}`);
  const domains = [...Object.keys(selector.matchLabels ?? {}), ...(selector.matchExpressions ?? []).map((e) => e.key)]
    .map(keyDomain)
    .filter((d): d is string => d !== undefined);
  const named = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => ({ key: squash(k.slice(k.indexOf('/') + 1)), value: v }));
  if (pairs.length === 0 && domains.length === 0) return undefined;
  for (const list of lists) {
    for (const evidence of list) {
      if (evidence.object === exclude) continue;
      if (pairs.some((p) => evidence.pairs.has(p)) || domains.some((d) => sameDomain(evidence.group, d))) return evidence.object;
      // `storm-service-name: qwen` and the StormService "qwen", `redisfailovers-role: master` and a RedisFailover:
      // a key that names the kind is the operator's label (kinds of 5+ letters, so `app` or `job` never match).
      const kind = squash(evidence.object.kind);
      if (kind.length >= 5 && named.some((n) => n.key.includes(kind))) return evidence.object;
    }
  }
  return undefined;
}
