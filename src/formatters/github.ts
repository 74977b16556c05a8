/**
 * `--format github`: GitHub Actions workflow commands, one annotation per finding
 * (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`; warnings as `::warning`, infos
 * as `::notice`). GitHub shows only a few annotations per step, so when `GITHUB_STEP_SUMMARY` is set the
 * report also carries a Markdown job summary (counts per severity and per rule, every finding in a
 * table) that the CLI appends to that file.
 */
import { escapeMarkdown } from './hygiene.js';
import type { Finding, LintResult, Severity } from '../types.js';
import type { FormatterContext, FormatterReport } from './index.js';
import { isRunFinding, repoRelativePath, ruleDocsUrl, RUN_LOCATION } from './common.js';
import { describeObjects } from '../engine/identity.js';

/** GitHub drops a step summary over 1 MiB; stay well below it. */
export const SUMMARY_BUDGET = 900 * 1024;

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = { error: 'error', warning: 'warning', info: 'notice' };

/** Escaping of a workflow command's message (as @actions/core's `escapeData`). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping of a workflow command's property value (as @actions/core's `escapeProperty`). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export default function formatGithub(result: LintResult, context: FormatterContext): FormatterReport {
  const lines = result.findings.map((f) => annotation(f, context));
  const { errors, warnings, infos } = result.summary;
  lines.push(`mllint: ${errors} error(s), ${warnings} warning(s), ${infos} info(s) in ${result.summary.files} file(s)`);
  const output = `${lines.join('\n')}\n`;
  const summaryFile = context.env.GITHUB_STEP_SUMMARY;
  if (!summaryFile) return output;
  return { output, files: [{ path: summaryFile, append: true, content: renderJobSummary(result, context) }] };
}

function annotation(f: Finding, context: FormatterContext): string {
  const file = repoRelativePath(f.file, context) ?? f.file;
  // A finding in no file (a flag, the environment) is an annotation of the run, without a position.
  const props: Array<[string, string | number]> = isRunFinding(f)
    ? [['title', `mllint ${f.ruleId}`]]
    : [
        ['file', file],
        ['line', f.line],
        ['col', f.column],
        ['endLine', f.endLine],
        ['endColumn', f.endColumn],
        ['title', `mllint ${f.ruleId}`],
      ];
  const objects = describeObjects(f);
  const label = f.resources && f.resources.length > 1 ? 'Objects' : 'Object';
  const text = `${f.message}${objects ? `\n${label}: ${objects}` : ''}${f.fix ? `\n${f.fix}` : ''}`;
  return `::${COMMAND[f.severity]} ${props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',')}::${escapeData(text)}`;
}

/** The Markdown job summary: totals, counts per rule, and every finding (GitHub caps annotations, not this). */
export function renderJobSummary(result: LintResult, context: FormatterContext): string {
  const { errors, warnings, infos, files, resources, suppressed, baselined } = result.summary;
  const total = errors + warnings + infos;
  const out: string[] = ['## mllint', ''];
  const scope = `${files} file(s), ${resources} resource(s) checked${suppressed ? `, ${suppressed} suppressed` : ''}${baselined ? `, ${baselined} baselined` : ''}`;
  if (total === 0) {
    out.push(`:white_check_mark: No problems · ${scope}`, '');
    return `${out.join('\n')}\n`;
  }
  out.push(`**${total} problem(s)** · ${scope}`, '');
  out.push('| severity | count |', '|---|---:|');
  out.push(`| error | ${errors} |`, `| warning | ${warnings} |`, `| info | ${infos} |`, '');

  const perRule = new Map<string, Record<Severity, number>>();
  for (const f of result.findings) {
    const counts = perRule.get(f.ruleId) ?? { error: 0, warning: 0, info: 0 };
    counts[f.severity]++;
    perRule.set(f.ruleId, counts);
  }
  out.push('| rule | errors | warnings | infos |', '|---|---:|---:|---:|');
  for (const [ruleId, c] of [...perRule.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out.push(`| [${cell(ruleId)}](${ruleDocsUrl(ruleId)}) | ${c.error} | ${c.warning} | ${c.info} |`);
  }
  out.push('');

  out.push('| severity | location | rule | message | object |', '|---|---|---|---|---|');
  let size = Buffer.byteLength(out.join('\n'));
  for (const [i, f] of result.findings.entries()) {
    const rel = repoRelativePath(f.file, context);
    const where = isRunFinding(f) ? RUN_LOCATION : `${rel ?? f.file}:${f.line}:${f.column}`;
    const link = rel === undefined ? undefined : blobUrl(rel, f.line, context);
    const location = link ? `[${cell(where)}](${link})` : cell(where);
    const object = f.resource ? `${describeObjects(f)}${f.path ? ` · ${f.path}` : ''}` : '';
    const row = `| ${f.severity} | ${location} | ${cell(f.ruleId)} | ${cell(f.message)} | ${cell(object)} |`;
    size += Buffer.byteLength(row) + 1;
    if (size > SUMMARY_BUDGET) {
      out.push('', `… and ${result.findings.length - i} more finding(s): GitHub drops job summaries over 1 MiB; use \`--format sarif\` or \`json\` for the full list.`);
      break;
    }
    out.push(row);
  }
  out.push('');
  return `${out.join('\n')}\n`;
}

/** A link to a repository file at the commit being checked, when the Actions environment says which. */
function blobUrl(repoPath: string, line: number, context: FormatterContext): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_SHA: sha } = context.env;
  if (!server || !repo || !sha) return undefined;
  return `${server}/${repo}/blob/${sha}/${repoPath.split('/').map(encodeURIComponent).join('/')}#L${line}`;
}

/** A table cell: repository text rendered as plain text (no HTML, links or emphasis), one line, pipes escaped. */
function cell(text: string): string {
  return escapeMarkdown(text);
}
