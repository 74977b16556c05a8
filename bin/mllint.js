#!/usr/bin/env node
// The bin only wires the process to the CLI: run() returns the exit code and never exits by itself.
import { run } from '../dist/mllint.mjs';

// A reader that stops early (`mllint check | head`) closes the pipe: that is not an error of the run,
// which finishes and still sets its exit code.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error && error.code === 'EPIPE') return;
    throw error;
  });
}

// Stops reading past maxBytes: a huge or endless stdin must not exhaust memory (the CLI reports it).
const readStdin = async (maxBytes = Infinity) => {
  const chunks = [];
  let length = 0;
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
    length += chunk.length;
    if (length > maxBytes) {
      process.stdin.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
};

process.exitCode = await run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin,
  cwd: process.cwd(),
  env: process.env,
  isTTY: Boolean(process.stdout.isTTY),
  stderrIsTTY: Boolean(process.stderr.isTTY),
});
