/**
 * CustomResourceDefinitions found in the linted tree: which copy defines a custom resource's version,
 * and whether copies of one CRD disagree. Built once per run (per index) and only when a rule asks.
 */
import { createHash } from 'node:crypto';
import type { ResourceIndex } from '../../engine/context.js';
import { isPlainObject } from '../../loaders/objects.js';
import type { LoadedObject } from '../../types.js';

export interface CrdVersion {
  /** The CRD object that defines the version. */
  crd: LoadedObject;
  /** `metadata.name` of the CRD (`rollers.example.org`). */
  name: string;
  /** The version entry (`spec.versions[i]`), or a synthesized one for `apiextensions.k8s.io/v1beta1` CRDs. */
  entry: Record<string, unknown>;
  /** Path of the entry inside the CRD. */
  entryPath: readonly (string | number)[];
  /** `openAPIV3Schema` of the version, when it has one. */
  schema: Record<string, unknown> | undefined;
  served: boolean;
  deprecated: boolean;
  deprecationWarning: string | undefined;
  /** How many copies of this CRD (same group and kind) the tree holds. */
  copies: number;
}

interface CrdCopies {
  /** Copies of a group/kind, in load order. */
  byGroupKind: Map<string, LoadedObject[]>;
}

const perIndex = new WeakMap<ResourceIndex, CrdCopies>();

function copiesOf(index: ResourceIndex): CrdCopies {
  let copies = perIndex.get(index);
  if (!copies) {
    copies = { byGroupKind: new Map() };
    for (const crd of index.byKind('CustomResourceDefinition')) {
      const key = groupKindOf(crd);
      if (!key) continue;
      const list = copies.byGroupKind.get(key);
      if (list) list.push(crd);
      else copies.byGroupKind.set(key, [crd]);
    }
    perIndex.set(index, copies);
  }
  return copies;
}

function groupKindOf(crd: LoadedObject): string | undefined {
  const spec = crd.object.spec;
  if (!isPlainObject(spec) || !isPlainObject(spec.names) || typeof spec.group !== 'string' || typeof spec.names.kind !== 'string') return undefined;
  return `${spec.group}\u0000${spec.names.kind}`;
}

/** Every version a CRD object defines, with its schema (v1 `spec.versions[]`, or v1beta1 `spec.version` + `spec.validation`). */
export function crdVersions(crd: LoadedObject, copies = 1): CrdVersion[] {
  const spec = isPlainObject(crd.object.spec) ? crd.object.spec : {};
  const name = String(crd.object.metadata?.name ?? crd.name);
  const topSchema = isPlainObject(spec.validation) && isPlainObject(spec.validation.openAPIV3Schema) ? spec.validation.openAPIV3Schema : undefined;
  const out: CrdVersion[] = [];
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  versions.forEach((entry, i) => {
    if (!isPlainObject(entry) || typeof entry.name !== 'string') return;
    const own = isPlainObject(entry.schema) && isPlainObject(entry.schema.openAPIV3Schema) ? entry.schema.openAPIV3Schema : undefined;
    out.push({
      crd, name, entry, entryPath: ['spec', 'versions', i], schema: own ?? topSchema,
      served: entry.served !== false, deprecated: entry.deprecated === true,
      deprecationWarning: typeof entry.deprecationWarning === 'string' ? entry.deprecationWarning : undefined,
      copies,
    });
  });
  if (out.length === 0 && typeof spec.version === 'string') {
    out.push({ crd, name, entry: { name: spec.version }, entryPath: ['spec', 'version'], schema: topSchema, served: true, deprecated: false, deprecationWarning: undefined, copies });
  }
  return out;
}

export type CrdLookup =
  /** No CRD of this group and kind in the tree. */
  | { found: 'none' }
  /** CRDs of this group and kind are in the tree, but none defines the version. */
  | { found: 'noVersion'; crds: LoadedObject[]; versions: string[] }
  | { found: 'version'; version: CrdVersion };

/**
 * The CRD version that serves `apiVersion`/`kind` in the linted tree. With several copies of one CRD, the
 * first (in load order) that serves the version wins; else the first that defines it at all.
 */
export function crdFor(index: ResourceIndex, apiVersion: string, kind: string): CrdLookup {
  const slash = apiVersion.indexOf('/');
  if (slash === -1) return { found: 'none' };
  const crds = copiesOf(index).byGroupKind.get(`${apiVersion.slice(0, slash)}\u0000${kind}`);
  if (!crds) return { found: 'none' };
  const version = apiVersion.slice(slash + 1);
  let defined: CrdVersion | undefined;
  const names = new Set<string>();
  for (const crd of crds) {
    for (const v of crdVersions(crd, crds.length)) {
      names.add(String(v.entry.name));
      if (v.entry.name !== version) continue;
      if (v.served) return { found: 'version', version: v };
      defined ??= v;
    }
  }
  return defined ? { found: 'version', version: defined } : { found: 'noVersion', crds, versions: [...names] };
}

/** Per run (per index): the distinct serving schemas of each apiVersion/kind, computed once. */
const servingPerIndex = new WeakMap<ResourceIndex, Map<string, CrdVersion[]>>();

/**
 * Every copy of a CRD in the tree that serves `apiVersion`/`kind`, one per distinct schema, in load order (the
 * copy `crdFor` returns first). A tree that keeps several releases' CRDs side by side (`install/v0.10.0/`,
 * `install/v0.15.2/`, `config/crd/`) has one entry per schema that differs; the cluster runs whichever copy is
 * applied, so an object is certainly rejected only when every entry rejects it. A copy without a schema accepts
 * anything. Empty when no copy serves the version.
 */
export function servingSchemas(index: ResourceIndex, apiVersion: string, kind: string): CrdVersion[] {
  let cache = servingPerIndex.get(index);
  if (!cache) servingPerIndex.set(index, (cache = new Map()));
  const key = `${apiVersion}\u0000${kind}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const out: CrdVersion[] = [];
  const slash = apiVersion.indexOf('/');
  const crds = slash === -1 ? undefined : copiesOf(index).byGroupKind.get(`${apiVersion.slice(0, slash)}\u0000${kind}`);
  const version = apiVersion.slice(slash + 1);
  for (const crd of crds ?? []) {
    for (const v of crdVersions(crd, crds?.length)) {
      if (v.entry.name !== version || !v.served) continue;
      if (!out.some((seen) => sameJson(seen.schema, v.schema))) out.push(v);
    }
  }
  cache.set(key, out);
  return out;
}

/**
 * For a CRD object: an earlier copy of the same CRD (group and kind) whose schema differs for a version both
 * define, with that version's name. Custom resources are checked against the earlier copy.
 */
export function disagreeingCopy(index: ResourceIndex, crd: LoadedObject): { other: LoadedObject; version: string } | undefined {
  const key = groupKindOf(crd);
  if (!key) return undefined;
  const crds = copiesOf(index).byGroupKind.get(key) ?? [];
  const position = crds.indexOf(crd);
  if (position <= 0) return undefined;
  const mine = new Map(crdVersions(crd).map((v) => [String(v.entry.name), v]));
  for (const other of crds.slice(0, position)) {
    for (const theirs of crdVersions(other)) {
      const own = mine.get(String(theirs.entry.name));
      if (own && !sameJson(own.schema, theirs.schema)) return { other, version: String(theirs.entry.name) };
    }
  }
  return undefined;
}

/**
 * Deep equality of plain JSON data (key order ignored). A tree holding many copies of a large CRD (every
 * release of KServe side by side: 2.6 MB schemas, dozens of copies) compares each pair of copies: each
 * schema is therefore reduced once to a digest of its canonical form, and equal digests are equal data;
 * data a digest cannot stand for (NaN, unequal to itself) is compared node by node.
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const da = digestOf(a);
  const db = da === undefined ? undefined : digestOf(b);
  if (da !== undefined && db !== undefined) return da === db;
  return sameJsonNodes(a, b);
}

/** Digests by object (schemas are compared again and again); null: no digest (see `canonical`). */
const digests = new WeakMap<object, string | null>();

function digestOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  let digest = digests.get(value);
  if (digest === undefined) {
    const parts: string[] = [];
    digest = canonical(value, parts) ? createHash('sha256').update(parts.join('')).digest('base64') : null;
    digests.set(value, digest);
  }
  return digest ?? undefined;
}

/**
 * Appends a text to `parts` that is equal for two values exactly when `sameJsonNodes` holds for them: keys
 * sorted, each primitive by type and value. False (no text) for a value `===` does not equate with itself (NaN) or
 * that no text can stand for (symbols, functions).
 */
function canonical(value: unknown, parts: string[]): boolean {
  switch (typeof value) {
    case 'string':
      parts.push(JSON.stringify(value));
      return true;
    case 'number':
      if (Number.isNaN(value)) return false;
      parts.push(Object.is(value, -0) ? '0' : String(value));
      return true;
    case 'boolean':
      parts.push(value ? 't' : 'f');
      return true;
    case 'bigint':
      parts.push(`b${value}`);
      return true;
    case 'undefined':
      parts.push('u');
      return true;
    case 'object':
      if (value === null) {
        parts.push('n');
        return true;
      }
      if (Array.isArray(value)) {
        parts.push('[');
        for (const item of value) {
          if (!canonical(item, parts)) return false;
          parts.push(',');
        }
        parts.push(']');
        return true;
      }
      parts.push('{');
      for (const key of Object.keys(value).sort()) {
        parts.push(JSON.stringify(key), ':');
        if (!canonical((value as Record<string, unknown>)[key], parts)) return false;
        parts.push(',');
      }
      parts.push('}');
      return true;
    default:
      return false;
  }
}

/** `sameJson` node by node. */
function sameJsonNodes(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJsonNodes(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameJsonNodes(a[k], b[k]));
  }
  return false;
}

/**
 * For a CRD object: the first disagreement among the copies of its CRD (group and kind), reported once per
 * CRD: defined only on the first copy in load order whose schema differs from an earlier copy's, with that
 * earlier copy, the version and how many copies the tree holds.
 */
export function firstDisagreement(index: ResourceIndex, crd: LoadedObject): { other: LoadedObject; version: string; copies: number } | undefined {
  const key = groupKindOf(crd);
  if (!key) return undefined;
  const crds = copiesOf(index).byGroupKind.get(key) ?? [];
  for (const copy of crds) {
    const conflict = disagreeingCopy(index, copy);
    if (conflict) return copy === crd ? { ...conflict, copies: crds.length } : undefined;
    if (copy === crd) return undefined;
  }
  return undefined;
}
