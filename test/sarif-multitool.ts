/**
 * The real SARIF Multitool from Microsoft (npm `@microsoft/sarif-multitool`, a devDependency), whose
 * `validate --rule-kind "Sarif;Gh"` checks the SARIF 2.1.0 schema, the SARIF authoring rules and GitHub
 * code scanning's ingestion rules (GH1001…). Without it (a platform it does not ship for) the SARIF
 * validation tests skip with a loud reason, and fail under `CI=true`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);

function findMultitool(): string | undefined {
  try {
    const bin = require('@microsoft/sarif-multitool') as string;
    if (!fs.existsSync(bin)) return undefined;
    // The package's postinstall (`chmod u+x Sarif.Multitool`) does not run where npm withholds install
    // scripts (npm 11 allowScripts): do what it would.
    if ((fs.statSync(bin).mode & 0o100) === 0) fs.chmodSync(bin, fs.statSync(bin).mode | 0o100);
    return bin;
  } catch {
    return undefined;
  }
}

/** The Multitool executable, or undefined (after a loud warning; an error under CI=true). */
export const MULTITOOL = findMultitool();
if (!MULTITOOL) {
  const reason = 'the SARIF Multitool (npm @microsoft/sarif-multitool) is not installed for this platform: SARIF validation is skipped';
  if (process.env.CI === 'true') throw new Error(`${reason}, which CI does not allow`);
  console.warn(`\n*** SKIPPED: ${reason} ***\n`);
}

export interface MultitoolProblem {
  /** The log's name (a key of the `logs` argument). */
  log: string;
  level: 'error' | 'warning' | 'note';
  ruleId: string;
  message: string;
}

/**
 * Validates SARIF logs (name → parsed log or its text) in one Multitool run and returns every problem it
 * reports at level error or warning (the SARIF and GitHub rules; notes such as "consider message ids" are
 * not asked for). Throws when the tool itself fails.
 */
export function validateSarif(logs: Record<string, unknown>): MultitoolProblem[] {
  if (!MULTITOOL) throw new Error('SARIF Multitool not installed');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mllint-multitool-'));
  try {
    const names = Object.keys(logs);
    const files = names.map((name, i) => {
      const file = path.join(dir, `log${i}.sarif`);
      const value = logs[name];
      fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
      return file;
    });
    const out = path.join(dir, 'validation.out');
    const run = spawnSync(MULTITOOL, ['validate', '--rule-kind', 'Sarif;Gh', '--level', 'Error;Warning', '--output', out, ...files], {
      encoding: 'utf8',
      env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
      timeout: 120_000,
    });
    if (!fs.existsSync(out)) throw new Error(`SARIF Multitool failed (${run.status}): ${run.stdout}${run.stderr}`);
    const report = JSON.parse(fs.readFileSync(out, 'utf8'));
    const problems: MultitoolProblem[] = [];
    for (const r of report.runs?.[0]?.results ?? []) {
      const uri: string = r.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '';
      const index = files.findIndex((f) => uri.endsWith(path.basename(f)));
      const line = `${run.stdout}`.split('\n').find((l) => l.includes(` ${r.ruleId}: `) && (index < 0 || l.includes(path.basename(files[index]))));
      problems.push({
        log: index >= 0 ? names[index] : uri,
        level: r.level ?? 'warning',
        ruleId: r.ruleId,
        message: line?.slice(line.indexOf(`${r.ruleId}: `) + r.ruleId.length + 2) ?? r.message?.text ?? JSON.stringify(r.message),
      });
    }
    return problems;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
