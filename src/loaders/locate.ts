/**
 * Path → line:column. Positions are computed only for nodes that have findings: the file is parsed
 * again here (once per file with findings), so the engine never holds a YAML AST per object.
 *
 * Rules of thumb, after the `yaml` library's position API:
 * - a scalar is located by its value (`image: "x:latest"` → the `"x:latest"` part);
 * - a collection is located by the key that holds it (`resources:`), or, in a sequence, by its first line;
 * - a missing node is located at its deepest existing ancestor;
 * - aliases are followed into their anchors; a path that ends on an alias points at the alias.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node, type Pair } from 'yaml';
import type { Path, Position } from '../types.js';
import { describeYamlError, lineCounterFor, nodeLimitProblem, parseDocuments, problemFromThrown } from './yaml.js';
import { createFastLocator, type FastLocator } from './fast-locate.js';

export interface LocatableText {
  docs: Document.Parsed[];
  lineCounter: LineCounter;
  text: string;
  /** For plain block-style text: positions without a `yaml` AST (the AST is then built only if asked). */
  fast?: FastLocator;
}

/**
 * Lazy: for plain manifests the AST-free locator (fast-locate.ts) answers, and the `yaml` AST is built
 * only when it cannot (multi-line scalars, empty values, …).
 */
export function prepareLocate(text: string): LocatableText {
  let parsed: LocatableText | undefined;
  const parse = () => (parsed ??= prepareLocateWithYaml(text));
  return {
    text,
    fast: createFastLocator(text),
    get docs() {
      return parse().docs;
    },
    get lineCounter() {
      return parse().lineCounter;
    },
  };
}

export function prepareLocateWithYaml(text: string): LocatableText {
  const lineCounter = lineCounterFor(text);
  let docs: Document.Parsed[] = [];
  try {
    docs = parseDocuments(text);
  } catch {
    docs = [];
  }
  return { docs, lineCounter, text };
}

type Range = readonly [number, number];

/** With `key: true`, a path that ends on a map entry points at the entry's key (for "unknown key" messages). */
export function locatePath(located: LocatableText, docIndex: number, path: Path, options: { key?: boolean } = {}): Position {
  const quick = located.fast?.locate(docIndex, path, options);
  if (quick) return quick;
  const doc = located.docs[docIndex];
  if (!doc) return toPosition(located, [0, 0]);
  let node: unknown = doc.contents;
  let best: Range = doc.contents?.range ? firstLine(located.text, doc.contents.range) : [doc.range[0], doc.range[0]];
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const container = resolveAlias(node, doc);
    if (isMap(container)) {
      const pair = findPair(container, segment, doc);
      if (!pair) break;
      node = pair.value;
      const key = pair.key as Node | null;
      const value = pair.value as Node | null;
      if (options.key && i === path.length - 1 && key && isScalar(key) && key.range) best = [key.range[0], key.range[1]];
      else if (value && isScalar(value) && value.range) best = [value.range[0], value.range[1]];
      else if (value && isAlias(value) && value.range) best = [value.range[0], value.range[1]];
      else if (key && isScalar(key) && key.range) best = [key.range[0], key.range[1]];
      if (!value) break;
    } else if (isSeq(container)) {
      const item = typeof segment === 'number' ? (container.items[segment] as Node | undefined) : undefined;
      if (!item) break;
      node = item;
      if (item.range) best = isScalar(item) || isAlias(item) ? [item.range[0], item.range[1]] : firstLine(located.text, item.range);
    } else {
      break;
    }
  }
  return toPosition(located, best);
}

function resolveAlias(node: unknown, doc: Document.Parsed, depth = 0): unknown {
  if (isAlias(node) && depth < 50) return resolveAlias(node.resolve(doc), doc, depth + 1);
  return node;
}

/** Large maps' pairs by key (first occurrence), built once: many findings in a map of 100k keys would each scan it. */
const pairIndexes = new WeakMap<object, Map<string, Pair>>();

function ownPair(map: { items: Pair[] }, wanted: string): Pair | undefined {
  const matches = (pair: Pair) => isPair(pair) && isScalar(pair.key) && typeof pair.key.value !== 'symbol';
  if (map.items.length < 32) return map.items.find((pair) => matches(pair) && String((pair.key as { value: unknown }).value) === wanted);
  let index = pairIndexes.get(map);
  if (!index) {
    index = new Map();
    for (const pair of map.items) {
      if (!matches(pair)) continue;
      const key = String((pair.key as { value: unknown }).value);
      if (!index.has(key)) index.set(key, pair);
    }
    pairIndexes.set(map, index);
  }
  return index.get(wanted);
}

function findPair(map: { items: Pair[] }, segment: string | number, doc: Document.Parsed, depth = 0): Pair | undefined {
  const wanted = String(segment);
  const own = ownPair(map, wanted);
  if (own) return own;
  if (depth > 20) return undefined;
  // `<<: *defaults` and `<<: [*a, *b]`: the first merged map that has the key wins.
  for (const pair of map.items) {
    if (!isPair(pair) || !isScalar(pair.key) || pair.key.source !== '<<') continue;
    const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
    for (const source of sources) {
      const merged = resolveAlias(source, doc);
      if (isMap(merged)) {
        const found = findPair(merged as { items: Pair[] }, segment, doc, depth + 1);
        if (found) return found;
      }
    }
  }
  return undefined;
}

function firstLine(text: string, range: readonly number[]): Range {
  const start = range[0];
  const newline = text.indexOf('\n', start);
  let end = newline === -1 ? range[1] : Math.min(range[1], newline);
  if (end > start && text[end - 1] === '\r') end--;
  return [start, Math.max(start, end)];
}

function toPosition(located: LocatableText, [start, end]: Range): Position {
  const a = located.lineCounter.linePos(start);
  const b = located.lineCounter.linePos(Math.max(start, end));
  return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
}

/** A single YAML file (config, registry, policy pack) as plain data plus a way to locate its paths. */
export interface PositionedYaml {
  value: unknown;
  errors: Array<{ message: string; line: number; column: number }>;
  positionOf(path: Path, options?: { key?: boolean }): Position;
}

export function parsePositionedYaml(text: string): PositionedYaml {
  const tooLarge = nodeLimitProblem(text); // (a registry or nodes file may be large)
  if (tooLarge) {
    const at = { line: tooLarge.line, column: 1, endLine: tooLarge.line, endColumn: 1 };
    return { value: undefined, errors: [{ message: tooLarge.message, line: tooLarge.line, column: 1 }], positionOf: () => at };
  }
  const located = prepareLocate(text);
  const nonEmpty = located.docs.filter((d) => d.contents !== null);
  const errors: PositionedYaml['errors'] = [];
  for (const doc of located.docs) {
    for (const e of doc.errors) {
      const p = located.lineCounter.linePos(e.pos[0]);
      errors.push({ message: describeYamlError(e.code, e.message), line: p.line, column: p.col });
    }
  }
  const docIndex = nonEmpty.length > 0 ? located.docs.indexOf(nonEmpty[0]) : 0;
  let value: unknown = undefined;
  if (errors.length === 0 && nonEmpty.length > 0) {
    if (nonEmpty.length > 1) errors.push({ message: 'expected a single YAML document', line: toPosition(located, [nonEmpty[1].range[0], nonEmpty[1].range[0]]).line, column: 1 });
    try {
      value = nonEmpty[0].toJS({ maxAliasCount: 100 });
    } catch (err) {
      errors.push({ message: problemFromThrown(err, 1).message, line: 1, column: 1 });
    }
  }
  return { value, errors, positionOf: (path, options) => locatePath(located, docIndex, path, options) };
}
