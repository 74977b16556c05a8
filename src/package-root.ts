/**
 * The package's own files (package.json, schemas/, packs/), found from wherever this module runs: the
 * compiled `dist/` tree, the single-file bundle the bin uses (dist/mllint.mjs), or `src/` under tests.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(): string {
  const start = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'mllint') return dir;
    } catch {
      // no package.json here: keep going up
    }
    if (path.dirname(dir) === dir) return path.dirname(start);
  }
}

export const PACKAGE_ROOT = findPackageRoot();

export function packageFile(...parts: string[]): string {
  return path.join(PACKAGE_ROOT, ...parts);
}

export function readPackageJson<T = Record<string, unknown>>(...parts: string[]): T {
  return JSON.parse(fs.readFileSync(packageFile(...parts), 'utf8')) as T;
}

export const PACKAGE_JSON = readPackageJson<{ version: string; homepage?: string; repository?: string | { url?: string } }>('package.json');
