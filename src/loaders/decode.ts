/**
 * Bytes → text. Manifests are UTF-8; UTF-16 with a BOM is accepted (editors on Windows write it).
 * Binary or invalid UTF-8 content is an error value with the line where it starts, never an exception.
 */

export type Decoded = { ok: true; text: string } | { ok: false; message: string; line: number };

export function decodeManifest(bytes: Uint8Array): Decoded {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return checkText(new TextDecoder('utf-16le').decode(bytes.subarray(2)));
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    return checkText(new TextDecoder('utf-16be').decode(bytes.subarray(2)));
  }
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const nul = bytes.indexOf(0, start);
  if (nul !== -1) {
    return { ok: false, message: 'binary content (NUL byte); not a YAML file', line: lineAt(bytes, nul) };
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start));
    return { ok: true, text };
  } catch {
    return { ok: false, message: 'invalid UTF-8; manifests must be UTF-8 text', line: lineAt(bytes, firstInvalidUtf8(bytes, start)) };
  }
}

function checkText(text: string): Decoded {
  const nul = text.indexOf('\0');
  if (nul !== -1) return { ok: false, message: 'binary content (NUL character); not a YAML file', line: countLines(text, nul) };
  return { ok: true, text };
}

function countLines(text: string, end: number): number {
  let line = 1;
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function lineAt(bytes: Uint8Array, end: number): number {
  let line = 1;
  for (let i = 0; i < end && i < bytes.length; i++) if (bytes[i] === 10) line++;
  return line;
}

/** Offset of the first byte that breaks UTF-8, found by decoding growing prefixes line by line. */
function firstInvalidUtf8(bytes: Uint8Array, start: number): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let lineStart = start;
  for (let i = start; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 10) {
      try {
        decoder.decode(bytes.subarray(lineStart, i));
      } catch {
        return lineStart;
      }
      lineStart = i + 1;
    }
  }
  return lineStart;
}
