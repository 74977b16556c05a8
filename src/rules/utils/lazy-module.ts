/**
 * Synchronous lazy loading for heavy modules that only some rules need (cron parser, API schemas):
 * rule `check`s are synchronous, so a module is `require`d on first use instead of imported at start-up.
 * Node ≥ 20.19 can `require` ES modules (without top-level await) synchronously.
 */
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { packageFile } from '../../package-root.js';

const nodeRequire = createRequire(import.meta.url);

/**
 * Modules a one-file build carries inside itself (the GitHub Action's bundle, which has no node_modules):
 * module id → loader, set on `globalThis.__MLLINT_BUNDLED__` by that build's entry; absent otherwise.
 */
function bundled(id: string): (() => unknown) | undefined {
  return (globalThis as { __MLLINT_BUNDLED__?: Record<string, () => unknown> }).__MLLINT_BUNDLED__?.[id];
}

/** `require` for modules loaded on first use: from the one-file build's own modules when it has them, else from node_modules. */
export const lazyRequire: ((id: string) => unknown) & { resolve: NodeJS.RequireResolve } = Object.assign(
  (id: string) => {
    const load = bundled(id);
    return load ? load() : nodeRequire(id);
  },
  { resolve: nodeRequire.resolve },
);

/** The files of a package as the one-file build recorded them (`apps/v1/Deployment.js`, …); undefined outside it. */
export function bundledPackageFiles(pkg: string): string[] | undefined {
  return (globalThis as { __MLLINT_BUNDLED_FILES__?: Record<string, string[]> }).__MLLINT_BUNDLED_FILES__?.[pkg];
}

const packageRoots = new Map<string, string | null>();

/** The directory of an installed package, or null when it is not installed. */
export function packageRoot(pkg: string): string | null {
  if (!packageRoots.has(pkg)) {
    try {
      packageRoots.set(pkg, path.dirname(nodeRequire.resolve(`${pkg}/package.json`)));
    } catch {
      packageRoots.set(pkg, null);
    }
  }
  return packageRoots.get(pkg) ?? null;
}

/**
 * A file inside an installed package, past its `exports` map (`kubernetes-models/apps/v1/Deployment.js`):
 * the module, or undefined when the package or the file is not there (in the one-file build: when the
 * build did not carry it).
 */
export function requirePackageFile(pkg: string, file: string): unknown {
  const load = bundled(`${pkg}/${file}`);
  if (load) return load();
  // The one-file build carries every kind the CLI can load: it never falls back to a node_modules or a
  // dist/ that happens to lie beside it (a runner's checkout of the action has neither).
  if (bundledPackageFiles(pkg)) return undefined;
  const prebuilt = prebuiltModel(pkg, file);
  if (prebuilt !== undefined) return prebuilt;
  const root = packageRoot(pkg);
  if (!root) return undefined;
  try {
    return nodeRequire(path.join(root, file));
  } catch {
    return undefined;
  }
}

/**
 * The same file from the build's bundle of the API model packages (dist/models/, written by
 * scripts/bundle-models.mjs: one ES module per kind plus shared chunks, a few files to load instead of
 * about 60 CommonJS modules per kind), or undefined when the build has no such entry.
 */
function prebuiltModel(pkg: string, file: string): unknown {
  if (!file.endsWith('.js')) return undefined;
  const entry = packageFile('dist', 'models', pkg, `${file.slice(0, -3)}.mjs`);
  if (!fs.existsSync(entry)) return undefined;
  try {
    const namespace = nodeRequire(entry) as { default?: unknown };
    return namespace.default ?? namespace; // the package's CommonJS exports
  } catch {
    return undefined;
  }
}

/** A getter that loads a module on its first call and caches it (including a failure, rethrown each time). */
export function lazyModule<T>(load: () => T): () => T {
  let state: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  return () => {
    if (!state) {
      try {
        state = { ok: true, value: load() };
      } catch (error) {
        state = { ok: false, error };
      }
    }
    if (!state.ok) throw state.error;
    return state.value;
  };
}
