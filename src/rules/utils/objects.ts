/** How messages name objects. */
import { namespaceOf } from '../../engine/context.js';
import type { LoadedObject } from '../../types.js';

/** `Deployment "fraud-scorer"`, plus `in namespace "x"` when it is not `namespace`. */
export function describeObject(object: LoadedObject, namespace?: string): string {
  const ns = namespaceOf(object);
  return namespace === undefined || ns === namespace ? `${object.kind} ${quotedName(object)}` : `${object.kind} ${quotedName(object)} in namespace "${ns}"`;
}

/** `"name"`; `"prefix-…"` for an object named by `metadata.generateName`; `(unnamed)` without either. */
function quotedName(object: LoadedObject): string {
  if (object.name !== '') return `"${object.name}"`;
  const generate = object.object.metadata?.generateName;
  return typeof generate === 'string' && generate !== '' ? `"${generate}…"` : '(unnamed)';
}

/** `Deployment "fraud-scorer" in namespace "ml-serving-prod"`. */
export function describeObjectWithNamespace(object: LoadedObject): string {
  return `${object.kind} ${quotedName(object)} in namespace "${namespaceOf(object)}"`;
}

/** `Service "a"`, `Services "a" and "b"`, `Services "a", "b" and 3 more`. */
export function describeObjects(objects: readonly LoadedObject[], namespace?: string): string {
  if (objects.length === 0) return 'nothing';
  if (objects.length === 1) return describeObject(objects[0], namespace);
  const kinds = new Set(objects.map((o) => o.kind));
  const label = kinds.size === 1 ? `${objects[0].kind}s` : 'objects';
  const names = objects.slice(0, 2).map(quotedName);
  const rest = objects.length - names.length;
  return rest > 0 ? `${label} ${names.join(', ')} and ${rest} more` : `${label} ${names.join(' and ')}`;
}
