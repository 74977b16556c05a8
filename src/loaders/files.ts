/**
 * Discovery: command-line paths → the YAML files to lint.
 *
 * Honours `.gitignore` and `.mllintignore` (in the linted directories and their parents up to the
 * repository root) and the config's `ignore` globs; never follows a symlink out of the linted root,
 * never opens anything but regular files, and recognises Helm charts, whose `templates/` are Go
 * templates rather than YAML.
 */
import { gitWorkTree, readBoundedFile } from '../config/trust.js';
import { CONFIG_FILE_NAMES } from '../config/names.js';
import fs from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';

export interface DiscoveredFile {
  absPath: string;
  /** Relative to the working directory, `/`-separated: what findings show. */
  display: string;
}

export interface SkippedChart {
  /** Display path of the chart's `templates/` directory. */
  display: string;
  chartName: string;
  /** Absolute path of the chart directory (holding Chart.yaml). */
  dir: string;
}

export interface Discovery {
  files: DiscoveredFile[];
  helmCharts: SkippedChart[];
  /** Problems that make the run impossible (exit 2): a missing or unreadable command-line path. */
  fatal: string[];
  /** Files found but not readable as regular files (reported as findings). */
  unreadable: Array<{ display: string; reason: string }>;
}

export interface DiscoverOptions {
  cwd: string;
  /** gitignore-style globs from the config, relative to `ignoreBase`. */
  ignorePatterns?: string[];
  ignoreBase?: string;
}

const YAML_EXTENSION = /\.ya?ml$/i;
const ALWAYS_SKIPPED_DIRS = new Set(['.git', 'node_modules', '.mllint-cache']);
const IGNORE_FILES = ['.gitignore', '.mllintignore'];

interface IgnoreLayer {
  base: string;
  rules: Ignore;
}

export function toDisplayPath(cwd: string, absPath: string): string {
  const rel = path.relative(cwd, absPath);
  return (rel === '' ? '.' : rel).split(path.sep).join('/');
}

export function discoverFiles(paths: string[], options: DiscoverOptions): Discovery {
  const result: Discovery = { files: [], helmCharts: [], fatal: [], unreadable: [] };
  const seenFiles = new Set<string>();
  const configLayer: IgnoreLayer | undefined =
    options.ignorePatterns && options.ignorePatterns.length > 0
      ? { base: options.ignoreBase ?? options.cwd, rules: ignore().add(options.ignorePatterns) }
      : undefined;

  const addFile = (absPath: string, realPath: string) => {
    if (seenFiles.has(realPath)) return;
    seenFiles.add(realPath);
    result.files.push({ absPath, display: toDisplayPath(options.cwd, absPath) });
  };

  for (const input of paths.length > 0 ? paths : ['.']) {
    const absInput = path.resolve(options.cwd, input);
    let stat: fs.Stats;
    let realInput: string;
    try {
      stat = fs.statSync(absInput);
      realInput = fs.realpathSync(absInput);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      result.fatal.push(code === 'ENOENT' ? `no such file or directory: ${input}` : `cannot read ${input}: ${code ?? String(err)}`);
      continue;
    }
    if (stat.isFile()) {
      try {
        fs.accessSync(absInput, fs.constants.R_OK);
      } catch {
        result.fatal.push(`cannot read ${input}: permission denied`);
        continue;
      }
      addFile(absInput, realInput);
      continue;
    }
    if (!stat.isDirectory()) {
      result.fatal.push(`not a regular file or directory: ${input}`);
      continue;
    }
    const layers = [...ancestorIgnoreLayers(absInput), ...(configLayer ? [configLayer] : [])];
    walk(absInput, realInput, realInput, layers, new Set(), result, addFile, options);
  }
  return result;
}

function walk(
  dir: string,
  realDir: string,
  realRoot: string,
  parentLayers: IgnoreLayer[],
  visited: Set<string>,
  result: Discovery,
  addFile: (absPath: string, realPath: string) => void,
  options: DiscoverOptions,
): void {
  if (visited.has(realDir)) return; // symlink loop or a directory reached twice
  visited.add(realDir);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    result.unreadable.push({ display: toDisplayPath(options.cwd, dir), reason: (err as NodeJS.ErrnoException).code ?? 'unreadable' });
    return;
  }
  const layers = [...parentLayers, ...ownIgnoreLayers(dir, entries)];
  const isChart = entries.some((e) => e.name === 'Chart.yaml' && (e.isFile() || e.isSymbolicLink()));
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  for (const entry of entries) {
    const absPath = path.join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    let realPath = path.join(realDir, entry.name);
    if (entry.isSymbolicLink()) {
      try {
        realPath = fs.realpathSync(absPath);
        const target = fs.statSync(realPath);
        isDir = target.isDirectory();
        isFile = target.isFile();
      } catch {
        continue; // dangling link or loop
      }
      if (!isInside(realRoot, realPath)) continue; // never leave the linted root
    }
    if (isDir) {
      if (ALWAYS_SKIPPED_DIRS.has(entry.name) || isIgnored(layers, absPath, true)) continue;
      if (isChart && entry.name === 'templates') {
        const chartName = readChartName(path.join(dir, 'Chart.yaml')) ?? path.basename(dir);
        result.helmCharts.push({ display: toDisplayPath(options.cwd, absPath), chartName, dir });
        continue;
      }
      walk(absPath, realPath, realRoot, layers, visited, result, addFile, options);
    } else if (isFile && YAML_EXTENSION.test(entry.name)) {
      // FIFOs, sockets and devices are never opened: only regular files get here. mllint's own config is no manifest.
      if (CONFIG_FILE_NAMES.includes(entry.name) || isIgnored(layers, absPath, false)) continue;
      addFile(absPath, realPath);
    }
  }
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function isIgnored(layers: IgnoreLayer[], absPath: string, isDir: boolean): boolean {
  for (const layer of layers) {
    const rel = path.relative(layer.base, absPath);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) continue;
    const posix = rel.split(path.sep).join('/');
    if (layer.rules.ignores(isDir ? `${posix}/` : posix)) return true;
  }
  return false;
}

function ownIgnoreLayers(dir: string, entries: fs.Dirent[]): IgnoreLayer[] {
  const layers: IgnoreLayer[] = [];
  for (const name of IGNORE_FILES) {
    if (!entries.some((e) => e.name === name && e.isFile())) continue;
    const layer = readIgnoreFile(dir, name);
    if (layer) layers.push(layer);
  }
  return layers;
}

/** Ignore files of the directories above a linted directory, up to the repository root. */
function ancestorIgnoreLayers(dir: string): IgnoreLayer[] {
  const layers: IgnoreLayer[] = [];
  let current = path.dirname(dir);
  const chain: string[] = [];
  while (current !== dir) {
    chain.unshift(current);
    if (fs.existsSync(path.join(current, '.git'))) break;
    const parent = path.dirname(current);
    if (parent === current) {
      chain.length = 0; // not in a repository: parents' ignore files are not ours
      break;
    }
    current = parent;
  }
  for (const ancestor of chain) {
    for (const name of IGNORE_FILES) {
      const layer = readIgnoreFile(ancestor, name);
      if (layer) layers.push(layer);
    }
  }
  return layers;
}

/** Largest ignore file or Chart.yaml read; they are small, and a symlink to /dev/zero must not fill memory. */
export const MAX_SIDE_FILE_BYTES = 1024 * 1024;

/** A small file of the repository: a regular file inside its git work tree (else its directory), capped. */
function readSideFile(file: string, what: string): string | undefined {
  const dir = path.dirname(file);
  const read = readBoundedFile(file, { what, maxBytes: MAX_SIDE_FILE_BYTES, roots: [gitWorkTree(dir) ?? safeRealpath(dir)] });
  return read.ok ? read.bytes.toString('utf8') : undefined;
}

function safeRealpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

function readIgnoreFile(dir: string, name: string): IgnoreLayer | undefined {
  const text = readSideFile(path.join(dir, name), name);
  return text === undefined ? undefined : { base: dir, rules: ignore().add(text) };
}

function readChartName(chartFile: string): string | undefined {
  const text = readSideFile(chartFile, 'Chart.yaml');
  return text === undefined ? undefined : /^name:\s*["']?([^"'\s#]+)/m.exec(text)?.[1];
}
