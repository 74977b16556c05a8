/**
 * Path → position without building a YAML AST, for the plain block-style text the js-yaml fast path
 * accepts (see fast-yaml.ts). It reads only the lines on the path: keys at the map's column, items at
 * the sequence's column. It gives exactly what `locatePath` in locate.ts gives, or `undefined` whenever
 * the text is outside what it handles (multi-line or block scalars on the path, empty values, flow
 * collections entered by the path, …) — then the caller asks the `yaml` AST. Proved differentially by
 * test/loaders/fast-locate.test.ts on every path of the examples, the fixtures and a generated corpus.
 */
import type { Path, Position } from '../types.js';
import { isParsedFast, resolvePlainScalar } from './fast-yaml.js';

type Range = readonly [number, number];

export interface FastLocator {
  locate(docIndex: number, path: Path, options?: { key?: boolean }): Position | undefined;
}

/** A locator for `text`, or undefined when the text is not in the plain subset. */
export function createFastLocator(text: string): FastLocator | undefined {
  // Only text that js-yaml parses whole: then documents split at `---` lines exactly as in `yaml`.
  if (!isParsedFast(text)) return undefined;
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineCount = lineStarts.length;
  const lineEnd = (l: number) => {
    let end = l + 1 < lineCount ? lineStarts[l + 1] - 1 : text.length;
    if (end > lineStarts[l] && text[end - 1] === '\r') end--;
    return end;
  };
  /** Column of the first non-space character, or -1 for a blank or comment-only line. */
  const indentOf = (l: number) => {
    const start = lineStarts[l];
    const end = lineEnd(l);
    let i = start;
    while (i < end && text[i] === ' ') i++;
    return i === end || text[i] === '#' ? -1 : i - start;
  };
  const isMarker = (l: number) => text.startsWith('---', lineStarts[l]);

  /** First content line of document `docIndex` and the line where it ends (exclusive). */
  let docs: Array<[number, number]> | undefined;
  const documentLines = (docIndex: number): [number, number] | undefined => {
    docs ??= splitDocuments();
    const doc = docs[docIndex];
    if (!doc) return undefined;
    let first = doc[0];
    while (first < doc[1] && indentOf(first) === -1) first++;
    return first < doc[1] ? [first, doc[1]] : undefined;
  };
  const splitDocuments = (): Array<[number, number]> => {
    // Walk the markers: document k spans from after its marker (or the text start) to the next marker.
    const segments: Array<[number, number]> = [];
    let start = 0;
    for (let l = 0; l <= lineCount; l++) {
      if (l === lineCount || isMarker(l)) {
        segments.push([start, l]);
        start = l + 1;
      }
    }
    // The segment before the first marker is a document only if it has content (else it is the
    // marker's own document's preamble); a trailing segment after the last marker is a document
    // when a marker precedes it.
    const found: Array<[number, number]> = [];
    segments.forEach(([a, b], k) => {
      const hasContent = (() => {
        for (let l = a; l < b; l++) if (indentOf(l) !== -1) return true;
        return false;
      })();
      if (k === 0 && !hasContent) return;
      found.push([a, b]);
    });
    return found;
  };

  const toPosition = ([start, end]: Range): Position => {
    const a = lineOf(start);
    const b = lineOf(Math.max(start, end));
    return { line: a + 1, column: start - lineStarts[a] + 1, endLine: b + 1, endColumn: Math.max(start, end) - lineStarts[b] + 1 };
  };
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = lineCount - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };

  /** The next content line after `l` (before `limit`), or `limit`. */
  const nextContent = (l: number, limit: number) => {
    let n = l + 1;
    while (n < limit && indentOf(n) === -1) n++;
    return n;
  };

  /** A scalar starting at `at` on line `l`: its range, or undefined when it is not a one-line scalar we know. */
  const scalarAt = (l: number, at: number, limit: number, parentColumn: number): Range | undefined => {
    const end = lineEnd(l);
    const c = text[at];
    if (c === '"' || c === "'") {
      let i = at + 1;
      for (; i < end; i++) {
        if (c === '"' && text[i] === '\\') i++;
        else if (text[i] === c) {
          if (c === "'" && text[i + 1] === "'") i++;
          else break;
        }
      }
      if (i >= end) return undefined; // multi-line quoted scalar
      const after = rest(i + 1, end);
      if (after !== '' && !after.startsWith('#')) return undefined;
      return [at, i + 1];
    }
    if (c === '|' || c === '>' || c === '[' || c === '{' || c === '*' || c === '&' || c === '!' || c === '-' && (at + 1 === end || text[at + 1] === ' ')) return undefined;
    // Plain scalar: up to a ` #` comment, without trailing spaces; a deeper next line would continue it.
    let stop = end;
    const hash = text.slice(at, end).indexOf(' #'); // on this line only: a search to the end of the text is quadratic over many findings
    if (hash !== -1) stop = at + hash;
    while (stop > at && (text[stop - 1] === ' ' || text[stop - 1] === '\r')) stop--;
    const next = nextContent(l, limit);
    if (next < limit && indentOf(next) > parentColumn) return undefined;
    return [at, stop];
  };
  const rest = (from: number, end: number) => text.slice(from, end).trim();

  /** A `key:` at offset `at` of line `l`: the key's range and the offset where its value starts (or -1). */
  const keyAt = (l: number, at: number): { range: Range; key: string; valueAt: number } | undefined => {
    const end = lineEnd(l);
    const c = text[at];
    let keyEnd: number;
    let key: string;
    if (c === '"' || c === "'") {
      let i = at + 1;
      for (; i < end; i++) {
        if (c === '"' && text[i] === '\\') return undefined; // escapes: leave to `yaml`
        if (text[i] === c) {
          if (c === "'" && text[i + 1] === "'") i++;
          else break;
        }
      }
      if (i >= end) return undefined;
      keyEnd = i + 1;
      key = text.slice(at + 1, i).replace(/''/g, "'");
      let j = keyEnd;
      while (j < end && text[j] === ' ') j++;
      if (text[j] !== ':') return undefined;
      return { range: [at, keyEnd], key, valueAt: valueStart(j + 1, end) };
    }
    if (c === '-' && (at + 1 === end || text[at + 1] === ' ')) return undefined;
    if ('[]{},#&*!|>%@`?:'.includes(c)) return undefined;
    let i = at;
    for (; i < end; i++) {
      if (text[i] === ':' && (i + 1 === end || text[i + 1] === ' ')) break;
      if (text[i] === '#' && text[i - 1] === ' ') return undefined;
    }
    if (i >= end) return undefined;
    keyEnd = i;
    while (keyEnd > at && text[keyEnd - 1] === ' ') keyEnd--;
    const resolved = resolvePlainScalar(text.slice(at, keyEnd));
    if (resolved === null || typeof resolved === 'object' || resolved === undefined) return undefined;
    key = String(resolved);
    return { range: [at, keyEnd], key, valueAt: valueStart(i + 1, end) };
  };
  /** Offset of a value after `key:` on the same line, or -1 when nothing (or only a comment) follows. */
  const valueStart = (from: number, end: number) => {
    let j = from;
    while (j < end && text[j] === ' ') j++;
    return j === end || text[j] === '#' ? -1 : j;
  };

  // Indexes of the block collections paths went through, built once each: many findings in one large
  // list or map (20,000 wrong items) would otherwise each scan it from the start (quadratic).
  const seqIndexes = new Map<string, { lines: number[]; stop: number }>();
  const mapIndexes = new Map<string, { byKey: Map<string, { key: { range: Range; key: string; valueAt: number }; line: number; valueEnd: number }>; unreadable: boolean }>();
  /** A block sequence's item lines (its first entry at `entryAt` on `line`, items at `column`) and the line where it stops. */
  const seqIndex = (line: number, column: number, entryAt: number, end: number) => {
    const id = `${entryAt}:${column}:${end}`;
    let index = seqIndexes.get(id);
    if (index) return index;
    const lines: number[] = [];
    let l = line;
    for (; l < end; l = nextContent(l, end)) {
      const ind = l === line ? entryAt - lineStarts[l] : indentOf(l);
      if (ind < column) break;
      if (ind === column) {
        const at = lineStarts[l] + ind;
        if (!(text[at] === '-' && (at + 1 === lineEnd(l) || text[at + 1] === ' '))) break;
        lines.push(l);
      }
    }
    seqIndexes.set(id, (index = { lines, stop: Math.min(l, end) }));
    return index;
  };
  /**
   * A block map's keys at `column` (first occurrence of each, up to the first key this locator cannot read:
   * `unreadable`, and then a key not found may be beyond it), each with the line where its value ends (the
   * next line at this column that is not a `- ` item).
   */
  const mapIndex = (line: number, column: number, entryAt: number, end: number) => {
    const id = `${entryAt}:${column}:${end}`;
    let index = mapIndexes.get(id);
    if (index) return index;
    index = { byKey: new Map(), unreadable: false };
    let open: { key: { range: Range; key: string; valueAt: number }; line: number } | undefined;
    let l = line;
    for (; l < end; l = nextContent(l, end)) {
      const ind = l === line ? entryAt - lineStarts[l] : indentOf(l);
      if (ind < column) break;
      if (ind > column) continue;
      const at = l === line ? entryAt : lineStarts[l] + ind;
      if (text[at] === '-' && (at + 1 === lineEnd(l) || text[at + 1] === ' ')) continue; // a sequence value at the key's column
      if (open) index.byKey.set(open.key.key, { ...open, valueEnd: l });
      open = undefined;
      const key = keyAt(l, at);
      if (!key) {
        index.unreadable = true;
        break;
      }
      if (!index.byKey.has(key.key)) open = { key, line: l };
    }
    if (open) index.byKey.set(open.key.key, { ...open, valueEnd: Math.min(l, end) });
    mapIndexes.set(id, index);
    return index;
  };

  return {
    locate(docIndex, path, options = {}) {
      const lines = documentLines(docIndex);
      if (!lines) return undefined;
      const [firstLine, limit] = lines;
      if (indentOf(firstLine) !== 0) return undefined;
      // The document's contents: located by its first line.
      let best: Range = [lineStarts[firstLine], lineEnd(firstLine)];
      // The node being walked: a block collection whose first entry is at (line, column).
      let line = firstLine;
      let column = 0;
      let entryAt = lineStarts[firstLine]; // where the first entry's content starts (after `- ` prefixes)
      let end = limit; // the line where this collection ends
      for (let s = 0; s < path.length; s++) {
        const segment = path[s];
        const first = text[entryAt];
        const isSeq = first === '-' && (entryAt + 1 === lineEnd(line) || text[entryAt + 1] === ' ');
        if (isSeq) {
          if (typeof segment !== 'number') return s === 0 ? undefined : toPosition(best);
          // Items: lines at this column starting with `-` (indexed once per sequence).
          const items = seqIndex(line, column, entryAt, end);
          const itemLine = items.lines[segment] ?? -1;
          if (itemLine === -1) return toPosition(best);
          const dash = itemLine === line ? entryAt : lineStarts[itemLine] + column;
          const content = valueStart(dash + 1, lineEnd(itemLine));
          if (content === -1) return undefined; // item on the next lines, or empty
          // Up to the next line at the sequence's column or left of it.
          const itemEnd = items.lines[segment + 1] ?? items.stop;
          const key = keyAt(itemLine, content);
          if (key) {
            best = [content, lineEnd(itemLine)]; // a map item: its first line
            line = itemLine;
            column = content - lineStarts[itemLine];
            entryAt = content;
            end = itemEnd;
            continue;
          }
          const scalar = scalarAt(itemLine, content, itemEnd, column);
          if (!scalar) return undefined;
          best = scalar;
          if (s < path.length - 1) return toPosition(best); // nothing inside a scalar
          continue;
        }
        // A block map: keys at `column`.
        const keys = mapIndex(line, column, entryAt, end);
        const entry = keys.byKey.get(String(segment));
        if (!entry) return keys.unreadable ? undefined : toPosition(best);
        const { key: found, line: foundLine, valueEnd } = entry;
        const keyRange = found.range;
        const last = s === path.length - 1;
        if (found.valueAt === -1) {
          // The value is on the following lines: a block collection (or nothing: an empty scalar).
          const next = nextContent(foundLine, valueEnd);
          if (next >= valueEnd) return undefined; // empty value: `yaml` gives it a zero-width range
          best = keyRange; // a collection is located by its key
          line = next;
          column = indentOf(next);
          entryAt = lineStarts[next] + column;
          end = valueEnd;
          continue;
        }
        const c = text[found.valueAt];
        if (c === '[' || c === '{') {
          // A flow collection: fine as the end of the path (located by its key), not to enter.
          if (!last) return undefined;
          const after = text.slice(found.valueAt, lineEnd(foundLine)).trim();
          if (!(after === '[]' || after === '{}' || /^\[[^[\]{}"'#]*\]$/.test(after))) return undefined;
          best = keyRange;
          continue;
        }
        const scalar = scalarAt(foundLine, found.valueAt, valueEnd, column);
        if (!scalar) return undefined;
        best = options.key && last ? keyRange : scalar;
        if (!last) return toPosition(best); // nothing inside a scalar
      }
      return toPosition(best);
    },
  };
}
