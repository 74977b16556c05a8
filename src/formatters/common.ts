/** What several CI formats share: repository-relative paths and links to rule docs. */
import path from 'node:path';
import { PACKAGE_JSON } from '../package-root.js';
import type { FormatterContext } from './index.js';

const pkg = PACKAGE_JSON;

/** The project's web home (its repository), from package.json. */
export const HOMEPAGE: string = repositoryUrl(pkg) ?? 'https://www.npmjs.com/package/mllint';

function repositoryUrl(p: typeof pkg): string | undefined {
  const raw = typeof p.repository === 'string' ? p.repository : p.repository?.url;
  if (raw) return raw.replace(/^git\+/, '').replace(/\.git$/, '');
  return p.homepage?.replace(/#.*$/, '');
}

/**
 * A finding about the run, in no file (`file` ""; line and column 0): an online source turned on by a flag
 * or environment variable, which its message names. Formats show it under this label, never as a path.
 */
export const RUN_LOCATION = '(command line and environment)';

export function isRunFinding(f: { file: string }): boolean {
  return f.file === '';
}

/** Link to a rule's section of docs/rules.md (GitHub's heading anchors equal the rule ids). */
export function ruleDocsUrl(ruleId: string): string {
  return HOMEPAGE.startsWith('https://github.com/') ? `${HOMEPAGE}/blob/main/docs/rules.md#${ruleId}` : `${HOMEPAGE}#readme`;
}

/**
 * A finding's `file` (relative to cwd, or `-` for stdin) relative to the repository root, with `/`
 * separators; undefined when it is not a path under the root (stdin, or a file outside it).
 */
export function repoRelativePath(file: string, context: Pick<FormatterContext, 'cwd' | 'repoRoot'>): string | undefined {
  if (file === '-' || file === '') return undefined;
  const root = context.repoRoot ?? context.cwd;
  const rel = path.relative(root, path.resolve(context.cwd, file));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}
