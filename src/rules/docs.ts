/** Rule documentation, generated from rule metadata (never written twice): `mllint explain` and docs/rules.md. */
import type { Rule } from './define-rule.js';
import { WORKLOAD_MARKER } from '../engine/extract.js';

export function renderRuleDoc(rule: Rule<any>): string {
  const m = rule.meta;
  const lines = [
    `# ${m.id}`,
    '',
    m.description,
    '',
    `Default severity: ${m.recommended ? m.severity : 'off (opt in)'}`,
    ...(m.kinds && m.kinds.length > 0 ? [`Applies to: ${m.kinds.map((k) => (k === WORKLOAD_MARKER ? 'every pod template of every workload kind (README: Workload kinds)' : k)).join(', ')}`] : []),
    '',
    '## Why',
    '',
    m.docs.why,
    '',
    '## What it checks',
    '',
    m.docs.checks,
    '',
    '## Options',
    '',
    ...renderOptions(rule),
    '',
    '## How to fix',
    '',
    m.docs.fix,
    '',
    ...(m.docs.reference ? ['## Reference', '', m.docs.reference.trimEnd(), ''] : []),
  ];
  if (m.docs.examples) {
    lines.push('## Examples', '', 'Incorrect:', '', '```yaml', m.docs.examples.incorrect.trimEnd(), '```', '', 'Correct:', '', '```yaml', m.docs.examples.correct.trimEnd(), '```', '');
  }
  return `${lines.join('\n')}`;
}

function renderOptions(rule: Rule<any>): string[] {
  const properties = (rule.meta.optionsSchema.properties ?? {}) as Record<string, { description?: string; type?: string }>;
  const names = Object.keys(properties);
  if (names.length === 0) return ['None.'];
  const defaults = rule.meta.defaultOptions as Record<string, unknown>;
  return names.map((name) => {
    const p = properties[name];
    return `- \`${name}\`${p.type ? ` (${p.type})` : ''}: ${p.description ?? ''} Default: \`${JSON.stringify(defaults[name])}\`.`;
  });
}

/** docs/rules.md: every rule, in registry order. */
export function renderRulesMarkdown(rules: ReadonlyArray<Rule<any>>): string {
  const header = [
    '<!-- Generated from rule metadata by `npm run docs`. Do not edit by hand. -->',
    '# mllint rules',
    '',
    '| id | default | description |',
    '|---|---|---|',
    ...rules.map((r) => `| [\`${r.meta.id}\`](#${r.meta.id}) | ${r.meta.recommended ? r.meta.severity : 'off'} | ${r.meta.description.replace(/\|/g, '\\|')} |`),
    '',
  ];
  const bodies = rules.map((r) => renderRuleDoc(r).replace(/^# /, '## ').replace(/\n## /g, '\n### '));
  return `${header.join('\n')}\n${bodies.join('\n')}`;
}
