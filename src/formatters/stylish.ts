/**
 * The default terminal format: findings grouped by file, `file:line:col`, coloured, a summary line, a per-rule
 * count line, and a line naming the rules that were idle for lack of facts (engine/idle.ts).
 */
import pc from 'picocolors';
import type { Finding, LintResult, Severity } from '../types.js';
import type { FormatterContext } from './index.js';
import { describeObjects } from '../engine/identity.js';
import { isRunFinding, RUN_LOCATION } from './common.js';
import { describeIdle } from '../engine/idle.js';

export default function formatStylish(result: LintResult, context: FormatterContext): string {
  const c = pc.createColors(context.color);
  const paint: Record<Severity, (s: string) => string> = { error: c.red, warning: c.yellow, info: c.blue };
  const lines: string[] = [];
  let currentFile: string | undefined;
  for (const f of result.findings) {
    if (f.file !== currentFile) {
      if (currentFile !== undefined) lines.push('');
      lines.push(c.underline(isRunFinding(f) ? RUN_LOCATION : f.file));
      currentFile = f.file;
    }
    const where = isRunFinding(f) ? '' : `${c.dim(`${f.file}:${f.line}:${f.column}`)}  `;
    lines.push(`  ${where}${paint[f.severity](f.severity.padEnd(7))}  ${f.message}  ${c.dim(f.ruleId)}`);
    const detail = describeResource(f);
    if (detail) lines.push(`      ${c.dim(detail)}`);
  }
  const { errors, warnings, infos, suppressed, files, resources } = result.summary;
  const total = errors + warnings + infos;
  if (lines.length > 0) lines.push('');
  const counts = `${plural(total, 'problem')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${plural(infos, 'info')})`;
  const scope = `${plural(files, 'file')}, ${plural(resources, 'resource')} checked${suppressed ? `, ${suppressed} suppressed` : ''}`;
  if (total === 0) lines.push(c.green(`✔ no problems`) + c.dim(` · ${scope}`));
  else {
    lines.push(`${(errors > 0 ? c.red : warnings > 0 ? c.yellow : c.blue)(c.bold(`✖ ${counts}`))}${c.dim(` · ${scope}`)}`);
    lines.push(c.dim(`by rule: ${byRule(result.findings)}`));
  }
  const idle = describeIdle(result.idle ?? []);
  if (idle) lines.push(c.dim(idle));
  return `${lines.join('\n')}\n`;
}

/** `namespace-set 39, image-pinned 12, parse-error 1`: findings per rule, most first (ties by rule id). */
function byRule(findings: readonly Finding[]): string {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([rule, n]) => `${rule} ${n}`)
    .join(', ');
}

function describeResource(f: Finding): string | undefined {
  if (!f.resource) return undefined;
  return `${describeObjects(f)}${f.path ? ` · ${f.path}` : ''}${f.via ? ` · via ${f.via}` : ''}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
