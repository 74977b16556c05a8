/** A source to lint: a file on disk, or text given directly (stdin, rendered output). */
import fs from 'node:fs';
import { decodeManifest, type Decoded } from './decode.js';
import type { Path, Position } from '../types.js';
import type { LoadedText } from './objects.js';

export interface SourceInput {
  /** What findings show as `file`: relative to the working directory, `/`-separated; `-` for stdin. */
  display: string;
  absPath?: string;
  /** Text given directly; when absent, the file is read from `absPath`. */
  text?: string;
  /**
   * What the result cache counts this source by instead of its file's bytes (a rendered kustomization:
   * the hash of the render's inputs). Sources with `text`, `problem` or `relocate` and no key are not cached.
   */
  cacheKey?: string;
  /**
   * The documents of `text`, already loaded (rendered output), and the text they were loaded from: the
   * engine does not parse `text` again while it is that same text (a copy of the source with another
   * `text`, e.g. a namespace filled in, is parsed anew).
   */
  loaded?: { text: string; loaded: LoadedText };
  /**
   * A source that could not be produced (e.g. a kustomization that failed to render): one finding of
   * `ruleId` (default `parse-error`).
   */
  problem?: { message: string; line: number; ruleId?: string; /** A cap on the finding's severity (a skipped remote reference is a warning). */ maxSeverity?: 'info' | 'warning' };
  /**
   * For rendered text (kustomize): where a finding on document `docIndex`, at `path` (inside the document),
   * is written in the user's files. Main-thread only: not passed to parser workers.
   */
  relocate?: (docIndex: number, path: Path) => RelocatedPosition;
  /** What rendered this source (e.g. `Application argocd/guestbook`): named in each finding as `via`. */
  via?: string;
}

/** A finding's place in another file than the text it was loaded from. */
export interface RelocatedPosition {
  display: string;
  absPath?: string;
  position: Position;
}

/** Documented limit: larger files are reported, not parsed. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

export function readSourceText(input: SourceInput): Decoded {
  if (input.problem) return { ok: false, message: input.problem.message, line: input.problem.line };
  if (input.text !== undefined) {
    // Text given directly (stdin, rendered output) has the same cap as a file.
    if (input.text.length > MAX_FILE_BYTES) return { ok: false, message: `text is ${(input.text.length / 1048576).toFixed(1)} MiB; documents over ${MAX_FILE_BYTES / 1048576} MiB are not parsed`, line: 1 };
    return { ok: true, text: input.text.replace(/^\uFEFF/, '') };
  }
  if (!input.absPath) return { ok: false, message: 'no file to read', line: 1 };
  let bytes: Buffer;
  try {
    const stat = fs.statSync(input.absPath);
    if (!stat.isFile()) return { ok: false, message: 'not a regular file; skipped', line: 1 };
    if (stat.size > MAX_FILE_BYTES) {
      return { ok: false, message: `file is ${(stat.size / 1048576).toFixed(1)} MiB; files over ${MAX_FILE_BYTES / 1048576} MiB are not parsed`, line: 1 };
    }
    bytes = fs.readFileSync(input.absPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, message: `cannot read file (${code === 'EACCES' ? 'permission denied' : code ?? String(err)})`, line: 1 };
  }
  return decodeManifest(bytes);
}
