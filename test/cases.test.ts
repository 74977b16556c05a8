/**
 * The verdict cases (test/fixtures/cases/{precision,api,workloads}): small inputs whose first line (or
 * whose folder's EXPECT file) says what a correct linter reports. Each case runs the built bin as a user
 * would (`mllint check <case> --format json --no-cache [args]` from the case's folder) and every clause of
 * its `# expect:` line becomes an assertion.
 *
 * Clauses (separated by ";"):
 *   finding rule=R [line=N] [file=F] [name=X] [kind=K] [severity=S] [message~REGEX]   at least one such finding
 *   no finding for rule A, B [file=F] [name=X] [kind=K] [severity=S[,S]]             none of those
 *   count rule=R [min=N] [max=N] [file=F] [severity=S]                               how many
 *   no duplicate findings | resources=N | exit=N | exit!=N
 *
 * A case listed in test/fixtures/cases/PENDING is known not to pass yet: it is run and must still fail
 * (so a fix that makes it pass must also take it off the list). The list must be empty when work is done.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CASES = path.join(ROOT, 'test', 'fixtures', 'cases');
const BIN = path.join(ROOT, 'bin', 'mllint.js');
const BUILT = fs.existsSync(path.join(ROOT, 'dist', 'mllint.mjs'));

interface Finding {
  ruleId: string;
  severity: string;
  message: string;
  file: string;
  line: number;
  column: number;
  resource?: { kind?: string; name?: string };
}

type KeyValues = Record<string, string | undefined>;

function keyValues(text: string): KeyValues {
  const kv: KeyValues = {};
  for (const m of text.matchAll(/(\w+)(~|=)("([^"]*)"|\S+)/g)) kv[m[1] + (m[2] === '~' ? '~' : '')] = m[4] ?? m[3];
  return kv;
}

function matches(f: Finding, kv: KeyValues): boolean {
  return (
    (!kv.rule || kv.rule.split('|').includes(f.ruleId)) &&
    (!kv.line || f.line === Number(kv.line)) &&
    (!kv.file || f.file === kv.file || f.file.endsWith('/' + kv.file)) &&
    (!kv.name || f.resource?.name === kv.name) &&
    (!kv.kind || f.resource?.kind === kv.kind) &&
    (!kv.severity || kv.severity.split(',').includes(f.severity)) &&
    (!kv['message~'] || new RegExp(kv['message~']).test(f.message))
  );
}

/** Runs one case; returns the clauses it did not meet and a short listing of what was found. */
function runCase(casePath: string): { unmet: string[]; got: string } {
  const isDir = fs.statSync(casePath).isDirectory();
  const header = fs.readFileSync(isDir ? path.join(casePath, 'EXPECT') : casePath, 'utf8').split(/\r?\n/);
  const expectLine = header[0].match(/^#\s*expect:\s*(.*)$/);
  if (!expectLine) return { unmet: ['(no "# expect:" first line)'], got: '' };
  const extra = header[1]?.match(/^#\s*args:\s*(.*)$/)?.[1].trim().split(/\s+/) ?? [];
  const cwd = isDir ? casePath : path.dirname(casePath);
  const target = isDir ? '.' : path.basename(casePath);
  const run = spawnSync(process.execPath, [BIN, 'check', target, '--format', 'json', '--no-cache', ...extra], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, CI: '', GITHUB_ACTIONS: '' },
  });
  let out: { findings: Finding[]; summary: { resources: number } };
  try {
    out = JSON.parse(run.stdout);
  } catch {
    return { unmet: [`(no JSON output, exit ${run.status}: ${String(run.stderr).slice(0, 300)})`], got: '' };
  }
  const f = out.findings;
  const unmet: string[] = [];
  for (const raw of expectLine[1].split(';').map((s) => s.trim()).filter(Boolean)) {
    let ok = false;
    let m: RegExpMatchArray | null;
    if ((m = raw.match(/^no finding for rule\s+([\w-]+(?:\s*,\s*[\w-]+)*)(.*)$/))) {
      const kv = keyValues(m[2]);
      const rules = m[1].split(',').map((s) => s.trim());
      ok = !f.some((x) => rules.includes(x.ruleId) && matches(x, { ...kv, rule: undefined }));
    } else if ((m = raw.match(/^finding\s+(.+)$/))) {
      const kv = keyValues(m[1]);
      ok = f.some((x) => matches(x, kv));
    } else if ((m = raw.match(/^count\s+(.+)$/))) {
      const kv = keyValues(m[1]);
      const n = f.filter((x) => matches(x, kv)).length;
      ok = (kv.min === undefined || n >= Number(kv.min)) && (kv.max === undefined || n <= Number(kv.max));
    } else if (raw === 'no duplicate findings') {
      const seen = new Set<string>();
      ok = f.every((x) => {
        const k = [x.ruleId, x.file, x.line, x.column, x.message].join('\u0000');
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
    } else if ((m = raw.match(/^resources=(\d+)$/))) {
      ok = out.summary.resources === Number(m[1]);
    } else if ((m = raw.match(/^exit(!?=)(\d+)$/))) {
      ok = m[1] === '=' ? run.status === Number(m[2]) : run.status !== Number(m[2]);
    }
    if (!ok) unmet.push(raw);
  }
  const got = f
    .slice(0, 15)
    .map((x) => `  ${x.file}:${x.line}:${x.column} ${x.severity} ${x.ruleId} ${x.message.slice(0, 160)}`)
    .join('\n');
  return { unmet, got };
}

const pending = new Set(
  fs
    .readFileSync(path.join(CASES, 'PENDING'), 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean),
);

const groups = fs
  .readdirSync(CASES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

if (!BUILT) console.warn('\n*** SKIPPED: the verdict cases need the built bin (npm run build) ***\n');

describe.skipIf(!BUILT)('verdict cases', () => {
  it('PENDING lists only cases that exist', () => {
    for (const p of pending) expect(fs.existsSync(path.join(CASES, p)), p).toBe(true);
  });
  for (const group of groups) {
    const entries = fs
      .readdirSync(path.join(CASES, group))
      .filter((n) => n.endsWith('.yaml') || fs.statSync(path.join(CASES, group, n)).isDirectory())
      .sort();
    describe(group, () => {
      for (const name of entries) {
        const rel = `${group}/${name}`;
        it(rel, () => {
          const { unmet, got } = runCase(path.join(CASES, group, name));
          if (pending.has(rel)) {
            expect(unmet.length, `${rel} passes now: take it off test/fixtures/cases/PENDING`).toBeGreaterThan(0);
          } else {
            expect(unmet, `unmet clauses of ${rel}; found:\n${got}`).toEqual([]);
          }
        });
      }
    });
  }
});
