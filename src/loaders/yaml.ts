/**
 * YAML text → documents of plain data. Only `src/loaders` imports `yaml`, so an upgrade touches one folder.
 *
 * Parsing follows what `kubectl` does with a manifest (sigs.k8s.io/yaml, YAML 1.1): `yes`/`on` are
 * booleans, `<<` merge keys work, duplicated keys are an error. The result holds plain values only;
 * positions are found later, and only for nodes that have findings (see locate.ts).
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, YAMLParseError, type Document, type DocumentOptions, type Node, type ParseOptions, type SchemaOptions } from 'yaml';

/** Limits that keep hostile input (alias bombs, absurd nesting) from hanging or crashing a run. */
export const YAML_LIMITS = {
  /** Alias nodes resolved per document before it is rejected (billion-laughs protection). */
  maxAliasCount: 100,
};

export const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  merge: true,
  // The library's own duplicate-key check compares each key with every earlier one (quadratic: a 389 KB
  // flow mapping took 19 s); `parseDocuments` checks in one pass instead.
  uniqueKeys: false,
  prettyErrors: false,
  strict: true,
  // The library's own warnings (e.g. about date keys) would reach users as Node process warnings.
  logLevel: 'error',
};

export interface YamlProblem {
  message: string;
  code?: string;
  /** A cap on the finding's severity (a template file is `info`). */
  maxSeverity?: 'info' | 'warning';
  /** The file is a template (Go actions, `${…}` lines): YAML only once rendered, which mllint does not do. */
  template?: boolean;
  /** A template's text (the first 64 KiB), for cross-object rules to look for a name it may define. */
  templateText?: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface ParsedDocument {
  index: number;
  /** Plain data of the document; undefined when the document is empty or broken. */
  value: unknown;
  /** Problems that make the document unusable; when present, `value` is undefined. */
  errors: YamlProblem[];
  /** 1-based line where the document starts (for findings about the whole document). */
  line: number;
}

/**
 * `parseAllDocuments` with YAML_OPTIONS, plus a `DUPLICATE_KEY` error (at the repeated key) in each
 * document whose maps repeat a key: scalar keys compared by type and value, `<<` merge keys allowed
 * more than once, hashed so the check is linear. Iterative, so nesting depth cannot overflow the stack.
 */
export function parseDocuments(text: string): Document.Parsed[] {
  let docs = parseAllDocuments(text, YAML_OPTIONS) as Document.Parsed[] | Document.Parsed;
  if (!Array.isArray(docs)) docs = [docs];
  for (const doc of docs) {
    const stack: unknown[] = [doc.contents];
    while (stack.length > 0) {
      const node = stack.pop();
      if (isAlias(node) || !node) continue;
      if (isSeq(node)) {
        for (const item of node.items) stack.push(isPair(item) ? item.value : item);
      } else if (isMap(node)) {
        const seen = new Set<string>();
        for (const pair of node.items) {
          const key = pair.key as Node | null;
          stack.push(pair.value);
          if (!isScalar(key)) continue;
          if (key.value === '<<' && YAML_OPTIONS.merge) continue;
          const id = `${typeof key.value}:${String(key.value)}`;
          if (seen.has(id)) {
            const range = key.range ?? [0, 0];
            doc.errors.push(new YAMLParseError([range[0], range[1]], 'DUPLICATE_KEY', 'Map keys must be unique'));
          } else {
            seen.add(id);
          }
        }
      }
    }
  }
  return docs;
}

export function parseYamlDocuments(text: string): ParsedDocument[] {
  let docs: Document.Parsed[];
  try {
    docs = parseDocuments(text);
  } catch (err) {
    return [{ index: 0, value: undefined, line: 1, errors: [problemFromThrown(err, 1)] }];
  }
  if (!Array.isArray(docs)) docs = [docs];
  const lineCounter = lineCounterFor(text);
  const toPosition = (offset: number) => lineCounter.linePos(Math.min(offset, text.length));
  return docs.map((doc, index) => {
    const start = toPosition(doc.range[0]);
    const line = start.line;
    if (doc.errors.length > 0) {
      // A document that parsed but repeats a key, and whose top-level map names neither apiVersion nor kind, is
      // not a Kubernetes object (a Helm values file, a tool config): the tool that reads it keeps the last value,
      // but nothing says that tool runs — likely wrong, not certain (a warning at most). A syntax error may have
      // swallowed the apiVersion and kind lines, so it says nothing about what the document is: it stays an error.
      const onlyDuplicates = doc.errors.every((e) => e.code === 'DUPLICATE_KEY');
      const notManifest = onlyDuplicates && isMap(doc.contents) && !doc.contents.items.some((pair) => isScalar(pair.key) && (pair.key.value === 'apiVersion' || pair.key.value === 'kind'));
      return {
        index,
        value: undefined,
        line,
        // The first error of a document is the mistake; the rest are the parser's cascade after it.
        errors: doc.errors.slice(0, 1).map((e): YamlProblem => {
          // An unclosed bracket or quote is reported where the parser gave up (often the next `---`):
          // point at the document's last written character instead.
          const lastContent = lastNonSpace(text, doc.range[0], Math.min(e.pos[0], text.length));
          const a = toPosition(e.pos[0] >= doc.range[1] || text.startsWith('---', e.pos[0]) ? lastContent : e.pos[0]);
          const b = toPosition(Math.max(e.pos[1], e.pos[0] + 1));
          const message = notManifest && e.code === 'DUPLICATE_KEY'
            ? 'duplicate key: a map repeats a key in a YAML file that is not a Kubernetes object; readers such as Helm keep only the last one, so the earlier value is silently lost'
            : describeYamlError(e.code, e.message);
          return { message, code: e.code, line: a.line, column: a.col, endLine: b.line, endColumn: b.col, ...(notManifest ? { maxSeverity: 'warning' as const } : {}) };
        }),
      };
    }
    try {
      return { index, value: doc.toJS({ maxAliasCount: YAML_LIMITS.maxAliasCount }), errors: [], line };
    } catch (err) {
      return { index, value: undefined, line, errors: [problemFromThrown(err, line)] };
    }
  });
}

function lastNonSpace(text: string, start: number, end: number): number {
  let i = end - 1;
  while (i > start && /\s/.test(text[i])) i--;
  return Math.max(start, i);
}

/**
 * Line starts taken from the text itself: the `LineCounter` the lexer fills misses lines inside the
 * tokens it skips while recovering from an error, which put positions past the end of their line.
 */
export function lineCounterFor(text: string): LineCounter {
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
  return lineCounter;
}

function describeYamlError(code: string, message: string): string {
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'duplicate key: a map repeats a key (Kubernetes keeps only one of them)';
    case 'TAB_AS_INDENT':
      return 'tab used for indentation; YAML indents with spaces';
    default:
      // The yaml library records a stack overflow while composing (thousands of nested levels) as an error.
      return /Maximum call stack size exceeded/i.test(first) ? 'nesting too deep to parse safely' : first;
  }
}

function problemFromThrown(err: unknown, line: number): YamlProblem {
  let message: string;
  if (err instanceof RangeError) message = 'nesting too deep to parse safely';
  else if (err instanceof ReferenceError) message = (err.message || 'unresolved alias').split('\n')[0];
  else message = err instanceof Error ? err.message.split('\n')[0] : String(err);
  if (/alias count/i.test(message)) message = `too many aliases (more than ${YAML_LIMITS.maxAliasCount}); possible alias bomb`;
  return { message, line, column: 1, endLine: line, endColumn: 1 };
}
