/** Every registered format is a `--format` choice of the CLI and runs end to end; unknown ones are exit 2. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FORMAT_NAMES } from '../../src/formatters/index.js';
import { runCli } from './run-cli.js';

const root = path.resolve(__dirname, '../..');
const bad = 'examples/manifests/bad/image-pinned.yaml';

describe('--format', () => {
  it('offers every registered format', async () => {
    expect(FORMAT_NAMES).toEqual(expect.arrayContaining(['stylish', 'json', 'sarif', 'github', 'junit']));
    const help = await runCli(['check', '--help'], { cwd: root });
    for (const name of FORMAT_NAMES) expect(help.stdout).toContain(`"${name}"`);
  });

  it.each(FORMAT_NAMES)('%s runs through the CLI with the exit code of the findings', async (name) => {
    const out = await runCli(['check', '--format', name, bad], { cwd: root });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(1);
    expect(out.stdout.length).toBeGreaterThan(0);
  });

  it('an unknown format is a usage error', async () => {
    const out = await runCli(['check', '--format', 'checkstyle', bad], { cwd: root });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/checkstyle/);
  });
});
