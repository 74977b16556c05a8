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

/** Link to a rule's section of docs/rules.md (GitHub's heading anchors equal the rule ids). */
export function ruleDocsUrl(ruleId: string): string {
  return HOMEPAGE.startsWith('https://github.com/') ? `${HOMEPAGE}/blob/main/docs/rules.md#${ruleId}` : `${HOMEPAGE}#readme`;
}

/**
 * A finding's `file` (relative to cwd, or `-` for stdin) relative to the repository root, with `/`
 * separators; undefined when it is not a path under the root (stdin, or a file outside it).
 */
export function repoRelativePath(file: string, context: Pick<FormatterContext, 'cwd' | 'repoRoot'>): string | undefined {
  if (file === '-') return undefined;
  const root = context.repoRoot ?? context.cwd;
  const rel = path.relative(root, path.resolve(context.cwd, file));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}
