/** The CLI side of reports: where the repository root is, and writing the files a formatter asked for. */
import fs from 'node:fs';
import path from 'node:path';
import type { FormatterFile } from './formatters/index.js';
import { repositoryRoots, writeFileNoFollow } from './config/trust.js';

/** The nearest ancestor of `cwd` (itself included) that holds a `.git`, or undefined outside a repository. */
export function gitRepositoryRoot(cwd: string): string | undefined {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * The root of the repository `cwd` is in: the nearest ancestor with a `.git`, else the Actions workspace
 * when `cwd` is inside it, else `cwd`. SARIF and GitHub annotations name files relative to it.
 */
export function findRepositoryRoot(cwd: string, env: Record<string, string | undefined>): string {
  const start = path.resolve(cwd);
  const gitRoot = gitRepositoryRoot(start);
  if (gitRoot) return gitRoot;
  const workspace = env.GITHUB_WORKSPACE ? path.resolve(env.GITHUB_WORKSPACE) : undefined;
  if (workspace && !path.relative(workspace, start).startsWith('..')) return workspace;
  return start;
}

/** Writes (or appends to) the files of a formatter's report; the error is a value. */
export function writeReportFiles(files: readonly FormatterFile[], cwd: string, roots: readonly string[] = repositoryRoots(cwd)): string | undefined {
  for (const file of files) {
    const target = path.resolve(cwd, file.path);
    try {
      if (file.append) {
        // The Actions step summary: a path the runner gives in the environment, not the repository.
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.appendFileSync(target, file.content);
      } else {
        // Reports (-o, --format x=FILE) never follow a symlink the repository placed there.
        writeFileNoFollow(target, file.content, roots);
      }
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return `cannot write ${file.path}: ${e.code === 'ELOOP' || e.code === 'ESYMLINK' ? e.message : e.code ?? String(err)}`;
    }
  }
  return undefined;
}
