/** Runs the real CLI in-process with captured output (the bin only wires `process` to `run`). */
import { run } from '../../src/cli.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[], options: { cwd: string; env?: Record<string, string | undefined>; stdin?: string }): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readStdin: async () => options.stdin ?? '',
    cwd: options.cwd,
    env: options.env ?? {},
    isTTY: false,
  });
  return { code, stdout, stderr };
}
