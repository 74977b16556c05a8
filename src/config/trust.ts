/**
 * The trust boundary (DESIGN.md §4 and §8, README "Security"). mllint gates pull requests, so everything
 * inside the linted repository is written by whoever opened the pull request. This module is the one
 * place that decides:
 *
 * - what "inside the repository" is: the git work tree holding the working directory or a linted path
 *   (the nearest ancestor with a `.git` entry, whatever the working directory), `GITHUB_WORKSPACE` when
 *   set, and the working directory itself outside any work tree — unless it only holds the linted work trees;
 * - which config settings a file inside the repository may not set (the programs mllint runs and their
 *   flags): those come from the command line, the environment, or a config file outside the repository;
 * - how an external program (kustomize, helm) is chosen and checked: a known renderer, on PATH or at an
 *   absolute path outside the repository, with rendering flags only;
 * - the environment such a program runs in: no CI secrets, proxies pointing nowhere, git limited to
 *   local files, a throw-away HOME;
 * - how a file named by the repository is read: a regular file inside the repository, size-capped.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type Env = Record<string, string | undefined>;

/** The nearest ancestor of `dir` (itself included) with a `.git` entry (directory or worktree file). */
export function gitWorkTree(dir: string): string | undefined {
  for (let d = safeRealpath(path.resolve(dir)); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/** Largest git metadata file read (`.git` file, `gitdir`, `commondir`, `config`, `HEAD`). */
const MAX_GIT_FILE_BYTES = 64 * 1024;

/** A work tree's git directory (`HEAD`, per work tree) and common directory (`config`, shared by worktrees). */
export interface GitDirs {
  gitDir: string;
  commonDir: string;
}

/**
 * The git directories of the work tree `workTree`: `workTree/.git` when it is a directory (not a symlink);
 * for a `.git` file (`gitdir: PATH`, a worktree or submodule), PATH only when it is inside the work tree or
 * when git's own link back confirms it belongs to this work tree — a worktree's `PATH/gitdir` names this
 * `.git` file, a submodule's `PATH/config` sets `core.worktree` to this directory (no input can write
 * those outside itself). Otherwise undefined: a `.git` file in a tree that is no git checkout (an
 * unpacked archive, a copied folder) never makes mllint read, or write its cache key, elsewhere. The same
 * holds for a worktree's `commondir`. Only small regular files are read.
 */
export function gitDirsOf(workTree: string): GitDirs | undefined {
  const dotGit = path.join(workTree, '.git');
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dotGit);
  } catch {
    return undefined;
  }
  if (stat.isDirectory()) return { gitDir: dotGit, commonDir: dotGit };
  if (!stat.isFile()) return undefined;
  const pointer = /^gitdir:[ \t]*(.+?)[ \t\r]*$/m.exec(readGitFile(dotGit) ?? '');
  if (!pointer) return undefined;
  const realTree = safeRealpath(workTree);
  const gitDir = path.resolve(workTree, pointer[1]);
  if (!isRealDirectory(gitDir)) return undefined;
  const inside = within(safeRealpath(gitDir), realTree);
  if (!inside && !linksBack(gitDir, dotGit, realTree)) return undefined;
  const common = readGitFile(path.join(gitDir, 'commondir'))?.trim();
  if (!common) return { gitDir, commonDir: gitDir };
  const commonDir = path.resolve(gitDir, common);
  // A git directory inside the tree is the input's own: its `commondir` may not lead out either.
  if (!isRealDirectory(commonDir) || (inside && !within(safeRealpath(commonDir), realTree))) return undefined;
  return { gitDir, commonDir };
}

/** Whether git's metadata in `gitDir` names `dotGit` (worktree) or the work tree (submodule) as its own. */
function linksBack(gitDir: string, dotGit: string, realTree: string): boolean {
  const back = readGitFile(path.join(gitDir, 'gitdir'))?.trim();
  if (back && safeRealpath(path.resolve(gitDir, back)) === safeRealpath(dotGit)) return true;
  const worktree = /^\s*worktree\s*=\s*(.+?)\s*$/m.exec(readGitFile(path.join(gitDir, 'config')) ?? '')?.[1];
  return worktree !== undefined && safeRealpath(path.resolve(gitDir, worktree)) === realTree;
}

function isRealDirectory(dir: string): boolean {
  try {
    const stat = fs.lstatSync(dir);
    return stat.isDirectory();
  } catch {
    return false;
  }
}

/** A small regular file of git metadata (not through a symlink), or undefined. */
export function readGitFile(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_GIT_FILE_BYTES) return undefined;
    const buffer = Buffer.alloc(stat.size);
    const n = fs.readSync(fd, buffer, 0, stat.size, 0);
    return buffer.subarray(0, n).toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * The directories whose contents are repository input (real paths): the git work tree of the working
 * directory (else the working directory, unless every linted path lies in a git work tree below it),
 * `GITHUB_WORKSPACE` when set, and the git work tree of each linted path (else the path's directory).
 */
export function repositoryRoots(cwd: string, env: Env = process.env, paths: readonly string[] = []): string[] {
  const roots = new Set<string>();
  const cwdTree = gitWorkTree(cwd);
  const cwdRoot = cwdTree ?? safeRealpath(path.resolve(cwd));
  const pathTrees: string[] = [];
  let allPathsInTrees = true;
  for (const p of paths) {
    if (p === '-') continue;
    const abs = path.resolve(cwd, p);
    const dir = isDirectory(abs) ? abs : path.dirname(abs);
    const tree = gitWorkTree(dir);
    if (tree === undefined) allPathsInTrees = false;
    pathTrees.push(tree ?? safeRealpath(dir));
  }
  // A working directory outside any work tree that only holds the linted work trees (`mllint check
  // src/pr-checkout` run from $HOME, or from `/` in a container) is not part of the repository: else a
  // pull request's symlink or `../../..` reference could reach anything below it.
  const onlyHoldsTrees = cwdTree === undefined && pathTrees.length > 0 && allPathsInTrees && pathTrees.every((t) => t !== cwdRoot && within(t, cwdRoot));
  if (!onlyHoldsTrees) roots.add(cwdRoot);
  if (env.GITHUB_WORKSPACE) roots.add(safeRealpath(path.resolve(env.GITHUB_WORKSPACE)));
  for (const tree of pathTrees) roots.add(tree);
  return [...roots];
}

/** Whether `file` (followed through symlinks, also when it does not exist yet) lies in one of `roots`. */
export function isInsideRepository(file: string, roots: readonly string[]): boolean {
  const real = realpathOfPossiblyMissing(path.resolve(file));
  return roots.some((root) => within(real, root));
}

/**
 * The first symlink below `dir` that leads outside the repository, as a reason ("templates/x is a
 * symbolic link out of the repository"), or undefined. Programs such as helm follow symlinked folders, so
 * a link to a folder elsewhere in the repository is walked too (a link out may be waiting there); each
 * real folder is walked once. More than `maxFiles` entries is a reason too.
 */
export function linkOutOfRepository(dir: string, roots: readonly string[], maxFiles: number): string | undefined {
  const stack = [dir];
  const walked = new Set<string>();
  let seen = 0;
  while (stack.length > 0) {
    const current = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      const real = fs.realpathSync(current);
      if (walked.has(real)) continue;
      walked.add(real);
      entries = fs.readdirSync(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (++seen > maxFiles) return `it has more than ${maxFiles} files`;
      const full = path.join(current, entry.name);
      if (entry.isSymbolicLink()) {
        if (!isInsideRepository(full, roots)) return `${path.relative(dir, full)} is a symbolic link out of the repository`;
        if (isDirectory(full)) stack.push(full);
      } else if (entry.isDirectory()) {
        stack.push(full);
      }
    }
  }
  return undefined;
}

/** `child` is `parent` or below it (both absolute, normalised). */
export function within(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

// ---------------------------------------------------------------------------------------------------
// Settings a repository config may not set

/** Config settings that choose what runs; only the command line, the environment or an outside config sets them. */
export const TRUSTED_ONLY_SETTINGS: ReadonlyArray<{ path: string[]; how: string }> = [
  { path: ['kustomize', 'command'], how: 'MLLINT_KUSTOMIZE_COMMAND' },
  { path: ['helm', 'command'], how: 'MLLINT_HELM_COMMAND' },
];

/**
 * The trusted-only settings a parsed config sets, when the config file is inside the repository:
 * each with a message for a config error at that key.
 */
export function untrustedSettings(raw: Record<string, unknown>, configFile: string, roots: readonly string[]): Array<{ path: string[]; message: string }> {
  if (!isInsideRepository(configFile, roots)) return [];
  const out: Array<{ path: string[]; message: string }> = [];
  for (const setting of TRUSTED_ONLY_SETTINGS) {
    let v: unknown = raw;
    for (const key of setting.path) v = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined;
    if (v === undefined) continue;
    out.push({
      path: setting.path,
      message: `${setting.path.join('.')} cannot be set by a config file inside the linted repository (a pull request could change it to run any program); set the ${setting.how} environment variable or use a config file outside the repository`,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// External programs

/** What a renderer may be: its programs with their subcommand, the flags that only change the output. */
export interface ProgramSpec {
  /** The setting's name in messages, e.g. `kustomize.command`. */
  setting: string;
  /** Allowed program base names → the subcommand that must follow, e.g. { kustomize: 'build', kubectl: 'kustomize' }. */
  programs: Record<string, string>;
  /** Flags (without `--`) allowed after the subcommand; `flagsWithValue` take the next argument as value. */
  safeFlags: ReadonlySet<string>;
  flagsWithValue?: ReadonlySet<string>;
  /** Flags refused with a specific reason (plugins, exec, network). */
  forbidden?: RegExp;
  /** Searched on PATH in order when nothing is configured. */
  defaults: string[];
  /** Said when no default is found. */
  missing: string;
}

export type ProgramResult = { ok: true; argv: string[] } | { ok: false; message: string };

/**
 * The argv of a renderer: the configured command (from a trusted source) or the first default on PATH.
 * The program must be one of `spec.programs`, on PATH or at an absolute path, and outside `roots` (even a
 * trusted setting never runs a program the repository brings); only `spec.safeFlags` may follow.
 */
export function resolveProgram(spec: ProgramSpec, configured: string | undefined, roots: readonly string[], envPath = process.env.PATH ?? ''): ProgramResult {
  if (configured === undefined) {
    for (const name of spec.defaults) {
      const exe = findOnPath(name, envPath, roots);
      if (exe) return { ok: true, argv: [exe, spec.programs[name]] };
    }
    return { ok: false, message: spec.missing };
  }
  const argv = configured.trim().split(/\s+/).filter(Boolean);
  if (argv.length === 0) return { ok: false, message: `${spec.setting} is empty` };
  const forbidden = spec.forbidden ? argv.find((a) => spec.forbidden!.test(a)) : undefined;
  if (forbidden) return { ok: false, message: `${spec.setting} must not use ${forbidden}: mllint never runs plugins or code from the repository it lints` };
  const program = path.basename(argv[0]);
  const subcommand = spec.programs[program];
  if (!Object.hasOwn(spec.programs, program)) {
    return { ok: false, message: `${spec.setting} must run ${Object.keys(spec.programs).join(' or ')}, not "${argv[0]}"` };
  }
  if (argv[1] !== subcommand) return { ok: false, message: `${spec.setting} must be "${program} ${subcommand}" (with rendering flags only)` };
  const unsafe = unsafeFlag(argv.slice(2), spec);
  if (unsafe) return { ok: false, message: `${spec.setting}: "${unsafe}" is not allowed; only ${[...spec.safeFlags].map((f) => `--${f}`).join(', ') || 'no flags'}` };
  if (argv[0].includes('/') && !path.isAbsolute(argv[0])) {
    return { ok: false, message: `${spec.setting} "${argv[0]}" must be on PATH or an absolute path: mllint never runs programs from the repository it lints` };
  }
  const exe = argv[0].includes('/') ? argv[0] : findOnPath(argv[0], envPath, roots);
  if (!exe || !isExecutableFile(exe)) return { ok: false, message: `"${argv[0]}" (${spec.setting}) was not found` };
  if (isInsideRepository(exe, roots)) {
    return { ok: false, message: `${spec.setting} "${argv[0]}" is inside the linted repository: mllint never runs programs from the repository it lints` };
  }
  return { ok: true, argv: [exe, ...argv.slice(1)] };
}

function unsafeFlag(args: string[], spec: ProgramSpec): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const match = /^--([a-z][a-z-]*)(=.*)?$/.exec(args[i]);
    if (!match || !spec.safeFlags.has(match[1])) return args[i];
    if (match[2] === undefined && spec.flagsWithValue?.has(match[1])) {
      if (i + 1 >= args.length || args[i + 1].startsWith('-')) return args[i];
      i++;
    }
  }
  return undefined;
}

/** The first executable `name` in an absolute PATH directory outside the repository. */
function findOnPath(name: string, envPath: string, roots: readonly string[]): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir || !path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate) && !isInsideRepository(candidate, roots)) return candidate;
  }
  return undefined;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** An address nothing listens on (the discard port on loopback): proxied requests fail at once. */
const NOWHERE = 'http://127.0.0.1:9';

/**
 * The whole environment of a renderer child process: PATH and a locale, a throw-away HOME (and XDG
 * folders) under `home`, every proxy variable pointing nowhere, git limited to the `file` protocol with no
 * system or global config, no kubeconfig. Nothing else of mllint's environment (CI tokens, cloud
 * credentials, `GITHUB_*`) is passed on.
 */
export function childEnvironment(home: string, envPath = process.env.PATH ?? '/usr/bin:/bin'): Record<string, string> {
  return {
    PATH: envPath,
    LANG: 'C.UTF-8',
    HOME: home,
    TMPDIR: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    KUBECONFIG: path.join(home, 'no-kubeconfig'),
    HELM_CACHE_HOME: path.join(home, '.cache', 'helm'),
    HELM_CONFIG_HOME: path.join(home, '.config', 'helm'),
    HELM_DATA_HOME: path.join(home, '.local', 'share', 'helm'),
    HTTP_PROXY: NOWHERE,
    HTTPS_PROXY: NOWHERE,
    ALL_PROXY: NOWHERE,
    http_proxy: NOWHERE,
    https_proxy: NOWHERE,
    all_proxy: NOWHERE,
    NO_PROXY: '',
    no_proxy: '',
    GIT_ALLOW_PROTOCOL: 'file',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ASKPASS: '/bin/false',
    SSH_ASKPASS: '/bin/false',
    GIT_SSH_COMMAND: '/bin/false',
  };
}

/** A fresh private directory for a child's HOME; the caller removes it. */
export function makeChildHome(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mllint-home-')));
}

// ---------------------------------------------------------------------------------------------------
// Reading files the repository names

export type BoundedRead = { ok: true; bytes: Buffer; realPath: string } | { ok: false; message: string };

/**
 * Reads a file mllint was pointed at: a regular file (never a device, FIFO or directory, also through a
 * symlink), at most `maxBytes`, and, unless `named` (given on the command line or by a config outside the
 * repository), inside `roots`. Messages name `what` and never include the file's contents. The size is
 * checked on the opened descriptor and the read stops at the cap, so a file growing meanwhile changes
 * nothing.
 */
export function readBoundedFile(file: string, options: { what: string; maxBytes: number; roots: readonly string[]; named?: boolean }): BoundedRead {
  const { what, maxBytes } = options;
  let real: string;
  try {
    // realpath(3): one call, where fs.realpathSync walks the path with an lstat per component in JavaScript
    // (the GitOps owner scan reads every file of the tree through here: 0.1 s of a 2,000-file run).
    real = fs.realpathSync.native(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, message: code === 'ENOENT' || code === 'ENOTDIR' ? `${what} not found` : `cannot read ${what} (${code ?? 'error'})` };
  }
  if (!options.named && !options.roots.some((root) => within(real, root))) {
    return { ok: false, message: `${what} is outside the linted repository; mllint reads only files inside it unless they are named on the command line` };
  }
  let fd: number | undefined;
  try {
    fd = fs.openSync(real, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { ok: false, message: `${what} is not a regular file` };
    if (stat.size > maxBytes) return { ok: false, message: `${what} is ${(stat.size / 1048576).toFixed(1)} MiB; the limit is ${formatLimit(maxBytes)}` };
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === buffer.length) break;
    }
    if (length > maxBytes) return { ok: false, message: `${what} is larger than the limit of ${formatLimit(maxBytes)}` };
    return { ok: true, bytes: buffer.subarray(0, length), realPath: real };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, message: `cannot read ${what} (${code === 'EACCES' ? 'permission denied' : code ?? 'error'})` };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function formatLimit(bytes: number): string {
  return bytes >= 1048576 ? `${bytes / 1048576} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function safeRealpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** The real path of `p`, resolving the longest existing prefix (a file about to be written). */
function realpathOfPossiblyMissing(p: string): string {
  const rest: string[] = [];
  let d = p;
  for (;;) {
    try {
      return path.join(fs.realpathSync(d), ...rest.reverse());
    } catch {
      const parent = path.dirname(d);
      if (parent === d) return p;
      rest.push(path.basename(d));
      d = parent;
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Writing

/**
 * Writes `content` to `target` without following a symlink: the file itself must not be a symlink (it is
 * opened with O_NOFOLLOW, so a link placed there by the repository fails with ELOOP), and when the path
 * the user gave lies in the repository, the directory it ends up in must too (a committed symlinked
 * folder does not carry the write out). Missing parent folders are created. Throws an Error with a
 * plain message (and `code`) on refusal or failure.
 */
export function writeFileNoFollow(target: string, content: string, roots: readonly string[]): void {
  const parent = path.dirname(target);
  const lexicallyInside = roots.some((root) => within(path.resolve(target), root));
  if (lexicallyInside && !isInsideRepository(parent, roots)) {
    throw Object.assign(new Error(`${parent} leads out of the repository through a symlink; mllint does not write through symlinks`), { code: 'ESYMLINK' });
  }
  fs.mkdirSync(parent, { recursive: true });
  let fd: number;
  try {
    fd = fs.openSync(target, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK, 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') {
      throw Object.assign(new Error(`${target} is a symlink; mllint does not write through symlinks`), { code: 'ELOOP' });
    }
    throw err;
  }
  try {
    if (!fs.fstatSync(fd).isFile()) throw Object.assign(new Error(`${target} is not a regular file`), { code: 'ENOTFILE' });
    fs.writeSync(fd, content);
  } finally {
    fs.closeSync(fd);
  }
}
