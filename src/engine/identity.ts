/**
 * The identity of a finding that survives edits (DESIGN.md §3): names, not positions.
 *
 * A path into an object names each list item by its key when it has one —
 * `spec.template.spec.containers[name=scorer].env[name=MODEL_VERSION]` rather than
 * `…containers[0].env[3]` — so inserting an env var above `MODEL_VERSION` or reordering containers does
 * not change which finding it is. The fingerprint hashes rule, file, object (kind, namespace, name) and
 * that named path; baselines and SARIF `partialFingerprints` use the same identity.
 */
import { createHash } from 'node:crypto';
import type { Finding, Path, ResourceIdentity } from '../types.js';

/**
 * The keys that identify an item of a Kubernetes list, tried in order; an item is named by the first key
 * whose value is a string or number unique among its siblings, else by its index.
 * Source: the `x-kubernetes-patch-merge-key` / `x-kubernetes-list-map-keys` of the core API's list fields
 * (Kubernetes OpenAPI v2, `io.k8s.api.core.v1`): containers, initContainers, env, volumes,
 * imagePullSecrets → `name`; volumeMounts → `mountPath`; volumeDevices → `devicePath`; container ports →
 * `containerPort`; Service ports → `port`; hostAliases → `ip`; conditions → `type`; plus `key` for
 * tolerations and selector requirements, which have no merge key but are usually keyed by it.
 */
export const LIST_ITEM_KEYS: readonly string[] = ['name', 'mountPath', 'devicePath', 'containerPort', 'port', 'ip', 'type', 'key'];

function scalarAt(item: unknown, key: string): string | number | undefined {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return undefined;
  const value = (item as Record<string, unknown>)[key];
  return typeof value === 'string' || typeof value === 'number' ? value : undefined;
}

/** `[name=scorer]` for the item at `index` of `list`, or undefined when no key names it uniquely. */
function itemName(list: readonly unknown[], index: number): string | undefined {
  const item = list[index];
  for (const key of LIST_ITEM_KEYS) {
    const value = scalarAt(item, key);
    if (value === undefined) continue;
    const clashes = list.some((other, i) => i !== index && scalarAt(other, key) === value);
    if (clashes) continue;
    const text = String(value);
    return `[${key}=${/^[\w./:@-]+$/.test(text) ? text : JSON.stringify(text)}]`;
  }
  return undefined;
}

/**
 * Renders `path` inside `root` (the object) with list items named by their key where possible:
 * `['spec','containers',0,'env',3]` → `spec.containers[name=scorer].env[name=MODEL_VERSION]`.
 * Segments the object does not have (a missing field's path) are rendered as written.
 */
export function namedPath(root: unknown, path: Path): string {
  let out = '';
  let current: unknown = root;
  for (const segment of path) {
    if (typeof segment === 'number') {
      const name = Array.isArray(current) ? itemName(current, segment) : undefined;
      out += name ?? `[${segment}]`;
      current = Array.isArray(current) ? current[segment] : undefined;
    } else {
      out += /^[A-Za-z_$][\w$-]*$/.test(segment) ? (out === '' ? segment : `.${segment}`) : `[${JSON.stringify(segment)}]`;
      current = current && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>)[segment] : undefined;
    }
  }
  return out;
}

/** The parts of a finding's identity, with `file` expressed relative to whatever base the caller uses. */
export function identityParts(finding: Pick<Finding, 'ruleId' | 'resource' | 'namedPath' | 'path' | 'message'>, file: string): string[] {
  return finding.resource
    ? [finding.ruleId, file, finding.resource.kind, finding.resource.namespace ?? '', finding.resource.name, finding.namedPath ?? finding.path ?? '']
    : [finding.ruleId, file, '', '', '', '', finding.message];
}

/** The fingerprint of a finding: 32 hex digits of SHA-256 over its identity (`file` as for identityParts). */
export function fingerprintOf(finding: Pick<Finding, 'ruleId' | 'resource' | 'namedPath' | 'path' | 'message'>, file: string): string {
  return createHash('sha256').update(JSON.stringify(identityParts(finding, file))).digest('hex').slice(0, 32);
}

/** `Deployment ml-a/scorer`. */
export function describeResource(r: ResourceIdentity): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

/**
 * Every object of a finding in one phrase, kinds written once: `Deployment ml-a/scorer, ml-b/scorer`
 * (or `Deployment ml-a/scorer, Service ml-a/scorer`); empty for a finding about a whole file.
 */
export function describeObjects(f: Pick<Finding, 'resource' | 'resources'>): string {
  const list = f.resources ?? (f.resource ? [f.resource] : []);
  const parts: string[] = [];
  let kind: string | undefined;
  for (const r of list) {
    const name = `${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
    parts.push(r.kind === kind ? name : `${r.kind} ${name}`);
    kind = r.kind;
  }
  return parts.join(', ');
}

function resourceKey(r: ResourceIdentity): string {
  return `${r.kind}\u0000${r.namespace ?? ''}\u0000${r.name}\u0000${r.apiVersion}`;
}

/**
 * One finding per rule and source location (DESIGN.md §3): findings of the same rule, severity, message
 * and range — a base file rendered through several overlays, a chart used by several Applications — become
 * one whose `resources` lists every object (`resource` stays the first). `findings` must be sorted by
 * file, line, column, rule and message; the order is kept.
 */
export function mergeSameLocation(findings: Finding[]): Finding[] {
  const out: Finding[] = [];
  const keyOf = (f: Finding) => JSON.stringify([f.ruleId, f.severity, f.file, f.line, f.column, f.endLine, f.endColumn, f.message]);
  let lastKey: string | undefined;
  const groups = new Map<string, Finding>();
  for (const f of findings) {
    const key = keyOf(f);
    if (key !== lastKey) groups.clear();
    lastKey = key;
    const head = groups.get(key);
    if (!head) {
      groups.set(key, f);
      out.push(f);
      continue;
    }
    if (!f.resource) continue; // the very same whole-file finding twice
    const list = head.resources ?? (head.resource ? [head.resource] : []);
    if (!list.some((r) => resourceKey(r) === resourceKey(f.resource!))) list.push(f.resource);
    if (list.length > 1) {
      list.sort((a, b) => (resourceKey(a) < resourceKey(b) ? -1 : resourceKey(a) > resourceKey(b) ? 1 : 0));
      head.resources = list;
      head.resource = list[0];
    }
  }
  return out;
}
