/** Input patterns run on RE2 (linear time) and give minimatch's / Go's answers. */
import { minimatch } from 'minimatch';
import { describe, expect, it } from 'vitest';
import { ajvRegExpEngine, globMatch, re2FullMatch, re2Test } from '../../src/config/safe-match.js';

describe('globMatch', () => {
  it('answers like minimatch (dot: true) on the globs configs use', () => {
    const cases: Array<[string, string]> = [
      ['a', 'a/**'], ['a/b', 'a/**'], ['a/b/c', 'a/**'], ['b', '**/b'], ['x/y/b', '**/b'], ['a/b', 'a/**/b'], ['a/x/y/b', 'a/**/b'],
      ['a.yaml', '*.yaml'], ['d/a.yaml', '*.yaml'], ['.x', '*'], ['ml-a', 'ml-*'], ['a', '{a,b}'], ['ab', 'a{b,c{d,e}}'], ['ace', 'a{b,c{d,e}}'],
      ['x/charts/t/templates/y', '**/templates/**'], ['a', '+(a|b)'], ['aab', '+(a|b)'], ['a1', 'a[0-9]'], ['a1', 'a[!0-9]'], ['ab', 'a?'],
      ['abc', 'a**c'], ['a/b/c', 'a**c'], ['charts/x/templates/a.yaml', 'charts/**/templates/**'], ['a/b.yaml', '**/*.yaml'], ['b.yaml', '**/*.yaml'],
      ['ml-serving-staging', '*-staging'], ['x.y', 'x.y'], ['xzy', 'x.y'], ['a+b', 'a+b'], ['a(b)', 'a(b)'], ['a', '@(a|b)'], ['', '?(a)'],
      ['prod', '{prod,staging}-*'], ['prod-1', '{prod,staging}-*'], ['a/b', '*'], ['a^b$', 'a^b$'],
    ];
    for (const [text, glob] of cases) expect(globMatch(text, glob), `${text} ~ ${glob}`).toBe(minimatch(text, glob, { dot: true }));
  });

  it('takes linear time on globs that make minimatch backtrack for minutes', () => {
    const started = Date.now();
    expect(globMatch('a'.repeat(100_000), '*a*a*a*a*a*a*a*a*a*a*b')).toBe(false);
    expect(globMatch('a'.repeat(100_000), '+(a|aa)+(a|aa)+(a|aa)b')).toBe(false);
    expect(globMatch('a'.repeat(40), `${'*(a|a)'.repeat(20)}b`)).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('RE2 regexes', () => {
  it('search like RegExp.test, full match like kustomize target names, and refuse what RE2 cannot run', () => {
    expect(re2Test('^[a-z]+$', 'abc')).toBe(true);
    expect(re2Test('b', 'abc')).toBe(true);
    expect(re2FullMatch('web-.*', 'web-1')).toBe(true);
    expect(re2FullMatch('web', 'web-1')).toBe(false);
    expect(re2FullMatch('a|b', 'b')).toBe(true);
    expect(() => re2Test('(?=x)', 'x')).toThrow();
    expect(() => re2Test('(a)\\1', 'aa')).toThrow();
  });

  it('an evil pattern on a long value is linear', () => {
    const started = Date.now();
    expect(ajvRegExpEngine('^(a+)+$').test(`${'a'.repeat(200_000)}!`)).toBe(false);
    expect(re2Test('^(([a-z])+.)+[A-Z]([a-z])+$', 'a'.repeat(100_000))).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('ajv on RE2', () => {
  it('keeps each pattern of a schema apart', async () => {
    const { compileSchema } = await import('../../src/config/schema.js');
    const validate = compileSchema({ type: 'object', properties: { a: { type: 'string', pattern: '^a+$' }, b: { type: 'string', pattern: '^b+$' } } });
    expect(validate({ a: 'aa', b: 'bb' })).toBe(true);
    expect(validate({ a: 'aa', b: 'aa' })).toBe(false);
  });
});
