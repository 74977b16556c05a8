/**
 * Whether an object's kind is cluster-scoped: a CustomResourceDefinition in the linted tree decides for its
 * kind (`spec.scope`); else the built-in kinds (engine/kinds.ts), the table of well-known custom kinds
 * (knowledge/cluster-scoped-kinds.ts), and kinds named `Cluster…`.
 */
import type { ResourceIndex } from '../../engine/context.js';
import { CLUSTER_SCOPED_KINDS } from '../../engine/kinds.js';
import { isKnownClusterScoped } from '../../knowledge/cluster-scoped-kinds.js';
import { isPlainObject } from '../../loaders/objects.js';
import type { LoadedObject } from '../../types.js';

const perIndex = new WeakMap<ResourceIndex, Map<string, string>>();

/** `group\0kind` → `Cluster` or `Namespaced`, from the CRDs in the tree (first copy wins). */
function crdScopes(index: ResourceIndex): Map<string, string> {
  let scopes = perIndex.get(index);
  if (scopes) return scopes;
  scopes = new Map();
  for (const crd of index.byKind('CustomResourceDefinition')) {
    const spec = crd.object.spec;
    if (!isPlainObject(spec) || !isPlainObject(spec.names) || typeof spec.group !== 'string' || typeof spec.names.kind !== 'string') continue;
    const key = `${spec.group}\u0000${spec.names.kind}`;
    if (!scopes.has(key) && typeof spec.scope === 'string') scopes.set(key, spec.scope);
  }
  perIndex.set(index, scopes);
  return scopes;
}

/** The API group of an apiVersion: `apps` for `apps/v1`, '' for `v1`. */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

export function isClusterScoped(object: LoadedObject, index: ResourceIndex): boolean {
  const group = groupOf(object.apiVersion);
  const fromCrd = crdScopes(index).get(`${group}\u0000${object.kind}`);
  if (fromCrd !== undefined) return fromCrd === 'Cluster';
  return CLUSTER_SCOPED_KINDS.has(object.kind) || isKnownClusterScoped(group, object.kind) || object.kind.startsWith('Cluster');
}
