/**
 * A fast path for the common case: plain manifests parsed with `js-yaml` (about 7× faster than `yaml`
 * here), giving exactly the data `yaml.ts` gives, or `undefined` when it cannot promise that — then the
 * caller parses with `yaml`, which stays the single authority for errors, their positions and every
 * construct outside the plain subset.
 *
 * How the results stay identical (proved by test/loaders/fast-yaml.test.ts, differentially, on the
 * conformance fixtures, the examples and generated and garbled YAML):
 * - plain scalars are resolved by the `yaml` package's own YAML 1.1 tags (the same regular expressions
 *   and resolvers `yaml.ts` uses): `yes`/`on` booleans, `0777` octals, `1_000`, sexagesimals, timestamps;
 * - anything js-yaml rejects (syntax errors, duplicate keys, unknown aliases or tags) falls back;
 * - constructs where the two libraries could differ fall back before parsing (`needsFullParser`):
 *   anchors and merge keys (alias limits), tags, directives, tabs, complex and null keys, date or
 *   collection keys, flow mappings, very long lines, documents `yaml` would report as half objects.
 */
import { createHash } from 'node:crypto';
import jsyaml from 'js-yaml';
import { Document, isScalar } from 'yaml';

interface Yaml11Tag {
  test: RegExp;
  resolve: (source: string, onError: (message: string) => void, options: Record<string, unknown>) => unknown;
}

/** The default (implicit) YAML 1.1 scalar tags of the `yaml` package, in its resolution order. */
const YAML11_TAGS: Yaml11Tag[] = (new Document(null, { version: '1.1' }).schema.tags as unknown as Array<Partial<Yaml11Tag> & { default?: unknown }>)
  .filter((tag): tag is Yaml11Tag & { default: true } => tag.default === true && tag.test instanceof RegExp && typeof tag.resolve === 'function');

/** Plain scalars that no YAML 1.1 tag can match start with none of these characters. */
const MAYBE_TYPED_FIRST = new Set('-+.0123456789~nNyYtTfFoOeE'.split('')); // `e0` is NaN in `yaml` 1.1
const LETTERS = new Set('nNyYtTfFoOeE'.split(''));
const RESOLVE_OPTIONS = { intAsBigInt: false };

class UnsupportedScalar extends Error {}

/** Could a YAML 1.1 tag match this plain scalar? (A cheap filter before the tags' regular expressions.) */
function maybeTyped(data: string): boolean {
  if (data === '') return true;
  const first = data[0];
  if (!MAYBE_TYPED_FIRST.has(first)) return false;
  // Words (booleans, nulls) have at most 5 letters; longer letter-led scalars can only be `e5`-like floats.
  if (LETTERS.has(first) && data.length > 5) return (first === 'e' || first === 'E') && /^[eE][-+]?[0-9]+$/.test(data);
  return true;
}

/** Resolved plain scalars, by text (not dates: they are mutable objects). */
const resolvedCache = new Map<string, unknown>();
const NOT_TYPED = Symbol('string');

function resolveTyped(data: string): unknown {
  const cached = resolvedCache.get(data);
  if (cached !== undefined) return cached;
  const tag = YAML11_TAGS.find((t) => t.test.test(data));
  let value: unknown = NOT_TYPED;
  if (tag) {
    const resolved = tag.resolve(data, () => {
      throw new UnsupportedScalar(data);
    }, RESOLVE_OPTIONS);
    value = isScalar(resolved) ? resolved.value : resolved;
  }
  if (!(value instanceof Date) && value !== undefined && resolvedCache.size < 50_000) resolvedCache.set(data, value);
  return value;
}

let pending: unknown = NOT_TYPED;

const yaml11Scalar = new jsyaml.Type('tag:yaml.org,2002:mllint-yaml11', {
  kind: 'scalar',
  resolve(data: unknown) {
    pending = NOT_TYPED;
    if (typeof data !== 'string' || !maybeTyped(data)) return false;
    pending = resolveTyped(data);
    return pending !== NOT_TYPED;
  },
  construct() {
    return pending;
  },
});

const SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({ implicit: [yaml11Scalar] });

/**
 * Text constructs the fast path does not take. Over-matching only costs speed (the file is parsed by
 * `yaml`); under-matching would be a behaviour difference, which the differential tests look for.
 * Each pattern runs only when its (rarer) trigger occurs in the text; line starts are scanned by hand,
 * so the whole check costs a few percent of a parse.
 */
const TRIGGERED: Array<[string, RegExp | true, boolean]> = [
  // [trigger, pattern (true: the trigger itself), whether to look inside scalars too]
  ['\t', true, true], // tab indentation errors and tab separation are reported by `yaml`
  ['<<', true, true], // merge keys
  ['"#', true, false], // a comment glued to a closing quote is an error in `yaml` only
  ["'#", true, false],
  // Anchors and tags can only start a node: at a line's start (after indentation and `- `), after `: `,
  // `- `, `? `, or in a flow collection.
  ['&', /(?:^[ ]*(?:-[ ]+)*|[:?-][ ]+|[[{,][ ]*)&/m, false], // anchors (alias limits, merge sources)
  ['!', /(?:^[ ]*(?:-[ ]+)*|[:?-][ ]+|[[{,][ ]*)!/m, false], // tags
  ['?', /(?:^|[\s,[{])\?(?:\s|$)/, false], // complex keys
  ['|', /(?:^|\s)\|[-+]?[0-9]/, false], // block scalars with indentation indicators
  ['>', /(?:^|\s)>[-+]?[0-9]/, false],
  ['{', /(?:^|[\s,[:-])\{\s*[^\s}]/, false], // non-empty flow mappings (null, date or collection keys inside)
];

const NULL_KEY = /^(?:~|null|Null|NULL)?[ ]*:(?:[ \r]|$)/; // null keys: "" in `yaml`, "null" in js-yaml
const DATE_KEY = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[^:]*:(?:[ \r]|$)/; // Date keys stringify differently
/** Implicit keys over 1024 characters are errors in `yaml`. */
const MAX_FAST_LINE = 1000;

const NODE_START = String.raw`(^[ ]*(?:-[ ]+)*|[:?-][ ]+|[[{,][ ]*)`;
const CLOSED_QUOTED = new RegExp(`${NODE_START}('(?:[^'\n]|'')*'|"(?:[^"\\\n]|\\.)*")`, 'gm');
const UNCLOSED_QUOTED = new RegExp(`${NODE_START}('(?:[^'\\n]|'')*$|"(?:[^"\\\\\\n]|\\\\.)*$)`, 'm');
/** `key: plain value…` on one line: the value, when it starts like a plain scalar. */
const PLAIN_VALUE = /^([ ]*(?:-[ ]+)*[\w./-]+:[ ]+)([^\s'"[\]{}|>&!*?%@`#,-][^\n]*)$/gm;

/**
 * The text with the scalars that cannot hold node-level constructs blanked, for the triggers below: every
 * quoted scalar that starts a node and closes on its line becomes `''` (or `""`), and, when every quoted scalar
 * closes on its line, the plain value of each `key: value` line becomes `x` (a `#`, `'` or `!` inside a
 * plain scalar is text). A quoted scalar over several lines leaves the plain values as they are: the
 * triggers then over-match, which is safe.
 */
export function withoutQuotedScalars(text: string): string {
  // '' or "": a comment glued to the closing quote still shows.
  const quoted = text.replace(CLOSED_QUOTED, (_whole, start: string, scalar: string) => `${start}${scalar[0]}${scalar[0]}`);
  return UNCLOSED_QUOTED.test(quoted) ? quoted : quoted.replace(PLAIN_VALUE, '$1x');
}

/** A plain scalar's value as `yaml` resolves it under YAML 1.1 (for comparing map keys). */
export function resolvePlainScalar(text: string): unknown {
  if (!maybeTyped(text)) return text;
  try {
    const value = resolveTyped(text);
    return value === NOT_TYPED ? text : value;
  } catch {
    return undefined;
  }
}

export function needsFullParser(text: string): boolean {
  let blanked: string | undefined;
  for (const [trigger, pattern, inScalars] of TRIGGERED) {
    if (!text.includes(trigger)) continue;
    if (pattern === true && inScalars) return true;
    // Node-level constructs cannot hide inside a scalar: look for them outside those (CRDs' CEL rules such
    // as 'a ? !has(b) : c' are quoted text, not tags or complex keys).
    const subject = inScalars ? text : (blanked ??= withoutQuotedScalars(text));
    if (pattern === true ? subject.includes(trigger) : pattern.test(subject)) return true;
  }
  let documentStart = true; // at the start of the text or after `---`
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end - start >= MAX_FAST_LINE) return true;
    const first = text[start];
    // Directives, top-level block scalars or flow sequences, document end markers.
    if (first === '%' || first === '|' || first === '>' || first === '[' || text.startsWith('...', start)) return true;
    if (text.startsWith('---', start)) {
      // `---x` is a scalar for `yaml` and a marker for js-yaml; content after `---` is parsed differently.
      const rest = text.slice(start + 3, end).trim();
      if ((start + 3 < end && !/\s/.test(text[start + 3])) || (rest !== '' && !rest.startsWith('#'))) return true;
      documentStart = true;
      start = end + 1;
      continue;
    }
    let i = start;
    while (i < end && text[i] === ' ') i++;
    if (i === end || text[i] === '#' || text[i] === '\r') {
      start = end + 1; // blank or comment line
      continue;
    }
    // An indented document: `yaml` checks the indentation of its siblings more strictly.
    if (documentStart && i > start) return true;
    documentStart = false;
    while (text[i] === '-' && (text[i + 1] === ' ' || text[i + 1] === '\r' || i + 1 === end)) {
      i += 1;
      while (i < end && text[i] === ' ') i++;
    }
    const c = text[i];
    if (c === '[') return true; // collection keys stringify differently
    if ((c === ':' || c === '~' || c === 'n' || c === 'N') && NULL_KEY.test(text.slice(i, end))) return true;
    if (c >= '0' && c <= '9' && text[i + 4] === '-' && DATE_KEY.test(text.slice(i, end))) return true;
    start = end + 1;
  }
  return false;
}

/** The documents of `text` as plain values, or undefined when `yaml` must parse the text. */
export function fastParseDocuments(text: string): unknown[] | undefined {
  if (needsFullParser(text)) return undefined;
  try {
    return jsyaml.loadAll(text, undefined, { schema: SCHEMA, json: false }) as unknown[];
  } catch {
    return undefined; // syntax errors, duplicate keys, unresolvable scalars: `yaml` reports them
  }
}

/**
 * Digests of texts the fast path parsed whole, so that locating findings later (fast-locate.ts) need
 * not parse them again to know. Workers send theirs with their results (see load-sources.ts).
 */
const parsedFast = new Set<string>();
const MAX_REMEMBERED = 1_000_000;

export function textDigest(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

export function rememberParsedFast(digest: string): void {
  if (parsedFast.size < MAX_REMEMBERED) parsedFast.add(digest);
}

/** Whether the fast path takes `text` whole (remembered, or found out now). */
export function isParsedFast(text: string): boolean {
  return parsedFast.has(textDigest(text)) || fastParseDocuments(text) !== undefined;
}
