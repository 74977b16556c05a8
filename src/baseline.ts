/**
 * Baselines: adopt mllint on a repository that already has findings. `--write-baseline FILE` records
 * today's findings; `--baseline FILE` then reports only new ones.
 *
 * A finding is matched by its identity, never by its line, so edits elsewhere in a file do not
 * resurrect baselined findings: rule, file, object (kind, namespace, name) and path inside the object
 * with list items named by their key (`containers[name=scorer].env[name=MODEL_VERSION]`, see
 * engine/identity.ts), so inserting or reordering list items does not either; a finding about a whole
 * file (no object) by rule, file and message. Matching counts occurrences: two identical findings in the
 * baseline absorb at most two today. Version 1 baselines (paths with list indexes) still load: their
 * entries match a finding by its index path.
 *
 * Files are recorded relative to the baseline file's directory, so the baseline works from any
 * working directory. Reading and writing return values; nothing here throws for bad input.
 */
import { readBoundedFile, repositoryRoots, writeFileNoFollow } from './config/trust.js';
import fs from 'node:fs';
import path from 'node:path';
import { identityParts } from './engine/identity.js';
import type { Finding, LintResult } from './types.js';

export const BASELINE_VERSION = 2;
/** Versions this build reads: 1 recorded paths with list indexes, 2 with named list items. */
const READABLE_VERSIONS = new Set([1, 2]);

/** One recorded finding: what identifies it, plus the message for a human reading the file. */
export interface BaselineEntry {
  ruleId: string;
  file: string;
  kind?: string;
  namespace?: string;
  name?: string;
  path?: string;
  message: string;
  /** How many identical findings (default 1). */
  count?: number;
}

export interface Baseline {
  version: number;
  entries: BaselineEntry[];
}


/** The identity of a finding (named path), from a file name expressed relative to whatever base the caller uses. */
export function findingIdentity(finding: Pick<Finding, 'ruleId' | 'resource' | 'namedPath' | 'path' | 'message'>, file: string): string {
  return JSON.stringify(identityParts(finding, file));
}

/** The identity a version 1 baseline recorded: the path with list indexes. */
function indexIdentity(finding: Finding, file: string): string {
  return JSON.stringify(identityParts({ ...finding, namedPath: undefined }, file));
}

function entryIdentity(entry: BaselineEntry): string {
  const resource = entry.kind !== undefined && entry.name !== undefined
    ? { apiVersion: '', kind: entry.kind, name: entry.name, ...(entry.namespace !== undefined ? { namespace: entry.namespace } : {}) }
    : undefined;
  return findingIdentity({ ruleId: entry.ruleId, resource, namedPath: entry.path, message: entry.message }, entry.file);
}

/** `file` of a finding (relative to `cwd`, or `-`) → relative to `baseDir`, with `/` separators. */
export function rebaseFile(file: string, cwd: string, baseDir: string): string {
  const isUri = !path.isAbsolute(file) && /^[a-z][a-z0-9+.-]*:/i.test(file);
  if (file === '-' || file === '' || isUri) return file;
  const rel = path.relative(baseDir, path.resolve(cwd, file));
  return rel.split(path.sep).join('/');
}

/** The baseline of a run's findings, sorted so the file diffs well in review. */
export function createBaseline(findings: readonly Finding[], options: { cwd: string; baseDir: string }): Baseline {
  const byIdentity = new Map<string, BaselineEntry>();
  for (const f of findings) {
    const file = rebaseFile(f.file, options.cwd, options.baseDir);
    const key = findingIdentity(f, file);
    const existing = byIdentity.get(key);
    if (existing) {
      existing.count = (existing.count ?? 1) + 1;
      continue;
    }
    const entry = { ruleId: f.ruleId, file } as BaselineEntry; // message last, for readability
    if (f.resource) {
      entry.kind = f.resource.kind;
      if (f.resource.namespace !== undefined) entry.namespace = f.resource.namespace;
      entry.name = f.resource.name;
      const recorded = f.namedPath ?? f.path;
      if (recorded !== undefined) entry.path = recorded;
    }
    entry.message = f.message;
    byIdentity.set(key, entry);
  }
  const entries = [...byIdentity.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
  return { version: BASELINE_VERSION, entries };
}

export function serializeBaseline(baseline: Baseline): string {
  const lines = baseline.entries.map((e) => `    ${JSON.stringify(e)}`);
  return `{\n  "version": ${baseline.version},\n  "tool": "mllint",\n  "entries": [\n${lines.join(',\n')}${lines.length ? '\n' : ''}  ]\n}\n`;
}

export type BaselineRead = { ok: true; baseline: Baseline } | { ok: false; message: string };

/** Largest baseline read (a committed baseline is pull-request input: a `/dev/zero` link or a FIFO must not hang the run). */
export const MAX_BASELINE_BYTES = 64 * 1024 * 1024;

/**
 * Reads and checks a baseline file: a regular file (also through a symlink; never a device or FIFO) of at
 * most MAX_BASELINE_BYTES. Problems are values with the file name, never exceptions.
 */
export function readBaseline(file: string): BaselineRead {
  if (!fs.existsSync(file)) return { ok: false, message: `cannot read baseline ${file}: ENOENT` };
  const read = readBoundedFile(file, { what: `baseline ${file}`, maxBytes: MAX_BASELINE_BYTES, roots: [], named: true });
  if (!read.ok) return { ok: false, message: read.message };
  return parseBaseline(read.bytes.toString('utf8'), file);
}

export function parseBaseline(text: string, file: string): BaselineRead {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `${file}: not a baseline (invalid JSON: ${(err as Error).message})` };
  }
  const record = data as { version?: unknown; entries?: unknown };
  if (typeof data !== 'object' || data === null || !READABLE_VERSIONS.has(record.version as number) || !Array.isArray(record.entries)) {
    return { ok: false, message: `${file}: not an mllint baseline (expected {"version": ${BASELINE_VERSION}, "entries": [...]}; write one with --write-baseline)` };
  }
  const entries: BaselineEntry[] = [];
  for (const [i, raw] of record.entries.entries()) {
    const e = raw as Record<string, unknown>;
    const str = (k: string) => (typeof e?.[k] === 'string' ? (e[k] as string) : undefined);
    if (typeof raw !== 'object' || raw === null || !str('ruleId') || str('file') === undefined) {
      return { ok: false, message: `${file}: entry ${i + 1} needs "ruleId" and "file"` };
    }
    const entry: BaselineEntry = { ruleId: str('ruleId')!, file: str('file')!, message: str('message') ?? '' };
    for (const k of ['kind', 'namespace', 'name', 'path'] as const) if (str(k) !== undefined) entry[k] = str(k);
    if (typeof e.count === 'number' && Number.isInteger(e.count) && e.count > 1) entry.count = e.count;
    entries.push(entry);
  }
  return { ok: true, baseline: { version: BASELINE_VERSION, entries } };
}

/**
 * Removes the findings the baseline already records. The summary's counts are those of the new
 * findings (so the exit code reflects only them) and `baselined` says how many were left out.
 */
export function applyBaseline(result: LintResult, baseline: Baseline, options: { cwd: string; baseDir: string }): LintResult {
  const remaining = new Map<string, number>();
  for (const entry of baseline.entries) {
    const key = entryIdentity(entry);
    remaining.set(key, (remaining.get(key) ?? 0) + (entry.count ?? 1));
  }
  const findings: Finding[] = [];
  let baselined = 0;
  for (const f of result.findings) {
    const file = rebaseFile(f.file, options.cwd, options.baseDir);
    // The named identity first; then the index path a version 1 baseline recorded.
    const key = [findingIdentity(f, file), indexIdentity(f, file)].find((k) => (remaining.get(k) ?? 0) > 0);
    if (key !== undefined) {
      remaining.set(key, remaining.get(key)! - 1);
      baselined++;
    } else {
      findings.push(f);
    }
  }
  return {
    ...result,
    findings,
    summary: {
      ...result.summary,
      errors: findings.filter((f) => f.severity === 'error').length,
      warnings: findings.filter((f) => f.severity === 'warning').length,
      infos: findings.filter((f) => f.severity === 'info').length,
      baselined,
    },
  };
}

/** `--write-baseline FILE`: records every finding of the run. */
export function writeBaselineFile(file: string, result: LintResult, options: { cwd: string }): { ok: boolean; message: string } {
  const target = path.resolve(options.cwd, file);
  const baseline = createBaseline(result.findings, { cwd: options.cwd, baseDir: path.dirname(target) });
  try {
    writeFileNoFollow(target, serializeBaseline(baseline), repositoryRoots(options.cwd));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { ok: false, message: `cannot write baseline ${file}: ${e.code === 'ELOOP' || e.code === 'ESYMLINK' ? e.message : e.code ?? String(err)}` };
  }
  return { ok: true, message: `wrote ${result.findings.length} finding(s) to the baseline ${file}; run with --baseline ${file} to report only new ones` };
}

/** `--baseline FILE`: the run's result without the findings the file records. */
export function applyBaselineFile(file: string, result: LintResult, options: { cwd: string }): { ok: true; result: LintResult; message: string } | { ok: false; message: string } {
  const target = path.resolve(options.cwd, file);
  const read = readBaseline(target);
  if (!read.ok) return { ok: false, message: read.message.replace(target, file) };
  const filtered = applyBaseline(result, read.baseline, { cwd: options.cwd, baseDir: path.dirname(target) });
  return { ok: true, result: filtered, message: `${filtered.summary.baselined} finding(s) baselined in ${file} (not shown); ${filtered.findings.length} new` };
}
