/**
 * Validation of a custom resource against its CRD's structural schema, as the API server does it
 * (k8s.io/apiextensions-apiserver: pkg/apiserver/schema/defaulting, pruning, and the OpenAPI validator in
 * pkg/apiserver/validation), by walking the object and the schema together.
 *
 * Nothing is compiled: the schema is the CRD's own parsed data, so a 3 MB CRD costs nothing until an object
 * reaches a part of it, only the sub-schemas the objects reach are visited, and each object is checked in
 * time linear in its size. Per the API server:
 * - `null` in a field that is not `nullable` is pruned (treated as absent) before defaulting;
 * - a missing field with a `default` counts as present for `required` (defaults are applied first);
 * - fields the schema does not name are unknown (rejected by strict field validation, pruned otherwise),
 *   except under `x-kubernetes-preserve-unknown-fields` and the `apiVersion`/`kind`/`metadata` of the root
 *   and of `x-kubernetes-embedded-resource` objects;
 * - `x-kubernetes-int-or-string` takes an integer or a string;
 * - `x-kubernetes-validations` (CEL) rules are evaluated by `./cel.ts` where it can; `format` is not checked.
 */
import { isPlainObject } from '../../loaders/objects.js';
import type { PathSegment } from '../../types.js';
import type { SchemaError } from './k8s-schemas.js';
import { evaluateCelRules, type CelOutcome } from './cel.js';
import { safeRegExp } from './safe-regexp.js';

type Schema = Record<string, unknown>;

export interface StructuralResult {
  errors: SchemaError[];
  /** CEL rules that could not be evaluated (unsupported functions or regexes, too costly). */
  celSkipped: number;
}

const MAX_DEPTH = 256;

/** Validates `object` (a whole custom resource) against the CRD version's `openAPIV3Schema`. */
export function validateStructural(schema: Schema, object: unknown): StructuralResult {
  const result: StructuralResult = { errors: [], celSkipped: 0 };
  const path: PathSegment[] = [];
  const fail = (keyword: string, message: string, params: Record<string, unknown> = {}, at: PathSegment[] = path) =>
    result.errors.push({ keyword, schemaPath: '', path: [...at], params, message });

  const visit = (value: unknown, node: Schema, depth: number, root: boolean): void => {
    if (depth > MAX_DEPTH || (value === null && node.nullable === true)) return;
    const intOrString = node['x-kubernetes-int-or-string'] === true;
    const type = typeof node.type === 'string' ? node.type : undefined;
    if (intOrString) {
      if (!(typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value)))) {
        fail('type', 'must be integer or string', { type: 'integer or string' });
        return;
      }
    } else if (type && !hasType(value, type)) {
      fail('type', `must be ${type}`, { type });
      return;
    }
    valueChecks(value, node);
    for (const key of ['allOf', 'anyOf', 'oneOf', 'not'] as const) combinator(key, value, node, depth);
    if (Array.isArray(node['x-kubernetes-validations'])) {
      const outcome: CelOutcome = evaluateCelRules(node['x-kubernetes-validations'], value, node);
      result.celSkipped += outcome.skipped;
      for (const failure of outcome.failures) fail('x-kubernetes-validations', failure.message, { rule: failure.rule });
    }
    if (Array.isArray(value)) {
      const items = isPlainObject(node.items) ? node.items : undefined;
      if (!items) return;
      value.forEach((item, i) => {
        if (item === null && items.nullable !== true) return;
        path.push(i);
        visit(item, items, depth + 1, false);
        path.pop();
      });
      return;
    }
    if (!isPlainObject(value)) return;
    const properties = isPlainObject(node.properties) ? node.properties : undefined;
    const additional = node.additionalProperties;
    const keepsUnknown = node['x-kubernetes-preserve-unknown-fields'] === true;
    const embedded = root || node['x-kubernetes-embedded-resource'] === true;
    for (const key of Object.keys(value)) {
      const child = value[key];
      const sub = properties && Object.prototype.hasOwnProperty.call(properties, key) && isPlainObject(properties[key]) ? properties[key] : undefined;
      if (sub) {
        if (child === null && sub.nullable !== true) continue; // pruned
        path.push(key);
        visit(child, sub, depth + 1, false);
        path.pop();
      } else if (isPlainObject(additional)) {
        if (child === null && additional.nullable !== true) continue;
        path.push(key);
        visit(child, additional, depth + 1, false);
        path.pop();
      } else if (embedded && (key === 'apiVersion' || key === 'kind' || key === 'metadata')) {
        continue; // ObjectMeta and type meta are the API server's own
      } else if (additional === false || (!keepsUnknown && additional !== true && properties !== undefined)) {
        fail('additionalProperties', `must NOT have additional properties`, { additionalProperty: key, known: properties ? Object.keys(properties) : [] });
      }
    }
    if (Array.isArray(node.required)) {
      for (const name of node.required) {
        if (typeof name !== 'string') continue;
        const present = Object.prototype.hasOwnProperty.call(value, name) && (value[name] !== null || (isPlainObject(properties?.[name]) && (properties[name] as Schema).nullable === true));
        const defaulted = isPlainObject(properties?.[name]) && (properties[name] as Schema).default !== undefined;
        if (!present && !defaulted) fail('required', `must have required property '${name}'`, { missingProperty: name });
      }
    }
  };

  /** Keywords on the value itself. */
  const valueChecks = (value: unknown, node: Schema): void => {
    if (Array.isArray(node.enum) && node.enum.length > 0 && !node.enum.some((allowed) => sameValue(allowed, value))) {
      fail('enum', 'must be equal to one of the allowed values', { allowedValues: node.enum });
    }
    if (typeof value === 'string') {
      const length = [...value].length;
      if (typeof node.maxLength === 'number' && length > node.maxLength) fail('maxLength', `must NOT have more than ${node.maxLength} characters`);
      if (typeof node.minLength === 'number' && length < node.minLength) fail('minLength', `must NOT have fewer than ${node.minLength} characters`);
      if (typeof node.pattern === 'string') {
        const re = safeRegExp(node.pattern);
        if (re && !re.test(value)) fail('pattern', `must match pattern "${node.pattern}"`, { pattern: node.pattern });
      }
    } else if (typeof value === 'number') {
      const exclusiveMin = node.exclusiveMinimum === true;
      const exclusiveMax = node.exclusiveMaximum === true;
      if (typeof node.minimum === 'number' && (exclusiveMin ? value <= node.minimum : value < node.minimum)) fail('minimum', `must be ${exclusiveMin ? '>' : '>='} ${node.minimum}`);
      if (typeof node.maximum === 'number' && (exclusiveMax ? value >= node.maximum : value > node.maximum)) fail('maximum', `must be ${exclusiveMax ? '<' : '<='} ${node.maximum}`);
      if (typeof node.multipleOf === 'number' && node.multipleOf > 0 && !Number.isInteger(value / node.multipleOf)) fail('multipleOf', `must be a multiple of ${node.multipleOf}`);
    } else if (Array.isArray(value)) {
      if (typeof node.maxItems === 'number' && value.length > node.maxItems) fail('maxItems', `must NOT have more than ${node.maxItems} items`);
      if (typeof node.minItems === 'number' && value.length < node.minItems) fail('minItems', `must NOT have fewer than ${node.minItems} items`);
      if (node.uniqueItems === true && value.length <= 1000) {
        const seen = new Set(value.map((v) => JSON.stringify(v)));
        if (seen.size !== value.length) fail('uniqueItems', 'must NOT have duplicate items');
      }
    } else if (isPlainObject(value)) {
      const count = Object.keys(value).length;
      if (typeof node.maxProperties === 'number' && count > node.maxProperties) fail('maxProperties', `must NOT have more than ${node.maxProperties} properties`);
      if (typeof node.minProperties === 'number' && count < node.minProperties) fail('minProperties', `must NOT have fewer than ${node.minProperties} properties`);
    }
  };

  /** allOf/anyOf/oneOf/not: value validations only (structural schemas put no types or properties of their own in them). */
  const combinator = (key: 'allOf' | 'anyOf' | 'oneOf' | 'not', value: unknown, node: Schema, depth: number): void => {
    const raw = node[key];
    const branches = key === 'not' ? (isPlainObject(raw) ? [raw] : []) : Array.isArray(raw) ? raw.filter(isPlainObject) : [];
    if (branches.length === 0) return;
    const passes = branches.map((branch) => matchesBranch(value, branch, depth));
    if (key === 'allOf') {
      if (passes.some((p) => !p)) fail('allOf', 'must match all of the allowed forms');
    } else if (key === 'anyOf') {
      if (!passes.some(Boolean)) fail('anyOf', 'does not match any allowed form');
    } else if (key === 'oneOf') {
      if (passes.filter(Boolean).length !== 1) fail('oneOf', 'must match exactly one allowed form');
    } else if (passes[0]) {
      fail('not', 'must NOT match the excluded form');
    }
  };

  /** Whether a value satisfies a combinator branch (its value validations, `required` and nested `properties`). */
  const matchesBranch = (value: unknown, branch: Schema, depth: number): boolean => validateBranch(branch, value, depth + 1);

  visit(object, schema, 0, true);
  return result;
}

/** A combinator branch checked on its own (no unknown fields, no CEL): true when the value satisfies it. */
function validateBranch(branch: Schema, value: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH) return true;
  if (typeof branch.type === 'string' && !hasType(value, branch.type)) return false;
  if (Array.isArray(branch.enum) && branch.enum.length > 0 && !branch.enum.some((v) => sameValue(v, value))) return false;
  if (typeof value === 'string') {
    if (typeof branch.pattern === 'string') {
      const re = safeRegExp(branch.pattern);
      if (re && !re.test(value)) return false;
    }
    if (typeof branch.maxLength === 'number' && [...value].length > branch.maxLength) return false;
    if (typeof branch.minLength === 'number' && [...value].length < branch.minLength) return false;
  }
  if (typeof value === 'number') {
    if (typeof branch.minimum === 'number' && value < branch.minimum) return false;
    if (typeof branch.maximum === 'number' && value > branch.maximum) return false;
  }
  if (isPlainObject(value)) {
    if (Array.isArray(branch.required) && !branch.required.every((r) => typeof r !== 'string' || (Object.prototype.hasOwnProperty.call(value, r) && value[r] !== null))) return false;
    if (isPlainObject(branch.properties)) {
      for (const [key, sub] of Object.entries(branch.properties)) {
        if (isPlainObject(sub) && Object.prototype.hasOwnProperty.call(value, key) && !validateBranch(sub, value[key], depth + 1)) return false;
      }
    }
  }
  if (Array.isArray(value)) {
    if (typeof branch.minItems === 'number' && value.length < branch.minItems) return false;
    if (typeof branch.maxItems === 'number' && value.length > branch.maxItems) return false;
  }
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = Array.isArray(branch[key]) ? (branch[key] as unknown[]).filter(isPlainObject) : [];
    if (list.length === 0) continue;
    const passes = list.map((b) => validateBranch(b, value, depth + 1));
    if (key === 'allOf' && passes.some((p) => !p)) return false;
    if (key === 'anyOf' && !passes.some(Boolean)) return false;
    if (key === 'oneOf' && passes.filter(Boolean).length !== 1) return false;
  }
  if (isPlainObject(branch.not) && validateBranch(branch.not, value, depth + 1)) return false;
  return true;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isPlainObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return true;
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
