/**
 * Test inputs that live outside this repository: the project's `shared/` folder (kubeconform's
 * conformance fixtures, the generated-corpus script). A user's clone does not have it, so the suites that
 * read it skip with a loud reason when it is absent — and fail when `CI=true`, where it must be present.
 *
 * Where it is looked for: `MLLINT_SHARED_DIR` when set, else the nearest `shared/` folder beside the clone
 * or beside one of its parent folders (`../shared`, `../../shared`, …, e.g. for a git worktree kept in a
 * sub-folder). `MLLINT_SHARED_DIR=none` says it is absent on purpose (this repository's GitHub workflows):
 * those suites skip, loudly, even under `CI=true`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function findSharedDir(): string | undefined {
  const fromEnv = process.env.MLLINT_SHARED_DIR;
  if (fromEnv === 'none') return undefined;
  if (fromEnv) return path.resolve(fromEnv);
  let dir = path.dirname(ROOT);
  for (;;) {
    const candidate = path.join(dir, 'shared');
    if (fs.existsSync(path.join(candidate, 'conformance'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The `shared/` folder, when there is one. */
export const SHARED_DIR = findSharedDir();

/**
 * The absolute path of `rel` inside `shared/`, or undefined when it is absent — after a loud warning
 * naming what is skipped (`what`), or a thrown error under `CI=true`.
 */
export function sharedExtra(rel: string, what: string): string | undefined {
  const full = SHARED_DIR ? path.join(SHARED_DIR, rel) : undefined;
  if (full && fs.existsSync(full)) return full;
  const reason = `${what} needs shared/${rel} (set MLLINT_SHARED_DIR, or keep the project's shared/ folder beside the clone)`;
  if (process.env.CI === 'true' && process.env.MLLINT_SHARED_DIR !== 'none') throw new Error(`${reason}; CI must provide it`);
  console.warn(`\n*** SKIPPED: ${reason} ***\n`);
  return undefined;
}
