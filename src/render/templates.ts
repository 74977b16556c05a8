/**
 * Which line of a Helm template writes a rendered field, and which `.Values` it reads there.
 *
 * Helm leaves no map from output to template, so this is a reading of the template text, line by line:
 * a line `<indent>[- ]key: …` writes `key`; the `.Values.a.b` references on that line (or on the
 * `{{ toYaml … }}` / `{{ include … }}` lines right below a bare `key:`) are what it reads. A dot inside
 * `{{ with .Values.x }}` means `.Values.x`; inside `range` it is unknown. Values reached through named
 * templates (`include "chart.image" .`), `index`, variables or `tpl` are not followed: the finding then
 * stays on the template line.
 */
import type { PathSegment } from '../types.js';

export interface TemplateLine {
  /** 0-based line index in the template. */
  index: number;
  /** Column (1-based) where the key starts. */
  column: number;
  /** `.Values` paths the line reads, in order of appearance. */
  refs: PathSegment[][];
}

const ACTION = /\{\{-?\s*(.*?)\s*-?\}\}/g;
const KEY_LINE = /^(\s*(?:-\s+)*)(["']?)([^"'\s:#{}][^"':#{}]*?)\2\s*:(?:\s|$)/;
const BUILTIN_ROOTS = new Set(['Values', 'Release', 'Chart', 'Capabilities', 'Template', 'Files', 'Subcharts']);

export class TemplateText {
  readonly lines: string[];
  /** For each line, the `.Values` path `.` stands for there (undefined: unknown or the root context). */
  private dots: Array<PathSegment[] | undefined | null>;
  private byKey = new Map<string, TemplateLine[]>();

  constructor(text: string) {
    this.lines = text.split(/\r?\n/);
    this.dots = scopeDots(this.lines);
    this.lines.forEach((line, index) => {
      const match = KEY_LINE.exec(line);
      if (!match) return;
      const key = match[3].trim();
      const refs = this.refsOf(index);
      const rest = line.slice(match[0].length).trim();
      // `key:` alone, or `key: |`, followed by `{{ toYaml .Values.x | nindent N }}` lines.
      if (rest === '' || /^[|>][0-9+-]*$/.test(rest) || /^\{\{-?\s*(toYaml|include|tpl|with)\b/.test(rest)) {
        for (let j = index + 1; j < Math.min(this.lines.length, index + 3); j++) {
          const next = this.lines[j].trim();
          if (!next.startsWith('{{')) break;
          refs.push(...this.refsOf(j));
        }
      }
      const list = this.byKey.get(key) ?? [];
      list.push({ index, column: match[1].length + match[2].length + 1, refs });
      this.byKey.set(key, list);
    });
  }

  /** Lines that write `key`, nearest to `nearLine` (0-based) first. */
  linesFor(key: string, nearLine: number): TemplateLine[] {
    const list = [...(this.byKey.get(key) ?? [])];
    return list.sort((a, b) => Math.abs(a.index - nearLine) - Math.abs(b.index - nearLine) || a.index - b.index);
  }

  private refsOf(index: number): PathSegment[][] {
    const refs: PathSegment[][] = [];
    const line = this.lines[index];
    for (const action of line.matchAll(ACTION)) {
      const body = action[1];
      for (const m of body.matchAll(/(^|[\s(|])(\$?)\.([A-Za-z_][\w]*(?:\.[A-Za-z_][\w-]*)*)|(^|[\s(|])(\.)(?=\s|\)|$)/g)) {
        if (m[5] === '.') {
          const dot = this.dots[index];
          if (dot) refs.push(dot);
          continue;
        }
        const parts = m[3].split('.');
        if (parts[0] === 'Values') {
          if (parts.length > 1) refs.push(parts.slice(1));
        } else if (m[2] !== '$' && !BUILTIN_ROOTS.has(parts[0])) {
          const dot = this.dots[index];
          if (dot) refs.push([...dot, ...parts]);
        }
      }
    }
    return refs;
  }
}

/** What `.` is on each line: a `.Values` path inside `with .Values.x`, null where it is unknown. */
function scopeDots(lines: string[]): Array<PathSegment[] | undefined | null> {
  const stack: Array<PathSegment[] | undefined | null | 'keep'> = [];
  const current = (): PathSegment[] | undefined | null => {
    for (let i = stack.length - 1; i >= 0; i--) if (stack[i] !== 'keep') return stack[i] as PathSegment[] | undefined | null;
    return undefined;
  };
  const out: Array<PathSegment[] | undefined | null> = [];
  for (const line of lines) {
    out.push(current());
    for (const action of line.matchAll(ACTION)) {
      const body = action[1];
      const word = /^(\w+)/.exec(body)?.[1];
      if (word === 'end') stack.pop();
      else if (word === 'if') stack.push('keep');
      else if (word === 'define' || word === 'block') stack.push(null);
      else if (word === 'range') stack.push(null);
      else if (word === 'with') {
        const m = /^with\s+(\$?)\.Values\.([A-Za-z_][\w]*(?:\.[A-Za-z_][\w-]*)*)\s*$/.exec(body);
        const rel = /^with\s+\.([A-Za-z_][\w]*(?:\.[A-Za-z_][\w-]*)*)\s*$/.exec(body);
        const dot = current();
        if (m) stack.push(m[2].split('.'));
        else if (rel && dot && !BUILTIN_ROOTS.has(rel[1].split('.')[0])) stack.push([...dot, ...rel[1].split('.')]);
        else stack.push(null);
      }
    }
    // a with/range opened and used on the same line (`resources: {{- with .Values.r }}{{ toYaml . }}{{ end }}`)
    out[out.length - 1] = out[out.length - 1] ?? lineDot(line);
  }
  return out;
}

function lineDot(line: string): PathSegment[] | undefined {
  const m = /\{\{-?\s*with\s+\$?\.Values\.([A-Za-z_][\w]*(?:\.[A-Za-z_][\w-]*)*)\s*-?\}\}/.exec(line);
  return m ? m[1].split('.') : undefined;
}
