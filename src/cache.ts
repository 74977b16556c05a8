/**
 * The result cache: a second run over an unchanged tree (the pre-commit case) returns the previous
 * result instead of parsing and linting again.
 *
 * The key is a hash of everything a result depends on: the mllint build, the working directory, the
 * effective config (rules, overrides, policies, packs), the run settings (registry, node pools), the
 * discovery outcome, and the path and bytes of every linted file. The cache lives in the repository's
 * `.mllint-cache/` (with a `.gitignore` of its own), is written only inside a git repository, and a
 * corrupt or foreign entry is ignored, never trusted. Runs that read stdin are not cached. Rendered
 * kustomizations count by their render key (see `renderCacheKey` in loaders/kustomize.ts: the bytes of
 * every file under the kustomization directories the render read); one without a key is not cached.
 *
 * Renders are cached on their own too (`render-*.json`, by the same key), so that changing one file
 * re-renders only the entry points whose trees hold it.
 *
 * A linted repository is hostile and may commit a `.mllint-cache/` of its own, with entries under keys
 * it can predict (an npm-installed mllint, a packaged kubectl and a CI checkout path are the same on
 * every runner). So every entry carries an HMAC-SHA256 of its bytes under a secret kept in the
 * repository's git directory (`.git/mllint-cache.key`, 32 random bytes, mode 0600), which no commit can
 * write: an entry mllint did not write is never read. Without a usable git directory there is no cache.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { PACKAGE_JSON } from './package-root.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigFile } from './config/load.js';
import type { RunSettings } from './engine/settings.js';
import type { SourceInput } from './loaders/source.js';
import { gitDirsOf } from './config/trust.js';
import { gitRepositoryRoot } from './report-files.js';
import type { LintResult } from './types.js';

export const CACHE_DIR_NAME = '.mllint-cache';
const FORMAT = 2;
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
  if (!root || !cacheSecret(path.join(root, CACHE_DIR_NAME))) return undefined;
  if (inputs.sources.some((s) => (s.cacheKey === undefined && (s.text !== undefined || s.relocate || s.problem)) || !s.absPath)) return undefined;
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
    if (source.cacheKey !== undefined) {
      hash.update(`\0${source.display}\0${source.absPath}\0key\0${source.cacheKey}`);
      continue;
    }
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
 * real directory (not a symlink), owned by this user, holding nothing but its `.gitignore`, results,
 * renders and temporary files. A committed `.mllint-cache` symlink or a folder with other contents is never read,
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
    return fs.readdirSync(dir, { withFileTypes: true }).every((e) => e.isFile() && (e.name === '.gitignore' || /^(?:result|render)-[0-9a-f]{32}\.json(\.\d+\.tmp)?$/.test(e.name)));
  } catch {
    return false;
  }
}

/** Largest cache entry read back. */
const MAX_CACHE_ENTRY_BYTES = 64 * 1024 * 1024;

/**
 * The git directory of the repository whose root holds `cacheDir` (`.git`, or where a `.git` file points
 * when that is inside the repository or git's own link back confirms it: see `gitDirsOf`).
 */
function gitDirOf(cacheDir: string): string | undefined {
  return gitDirsOf(path.dirname(cacheDir))?.gitDir;
}

/**
 * The secret entries in `cacheDir` are authenticated with: `mllint-cache.key` in the repository's git
 * directory (created on first use: 32 random bytes, mode 0600, never through a symlink), or undefined
 * when there is none and none can be made (then nothing is cached).
 */
function cacheSecret(cacheDir: string): Buffer | undefined {
  let secret: Buffer | undefined;
  const gitDir = gitDirOf(cacheDir);
  if (gitDir) {
    const file = path.join(gitDir, 'mllint-cache.key');
    const read = (): Buffer | undefined => {
      let fd: number | undefined;
      try {
        fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
        const stat = fs.fstatSync(fd);
        if (!stat.isFile() || stat.size !== 32 || (typeof process.getuid === 'function' && stat.uid !== process.getuid())) return undefined;
        const bytes = Buffer.alloc(32);
        return fs.readSync(fd, bytes, 0, 32, 0) === 32 ? bytes : undefined;
      } catch {
        return undefined;
      } finally {
        if (fd !== undefined) fs.closeSync(fd);
      }
    };
    secret = read();
    if (!secret && !fs.existsSync(file)) {
      try {
        fs.writeFileSync(file, crypto.randomBytes(32), { flag: 'wx', mode: 0o600 }); // O_EXCL: never through a link
      } catch {
        // another run made it first, or the git directory is read-only
      }
      secret = read();
    }
  }
  return secret;
}

const macOf = (secret: Buffer, body: string) => crypto.createHmac('sha256', secret).update(body).digest('hex');

/**
 * A cache entry's JSON, or undefined: read never through a symlink, at most MAX_CACHE_ENTRY_BYTES, and
 * only when its first line is the HMAC of the rest under this repository's secret (an entry mllint wrote).
 */
function readEntry(file: string): unknown {
  const secret = cacheSecret(path.dirname(file));
  if (!secret) return undefined;
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_CACHE_ENTRY_BYTES) return undefined;
    const text = fs.readFileSync(fd, 'utf8');
    const newline = text.indexOf('\n');
    if (newline !== 64) return undefined;
    const body = text.slice(newline + 1);
    const expected = Buffer.from(macOf(secret, body));
    const given = Buffer.from(text.slice(0, newline));
    if (!crypto.timingSafeEqual(expected, given)) return undefined;
    return JSON.parse(body);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The cached result, or undefined when there is none or it cannot be trusted. */
export function readCachedResult(entry: CacheEntry): LintResult | undefined {
  const data = readEntry(entry.file);
  if (typeof data !== 'object' || data === null) return undefined;
  const { format, key, result } = data as { format?: unknown; key?: unknown; result?: LintResult };
  if (format !== FORMAT || key !== entry.key || !result || !Array.isArray(result.findings)) return undefined;
  const s = result.summary as unknown as Record<string, unknown> | undefined;
  if (!s || !['files', 'resources', 'errors', 'warnings', 'infos'].every((k) => typeof s[k] === 'number')) return undefined;
  const wellFormed = result.findings.every(
    (f) => f && typeof f.ruleId === 'string' && typeof f.file === 'string' && typeof f.message === 'string' && Number.isInteger(f.line) && Number.isInteger(f.column),
  );
  return wellFormed ? result : undefined;
}

/** Stores a result; any failure (read-only tree, full disk) only means there is no cache next time. */
export function writeCachedResult(entry: CacheEntry, result: LintResult): void {
  writeEntry(path.dirname(entry.file), entry.file, JSON.stringify({ format: FORMAT, key: entry.key, result }), undefined, 'result-', KEEP_ENTRIES);
}

/**
 * Writes `HMAC(signed)\nsigned` (then `\ntail` when given: bytes the signed line vouches for by their
 * hash) into the cache folder, never through a symlink, then keeps the newest `keep` entries of `prefix`.
 */
function writeEntry(dir: string, file: string, signed: string, tail: Buffer | undefined, prefix: string, keep: number): void {
  try {
    if (!fs.existsSync(dir)) fs.mkdirSync(dir, { mode: 0o755 }); // never through a symlink: not recursive
    if (!cacheDirUsable(dir)) return;
    const secret = cacheSecret(dir);
    if (!secret) return;
    const ignoreFile = path.join(dir, '.gitignore');
    if (!fs.existsSync(ignoreFile)) fs.writeFileSync(ignoreFile, '# mllint result cache: safe to delete\n*\n', { flag: 'wx' });
    const temp = `${file}.${process.pid}.tmp`;
    fs.rmSync(temp, { force: true });
    // 'wx': O_CREAT | O_EXCL, which never follows a symlink; rename replaces a link, never its target.
    const head = Buffer.from(`${macOf(secret, signed)}\n${signed}`, 'utf8');
    fs.writeFileSync(temp, tail ? Buffer.concat([head, Buffer.from('\n'), tail]) : head, { flag: 'wx' });
    fs.renameSync(temp, file);
    pruneOldEntries(dir, prefix, keep);
  } catch {
    // no cache this time
  }
}

function pruneOldEntries(dir: string, prefix: string, keep: number): void {
  const entries = fs
    .readdirSync(dir)
    .filter((name) => name.startsWith(prefix) && name.endsWith('.json'))
    .map((name) => ({ name, stat: fs.lstatSync(path.join(dir, name)) }))
    .filter((e) => e.stat.isFile())
    .map(({ name, stat }) => ({ name, mtime: stat.mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of entries.slice(keep)) fs.rmSync(path.join(dir, old.name), { force: true });
}

/** The result cache's directory for runs from `cwd` (its git repository's root), or undefined outside one. */
export function cacheDirFor(cwd: string): string | undefined {
  const root = gitRepositoryRoot(cwd);
  return root ? path.join(root, CACHE_DIR_NAME) : undefined;
}

/**
 * What identifies an installed program in a cache key: its real path, size, modification time, inode
 * and device (a reinstalled or upgraded kustomize, kubectl or helm is a new key). Undefined when it
 * cannot be stat'ed.
 */
export function programIdentity(program: string): string | undefined {
  try {
    const real = fs.realpathSync(program);
    const stat = fs.statSync(real);
    if (!stat.isFile()) return undefined;
    return `${real}\0${stat.size}\0${stat.mtimeMs}\0${stat.ino}\0${stat.dev}`;
  } catch {
    return undefined;
  }
}

/** Past these, a tree is not hashed (its renders are not cached): reading it would cost more than rendering. */
const MAX_HASHED_BYTES = 256 * 1024 * 1024;
const MAX_HASHED_FILES = 100_000;

/**
 * Digests of directory trees (names and bytes of every regular file below, `.git` and the cache
 * excluded), shared by the renders of one run (render cache keys: kustomize entry points, Helm charts). A tree holding a symbolic link or anything but
 * files and directories has no digest: what kustomize would read through it is not known here.
 */
export class TreeDigests {
  private dirs = new Map<string, string | undefined>();
  private files = new Map<string, string | undefined>();
  private bytes = 0;
  private count = 0;

  dir(dir: string): string | undefined {
    if (this.dirs.has(dir)) return this.dirs.get(dir);
    this.dirs.set(dir, undefined); // a cycle cannot happen without links; be safe anyway
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return undefined;
    }
    const hash = crypto.createHash('sha256');
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (e.name === '.git' || e.name === '.mllint-cache') continue;
      const full = path.join(dir, e.name);
      let digest: string | undefined;
      if (e.isDirectory()) digest = this.dir(full);
      else if (e.isFile()) digest = this.file(full);
      if (digest === undefined || this.bytes > MAX_HASHED_BYTES || ++this.count > MAX_HASHED_FILES) return undefined;
      hash.update(`${e.isDirectory() ? 'd' : 'f'}\0${e.name}\0${digest}\n`);
    }
    const digest = hash.digest('hex');
    this.dirs.set(dir, digest);
    return digest;
  }

  /**
   * A file's digest: its bytes' hash; '-' when it is missing, unreadable or neither a file nor a link
   * (kustomize then fails, and its failure is what is cached); undefined for a symbolic link (what
   * kustomize reads through it is not hashed here) or past the size bounds.
   */
  file(file: string): string | undefined {
    if (this.files.has(file)) return this.files.get(file);
    let digest: string | undefined;
    try {
      const stat = fs.lstatSync(file);
      if (stat.isSymbolicLink()) digest = undefined;
      else if (!stat.isFile()) digest = '-';
      else {
        this.bytes += stat.size;
        digest = this.bytes > MAX_HASHED_BYTES ? undefined : crypto.createHash('sha1').update(fs.readFileSync(file)).digest('hex');
      }
    } catch {
      digest = '-';
    }
    this.files.set(file, digest);
    return digest;
  }
}

/** Renders kept: enough for every entry point of a large repository, a few versions each. */
const KEEP_RENDERS = 256;

/** A `kustomize build` or `helm template` output to store (see `writeCachedRender`). */
export interface CachedRender {
  text: string;
  /** The temporary wrapper directory the output's origin paths are relative to (gone; only for path math). */
  wrapperDir: string;
  /** Files the rendered objects came from (absolute). */
  origins: string[];
  /** The renderer refused these inputs (it ran and exited non-zero): its message. */
  failure?: string;
}

/**
 * A stored render as read back: what decides which files a run lints (origins, failure) is read and
 * authenticated at once; the output itself (often megabytes) only when `text()` is called — a run whose
 * whole result is cached never reads it. `text()` is undefined when the entry no longer holds the bytes
 * its authenticated header names (pruned or replaced meanwhile): then render again.
 */
export interface StoredRender {
  wrapperDir: string;
  origins: string[];
  failure?: string;
  text(): string | undefined;
}

function renderFile(dir: string, key: string): string {
  return path.join(dir, `render-${key.slice(0, 32)}.json`);
}

/** Largest header (the HMAC line and the metadata line) of a render entry. */
const MAX_RENDER_HEADER_BYTES = 4 * 1024 * 1024;

/** Reads `file` (never through a symlink, at most MAX_CACHE_ENTRY_BYTES, `limit` bytes from its start). */
function readBounded(file: string, limit = MAX_CACHE_ENTRY_BYTES): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_CACHE_ENTRY_BYTES) return undefined;
    const length = Math.min(stat.size, limit);
    const buffer = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const n = fs.readSync(fd, buffer, read, length - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * The render stored under `key` (a hash of its inputs and mllint's build), or undefined. Entry layout:
 * `HMAC(meta)\nmeta\ntext`, meta being one line of JSON with the text's length and SHA-256.
 */
export function readCachedRender(dir: string, key: string): StoredRender | undefined {
  if (!cacheDirUsable(dir)) return undefined;
  const secret = cacheSecret(dir);
  if (!secret) return undefined;
  const file = renderFile(dir, key);
  const head = readBounded(file, MAX_RENDER_HEADER_BYTES);
  if (!head) return undefined;
  const first = head.indexOf(10);
  const second = first === -1 ? -1 : head.indexOf(10, first + 1);
  if (first !== 64 || second === -1) return undefined;
  const metaText = head.subarray(first + 1, second).toString('utf8');
  if (!crypto.timingSafeEqual(Buffer.from(macOf(secret, metaText)), head.subarray(0, 64))) return undefined;
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(metaText) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (meta.format !== FORMAT || meta.key !== key || meta.build !== mllintBuildId()) return undefined;
  const { wrapperDir, origins, failure, textBytes, textSha256 } = meta;
  if (typeof wrapperDir !== 'string' || !Array.isArray(origins) || !origins.every((o) => typeof o === 'string')) return undefined;
  if (failure !== undefined && typeof failure !== 'string') return undefined;
  if (typeof textBytes !== 'number' || typeof textSha256 !== 'string') return undefined;
  const offset = second + 1;
  return {
    wrapperDir,
    origins: origins as string[],
    ...(failure !== undefined ? { failure: failure as string } : {}),
    text: () => {
      const all = readBounded(file);
      if (!all || all.length !== offset + textBytes || !all.subarray(0, offset).equals(head.subarray(0, offset))) return undefined;
      const text = all.subarray(offset);
      return crypto.createHash('sha256').update(text).digest('hex') === textSha256 ? text.toString('utf8') : undefined;
    },
  };
}

/** Stores a render (any failure only means it is not cached). */
export function writeCachedRender(dir: string, key: string, render: CachedRender): void {
  const text = Buffer.from(render.text, 'utf8');
  const meta = JSON.stringify({
    format: FORMAT,
    key,
    build: mllintBuildId(),
    wrapperDir: render.wrapperDir,
    origins: render.origins,
    ...(render.failure !== undefined ? { failure: render.failure } : {}),
    textBytes: text.length,
    textSha256: crypto.createHash('sha256').update(text).digest('hex'),
  });
  writeEntry(dir, renderFile(dir, key), meta, text, 'render-', KEEP_RENDERS);
}
