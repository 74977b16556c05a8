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
import { nodeLimitProblem } from './yaml.js';

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
const YAML11_TAG_NAME = 'tag:yaml.org,2002:mllint-yaml11';

const yaml11Scalar = new jsyaml.Type(YAML11_TAG_NAME, {
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
const YAML11_TAG = YAML11_TAG_NAME;

/**
 * Set when js-yaml opens or closes a node with an anchor or an explicit tag in its state (anything but a plain scalar's
 * `?`, or its resolution by `yaml11Scalar`): the fast path then steps aside, as for any construct
 * outside the plain subset (anchors: alias limits and merge sources; tags: `yaml` resolves them).
 */
let propertySeen = false;

function noteProperty(_event: string, state: { tag?: string | null; anchor?: string | null }): void {
  // On 'close' the node's own properties; on 'open' of a child also those just read for its parent
  // (js-yaml may drop a tag whose node turns out empty, `!` alone on a line, before closing it).
  if (state.anchor != null || (state.tag != null && state.tag !== '?' && state.tag !== YAML11_TAG)) propertySeen = true;
}


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
  // `?` and `{` count only where a node starts: at a line start or after `:`, `-`, `?`, `,`, `[`, `{`
  // (spaces between); mid-line in a plain scalar (`required {key,value} pairs`) they are text.
  ['?', /(?:^|[\n\r,[{:?-])[ ]*\?(?:\s|$)/, false], // complex keys
  ['|', /(?:^|\s)\|[-+]?[0-9]/, false], // block scalars with indentation indicators
  ['>', /(?:^|\s)>[-+]?[0-9]/, false],
  ['{', /(?:^|[\n\r,[{:?-])[ ]*\{\s*[^\s}]/, false], // non-empty flow mappings (null, date or collection keys inside)
];

const NULL_KEY = /^(?:~|null|Null|NULL)?[ ]*:(?:[ \r]|$)/; // null keys: "" in `yaml`, "null" in js-yaml
const DATE_KEY = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[^:]*:(?:[ \r]|$)/; // Date keys stringify differently
/** Implicit keys over 1024 characters are errors in `yaml`. */
const MAX_FAST_LINE = 1000;
const LONE_CR = /\r(?!\n)/;
/** The start of a line whose value is a quoted scalar: indentation, dashes, an optional short plain key. */
const SHORT_KEY_QUOTE = /^[ ]*(?:-[ ]+)*(?:[\w./-]{1,200}:[ ]+)?["']/;
const AFTER_CLOSING_QUOTE = /^(?:[ ]*|[ ]+#.*)\r?$/;

/**
 * Whether a line of MAX_FAST_LINE characters or more holds no implicit key longer than `yaml` allows:
 * a line inside a scalar over several lines (blanked in `text`), or `key: "…"` / `- '…'` whose quoted
 * scalar (the kustomize and go-yaml way of writing a long one-line string) closes on the line with nothing
 * but a comment after it, so that no `:` follows it.
 */
function isLongScalarLine(original: string, text: string, start: number, end: number): boolean {
  if (text.slice(start, end).trim() === '') return true;
  const open = SHORT_KEY_QUOTE.exec(original.slice(start, start + 300));
  if (!open) return false;
  const quote = original[start + open[0].length - 1];
  let i = start + open[0].length;
  for (; i < end; i++) {
    const c = original[i];
    if (quote === '"' && c === '\\') i++;
    else if (c === quote) {
      if (quote === "'" && original[i + 1] === "'") i++;
      else break;
    }
  }
  return i < end && AFTER_CLOSING_QUOTE.test(original.slice(i + 1, end));
}
const ONE_FLOW_SEQUENCE = /^\[[^:\n]*\][ \r]*$/;

const NODE_START = String.raw`(^[ ]*(?:-[ ]+)*|[:?-][ ]+|[[{,][ ]*)`;
// Built from template literals: `\\\\.` there is `\\.` (a backslash escape such as `\"`) in the expression.
const CLOSED_QUOTED = new RegExp(`${NODE_START}('(?:[^'\\n]|'')*'|"(?:[^"\\\\\\n]|\\\\.)*")`, 'gm');
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

export function needsFullParser(original: string, options: FastParseOptions = {}): boolean {
  // A carriage return not followed by a line feed breaks lines for js-yaml only.
  if (original.includes('\r') && LONE_CR.test(original)) return true;
  // Scalars over several lines (descriptions and CEL rules in CRDs, configs in ConfigMaps) are blanked
  // first, keeping offsets and line breaks: what they hold is text (see `multiLineScalars`).
  const ranges = multiLineScalars(original);
  if (ranges === undefined) return true;
  const text = ranges.length > 0 ? blankRanges(original, ranges) : original;
  let blanked: string | undefined;
  for (const [trigger, pattern, inScalars] of TRIGGERED) {
    if (!original.includes(trigger)) continue;
    if (options.emitted && (trigger === '"#' || trigger === "'#")) continue;
    if (pattern === true && inScalars) return true;
    // Node-level constructs cannot hide inside a scalar: look for them outside those (CRDs' CEL rules such
    // as 'a ? !has(b) : c' are quoted text, not tags or complex keys).
    const subject = inScalars ? original : (blanked ??= withoutQuotedScalars(text));
    if (pattern === true ? subject.includes(trigger) : pattern.test(subject)) return true;
  }
  let documentStart = true; // at the start of the text or after `---`
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end - start >= MAX_FAST_LINE && !isLongScalarLine(original, text, start, end)) return true;
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
    // Collection keys stringify differently. A line that is one flow sequence without `:` is no key (a
    // sequence item, or prose in a multi-line plain scalar: `['Exact', 'PathPrefix']`).
    if (c === '[' && !ONE_FLOW_SEQUENCE.test(text.slice(i, end))) return true;
    if ((c === ':' || c === '~' || c === 'n' || c === 'N') && NULL_KEY.test(text.slice(i, end))) return true;
    if (c >= '0' && c <= '9' && text[i + 4] === '-' && DATE_KEY.test(text.slice(i, end))) return true;
    start = end + 1;
  }
  return false;
}

export interface FastParseOptions {
  /**
   * The text was written by a YAML emitter (`kustomize build` output, go-yaml): a comment is never glued
   * to a closing quote there, so `'#` and `"#` are text (`must not contain '#'`), not that error.
   */
  emitted?: boolean;
}

/** The documents of `text` as plain values, or undefined when `yaml` must parse the text. */
export function fastParseDocuments(text: string, options: FastParseOptions = {}): unknown[] | undefined {
  if (nodeLimitProblem(text) || needsFullParser(text, options)) return undefined; // `yaml.ts` reports the limit
  try {
    propertySeen = false;
    const docs = jsyaml.loadAll(text, undefined, { schema: SCHEMA, json: false, listener: noteProperty as unknown as jsyaml.LoadOptions['listener'] }) as unknown[];
    return propertySeen ? undefined : docs;
  } catch {
    return undefined; // syntax errors, duplicate keys, unresolvable scalars: `yaml` reports them
  }
}

/** A quoted scalar that opens a key or a value on a line: `"…`, `key: '…`, `- "…` (after indentation). */
const QUOTED_START = /^([ ]*)((?:-[ ]+)*)((?:[^\s'"#:][^:#]*?|"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'):[ ]+)?(['"])/;
/** A block scalar header ending a line: `key: |`, `- >-`, `key: |+ # comment` (no indentation indicator). */
const BLOCK_START = /^([ ]*)((?:-[ ]+)*)((?:[^\s'"#:|>[{!&*-][^:#]*?|"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'):[ ]+)?[|>][-+]?[ ]*(?:[ ]#.*)?\r?$/;

/**
 * Scalars that span lines, in block context: quoted scalars (long descriptions and CEL rules as
 * kustomize and kubectl write them), from their opening to their closing quote, and the content lines
 * of block scalars (`|`, `>`: JSON or configs in a ConfigMap); [start, end) offsets, sorted.
 * Undefined when the text is not simple enough to tell (a closing quote followed by more than a
 * comment, a document marker inside a quoted scalar, continuation lines `yaml` would find too little
 * indented): the caller then leaves the text to `yaml`. Ranges only hide text from the trigger patterns
 * and the line checks; the parse itself is js-yaml's, compared with `yaml` by the differential tests.
 */
function multiLineScalars(text: string): Array<[number, number]> | undefined {
  const ranges: Array<[number, number]> = [];
  const quotes = text.includes("'") || text.includes('"');
  const blocks = text.includes('|') || text.includes('>');
  if (!quotes && !blocks) return ranges;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, Math.min(end, start + MAX_FAST_LINE));
    const block = blocks && (line.includes('|') || line.includes('>')) ? BLOCK_START.exec(line) : null;
    if (block) {
      // Content lines are blank or indented at least as much as the first one, which must be indented
      // more than the key (or the dash, for `- |`); the first other line ends the scalar.
      // The key's column; for `- |`, just right of the last dash (stricter than YAML: fewer lines taken).
      const parentIndent = block[1].length + block[2].length - (block[3] === undefined && block[2] !== '' ? 1 : 0);
      let content = -1;
      let last = end;
      for (let next = end + 1; next < text.length; ) {
        let nextEnd = text.indexOf('\n', next);
        if (nextEnd === -1) nextEnd = text.length;
        let indent = 0;
        while (next + indent < nextEnd && text[next + indent] === ' ') indent++;
        const blank = next + indent === nextEnd || (text[next + indent] === '\r' && next + indent + 1 === nextEnd);
        if (!blank) {
          if (content === -1) {
            if (indent <= parentIndent) break;
            content = indent;
          } else if (indent < content) break;
        }
        last = nextEnd;
        next = nextEnd + 1;
      }
      if (last > end) ranges.push([end + 1, Math.min(last + 1, text.length)]);
      start = last + 1;
      continue;
    }
    const open = quotes && (line.includes("'") || line.includes('"')) ? QUOTED_START.exec(line) : null;
    if (!open) {
      start = end + 1;
      continue;
    }
    const quote = open[4];
    // Continuation lines must be indented more than the key (`yaml` requires it, js-yaml does not);
    // for `- '…` more than the last dash, for a bare `'…` at least as much as the quote (stricter).
    const minIndent = open[1].length + open[2].length + (open[3] === undefined ? 0 : 1) - (open[3] === undefined && open[2] !== '' ? 1 : 0);
    let i = start + open[0].length; // just after the opening quote
    let close = -1;
    while (i < text.length) {
      const c = text[i];
      if (quote === "'" && c === "'") {
        if (text[i + 1] === "'") {
          i += 2;
          continue;
        }
        close = i;
        break;
      }
      if (quote === '"' && c === '\\') {
        i += 2;
        continue;
      }
      if (quote === '"' && c === '"') {
        close = i;
        break;
      }
      i++;
    }
    if (close === -1) return undefined; // unterminated: an error for `yaml` to report
    let closeEnd = text.indexOf('\n', close);
    if (closeEnd === -1) closeEnd = text.length;
    if (close < end) {
      start = end + 1; // closes on its own line: an ordinary line
      continue;
    }
    // After the closing quote only spaces and a comment after a space (a `:` of a key, a glued comment:
    // not simple, let `yaml` judge).
    if (!/^[ ]*\r?$|^[ ]+#/.test(text.slice(close + 1, closeEnd))) return undefined;
    for (let next = end + 1; next <= close; ) {
      let nextEnd = text.indexOf('\n', next);
      if (nextEnd === -1) nextEnd = text.length;
      let indent = 0;
      while (next + indent < nextEnd && text[next + indent] === ' ') indent++;
      const blank = next + indent === nextEnd || (text[next + indent] === '\r' && next + indent + 1 === nextEnd);
      // Under-indented, or a document marker (at column 0) inside the scalar: `yaml` reports it.
      if (!blank && (indent < minIndent || text.startsWith('---', next) || text.startsWith('...', next))) return undefined;
      next = nextEnd + 1;
    }
    ranges.push([start + open[0].length - 1, close + 1]); // the quotes and what is between them
    start = closeEnd + 1;
  }
  return ranges;
}

/** The documents of `text` as plain values, or undefined when `yaml` must parse the text. */
/** `text` with every character in `ranges` but line breaks replaced by a space (offsets kept). */
function blankRanges(text: string, ranges: Array<[number, number]>): string {
  let out = '';
  let at = 0;
  for (const [from, to] of ranges) {
    out += text.slice(at, from) + text.slice(from, to).replace(/[^\n\r]/g, ' ');
    at = to;
  }
  return out + text.slice(at);
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
