/**
 * Matching with patterns that come from input (a CRD's `pattern`, a policy's `pattern`, a kustomize patch
 * target name, config globs) in linear time: every pattern runs on RE2 semantics (the `re2js` port of
 * Go's regexp, no backtracking), which is also what the API server and kustomize use, so mllint gives
 * the same answers they do. A pattern RE2 cannot compile (lookaround, backreferences) is an error for the
 * caller to report; JavaScript's backtracking engine never sees input patterns.
 */
import { RE2JS } from 're2js';

/** Longest pattern or glob accepted from input (characters). */
export const MAX_PATTERN_LENGTH = 4096;

const cache = new Map<string, RE2JS>();

/** A compiled RE2 pattern (cached); throws with RE2's message when it does not compile. */
export function compileRe2(pattern: string): RE2JS {
  let re = cache.get(pattern);
  if (!re) {
    if (pattern.length > MAX_PATTERN_LENGTH) throw new Error(`pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
    re = RE2JS.compile(pattern);
    if (cache.size > 10_000) cache.clear();
    cache.set(pattern, re);
  }
  return re;
}

/** Unanchored search, like JavaScript's `RegExp.prototype.test` and JSON Schema's `pattern`. */
export function re2Test(pattern: string, text: string): boolean {
  return compileRe2(pattern).matcher(text).find();
}

/**
 * The regular-expression engine for ajv (`code.regExp`): JSON Schema `pattern` keywords run on RE2.
 * ajv calls it once per pattern when compiling a schema; a pattern RE2 rejects makes the compile throw.
 */
export const ajvRegExpEngine = Object.assign(
  (pattern: string): { test: (text: string) => boolean; toString: () => string } => {
    const re = compileRe2(pattern);
    // ajv keys compiled patterns by toString(): it must differ per pattern.
    return { test: (text: string) => re.matcher(text).find(), toString: () => `re2:${pattern}` };
  },
  { code: 'require("re2js").RE2JS.compile' },
);

/** Whether the whole of `text` matches `pattern` (kustomize's patch target name: `^(?:name)$` in Go). */
export function re2FullMatch(pattern: string, text: string): boolean {
  return compileRe2(`^(?:${pattern})$`).matcher(text).find();
}

// ---------------------------------------------------------------------------------------------------
// Globs

const globCache = new Map<string, RE2JS>();

/**
 * A glob as minimatch reads it with `dot: true` — `*`, `?`, `[…]`/`[!…]`, `{a,b}` (nested), `**` across
 * `/`, extglobs `@(…)`, `+(…)`, `*(…)`, `?(…)` — compiled to an anchored RE2 pattern, so matching is
 * linear whatever the glob (minimatch compiles to a backtracking JavaScript regex: `*a*a*a*a*b` or
 * nested extglobs take minutes on a 40-character name). `!(…)` has no RE2 form and is matched literally.
 */
export function globMatch(text: string, glob: string): boolean {
  let re = globCache.get(glob);
  if (!re) {
    try {
      re = compileRe2(`^${globToRe2(glob)}$`);
    } catch {
      return text === glob; // too long, or a class RE2 rejects: only the literal text matches
    }
    if (globCache.size > 10_000) globCache.clear();
    globCache.set(glob, re);
  }
  return re.matcher(text).find();
}

/** The RE2 source of a glob (unanchored); see `globMatch`. */
export function globToRe2(glob: string): string {
  if (glob.length > MAX_PATTERN_LENGTH) throw new Error(`glob is longer than ${MAX_PATTERN_LENGTH} characters`);
  return translate(glob, 0, glob.length);
}

const META = /[\\^$.|?*+()[\]{}]/;

function literal(c: string): string {
  return META.test(c) ? `\\${c}` : c;
}

/** Index of the bracket closing the one at `open` (same nesting of `{}`/`()`), or -1. */
function closing(glob: string, open: number, end: number, o: string, c: string): number {
  let depth = 0;
  for (let i = open; i < end; i++) {
    if (glob[i] === '\\') {
      i++;
      continue;
    }
    if (glob[i] === o) depth++;
    else if (glob[i] === c && --depth === 0) return i;
  }
  return -1;
}

/** Splits glob[start, end) at top-level `sep` characters. */
function splitTop(glob: string, start: number, end: number, sep: string): Array<[number, number]> {
  const parts: Array<[number, number]> = [];
  let depth = 0;
  let from = start;
  for (let i = start; i < end; i++) {
    const ch = glob[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch === '{' || ch === '(') depth++;
    else if (ch === '}' || ch === ')') depth--;
    else if (ch === sep && depth === 0) {
      parts.push([from, i]);
      from = i + 1;
    }
  }
  parts.push([from, end]);
  return parts;
}

function translate(glob: string, start: number, end: number): string {
  let out = '';
  for (let i = start; i < end; i++) {
    const ch = glob[i];
    const next = glob[i + 1];
    if (ch === '\\') {
      if (i + 1 < end) out += literal(glob[++i]);
      else out += '\\\\';
      continue;
    }
    // extglobs: @(a|b) +(a|b) *(a|b) ?(a|b)
    if ('@+*?'.includes(ch) && next === '(' && i + 1 < end) {
      const close = closing(glob, i + 1, end, '(', ')');
      if (close !== -1) {
        const alternatives = splitTop(glob, i + 2, close, '|').map(([a, b]) => translate(glob, a, b));
        const suffix = ch === '@' ? '' : ch === '+' ? '+' : ch === '*' ? '*' : '?';
        out += `(?:${alternatives.join('|')})${suffix}`;
        i = close;
        continue;
      }
    }
    if (ch === '*') {
      if (next === '*') {
        const atSegmentStart = i === start || glob[i - 1] === '/';
        let j = i;
        while (j < end && glob[j] === '*') j++;
        const atSegmentEnd = j === end || glob[j] === '/';
        if (atSegmentStart && atSegmentEnd) {
          if (j < end) {
            out += '(?:.*/)?'; // `**/`: zero or more directories
            i = j; // skip the `/`
          } else {
            out += '.*';
            i = j - 1;
          }
          continue;
        }
        out += '[^/]*';
        i = j - 1;
        continue;
      }
      out += '[^/]*';
      continue;
    }
    if (ch === '?') {
      out += '[^/]';
      continue;
    }
    if (ch === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close !== -1 && close < end) {
        let body = glob.slice(i + 1, close);
        const negate = body.startsWith('!') || body.startsWith('^');
        if (negate) body = body.slice(1);
        const escaped = body.replace(/[\\\]^[]/g, (c) => `\\${c}`);
        out += negate ? `[^/${escaped}]` : `[${escaped}]`;
        i = close;
        continue;
      }
      out += '\\[';
      continue;
    }
    if (ch === '{') {
      const close = closing(glob, i, end, '{', '}');
      const alternatives = close === -1 ? [] : splitTop(glob, i + 1, close, ',');
      if (close !== -1 && alternatives.length > 1) {
        out += `(?:${alternatives.map(([a, b]) => translate(glob, a, b)).join('|')})`;
        i = close;
        continue;
      }
      out += '\\{';
      continue;
    }
    out += literal(ch);
  }
  return out;
}
