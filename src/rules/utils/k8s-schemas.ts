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
 * `additionalProperties: false`), so `validateObject` runs them over a tracking proxy: an object whose
 * properties the validator looked up by name has a schema with named properties, and any key it did not
 * look up is unknown. Objects the validator enumerated (maps such as labels) or never looked into
 * (free-form fields) are not judged.
 */
import path from 'node:path';
import type { ErrorObject } from 'ajv';
import { compileSchema } from '../../config/schema.js';
import { isPlainObject } from '../../loaders/objects.js';
import type { PathSegment } from '../../types.js';
import { lazyRequire } from './lazy-module.js';

export interface SchemaError {
  /** ajv's error, with `instancePath` as a path array. */
  keyword: string;
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
}

/** Which package holds the models of an API group ('' is the core group). */
const GROUP_PACKAGES: Record<string, { pkg: string; dir: (group: string, version: string) => string }> = {
  'monitoring.coreos.com': { pkg: '@kubernetes-models/prometheus-operator', dir: (g, v) => `${g}/${v}` },
};
const BUILTIN = { pkg: 'kubernetes-models', dir: (g: string, v: string) => (g === '' ? v : `${g}/${v}`) };

const GROUP_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
const VERSION_RE = /^v[0-9]+((alpha|beta)[0-9]+)?$/;
const KIND_RE = /^[A-Z][A-Za-z0-9]*$/;

const packageRoots = new Map<string, string | null>();
function packageRoot(pkg: string): string | null {
  if (!packageRoots.has(pkg)) {
    try {
      packageRoots.set(pkg, path.dirname(lazyRequire.resolve(`${pkg}/package.json`)));
    } catch {
      packageRoots.set(pkg, null);
    }
  }
  return packageRoots.get(pkg) ?? null;
}

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
  const root = packageRoot(source.pkg);
  if (!root) return null;
  let model: { apiVersion?: string; kind?: string; prototype?: { validate?: () => void } } | undefined;
  try {
    const mod = lazyRequire(path.join(root, source.dir(group, version), `${kind}.js`)) as Record<string, typeof model>;
    model = mod[kind];
  } catch {
    return null; // no such group, version or kind
  }
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

interface Access {
  names: Set<string>;
  enumerated: boolean;
}

/** Validates an object and finds its unknown fields. */
export function validateObject(validate: RawValidator, object: unknown): ObjectValidation {
  const records = new WeakMap<object, Access>();
  const proxies = new WeakMap<object, object>();
  const wrap = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
    const existing = proxies.get(value);
    if (existing) return existing;
    const record: Access = { names: new Set(), enumerated: false };
    records.set(value, record);
    const proxy = new Proxy(value, {
      get(target, key) {
        if (typeof key === 'string') record.names.add(key);
        return wrap(Reflect.get(target, key));
      },
      has(target, key) {
        if (typeof key === 'string') record.names.add(key);
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
  const result = validate(wrap(object));
  const errors: SchemaError[] = result.ok
    ? []
    : result.errors.map((e) => ({
        keyword: e.keyword,
        path: pointerSegments(e.instancePath, object),
        params: (e.params ?? {}) as Record<string, unknown>,
        message: e.message ?? e.keyword,
      }));
  const unknownFields: UnknownField[] = [];
  const walk = (value: unknown, at: PathSegment[]): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, [...at, i]));
      return;
    }
    if (!isPlainObject(value)) return;
    const record = records.get(value);
    if (!record) return; // the validator never reached it
    const judged = !record.enumerated && record.names.size > 0;
    const known = judged ? Object.keys(value).filter((k) => record.names.has(k)) : [];
    for (const key of Object.keys(value)) {
      if (judged && !record.names.has(key) && !STRIPPED_BY_GENERATOR(key)) {
        const schemaNames = [...record.names].filter((n) => !(n in Object.prototype) && n !== 'length');
        unknownFields.push({ path: [...at, key], field: key, known: schemaNames.length > 0 ? schemaNames : known });
        continue;
      }
      walk(value[key], [...at, key]);
    }
  };
  walk(object, []);
  return { errors, unknownFields };
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
