/** `--format json`: exactly the shape of DESIGN.md §3. */
import type { Finding, LintResult } from '../types.js';

export function toJsonFinding(f: Finding): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    file: f.file,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
  };
  if (f.resource) out.resource = f.resource;
  if (f.resources && f.resources.length > 1) out.resources = f.resources;
  if (f.path !== undefined) out.path = f.path;
  if (f.fix !== undefined) out.fix = f.fix;
  if (f.fingerprint !== undefined) out.fingerprint = f.fingerprint;
  if (f.via !== undefined) out.via = f.via;
  return out;
}

export default function formatJson(result: LintResult): string {
  return `${JSON.stringify({ version: 1, findings: result.findings.map(toJsonFinding), summary: result.summary }, null, 2)}\n`;
}
