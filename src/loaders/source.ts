/** A source to lint: a file on disk, or text given directly (stdin, rendered output). */
import fs from 'node:fs';
import { decodeManifest, type Decoded } from './decode.js';

export interface SourceInput {
  /** What findings show as `file`: relative to the working directory, `/`-separated; `-` for stdin. */
  display: string;
  absPath?: string;
  /** Text given directly; when absent, the file is read from `absPath`. */
  text?: string;
}

/** Documented limit: larger files are reported, not parsed. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

export function readSourceText(input: SourceInput): Decoded {
  if (input.text !== undefined) return { ok: true, text: input.text.replace(/^\uFEFF/, '') };
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
