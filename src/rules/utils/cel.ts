/**
 * `x-kubernetes-validations` rules of CRDs, evaluated with @marcbachmann/cel-js (a CEL implementation in
 * JavaScript without dependencies; chosen over writing an evaluator of our own). Kubernetes evaluates each
 * rule with `self` bound to the value at the schema node (k8s.io/apiextensions-apiserver
 * pkg/apiserver/schema/cel). A rule is reported only when it evaluates to `false`; a rule that does not
 * parse, uses Kubernetes' own CEL libraries (quantity, url, isSorted, …), a regular expression
 * (`matches`, `find`: the library's are backtracking), or `oldSelf` (transition rules are not run on create),
 * or that fails while evaluating, is skipped — never a false error. Cost is bounded: a rule with k
 * comprehensions (`all`, `exists`, `map`, …; nested ones multiply: `l.all(x, l.all(y, …))` is n² steps) is
 * skipped on a value of n nodes when n^k exceeds MAX_COMPREHENSION_STEPS (n at most 2,000 for one, 1,000 for
 * two, 100 for three), like the API server's own cost budget.
 */
import { isPlainObject } from '../../loaders/objects.js';
import { lazyRequire } from './lazy-module.js';

export interface CelOutcome {
  failures: Array<{ rule: string; message: string }>;
  /** Rules that could not be evaluated. */
  skipped: number;
}

type Program = (context: Record<string, unknown>) => unknown;

interface CompiledRule {
  rule: string;
  message: string;
  program: Program | undefined;
  /** A transition rule (`oldSelf`): not evaluated on create, and not counted as skipped. */
  transition: boolean;
  /** How many comprehensions the rule has (0: none); nested ones multiply the cost, so each counts. */
  comprehensions: number;
}

const compiledRules = new WeakMap<object, CompiledRule | null>();
let celModule: { parse(expression: string): Program } | undefined;

function cel(): { parse(expression: string): Program } {
  celModule ??= lazyRequire('@marcbachmann/cel-js') as { parse(expression: string): Program };
  return celModule;
}

const UNSUPPORTED = /\b(matches|find|findAll|quantity|url|ip|cidr|isSorted|isQuantity|isURL|isIP|isCIDR|format|semver|isSemver|authorizer)\s*\(/;
const COMPREHENSION = /\.\s*(all|exists|exists_one|map|filter)\s*\(/g;
const MAX_COMPREHENSION_NODES = 2000;
/**
 * Steps a rule's comprehensions may take: n^k for k comprehensions over a value of n nodes (1,000 nodes for
 * two, 100 for three). The API server's per-call CEL cost limit is 1,000,000 too (apiextensions-apiserver
 * PerCallLimit); each step here is one evaluation of the comprehension's body.
 */
const MAX_COMPREHENSION_STEPS = 1_000_000;

function compileRule(raw: unknown): CompiledRule | null {
  if (!isPlainObject(raw)) return null;
  if (compiledRules.has(raw)) return compiledRules.get(raw) ?? null;
  let compiled: CompiledRule | null = null;
  if (typeof raw.rule === 'string' && raw.rule.length <= 10_000) {
    const rule = raw.rule;
    const message = typeof raw.message === 'string' && raw.message.trim() !== '' ? raw.message : `failed rule: ${rule}`;
    const transition = /\boldSelf\b/.test(rule);
    let program: Program | undefined;
    if (!transition && !UNSUPPORTED.test(rule)) {
      try {
        program = cel().parse(rule);
      } catch {
        program = undefined;
      }
    }
    compiled = { rule, message, program, transition, comprehensions: rule.match(COMPREHENSION)?.length ?? 0 };
  }
  compiledRules.set(raw, compiled);
  return compiled;
}

/** Evaluates the `x-kubernetes-validations` of one schema node on the value there. */
export function evaluateCelRules(rules: unknown[], value: unknown, schema: Record<string, unknown>): CelOutcome {
  const outcome: CelOutcome = { failures: [], skipped: 0 };
  let self: unknown;
  let size: number | undefined;
  for (const raw of rules) {
    const compiled = compileRule(raw);
    if (!compiled || compiled.transition) continue;
    if (!compiled.program) {
      outcome.skipped++;
      continue;
    }
    if (compiled.comprehensions > 0) {
      size ??= countNodes(value, MAX_COMPREHENSION_NODES + 1);
      if (size > MAX_COMPREHENSION_NODES || size ** compiled.comprehensions > MAX_COMPREHENSION_STEPS) {
        outcome.skipped++;
        continue;
      }
    }
    self ??= toCel(value, schema, 0);
    let result: unknown;
    try {
      result = compiled.program({ self });
    } catch {
      outcome.skipped++;
      continue;
    }
    if (result === false) outcome.failures.push({ rule: compiled.rule, message: compiled.message });
  }
  return outcome;
}

/** The value as CEL sees it: integers of `integer` (and int-or-string) fields become CEL ints (BigInt). */
function toCel(value: unknown, schema: Record<string, unknown> | undefined, depth: number): unknown {
  if (depth > 64) return value;
  if (typeof value === 'number') {
    const integer = schema?.type === 'integer' || schema?.['x-kubernetes-int-or-string'] === true;
    return integer && Number.isSafeInteger(value) ? BigInt(value) : value;
  }
  if (Array.isArray(value)) {
    const items = isPlainObject(schema?.items) ? schema.items : undefined;
    return value.map((v) => toCel(v, items, depth + 1));
  }
  if (isPlainObject(value)) {
    const properties = isPlainObject(schema?.properties) ? schema.properties : undefined;
    const additional = isPlainObject(schema?.additionalProperties) ? schema.additionalProperties : undefined;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (v === null) continue; // pruned, as the API server does for non-nullable fields
      const sub = properties && isPlainObject(properties[key]) ? (properties[key] as Record<string, unknown>) : additional;
      out[key] = toCel(v, sub, depth + 1);
    }
    return out;
  }
  return value;
}

function countNodes(value: unknown, limit: number): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && count < limit) {
    const v = stack.pop();
    count++;
    // One at a time: spreading a list of a million items overflows the call stack.
    if (Array.isArray(v)) for (const item of v) stack.push(item);
    else if (isPlainObject(v)) for (const key in v) stack.push(v[key]);
  }
  return count;
}
