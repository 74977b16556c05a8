/**
 * Helm values as layers, and where a value is written: the values file line a person edits.
 *
 * A layer is one place values come from, in Helm's order of precedence (later wins): the chart's
 * `values.yaml`, each `-f` file, an Argo CD Application's `values`/`valuesObject`, a Flux HelmRelease's
 * `valuesFrom` and `values`, and last `--set` parameters. `whereWritten` answers "which layer's line made
 * `.Values.a.b` what it is", and points at the deepest existing key when the path is missing.
 */
import fs from 'node:fs';
import type { Path, PathSegment, Position } from '../types.js';
import { locatePath, prepareLocate, type LocatableText } from '../loaders/locate.js';
import { isPlainObject } from '../loaders/objects.js';
import { parseYamlDocuments } from '../loaders/yaml.js';
import type { RelocatedPosition } from '../loaders/source.js';
import { toDisplayPath } from '../loaders/files.js';
import { readBoundedFile } from '../config/trust.js';

/** Largest file the render stage reads (values files, templates, Chart.yaml, GitOps objects). */
export const MAX_RENDER_INPUT_BYTES = 4 * 1024 * 1024;

/**
 * A text file of the repository: a regular file (never a device or FIFO, also through a symlink), at most
 * 4 MiB, and inside `roots` when given. Undefined (with a reason) otherwise; never throws.
 */
export function readText(file: string, roots?: readonly string[]): { ok: true; text: string } | { ok: false; reason: string } {
  const read = readBoundedFile(file, { what: 'file', maxBytes: MAX_RENDER_INPUT_BYTES, roots: roots ?? [], named: roots === undefined });
  if (read.ok) return { ok: true, text: read.bytes.toString('utf8') };
  return { ok: false, reason: read.message.endsWith('not found') ? 'not found' : read.message.replace(/^file /, '') };
}

export interface ValuesLayer {
  /** The values as plain data: the root of `.Values` this layer contributes. */
  values: Record<string, unknown>;
  /** Absolute path of the file where they are written. */
  file: string;
  /** Document of that file, and the path inside it of the values root (`[]` for a values file). */
  docIndex: number;
  at: PathSegment[];
  /** The values are a YAML string at `at` (Argo CD `helm.values: |`), not a mapping. */
  inlineText?: string;
  /** A values file of the repository, given to helm as `-f file` (others go through a temporary file). */
  valuesFile?: boolean;
  /** Where a path inside these values is written, when not simply `file`/`docIndex`/`at` (rendered objects). */
  locate?: (inner: Path) => RelocatedPosition;
}

export interface SetParameter {
  /** Helm `--set` name (`image.tag`, `a.b[0].c`) and value. */
  name: string;
  value: string;
  forceString: boolean;
  file: string;
  docIndex: number;
  /** Path of the parameter's `value` inside its document. */
  at: PathSegment[];
  locate?: () => RelocatedPosition;
}

/** Reads a values file of the repository as a layer; undefined when it is missing or not a mapping. */
export function valuesFileLayer(file: string, roots?: readonly string[]): { ok: true; layer: ValuesLayer } | { ok: false; reason: string } {
  const read = readText(file, roots);
  if (!read.ok) return read;
  const text = read.text;
  const docs = parseYamlDocuments(text);
  const first = docs.find((d) => d.value !== undefined || d.errors.length > 0);
  if (first && first.errors.length > 0) return { ok: false, reason: `not valid YAML (line ${first.errors[0].line}: ${first.errors[0].message})` };
  const values = first?.value;
  if (values !== undefined && values !== null && !isPlainObject(values)) return { ok: false, reason: 'not a mapping of values' };
  return { ok: true, layer: { values: (values as Record<string, unknown>) ?? {}, file, docIndex: first?.index ?? 0, at: [], valuesFile: true } };
}

/** `--set` names: `a.b`, `a.b[0].c`, with `\.` and `\,` escapes. Undefined for forms not understood. */
export function parseSetName(name: string): PathSegment[] | undefined {
  const out: PathSegment[] = [];
  let current = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === '\\' && i + 1 < name.length) {
      current += name[++i];
    } else if (c === '.') {
      if (current === '') return undefined;
      out.push(current);
      current = '';
    } else if (c === '[') {
      const close = name.indexOf(']', i);
      const index = close === -1 ? NaN : Number(name.slice(i + 1, close));
      if (!Number.isInteger(index)) return undefined;
      if (current !== '') out.push(current);
      current = '';
      out.push(index);
      i = close;
      if (name[i + 1] === '.') i++;
    } else {
      current += c;
    }
  }
  if (current !== '') out.push(current);
  return out.length > 0 ? out : undefined;
}

export function valueAt(root: unknown, p: Path): { found: boolean; value?: unknown; depth: number } {
  let node = root;
  for (let i = 0; i < p.length; i++) {
    const segment = p[i];
    if (Array.isArray(node) && typeof segment === 'number' && segment < node.length) node = node[segment];
    else if (isPlainObject(node) && typeof segment === 'string' && Object.prototype.hasOwnProperty.call(node, segment)) node = node[segment];
    else return { found: false, depth: i };
  }
  return { found: true, value: node, depth: p.length };
}

/** Where a values path is written, found through layers and parameters (later wins). */
export class ValuesLocator {
  private texts = new Map<string, { lines: string[]; located: LocatableText } | null>();

  constructor(
    private layers: ValuesLayer[],
    private sets: SetParameter[],
    private cwd: string,
  ) {}

  /**
   * The value `.Values.<p>` has, and where it is written: the last parameter or layer that defines it,
   * or (when no layer has the whole path) the deepest existing key of the last layer that has most of it.
   */
  lookup(p: Path): { complete: boolean; value: unknown; depth: number; where: () => RelocatedPosition } | undefined {
    for (let i = this.sets.length - 1; i >= 0; i--) {
      const set = this.sets[i];
      const name = parseSetName(set.name);
      if (name && name.length === p.length && name.every((s, j) => String(s) === String(p[j]))) {
        return { complete: true, value: set.value, depth: p.length, where: () => set.locate?.() ?? this.position(set.file, set.docIndex, set.at) };
      }
    }
    let best: { layer: ValuesLayer; depth: number; value: unknown } | undefined;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const layer = this.layers[i];
      const hit = valueAt(layer.values, p);
      if (hit.found) {
        best = { layer, depth: p.length, value: hit.value };
        break;
      }
      if (hit.depth > 0 && (!best || hit.depth > best.depth)) best = { layer, depth: hit.depth, value: undefined };
    }
    if (!best) return undefined;
    const { layer, depth } = best;
    const inner = p.slice(0, depth);
    return {
      complete: depth === p.length,
      value: best.value,
      depth,
      where: () =>
        layer.locate ? layer.locate(inner) : layer.inlineText !== undefined ? this.inlinePosition(layer, inner) : this.position(layer.file, layer.docIndex, [...layer.at, ...inner]),
    };
  }

  private file(file: string): { lines: string[]; located: LocatableText } | null {
    if (!this.texts.has(file)) {
      const read = readText(file);
      const text = read.ok ? read.text : undefined;
      this.texts.set(file, text === undefined ? null : { lines: text.split('\n'), located: prepareLocate(text) });
    }
    return this.texts.get(file) ?? null;
  }

  position(file: string, docIndex: number, at: Path): RelocatedPosition {
    const parsed = this.file(file);
    const position: Position = parsed ? locatePath(parsed.located, docIndex, at) : { line: 1, column: 1, endLine: 1, endColumn: 1 };
    return { display: toDisplayPath(this.cwd, file), absPath: file, position };
  }

  /** A key inside a YAML block scalar (`values: |`), as a position in the file that holds it. */
  private inlinePosition(layer: ValuesLayer, inner: Path): RelocatedPosition {
    const scalar = this.position(layer.file, layer.docIndex, layer.at);
    const parsed = this.file(layer.file);
    const header = parsed?.lines[scalar.position.line - 1] ?? '';
    if (!parsed || !/[|>][0-9+-]*\s*(#.*)?$/.test(header) || inner.length === 0) return scalar;
    const within = locatePath(prepareLocate(layer.inlineText ?? ''), 0, inner);
    const firstContent = parsed.lines.slice(scalar.position.line).find((l) => l.trim() !== '') ?? '';
    const indent = firstContent.length - firstContent.trimStart().length;
    return {
      ...scalar,
      position: { line: scalar.position.line + within.line, column: indent + within.column, endLine: scalar.position.line + within.endLine, endColumn: indent + within.endColumn },
    };
  }
}
