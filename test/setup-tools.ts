/**
 * Test setup: programs `.ci/run` installs into the ignored `.tools/bin` (helm, built from the Go module
 * proxy) are put on PATH, as a user's PATH would have them. mllint never runs a program from inside the
 * repository it lints (config/trust.ts), and the tests lint trees inside this repository (examples/), so
 * the binaries are linked (or copied) to a folder outside it first.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const toolsBin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '.tools', 'bin');
const outside = path.join(os.tmpdir(), `mllint-test-tools-${process.getuid?.() ?? 'user'}`);

function place(name: string): void {
  const source = path.join(toolsBin, name);
  const target = path.join(outside, name);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(source);
  } catch {
    return;
  }
  try {
    const existing = fs.statSync(target);
    if (existing.size === stat.size && existing.mtimeMs >= stat.mtimeMs) return;
  } catch {
    // not there yet
  }
  fs.mkdirSync(outside, { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  try {
    fs.linkSync(source, temp);
  } catch {
    fs.copyFileSync(source, temp);
  }
  fs.chmodSync(temp, 0o755);
  fs.renameSync(temp, target); // atomic: parallel test workers never see a half-written binary
}

for (const name of ['helm']) place(name);
if (fs.existsSync(outside) && !(process.env.PATH ?? '').split(path.delimiter).includes(outside)) {
  process.env.PATH = `${outside}${path.delimiter}${process.env.PATH ?? ''}`;
}
