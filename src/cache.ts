/**
 * The result cache: a second run over an unchanged tree (the pre-commit case) returns the previous
 * result instead of parsing and linting again.
 *
 * The key is a hash of everything a result depends on: the mllint build, the working directory, the
 * effective config (rules, overrides, policies, packs), the run settings (registry, node pools), the
 * discovery outcome, and the path and bytes of every linted file. The cache lives in the repository's
 * `.mllint-cache/` (with a `.gitignore` of its own), is written only inside a git repository, and a
 * corrupt or foreign entry is ignored, never trusted. Everything in the key can be computed by whoever
 * writes the repository (npm even fixes the package's file times), so an entry is also sealed to the
 * file mllint wrote: a hash of the key with the file's device, inode and birth time (nanoseconds), read
 * from the open file. An entry a pull request commits is a file git created, with another inode and
 * birth time: never taken for a result. Runs that read stdin or render kustomizations are
 * not cached (their inputs are not plain files).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { PACKAGE_JSON } from './package-root.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigFile } from './config/load.js';
import type { RunSettings } from './engine/settings.js';
import type { SourceInput } from './loaders/source.js';
import { gitRepositoryRoot } from './report-files.js';
import type { LintResult } from './types.js';

export const CACHE_DIR_NAME = '.mllint-cache';
const FORMAT = 1;
const KEEP_ENTRIES = 8;

export interface CacheEntry {
  file: string;
  key: string;
}

const VERSION = PACKAGE_JSON.version;

interface CacheInputs {
  cwd: string;
  config: ConfigFile;
  settings: RunSettings;
  sources: SourceInput[];
  /** Everything else that shaped the run (Helm charts skipped, unreadable paths, kustomize on/off). */
  extra: unknown;
}

let buildId: string | undefined;

/** Sizes and times of mllint's own compiled files: a rebuilt mllint never reuses an older result. */
function mllintBuildId(): string {
  if (buildId) return buildId;
  const hash = crypto.createHash('sha256');
  const walk = (dir: string) => {
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.js') || entry.name.endsWith('.ts')) {
        const stat = fs.statSync(full);
        hash.update(`${full}\0${stat.size}\0${stat.mtimeMs}\n`);
      }
    }
  };
  walk(path.dirname(fileURLToPath(import.meta.url)));
  return (buildId = hash.digest('hex'));
}

/** The cache entry for a run, or undefined when the run must not be cached. */
export function cacheEntryFor(inputs: CacheInputs): CacheEntry | undefined {
  const root = gitRepositoryRoot(inputs.cwd);
  if (!root) return undefined;
  if (inputs.sources.some((s) => s.text !== undefined || !s.absPath || s.relocate || s.problem)) return undefined;
  const { config } = inputs;
  const hash = crypto.createHash('sha256');
  hash.update(JSON.stringify({
    format: FORMAT,
    version: VERSION,
    build: mllintBuildId(),
    cwd: path.resolve(inputs.cwd),
    config: {
      file: config.file,
      rules: config.rules,
      ignore: config.ignore,
      overrides: config.overrides,
      policies: config.policies.map((p) => p.policy),
      kustomize: config.kustomize,
    },
    settings: inputs.settings,
    extra: inputs.extra,
  }));
  for (const source of inputs.sources) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(source.absPath!);
    } catch {
      return undefined; // let the normal run report what is wrong with the file
    }
    hash.update(`\0${source.display}\0${source.absPath}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  const key = hash.digest('hex');
  const dir = path.join(root, CACHE_DIR_NAME);
  if (!cacheDirUsable(dir)) return undefined;
  return { key, file: path.join(dir, `result-${key.slice(0, 32)}.json`) };
}

/**
 * The cache folder is used only when it is absent (mllint creates it) or looks like one mllint created: a
 * real directory (not a symlink), owned by this user, holding nothing but its `.gitignore`, results and
 * temporary files. A committed `.mllint-cache` symlink or a folder with other contents is never read,
 * written or pruned.
 */
function cacheDirUsable(dir: string): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dir);
  } catch {
    return true; // absent: created on write
  }
  if (!stat.isDirectory() || stat.isSymbolicLink()) return false;
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) return false;
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).every((e) => e.isFile() && (e.name === '.gitignore' || /^result-[0-9a-f]{32}\.json(\.\d+\.tmp)?$/.test(e.name)));
  } catch {
    return false;
  }
}

/** The entry's key bound to the file that holds it (device, inode, birth time in ns): see the module comment. */
function sealOf(key: string, stat: fs.BigIntStats): string {
  return crypto.createHash('sha256').update(`${key}\0${stat.dev}\0${stat.ino}\0${stat.birthtimeNs}`).digest('hex');
}

/** Largest cache entry read back. */
const MAX_CACHE_ENTRY_BYTES = 64 * 1024 * 1024;

/** The cached result, or undefined when there is none or it cannot be trusted. */
export function readCachedResult(entry: CacheEntry): LintResult | undefined {
  let data: unknown;
  let fd: number | undefined;
  let stat: fs.BigIntStats;
  try {
    fd = fs.openSync(entry.file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    stat = fs.fstatSync(fd, { bigint: true });
    if (!stat.isFile() || stat.size > BigInt(MAX_CACHE_ENTRY_BYTES)) return undefined;
    data = JSON.parse(fs.readFileSync(fd, 'utf8'));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const { format, key, seal, result } = data as { format?: unknown; key?: unknown; seal?: unknown; result?: LintResult };
  if (format !== FORMAT || key !== entry.key || seal !== sealOf(entry.key, stat) || !result || !Array.isArray(result.findings)) return undefined;
  const s = result.summary as unknown as Record<string, unknown> | undefined;
  if (!s || !['files', 'resources', 'errors', 'warnings', 'infos'].every((k) => typeof s[k] === 'number')) return undefined;
  const wellFormed = result.findings.every(
    (f) => f && typeof f.ruleId === 'string' && typeof f.file === 'string' && typeof f.message === 'string' && Number.isInteger(f.line) && Number.isInteger(f.column),
  );
  return wellFormed ? result : undefined;
}

/** Stores a result; any failure (read-only tree, full disk) only means there is no cache next time. */
export function writeCachedResult(entry: CacheEntry, result: LintResult): void {
  const dir = path.dirname(entry.file);
  try {
    if (!fs.existsSync(dir)) fs.mkdirSync(dir, { mode: 0o755 }); // never through a symlink: not recursive
    if (!cacheDirUsable(dir)) return;
    const ignoreFile = path.join(dir, '.gitignore');
    if (!fs.existsSync(ignoreFile)) fs.writeFileSync(ignoreFile, '# mllint result cache: safe to delete\n*\n', { flag: 'wx' });
    const temp = `${entry.file}.${process.pid}.tmp`;
    fs.rmSync(temp, { force: true });
    // 'wx': O_CREAT | O_EXCL, which never follows a symlink; rename replaces a link, never its target
    // (and keeps the file's inode and birth time, which the seal names).
    const fd = fs.openSync(temp, 'wx', 0o644);
    try {
      const seal = sealOf(entry.key, fs.fstatSync(fd, { bigint: true }));
      fs.writeFileSync(fd, JSON.stringify({ format: FORMAT, key: entry.key, seal, result }));
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, entry.file);
    pruneOldEntries(dir);
  } catch {
    // no cache this time
  }
}

function pruneOldEntries(dir: string): void {
  const entries = fs
    .readdirSync(dir)
    .filter((name) => name.startsWith('result-') && name.endsWith('.json'))
    .map((name) => ({ name, stat: fs.lstatSync(path.join(dir, name)) }))
    .filter((e) => e.stat.isFile())
    .map(({ name, stat }) => ({ name, mtime: stat.mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of entries.slice(KEEP_ENTRIES)) fs.rmSync(path.join(dir, old.name), { force: true });
}
