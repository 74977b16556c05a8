/**
 * Output hygiene (DESIGN.md §8): text that came from the linted repository (file names, object names,
 * messages quoting values, kustomize's errors) must not drive the terminal or the CI log that shows it.
 *
 * - `escapeControls`: C0 and C1 control characters, DEL, line/paragraph separators and bidirectional
 *   overrides become visible escapes (`\n`, `\r`, `\x1b`, `\u202e`): no ESC/OSC sequence (line erase,
 *   clipboard write, hyperlinks), no lone CR overwriting a line, no new line that could start a forged
 *   workflow command.
 * - `escapeResult`: the same over every string of a lint result, before any formatter sees it.
 * - `guardCommandLines`: no output line may start with `::` (a GitHub Actions workflow command) unless it
 *   is one of the `github` format's own commands; such a line's colons are written as `\x3a`.
 * - `escapeMarkdown`: a Markdown table cell that renders as the text it holds (no HTML, links, emphasis).
 */
import type { LintResult } from '../types.js';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r' };

/** Control characters as visible escapes; tabs are kept. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => NAMED[c] ?? (c.charCodeAt(0) <= 0xff ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** A copy of `result` with `escapeControls` applied to every string in it (findings, resources, fixes). */
export function escapeResult(result: LintResult): LintResult {
  return deepEscape(result) as LintResult;
}

function deepEscape(value: unknown): unknown {
  if (typeof value === 'string') return escapeControls(value);
  if (Array.isArray(value)) return value.map(deepEscape);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = deepEscape(v);
    return out;
  }
  return value;
}

/** Lines of `text` that would start a workflow command get their leading colons escaped. */
export function guardCommandLines(text: string): string {
  return text.replace(/(^|\n)([ \t]*)::/g, '$1$2\\x3a\\x3a');
}

/** A diagnostic for stderr: control characters escaped (line breaks between messages kept), no `::` line start. */
export function safeDiagnostic(text: string): string {
  return guardCommandLines(text.split('\n').map(escapeControls).join('\n'));
}

/** Text for a Markdown table cell: HTML and Markdown syntax escaped, one line, pipes escaped. */
export function escapeMarkdown(text: string): string {
  return escapeControls(text.replace(/\r?\n/g, ' '))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]()#+!|~])/g, '\\$1')
    .replace(/(https?|ftp|mailto|www)(:|\.)/gi, '$1&#8203;$2'); // no bare autolinks
}
