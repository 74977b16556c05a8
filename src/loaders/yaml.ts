/**
 * YAML text → documents of plain data. Only `src/loaders` imports `yaml`, so an upgrade touches one folder.
 *
 * Parsing follows what `kubectl` does with a manifest (sigs.k8s.io/yaml, YAML 1.1): `yes`/`on` are
 * booleans, `<<` merge keys work, duplicated keys are an error. The result holds plain values only;
 * positions are found later, and only for nodes that have findings (see locate.ts).
 */
import jsyaml from 'js-yaml';
import { isAlias, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, parseAllDocuments, YAMLParseError, type Alias, type Document, type DocumentOptions, type Node, type ParseOptions, type SchemaOptions } from 'yaml';

/** Limits that keep hostile input (alias bombs, absurd nesting) from hanging or crashing a run. */
export const YAML_LIMITS = {
  /** Alias nodes resolved per document before it is rejected (billion-laughs protection). */
  maxAliasCount: 100,
  /**
   * YAML nodes per text (a file, a part of stdin, a rendered document) before it is refused unparsed.
   * Parse time and memory grow with nodes, not bytes: 16 MiB of `[0,0,0,…]` is 8 million nodes, and `yaml`
   * takes 15 µs and, while parsing, 1 KB per node (a 15 MB map of 1.15 million keys took 225 s and 2.8 GB;
   * a million-item flow list still takes 15 s and 1 GB). Manifests average 16–33 bytes per node (KServe,
   * Kubeflow, Seldon, GKE samples; the densest RBAC files 8), so only files of 8–30 MB reach this.
   */
  maxNodes: 1_000_000,
};

/** The message of a text refused by `YAML_LIMITS.maxNodes` (a `parse-error`). */
export const NODE_LIMIT_MESSAGE = `more than ${YAML_LIMITS.maxNodes.toLocaleString('en-US')} YAML nodes (keys, values, items, documents) up to this line; the file is not parsed, so nothing in it is checked`;

/** The message of a document whose aliases stand for more than `YAML_LIMITS.maxNodes` nodes. */
export const ALIAS_LIMIT_MESSAGE = `aliases stand for more than ${YAML_LIMITS.maxNodes.toLocaleString('en-US')} YAML nodes by this one (possible alias bomb); the document is not parsed`;

let lastCounted: { text: string; problem: YamlProblem | undefined } | undefined;

/**
 * The problem to report instead of parsing `text` when it holds more than `YAML_LIMITS.maxNodes` nodes,
 * at the line where the limit is passed; undefined otherwise. Counted (with `yaml`'s lexer, which builds no
 * tree: linear time, constant memory): scalars, aliases, flow collections, `-`, `?` and `:` indicators (each
 * opens an item, key or value) and `---` document starts. Each of those is, or directly follows, one of the
 * characters `-?:[{,*"'` or a line break, so a text with few of them is not lexed at all (most files).
 */
export function nodeLimitProblem(text: string): YamlProblem | undefined {
  if (text.length <= YAML_LIMITS.maxNodes || nodeBound(text) <= YAML_LIMITS.maxNodes) return undefined;
  if (lastCounted?.text === text) return lastCounted.problem; // the fast path counted it just before `yaml`
  let nodes = 0;
  let offset = 0;
  let problem: YamlProblem | undefined;
  for (const token of new Lexer().lex(text)) {
    const c = token.charCodeAt(0);
    if (c === 0x02 || c === 0x18) continue; // markers the lexer adds (document, flow error end), not text
    if (c === 0x1f) {
      nodes++; // a scalar follows
      continue;
    }
    if (c === 0x22 || c === 0x27 || c === 0x2a || c === 0x5b || c === 0x7b || ((c === 0x2d || c === 0x3f || c === 0x3a) && token.length === 1) || token === '---') nodes++;
    if (nodes > YAML_LIMITS.maxNodes) {
      let line = 1;
      for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
      problem = { message: NODE_LIMIT_MESSAGE, code: 'NODE_LIMIT', line, column: 1, endLine: line, endColumn: 1 };
      break;
    }
    offset += token.length;
  }
  lastCounted = { text, problem };
  return problem;
}

/** An upper bound of the nodes `nodeLimitProblem` counts: two per indicator or quote character, one per line break. */
function nodeBound(text: string): number {
  let bound = 1;
  for (let i = 0; i < text.length; i++) {
    switch (text.charCodeAt(i)) {
      case 0x2d: case 0x3f: case 0x3a: case 0x5b: case 0x7b: case 0x2c: case 0x2a: case 0x22: case 0x27: // - ? : [ { , * " '
        bound += 2;
        break;
      case 0x0a: case 0x0d:
        bound += 1;
        break;
    }
  }
  return bound;
}

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
 * Also a `RESOURCE_EXHAUSTION` error (at the alias) in each document whose aliases stand for more than
 * `YAML_LIMITS.maxNodes` nodes: a hundred aliases of a large anchor would make everything that reads the
 * document walk it a hundred times. Text over the node limit is refused unparsed (thrown).
 */
export function parseDocuments(text: string): Document.Parsed[] {
  const tooLarge = nodeLimitProblem(text);
  if (tooLarge) throw new Error(tooLarge.message);
  let docs = parseAllDocuments(text, YAML_OPTIONS) as Document.Parsed[] | Document.Parsed;
  if (!Array.isArray(docs)) docs = [docs];
  for (const doc of docs) {
    // In document order (children pushed last first), so `anchors` holds, at each alias, the anchor it
    // names: the last one defined before it.
    const anchors = new Map<string, unknown>();
    let aliased = 0; // nodes the aliases stand for, counted until the limit
    let over: Alias | undefined;
    const stack: unknown[] = [doc.contents];
    while (stack.length > 0 && !over) {
      const node = stack.pop();
      if (!node) continue;
      if (isAlias(node)) {
        aliased += expandedSize(anchors.get(node.source), anchors, YAML_LIMITS.maxNodes - aliased);
        if (aliased > YAML_LIMITS.maxNodes) over = node;
        continue;
      }
      const anchor = (node as Node).anchor;
      if (anchor) anchors.set(anchor, node);
      if (isSeq(node)) {
        for (let i = node.items.length - 1; i >= 0; i--) pushPair(stack, node.items[i]);
      } else if (isMap(node)) {
        const seen = new Set<string>();
        for (const pair of node.items) {
          const key = pair.key as Node | null;
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
        for (let i = node.items.length - 1; i >= 0; i--) pushPair(stack, node.items[i]);
      }
    }
    if (over) {
      const range = over.range ?? [0, 0];
      doc.errors.push(new YAMLParseError([range[0], range[1]], 'RESOURCE_EXHAUSTION', ALIAS_LIMIT_MESSAGE));
    }
  }
  return docs;
}

/** Pushes a collection item for a document-order walk: a pair's value, then its key (popped first). */
function pushPair(stack: unknown[], item: unknown): void {
  if (isPair(item)) {
    stack.push(item.value);
    stack.push(item.key);
  } else {
    stack.push(item);
  }
}

/** Nodes `node` stands for, its aliases followed through `anchors`; counting stops past `budget`. */
function expandedSize(node: unknown, anchors: ReadonlyMap<string, unknown>, budget: number): number {
  let count = 0;
  const stack: unknown[] = [node];
  while (stack.length > 0 && count <= budget) {
    const n = stack.pop();
    if (!n) continue;
    count++;
    if (isAlias(n)) stack.push(anchors.get(n.source));
    else if (isSeq(n) || isMap(n)) for (const item of n.items) pushPair(stack, item);
  }
  return count;
}

export function parseYamlDocuments(text: string): ParsedDocument[] {
  const tooLarge = nodeLimitProblem(text);
  if (tooLarge) return [{ index: 0, value: undefined, line: 1, errors: [tooLarge] }];
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
      // A syntax error that a lenient parser reads past (a quoted scalar continued on a line indented less than
      // YAML 1.2 allows: js-yaml and kubectl's go-yaml read the intended string) is not a certain failure.
      const lenient = !onlyDuplicates && doc.errors[0].code !== 'RESOURCE_EXHAUSTION' && readsLeniently(text.slice(doc.range[0], doc.range[1]));
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
            : lenient
              ? `${describeYamlError(e.code, e.message)}; a lenient YAML parser (js-yaml) reads this document, so whether it is rejected depends on the tool that reads it — write it so every parser reads it the same way (its objects are not linted)`
              : describeYamlError(e.code, e.message);
          return { message, code: e.code, line: a.line, column: a.col, endLine: b.line, endColumn: b.col, ...(notManifest || lenient ? { maxSeverity: 'warning' as const } : {}) };
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

/**
 * Whether js-yaml, a more lenient parser than `yaml`, reads one document's text without error (a second opinion on
 * a syntax error). Only called for documents `yaml` rejected, whose size the file caps already bound; js-yaml keeps
 * aliases as shared references, so an alias bomb costs no more than its text.
 */
function readsLeniently(documentText: string): boolean {
  try {
    jsyaml.load(documentText);
    return true;
  } catch {
    return false;
  }
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

/** A `yaml` error as users read it: duplicate keys, tabs and stack overflows in plain words. */
export function describeYamlError(code: string, message: string): string {
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

/** An error `yaml` threw (stack overflow, alias limit) as a problem at `line`, in plain words. */
export function problemFromThrown(err: unknown, line: number): YamlProblem {
  let message: string;
  if (err instanceof RangeError) message = 'nesting too deep to parse safely';
  else if (err instanceof ReferenceError) message = (err.message || 'unresolved alias').split('\n')[0];
  else message = err instanceof Error ? err.message.split('\n')[0] : String(err);
  if (/alias count/i.test(message)) message = `too many aliases (more than ${YAML_LIMITS.maxAliasCount}); possible alias bomb`;
  return { message, line, column: 1, endLine: line, endColumn: 1 };
}
