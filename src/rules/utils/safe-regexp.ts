/**
 * Regular expressions written in a linted repository (CRD `pattern`s) run only when they cannot
 * backtrack badly: JavaScript's engine is a backtracking one, and a pull request must not be able to make
 * mllint take unbounded time (DESIGN.md §8). A pattern is used when it has no backreference or lookaround,
 * no unbounded quantifier (`*`, `+`, `{n,}`) applied to a group that itself holds a quantifier or an
 * alternation, and at most two unbounded quantifiers in all; strings longer than 4096 characters are not
 * tested. Other patterns are not checked (never a finding): precision over recall.
 */

const MAX_INPUT = 4096;
const cache = new Map<string, { test(value: string): boolean } | null>();

/** A tester for `pattern`, or undefined when it is invalid or could backtrack badly. */
export function safeRegExp(pattern: string): { test(value: string): boolean } | undefined {
  if (!cache.has(pattern)) cache.set(pattern, compile(pattern));
  return cache.get(pattern) ?? undefined;
}

function compile(pattern: string): { test(value: string): boolean } | null {
  if (pattern.length > 1000 || !isLinearEnough(pattern)) return null;
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'u');
  } catch {
    try {
      re = new RegExp(pattern);
    } catch {
      return null;
    }
  }
  return { test: (value: string) => value.length > MAX_INPUT || re.test(value) };
}

/** The conservative shape check described above. */
export function isLinearEnough(pattern: string): boolean {
  if (/\\[1-9]|\\k<|\(\?[=!<]/.test(pattern)) return false;
  // Per open group: whether it holds a quantifier or an alternation.
  const stack: Array<{ risky: boolean }> = [];
  let unbounded = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      continue;
    }
    if (c === '(') {
      stack.push({ risky: false });
      continue;
    }
    const quantifier = quantifierAt(pattern, i);
    if (c === ')') {
      const group = stack.pop();
      if (!group) return false;
      const q = quantifierAt(pattern, i + 1);
      if (q && q.unbounded && group.risky) return false;
      if (stack.length > 0 && (group.risky || q)) stack[stack.length - 1].risky = true;
      continue;
    }
    if (c === '|') {
      if (stack.length > 0) stack[stack.length - 1].risky = true;
      continue;
    }
    if (quantifier) {
      if (quantifier.unbounded && ++unbounded > 2) return false;
      if (stack.length > 0) stack[stack.length - 1].risky = true;
      i += quantifier.length - 1;
    }
  }
  return stack.length === 0;
}

function quantifierAt(pattern: string, i: number): { unbounded: boolean; length: number } | undefined {
  const c = pattern[i];
  if (c === '*' || c === '+') return { unbounded: true, length: pattern[i + 1] === '?' ? 2 : 1 };
  if (c === '?') return { unbounded: false, length: 1 };
  if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}\??/.exec(pattern.slice(i));
    if (m) return { unbounded: m[2] !== undefined && m[3] === '', length: m[0].length };
  }
  return undefined;
}
