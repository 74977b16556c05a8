/**
 * Rendered Helm output on stdin (`helm template my-release ./chart | mllint check -`).
 *
 * Helm writes `# Source: <chart>/templates/<file>.yaml` at the top of every document it renders. The
 * stream is split into one source per template: findings show the template path as their file, and
 * their line is the line within what that template rendered (the `# Source:` comment and the `---`
 * separators Helm adds are not counted; several documents of one template are joined with `---`, as
 * they are written in the template). For a template without multi-line `{{ }}` directives, that is
 * the line of the template itself; `helm template … --show-only templates/<file>.yaml` prints exactly
 * the text the line refers to. A stream without `# Source:` comments is linted as it is, as `-`.
 */
import type { SourceInput } from './source.js';

const DOCUMENT_MARKER = /^---(\s.*)?$/;
const SOURCE_COMMENT = /^#\s*Source:\s*(\S.*?)\s*$/;

/** Splits a rendered Helm stream by `# Source:` comments; returns `[{ display: '-', text }]` when there are none. */
export function splitHelmStream(text: string, display = '-'): SourceInput[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (!lines.some((line) => SOURCE_COMMENT.test(line))) return [{ display, text }];

  const parts = new Map<string, string[][]>();
  const add = (source: string, body: string[]) => {
    if (!body.some((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))) return; // nothing but comments
    const docs = parts.get(source) ?? [];
    docs.push(body);
    parts.set(source, docs);
  };
  let current: string[] = [];
  const flush = () => {
    const first = current.findIndex((l) => l.trim() !== '');
    const match = first === -1 ? null : SOURCE_COMMENT.exec(current[first]);
    if (match) add(match[1], current.slice(first + 1));
    else add(display, current);
    current = [];
  };
  for (const line of lines) {
    if (DOCUMENT_MARKER.test(line)) flush();
    else current.push(line);
  }
  flush();
  return [...parts.entries()].map(([source, docs]) => ({ display: source, text: docs.map((d) => d.join('\n')).join('\n---\n') + '\n' }));
}
