/**
 * Kubernetes API schemas for `schema-valid`, loaded lazily per kind.
 *
 * `kubernetes-models` (built-in APIs) and `@kubernetes-models/prometheus-operator` (ServiceMonitor,
 * PodMonitor, PrometheusRule, …) ship one model class per kind whose `validate()` runs an ajv validator
 * precompiled from the OpenAPI schema. So nothing is compiled at run time: the first object of a kind
 * `require`s that kind's module (a few tens of ms for the pod-spec kinds), later objects reuse it, and a run
 * without objects loads nothing. KServe's InferenceService has no model package; a small schema of its
 * required fields is compiled once with the shared ajv instance.
 *
 * The precompiled validators do not reject unknown fields (the OpenAPI schemas have no
 * `additionalProperties: false`), so `validateObject` learns each place's shape by running them once over
 * a tracking proxy: an object whose properties the validator looked up by name has a schema with named
 * properties, and any key it did not look up is unknown. Objects the validator enumerated (maps such as
 * labels) or never looked into (free-form fields) are not judged.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ErrorObject } from 'ajv';
import { compileSchema } from '../../config/schema.js';
import { isPlainObject } from '../../loaders/objects.js';
import type { PathSegment } from '../../types.js';
import { bundledPackageFiles, packageRoot, requirePackageFile } from './lazy-module.js';

export interface SchemaError {
  /** ajv's error, with `instancePath` as a path array. */
  keyword: string;
  schemaPath: string;
  path: PathSegment[];
  params: Record<string, unknown>;
  message: string;
}

export interface UnknownField {
  /** Path of the unknown key itself. */
  path: PathSegment[];
  field: string;
  /** The properties the schema knows at that place (for "did you mean"). */
  known: string[];
}

export interface ObjectValidation {
  errors: SchemaError[];
  unknownFields: UnknownField[];
}

export interface RawValidator {
  (data: unknown): { ok: true } | { ok: false; errors: ErrorObject[] };
  /** The schema describes every field, so fields it does not look up are unknown (false for partial schemas). */
  complete: boolean;
  /** The JSON Schema it was compiled from, when it is one (CRDs), for "did you mean" hints. */
  schema?: unknown;
}

/** Which package holds the models of an API group ('' is the core group). */
const GROUP_PACKAGES: Record<string, { pkg: string; dir: (group: string, version: string) => string }> = {
  'monitoring.coreos.com': { pkg: '@kubernetes-models/prometheus-operator', dir: (g, v) => `${g}/${v}` },
};
const BUILTIN = { pkg: 'kubernetes-models', dir: (g: string, v: string) => (g === '' ? v : `${g}/${v}`) };

const GROUP_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
const VERSION_RE = /^v[0-9]+((alpha|beta)[0-9]+)?$/;
const KIND_RE = /^[A-Z][A-Za-z0-9]*$/;


/** KServe InferenceService: the fields the controller cannot do without (there is no model package). */
const INFERENCE_SERVICE_SCHEMA = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    metadata: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
    spec: {
      type: 'object',
      required: ['predictor'],
      properties: {
        predictor: {
          type: 'object',
          properties: {
            minReplicas: { type: 'integer', minimum: 0 },
            maxReplicas: { type: 'integer', minimum: 0 },
            containers: { type: 'array', items: { type: 'object', required: ['image'] } },
            model: {
              type: 'object',
              required: ['modelFormat'],
              properties: { modelFormat: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
            },
          },
        },
      },
    },
  },
};

const validators = new Map<string, RawValidator | null>();

/** The validator of an apiVersion/kind, or undefined when no schema is known for it. */
export function validatorFor(apiVersion: string, kind: string): RawValidator | undefined {
  const key = `${apiVersion}\u0000${kind}`;
  if (!validators.has(key)) validators.set(key, loadValidator(apiVersion, kind));
  return validators.get(key) ?? undefined;
}

function loadValidator(apiVersion: string, kind: string): RawValidator | null {
  if (apiVersion === 'serving.kserve.io/v1beta1' && kind === 'InferenceService') {
    const validate = compileSchema(INFERENCE_SERVICE_SCHEMA);
    return Object.assign((data: unknown) => (validate(data) ? { ok: true as const } : { ok: false as const, errors: [...(validate.errors ?? [])] }), { complete: false });
  }
  const slash = apiVersion.indexOf('/');
  const group = slash === -1 ? '' : apiVersion.slice(0, slash);
  const version = slash === -1 ? apiVersion : apiVersion.slice(slash + 1);
  // The names become a module path: only well-formed group, version and kind names get that far.
  if ((group !== '' && !GROUP_RE.test(group)) || !VERSION_RE.test(version) || !KIND_RE.test(kind)) return null;
  const source = GROUP_PACKAGES[group] ?? BUILTIN;
  let model: { apiVersion?: string; kind?: string; prototype?: { validate?: () => void } } | undefined;
  const mod = requirePackageFile(source.pkg, `${source.dir(group, version)}/${kind}.js`) as Record<string, typeof model> | undefined;
  if (!mod) return null; // no such package, group, version or kind
  model = mod[kind];
  // Only top-level kinds carry apiVersion/kind (a `kind: Container` must not validate as one).
  const validate = model?.prototype?.validate;
  if (!model || model.apiVersion !== apiVersion || model.kind !== kind || typeof validate !== 'function') return null;
  const run = (data: unknown): ReturnType<RawValidator> => {
    try {
      validate.call(data);
      return { ok: true };
    } catch (error) {
      const errors = (error as { errors?: unknown }).errors;
      if (Array.isArray(errors)) return { ok: false, errors: errors as ErrorObject[] };
      throw error;
    }
  };
  return Object.assign(run, { complete: true });
}

/**
 * The model generator drops properties named like JSON Schema annotations (`description`, `x-kubernetes-*`),
 * so the validators never look them up (PriorityClass.description, JSONSchemaProps.x-kubernetes-…): never unknown.
 */
const STRIPPED_BY_GENERATOR = (key: string): boolean => key === 'description' || key.startsWith('x-');

/** Why an apiVersion/kind has no schema, for the object's finding. */
export type MissingSchema =
  /** A group we have no models for (a CRD we do not know): not checked. */
  | { type: 'unknownGroup' }
  /** A group we know, but the kind is served under other apiVersions (`apps/v1` Ingress, `v2` Pod). */
  | { type: 'wrongApiVersion'; apiVersions: string[] }
  /** A group/version we know that has no such kind (`Deploymnet`): the kinds it has. */
  | { type: 'unknownKind'; kinds: string[] };

interface ModelsIndex {
  /** Every known group ('' is the core group). */
  groups: Set<string>;
  /** Top-level kinds per apiVersion. */
  kindsByApiVersion: Map<string, string[]>;
  /** apiVersions per top-level kind. */
  apiVersionsByKind: Map<string, string[]>;
}

let modelsIndex: ModelsIndex | undefined;

/**
 * The kinds each package serves, from its directory layout (`<group>/<version>/<Kind>.js`; a top-level kind
 * has a `<Kind>List.js` beside it). Read once, only when an object has no schema.
 */
function getModelsIndex(): ModelsIndex {
  if (modelsIndex) return modelsIndex;
  const index: ModelsIndex = { groups: new Set(), kindsByApiVersion: new Map(), apiVersionsByKind: new Map() };
  const addVersion = (group: string, version: string, dir: string, listed?: string[]) => {
    let files: string[];
    try {
      files = (listed ?? fs.readdirSync(dir)).filter((f) => f.endsWith('.js'));
    } catch {
      return;
    }
    const names = new Set(files.map((f) => f.slice(0, -3)));
    const apiVersion = group === '' ? version : `${group}/${version}`;
    const kinds = [...names].filter((n) => names.has(`${n}List`) && KIND_RE.test(n)).sort();
    if (kinds.length === 0) return;
    index.groups.add(group);
    index.kindsByApiVersion.set(apiVersion, kinds);
    for (const kind of kinds) {
      const list = index.apiVersionsByKind.get(kind);
      if (list) list.push(apiVersion);
      else index.apiVersionsByKind.set(kind, [apiVersion]);
    }
  };
  const listDirs = (dir: string): string[] => {
    try {
      return fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    } catch {
      return [];
    }
  };
  for (const pkg of [BUILTIN.pkg, ...Object.values(GROUP_PACKAGES).map((g) => g.pkg)]) {
    const bundledFiles = bundledPackageFiles(pkg); // the one-file build (GitHub Action) has no directories
    if (bundledFiles) {
      const byDir = new Map<string, string[]>();
      for (const file of bundledFiles) {
        const slash = file.lastIndexOf('/');
        const list = byDir.get(file.slice(0, slash)) ?? [];
        list.push(file.slice(slash + 1));
        byDir.set(file.slice(0, slash), list);
      }
      for (const [dir, files] of byDir) {
        const parts = dir.split('/');
        if (parts.length === 1 && VERSION_RE.test(parts[0])) addVersion('', parts[0], dir, files);
        else if (parts.length === 2 && GROUP_RE.test(parts[0]) && VERSION_RE.test(parts[1])) addVersion(parts[0], parts[1], dir, files);
      }
      continue;
    }
    const root = packageRoot(pkg);
    if (!root) continue;
    for (const name of listDirs(root)) {
      if (VERSION_RE.test(name)) addVersion('', name, path.join(root, name));
      else if (GROUP_RE.test(name)) for (const version of listDirs(path.join(root, name))) if (VERSION_RE.test(version)) addVersion(name, version, path.join(root, name, version));
    }
  }
  modelsIndex = index;
  return index;
}

/** Why there is no schema for an apiVersion/kind (call only when `validatorFor` found none). */
export function explainMissingSchema(apiVersion: string, kind: string): MissingSchema {
  const slash = apiVersion.indexOf('/');
  const group = slash === -1 ? '' : apiVersion.slice(0, slash);
  const index = getModelsIndex();
  if (!index.groups.has(group)) return { type: 'unknownGroup' };
  const elsewhere = index.apiVersionsByKind.get(kind) ?? [];
  if (elsewhere.includes(apiVersion)) return { type: 'unknownGroup' }; // a model we could not load: not checked
  if (elsewhere.length > 0) return { type: 'wrongApiVersion', apiVersions: preferStable(elsewhere) };
  const kinds = new Set(index.kindsByApiVersion.get(apiVersion) ?? []);
  if (kinds.size === 0) {
    for (const [other, list] of index.kindsByApiVersion) if (other.startsWith(`${group}/`) || (group === '' && !other.includes('/'))) list.forEach((k) => kinds.add(k));
  }
  return { type: 'unknownKind', kinds: [...kinds] };
}

/** The GA versions (`apps/v1`) when there are any, else the pre-release ones; at most three, sorted. */
function preferStable(apiVersions: string[]): string[] {
  const stable = apiVersions.filter((v) => /\/v\d+$|^v\d+$/.test(v));
  return [...(stable.length > 0 ? stable : apiVersions)].sort().slice(0, 3);
}

interface Access {
  names: Set<string>;
  enumerated: boolean;
}

/** What a kind's schema does with the object at one place: named properties, a map, or free form. */
type Shape = { type: 'props'; names: Set<string>; list: string[] } | { type: 'map' } | { type: 'free' };

/** A place in a kind's objects: its shape once learnt, and the places below it (by key, `*` map value, `[]` item). */
interface Place {
  shape?: Shape;
  children: Map<string, Place>;
}

/**
 * Shapes per validator, as a tree of places (paths with array indices and map keys generalized). A
 * precompiled validator looks up every property its schema names whatever the data, so one tracked run per
 * place is enough: later objects of the kind are checked against the tree at plain-validator speed, and
 * only an object with a place not seen before is run through the (much slower) tracking proxy.
 */
const shapeTrees = new WeakMap<RawValidator, Place>();

/** Validates an object and, when the schema is complete and `unknownFields` is on, finds its unknown fields. */
export function validateObject(validate: RawValidator, object: unknown, options: { unknownFields?: boolean } = {}): ObjectValidation {
  const result = validate(object);
  const errors: SchemaError[] = result.ok
    ? []
    : result.errors.map((e) => ({
        keyword: e.keyword,
        schemaPath: e.schemaPath,
        path: pointerSegments(e.instancePath, object),
        params: (e.params ?? {}) as Record<string, unknown>,
        message: e.message ?? e.keyword,
      }));
  if (options.unknownFields === false || !validate.complete) return { errors, unknownFields: [] };
  let root = shapeTrees.get(validate);
  if (!root) shapeTrees.set(validate, (root = { children: new Map() }));
  let unknownFields = unknownFieldsOf(object, root);
  if (!unknownFields) {
    learnShapes(validate, object, root);
    unknownFields = unknownFieldsOf(object, root) ?? [];
  }
  return { errors, unknownFields };
}

function childPlace(place: Place, segment: string): Place {
  let child = place.children.get(segment);
  if (!child) place.children.set(segment, (child = { children: new Map() }));
  return child;
}

/** Unknown fields by the learnt shapes, or undefined when the object has a place not learnt yet. */
function unknownFieldsOf(object: unknown, root: Place): UnknownField[] | undefined {
  const out: UnknownField[] = [];
  const at: PathSegment[] = [];
  const walk = (value: unknown, place: Place | undefined): boolean => {
    if (Array.isArray(value)) {
      const items = place?.children.get('[]');
      for (let i = 0; i < value.length; i++) {
        at.push(i);
        const ok = walk(value[i], items);
        at.pop();
        if (!ok) return false;
      }
      return true;
    }
    if (!isPlainObject(value)) return true;
    const shape = place?.shape;
    if (!place || !shape) return false;
    if (shape.type === 'free') return true;
    for (const key of Object.keys(value)) {
      const known = shape.type === 'map' || shape.names.has(key) || STRIPPED_BY_GENERATOR(key);
      at.push(key);
      if (!known) out.push({ path: [...at], field: key, known: shape.type === 'props' ? shape.list : [] });
      const ok = !known || walk(value[key], place.children.get(shape.type === 'map' ? '*' : key));
      at.pop();
      if (!ok) return false;
    }
    return true;
  };
  return walk(object, root) ? out : undefined;
}

/** One run of the validator over a tracking proxy of the object; records the shape of every place it has. */
function learnShapes(validate: RawValidator, object: unknown, root: Place): void {
  const records = new WeakMap<object, Access>();
  const proxies = new WeakMap<object, object>();
  const wrap = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
    const existing = proxies.get(value);
    if (existing) return existing;
    const record: Access = { names: new Set(), enumerated: false };
    records.set(value, record);
    // Names matter only for objects never enumerated: not recorded for arrays (shapes see their items)
    // or maps, so a list or map of a million entries does not fill a set of a million names.
    const named = !Array.isArray(value);
    const proxy = new Proxy(value, {
      get(target, key) {
        if (named && !record.enumerated && typeof key === 'string') record.names.add(key);
        return wrap(Reflect.get(target, key));
      },
      has(target, key) {
        if (named && !record.enumerated && typeof key === 'string') record.names.add(key);
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        record.enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
    proxies.set(value, proxy);
    return proxy;
  };
  validate(wrap(object));
  const walk = (value: unknown, place: Place): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item, childPlace(place, '[]'));
      return;
    }
    if (!isPlainObject(value)) return;
    if (!place.shape) {
      const record = records.get(value);
      const names = record ? [...record.names].filter((n) => !(n in Object.prototype)) : [];
      // Not reached, or only type-checked: the schema does not look inside (free-form fields).
      if (!record || (!record.enumerated && names.length === 0)) place.shape = { type: 'free' };
      else if (record.enumerated) place.shape = { type: 'map' };
      else place.shape = { type: 'props', names: new Set(names), list: names };
    }
    const shape = place.shape;
    if (shape.type === 'free') return;
    for (const key of Object.keys(value)) {
      if (shape.type === 'map') walk(value[key], childPlace(place, '*'));
      else if (shape.names.has(key) || STRIPPED_BY_GENERATOR(key)) walk(value[key], childPlace(place, key));
    }
  };
  walk(object, root);
}

/** A JSON Pointer into `root` as path segments; a numeric segment is an index only where the parent is an array. */
function pointerSegments(pointer: string, root: unknown): PathSegment[] {
  if (pointer === '') return [];
  const out: PathSegment[] = [];
  let current: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current) && /^\d+$/.test(segment)) {
      out.push(Number(segment));
      current = current[Number(segment)];
    } else {
      out.push(segment);
      current = isPlainObject(current) ? current[segment] : undefined;
    }
  }
  return out;
}
