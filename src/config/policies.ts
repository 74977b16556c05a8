/**
 * Declarative policies (DESIGN.md §9): a match plus a JSON Schema, turned into rules like the built-in
 * ones (same findings, positions, suppression, severities, formats and docs). Schemas are compiled once,
 * when the config is loaded.
 */
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { globMatch } from './safe-match.js';
import { defineRule, type Report, type Rule } from '../rules/define-rule.js';
import { namespaceOf } from '../engine/context.js';
import { CONTAINER_TYPE_LABEL } from '../engine/extract.js';
import { selectorMatches, toLabelSelector, stringMap, type LabelSelector } from '../engine/selector.js';
import type { Path, Severity } from '../types.js';
import { describeAjvError, newAjv, pointerToPath } from './schema.js';

export type PolicyTarget = 'object' | 'podSpec' | 'container' | 'initContainer';

export interface PolicySpec {
  id: string;
  description: string;
  severity: Severity | 'off';
  remediation?: string;
  docs?: string;
  match: {
    kinds?: string[];
    apiVersions?: string[];
    namespaces?: string[];
    labels?: Record<string, unknown>;
    target?: PolicyTarget;
    includeInitContainers?: boolean;
  };
  schema: Record<string, unknown>;
  /** Display path of the file that defined it. */
  source: string;
}

export type PolicyRule = Rule<Record<string, never>> & { policy: PolicySpec };

/**
 * Most schema nodes a policy's schema may apply to one value, `$ref`s followed (each node is work for
 * every object checked). Shared definitions referred to twice from each level (`allOf: [{$ref: d1},
 * {$ref: d1}]`, d1 the same over d0, …) double it per level: without a cap forty lines of a pull request's
 * config would take hours per object.
 */
export const MAX_POLICY_SCHEMA_NODES = 20_000;

/** Keywords whose value is a subschema, a list of subschemas, or a map of them (draft-07 and 2019/2020 names). */
const ONE_SCHEMA = ['not', 'if', 'then', 'else', 'items', 'additionalItems', 'additionalProperties', 'contains', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties'];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'];
const SCHEMA_MAPS = ['properties', 'patternProperties', 'dependentSchemas', 'dependencies'];
/** Keywords that change what a `$ref` points at or refer dynamically; mllint could not bound what they expand to. */
const SCOPE_KEYWORDS = ['$id', '$anchor', '$dynamicRef', '$dynamicAnchor', '$recursiveRef', '$recursiveAnchor'];

/**
 * Why a policy's schema could take unbounded time, with the path of the place in the schema, or
 * undefined. Refused: a `$ref` that is not a JSON pointer into the policy's own schema (`#`,
 * `#/definitions/x`), a `$ref` that leads back to a schema it is inside (recursion), scope keywords
 * (`$id`, `$anchor`, dynamic references), and more than MAX_POLICY_SCHEMA_NODES nodes once every
 * `$ref` is replaced by what it points at. Linear in the schema's size (each node's expansion is counted once).
 */
export function policySchemaProblem(schema: Record<string, unknown>): { message: string; path: Path } | undefined {
  const sizes = new Map<object, number>();
  const open = new Set<object>();
  class Refused extends Error {
    constructor(message: string, readonly at: Path) {
      super(message);
    }
  }
  const resolve = (ref: string): unknown => {
    let node: unknown = schema;
    const pointer = decodeURIComponent(ref.slice(1));
    if (pointer === '') return node;
    if (!pointer.startsWith('/')) return undefined;
    for (const raw of pointer.slice(1).split('/')) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key)) return undefined;
      node = (node as Record<string, unknown>)[key];
    }
    return node;
  };
  const size = (node: unknown, at: Path): number => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    if (open.has(node)) throw new Refused('a $ref leads back to a schema it is inside (recursive schemas are not supported in policies)', at);
    open.add(node);
    const n = node as Record<string, unknown>;
    for (const keyword of SCOPE_KEYWORDS) {
      if (keyword in n) throw new Refused(`"${keyword}" is not supported in policies (a $ref may point only into the policy's own schema)`, [...at, keyword]);
    }
    let total = 1;
    const add = (sub: unknown, subAt: Path) => {
      total += size(sub, subAt);
      if (total > MAX_POLICY_SCHEMA_NODES) throw new Refused(`the schema expands to more than ${MAX_POLICY_SCHEMA_NODES} schema nodes once its $refs are followed; simplify it`, subAt);
    };
    if (typeof n.$ref === 'string') {
      if (!n.$ref.startsWith('#')) throw new Refused(`$ref "${n.$ref}" does not point into the policy's own schema (use "#/definitions/NAME")`, [...at, '$ref']);
      const target = resolve(n.$ref);
      if (target !== undefined) add(target, [...at, '$ref']);
    }
    for (const keyword of ONE_SCHEMA) if (n[keyword] !== undefined && !Array.isArray(n[keyword])) add(n[keyword], [...at, keyword]);
    for (const keyword of SCHEMA_LISTS) if (Array.isArray(n[keyword])) (n[keyword] as unknown[]).forEach((sub, i) => add(sub, [...at, keyword, i]));
    for (const keyword of SCHEMA_MAPS) {
      const map = n[keyword];
      if (map !== null && typeof map === 'object' && !Array.isArray(map)) for (const [key, sub] of Object.entries(map)) add(sub, [...at, keyword, key]);
    }
    open.delete(node);
    sizes.set(node, total);
    return total;
  };
  try {
    size(schema, []);
    return undefined;
  } catch (err) {
    if (err instanceof Refused) return { message: err.message, path: err.at };
    throw err;
  }
}

/** A stable text for a JSON value: equal values (as ajv's deep equality sees them, key order aside) give equal texts. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

/**
 * `uniqueItems` in linear time. ajv compares every pair of items that are not all scalars of a declared
 * type (O(n²): 40,000 small maps took 22 s); here each item's canonical text goes into a map.
 */
function uniqueItemsLinear(this: unknown, unique: boolean, data: unknown): boolean {
  const self = uniqueItemsLinear as unknown as { errors?: Partial<ErrorObject>[] };
  self.errors = undefined;
  if (!unique || !Array.isArray(data)) return true;
  const seen = new Map<string, number>();
  for (let j = 0; j < data.length; j++) {
    const text = canonicalJson(data[j]);
    const i = seen.get(text);
    if (i !== undefined) {
      self.errors = [{ keyword: 'uniqueItems', params: { i: j, j: i }, message: `must NOT have duplicate items (items ## ${i} and ${j} are identical)` }];
      return false;
    }
    seen.set(text, j);
  }
  return true;
}

let policyAjv: Ajv | undefined;

/** The ajv instance for policies: mllint's options, with a linear `uniqueItems`. */
function getPolicyAjv(): Ajv {
  if (!policyAjv) {
    policyAjv = newAjv();
    policyAjv.removeKeyword('uniqueItems');
    policyAjv.addKeyword({ keyword: 'uniqueItems', type: 'array', schemaType: 'boolean', errors: true, validate: uniqueItemsLinear });
  }
  return policyAjv;
}

/**
 * Compiles a policy's schema; a schema ajv rejects, or one that could take unbounded time
 * (`policySchemaProblem`), is returned as an error message with its path in the schema.
 */
export function compilePolicySchema(
  schema: Record<string, unknown>,
): { ok: true; validate: ValidateFunction } | { ok: false; message: string; path: Path } {
  const ajv = getPolicyAjv();
  if (!ajv.validateSchema(schema)) {
    // Point at the offending keyword inside the schema, e.g. `type: strnig`.
    const first = (ajv.errors ?? []).slice().sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
    const path = first ? pointerToPath(first.instancePath) : [];
    const keyword = path.length > 0 ? String(path[path.length - 1]) : 'schema';
    return { ok: false, path, message: `"${keyword}" ${first?.message ?? 'is invalid'}` };
  }
  const unbounded = policySchemaProblem(schema);
  if (unbounded) return { ok: false, ...unbounded };
  try {
    return { ok: true, validate: ajv.compile(schema) };
  } catch (err) {
    return { ok: false, path: [], message: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  }
}

/** A label selector written as `{ tier: scoring }` or as `{ matchLabels, matchExpressions }`. */
function policySelector(labels: Record<string, unknown> | undefined): LabelSelector | undefined {
  if (!labels) return undefined;
  if ('matchLabels' in labels || 'matchExpressions' in labels) return toLabelSelector(labels);
  return { matchLabels: stringMap(labels) };
}

export function policyToRule(policy: PolicySpec, validate: ValidateFunction): PolicyRule {
  const match = policy.match;
  const target = match.target ?? 'object';
  const selector = policySelector(match.labels);
  const scope = [
    match.kinds ? `kinds ${match.kinds.join(', ')}` : 'every kind',
    match.apiVersions ? `apiVersions ${match.apiVersions.join(', ')}` : undefined,
    match.namespaces ? `namespaces ${match.namespaces.join(', ')}` : undefined,
    match.labels ? `labels ${JSON.stringify(match.labels)}` : undefined,
  ].filter(Boolean);
  const rule = defineRule<Record<string, never>>({
    meta: {
      id: policy.id,
      severity: policy.severity === 'off' ? 'error' : policy.severity,
      recommended: policy.severity !== 'off',
      description: policy.description,
      kinds: match.kinds,
      remediation: policy.remediation ?? `Change the manifest so that it satisfies policy ${policy.id}.`,
      docs: {
        why: `${policy.description}. Custom policy defined in ${policy.source}${policy.docs ? `; see ${policy.docs}` : ''}.`,
        checks:
          `Applies to ${scope.join('; ')}. Each ${target === 'object' ? 'matching object' : target === 'podSpec' ? 'pod spec' : target === 'initContainer' ? 'init container' : match.includeInitContainers ? 'container and init container' : 'container'} ` +
          `must satisfy this JSON Schema:\n\n\`\`\`json\n${JSON.stringify(policy.schema, null, 2)}\n\`\`\``,
        fix: policy.remediation ?? 'Change the manifest so that it satisfies the schema above.',
      },
      optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
      defaultOptions: {},
      messages: { violation: '{{description}}: {{problem}}' },
    },
    check({ object, template }) {
      if (match.apiVersions && !match.apiVersions.includes(object.apiVersion)) return [];
      if (match.namespaces && !match.namespaces.some((glob) => globMatch(namespaceOf(object), glob))) return [];
      if (selector) {
        const own = stringMap(object.object.metadata?.labels);
        if (!selectorMatches(selector, own) && !(template && selectorMatches(selector, template.labels))) return [];
      }
      const targets: Array<{ value: unknown; path: Path; subject: string }> = [];
      if (target === 'object') targets.push({ value: object.object, path: [], subject: `${object.kind} "${object.name}"` });
      else if (template && target === 'podSpec') targets.push({ value: template.podSpec, path: template.podSpecPath, subject: 'pod spec' });
      else if (template) {
        for (const ref of template.containers) {
          const wanted = target === 'initContainer' ? ref.type === 'initContainer' : ref.type === 'container' || (match.includeInitContainers && ref.type === 'initContainer');
          if (wanted) targets.push({ value: ref.container, path: ref.path, subject: `${CONTAINER_TYPE_LABEL[ref.type]} "${ref.name}"` });
        }
      }
      const reports: Report[] = [];
      for (const t of targets) {
        if (validate(t.value)) continue;
        for (const { path, message } of describeErrors(validate.errors ?? [], t.subject)) {
          const problem = path.length > 0 && !message.startsWith(t.subject) ? `${t.subject}: ${message}` : message;
          reports.push({ messageId: 'violation', data: { description: policy.description, problem }, path: [...t.path, ...path] });
        }
      }
      return reports;
    },
  });
  return Object.assign(rule, { policy });
}

/**
 * ajv errors in plain words. The branches of a failed `anyOf`/`oneOf` become one problem ("one of: …");
 * the summary error of a failed `if`/`then` is dropped in favour of what `then` required.
 */
function describeErrors(errors: ErrorObject[], subject: string): Array<{ path: Path; message: string }> {
  const alternatives = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const inAlternative = (e: ErrorObject) => alternatives.some((a) => a !== e && e.schemaPath.startsWith(`${a.schemaPath}/`));
  const out: Array<{ path: Path; message: string }> = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (error.keyword === 'if' || inAlternative(error)) continue;
    let described: { path: Path; message: string };
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf') {
      const branches = errors.filter((e) => e !== error && e.schemaPath.startsWith(`${error.schemaPath}/`) && !['anyOf', 'oneOf', 'if'].includes(e.keyword));
      const words = [...new Set(branches.map((b) => describeAjvError(b, subject).message))];
      const path = pointerToPath(error.instancePath);
      const where = path.length > 0 ? path.join('.') : subject;
      described = { path, message: words.length > 0 ? `${where} must satisfy one of: ${words.join('; or ')}` : `${where} ${error.message ?? 'is invalid'}` };
    } else {
      described = describeAjvError(error, subject);
    }
    const key = `${described.path.join('/')}|${described.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(described);
  }
  return out;
}
