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
    `Default severity: ${m.recommended ? severityText(rule) : 'off (opt in)'}`,
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
    ...rules.map((r) => `| [\`${r.meta.id}\`](#${r.meta.id}) | ${r.meta.recommended ? severityRange(r) : 'off'} | ${r.meta.description.replace(/\|/g, '\\|')} |`),
    '',
  ];
  const bodies = rules.map((r) => renderRuleDoc(r).replace(/^# /, '## ').replace(/\n## /g, '\n### '));
  return `${header.join('\n')}\n${bodies.join('\n')}`;
}

/**
 * The default severity in words, with the kinds of finding that default lower (`meta.findingSeverity`):
 * "error; warning for no tag, a mutable tag".
 */
export function severityText(rule: Rule<any>): string {
  const m = rule.meta;
  const lower = Object.values(m.findingSeverity ?? {});
  if (lower.length === 0) return m.severity;
  const bySeverity = new Map<string, string[]>();
  for (const { severity, finding } of lower) bySeverity.set(severity, [...(bySeverity.get(severity) ?? []), finding]);
  const parts = [...bySeverity].map(([severity, findings]) => `${severity} for ${findings.join(', ')}`);
  return `${m.severity}; ${parts.join('; ')} (while the config does not set the rule's severity)`;
}

/** The default severities of a rule's findings as a range, lowest first: "warning/error" (or just "error"). */
export function severityRange(rule: Rule<any>): string {
  const order = ['info', 'warning', 'error'];
  const all = new Set([rule.meta.severity, ...Object.values(rule.meta.findingSeverity ?? {}).map((f) => f.severity)]);
  return order.filter((s) => all.has(s as never)).join('/');
}
