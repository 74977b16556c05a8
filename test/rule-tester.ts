/**
 * A RuleTester after ESLint's: a table of `valid` and `invalid` cases, each real multi-document YAML
 * (optionally several files in different directories), run through the real engine with only the rule
 * under test enabled. It fails on a wrong count, an unknown messageId, an unfilled placeholder, a
 * duplicate case, and options that do not match the rule's schema.
 */
import { describe, expect, it } from 'vitest';
import type { Rule } from '../src/rules/define-rule.js';
import { lint } from '../src/engine/run.js';
import { compileSchema } from '../src/config/schema.js';
import { EMPTY_SETTINGS, type RunSettings } from '../src/engine/settings.js';
import type { RuleSettings } from '../src/config/resolve.js';
import type { Finding, Severity } from '../src/types.js';

export interface TestCase<O> {
  name?: string;
  /** One file named `test.yaml`… */
  yaml?: string;
  /** …or several files (path → content), for cross-file rules. */
  files?: Record<string, string>;
  options?: Partial<O>;
  settings?: Partial<RunSettings>;
}

export interface ExpectedFinding {
  messageId?: string;
  /** Exact text or a pattern the message must match. */
  message?: string | RegExp;
  line: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  path?: string;
  file?: string;
  severity?: Severity;
}

export interface InvalidCase<O> extends TestCase<O> {
  errors: ExpectedFinding[];
}

export function runRule<O>(rule: Rule<O>, testCase: TestCase<O>): Finding[] {
  const options = { ...(rule.meta.defaultOptions as object), ...(testCase.options ?? {}) } as Record<string, unknown>;
  const validate = compileSchema(rule.meta.optionsSchema);
  if (!validate(options)) throw new Error(`options do not match the schema of ${rule.meta.id}: ${JSON.stringify(validate.errors)}`);
  const ruleSettings: RuleSettings = {
    enabledSomewhere: () => [rule.meta.id],
    settingFor: (id) => (id === rule.meta.id ? { severity: rule.meta.severity, options } : { severity: 'off', options: {} }),
  };
  const files = testCase.files ?? { 'test.yaml': testCase.yaml ?? '' };
  const result = lint({
    sources: Object.entries(files).map(([display, text]) => ({ display, text })),
    ruleSettings,
    settings: { ...EMPTY_SETTINGS, ...(testCase.settings ?? {}) },
    onlyRules: new Set([rule.meta.id]),
  });
  const ruleErrors = result.findings.filter((f) => f.ruleId === 'rule-error');
  if (ruleErrors.length > 0) throw new Error(`rule threw: ${ruleErrors.map((f) => f.message).join('; ')}`);
  return result.findings.filter((f) => f.ruleId === rule.meta.id);
}

export function ruleTester<O>(rule: Rule<O>, cases: { valid: TestCase<O>[]; invalid: InvalidCase<O>[] }): void {
  describe(rule.meta.id, () => {
    it('has no duplicate cases', () => {
      const keys = [...cases.valid, ...cases.invalid].map((c) => JSON.stringify([c.yaml, c.files, c.options, c.settings]));
      expect(new Set(keys).size).toBe(keys.length);
    });

    cases.valid.forEach((testCase, i) => {
      it(`valid #${i + 1}${testCase.name ? `: ${testCase.name}` : ''}`, () => {
        const findings = runRule(rule, testCase);
        expect(findings.map((f) => `${f.file}:${f.line} ${f.message}`)).toEqual([]);
      });
    });

    cases.invalid.forEach((testCase, i) => {
      it(`invalid #${i + 1}${testCase.name ? `: ${testCase.name}` : ''}`, () => {
        expect(testCase.errors.length, 'an invalid case must expect at least one finding').toBeGreaterThan(0);
        const findings = runRule(rule, testCase);
        const describeAll = findings.map((f) => `${f.file}:${f.line}:${f.column} [${f.messageId}] ${f.message}`).join('\n');
        expect(findings.length, `expected ${testCase.errors.length} finding(s), got:\n${describeAll}`).toBe(testCase.errors.length);
        testCase.errors.forEach((expected, j) => {
          const actual = findings[j];
          expect(actual.message, 'unfilled placeholder in message').not.toMatch(/\{\{\s*\w+\s*\}\}/);
          expect(actual.message.length).toBeGreaterThan(0);
          if (actual.messageId !== undefined) expect(Object.keys(rule.meta.messages)).toContain(actual.messageId);
          if (expected.messageId !== undefined) expect(actual.messageId).toBe(expected.messageId);
          if (typeof expected.message === 'string') expect(actual.message).toBe(expected.message);
          else if (expected.message) expect(actual.message).toMatch(expected.message);
          expect(actual.line, `line of finding ${j + 1}: ${actual.message}`).toBe(expected.line);
          if (expected.column !== undefined) expect(actual.column).toBe(expected.column);
          if (expected.endLine !== undefined) expect(actual.endLine).toBe(expected.endLine);
          if (expected.endColumn !== undefined) expect(actual.endColumn).toBe(expected.endColumn);
          if (expected.path !== undefined) expect(actual.path).toBe(expected.path);
          if (expected.file !== undefined) expect(actual.file).toBe(expected.file);
          if (expected.severity !== undefined) expect(actual.severity).toBe(expected.severity);
        });
      });
    });
  });
}
