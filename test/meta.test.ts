/**
 * Meta-tests keep the rule set honest: the registry equals the folder, every rule has tests, docs,
 * a compiling options schema, working doc examples and an example under examples/manifests that
 * fires; the clean example stack produces nothing; docs/rules.md is current.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES, ENGINE_RULE_IDS } from '../src/rules/index.js';
import { compileSchema } from '../src/config/schema.js';
import { renderRulesMarkdown } from '../src/rules/docs.js';
import { lintPaths } from '../src/api.js';
import { runRule } from './rule-tester.js';

const root = path.resolve(__dirname, '..');
const NOT_RULES = new Set(['index', 'define-rule', 'docs']);
const examples = path.join(root, 'examples', 'manifests');

describe('rule registry', () => {
  it('equals the files of src/rules', () => {
    const files = fs
      .readdirSync(path.join(root, 'src', 'rules'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
      .filter((f) => !NOT_RULES.has(f))
      .sort();
    expect(RULES.map((r) => r.meta.id)).toEqual(files);
  });

  it('is sorted by id and has no duplicates', () => {
    const ids = RULES.map((r) => r.meta.id);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe.each(RULES.map((r) => [r.meta.id, r] as const))('%s', (id, rule) => {
  it('has a test file', () => {
    expect(fs.existsSync(path.join(root, 'test', 'rules', `${id}.test.ts`))).toBe(true);
  });

  it('has complete docs', () => {
    expect(rule.meta.description.length).toBeGreaterThan(10);
    expect(rule.meta.docs.why.length).toBeGreaterThan(20);
    expect(rule.meta.docs.checks.length).toBeGreaterThan(20);
    expect(rule.meta.docs.fix.length).toBeGreaterThan(10);
    expect(rule.meta.remediation.length).toBeGreaterThan(10);
  });

  it('has an options schema that compiles and accepts the defaults', () => {
    const validate = compileSchema(rule.meta.optionsSchema);
    expect(validate(rule.meta.defaultOptions), JSON.stringify(validate.errors)).toBe(true);
    const documented = Object.keys((rule.meta.optionsSchema.properties ?? {}) as object).sort();
    expect(Object.keys(rule.meta.defaultOptions as object).sort()).toEqual(documented);
  });

  if (!ENGINE_RULE_IDS.has(id)) {
    it('has doc examples: incorrect fires, correct does not', () => {
      expect(rule.meta.docs.examples, 'docs.examples is required').toBeDefined();
      const { incorrect, correct } = rule.meta.docs.examples!;
      expect(runRule(rule, { yaml: incorrect, settings: rule.meta.docs.examples!.settings }).length).toBeGreaterThan(0);
      expect(runRule(rule, { yaml: correct, settings: rule.meta.docs.examples!.settings })).toEqual([]);
    });
  }
});

describe('examples/manifests', () => {
  const outcome = lintPaths(['.'], { cwd: examples, configPath: 'rules.config.yaml' });
  if (!outcome.ok) throw new Error(outcome.messages.join('\n'));
  const findings = outcome.result.findings;

  it('the clean stack under good/ produces no findings', () => {
    expect(findings.filter((f) => f.file.startsWith('good/')).map((f) => `${f.file}:${f.line} ${f.ruleId} ${f.message}`)).toEqual([]);
  });

  // With helm on PATH the chart under bad/helm-chart is rendered; helm-chart-skipped shows when rendering is off.
  const helmOff = lintPaths(['bad/helm-chart'], { cwd: examples, configPath: 'rules.config.yaml', helm: 'off' });
  it.each(RULES.filter((r) => r.meta.id !== 'rule-error' && r.meta.id !== 'online-source-unavailable' && r.meta.id !== 'image-matches-registry').map((r) => r.meta.id))('bad/ shows %s firing in its own example', (id) => {
    const own = (id === 'helm-chart-skipped' && helmOff.ok ? helmOff.result.findings : findings).filter((f) => f.ruleId === id && (f.file.startsWith(`bad/${id}.yaml`) || f.file.startsWith(`bad/${id}/`) || (id === 'helm-chart-skipped' && f.file.startsWith('bad/helm-chart/'))));
    expect(own.length, `no ${id} finding in examples/manifests/bad/${id}.yaml`).toBeGreaterThan(0);
  });
});

describe('docs/rules.md', () => {
  it('is generated from rule metadata and current (run `npm run docs`)', () => {
    const onDisk = fs.readFileSync(path.join(root, 'docs', 'rules.md'), 'utf8');
    expect(onDisk).toBe(renderRulesMarkdown(RULES));
  });
});
