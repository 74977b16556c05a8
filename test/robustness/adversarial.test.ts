/**
 * Adversarial inputs, each run through the real CLI (bin/mllint.js, the build) in a child process with a
 * time limit: a clear finding or error, exit code 0/1/2 as DESIGN.md §2 says, never a hang, a crash or
 * a stack trace. Also: a run writes nothing but its --output-file, and opens no network connection.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES } from '../../src/loaders/source.js';
import { YAML_LIMITS } from '../../src/loaders/yaml.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'mllint.js');
const built = fs.existsSync(path.join(ROOT, 'dist', 'cli.js'));
if (!built) {
  const reason = 'dist/ is not built: run npm run build (npm test does)';
  if (process.env.CI === 'true') throw new Error(reason);
  console.warn(`SKIPPED adversarial CLI tests: ${reason}`);
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
  report?: { findings: Array<{ ruleId: string; file: string; line: number; message: string }>; summary: Record<string, number> };
}

let base: string;
let caseNo = 0;

/** A fresh repository (with `.git`) holding `files`; `setup` may add FIFOs, sockets, symlinks. */
function tree(files: Record<string, string | Buffer>, setup?: (dir: string) => void): string {
  const dir = path.join(base, `case-${++caseNo}`);
  fs.mkdirSync(path.join(dir, '.git'), { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  setup?.(dir);
  return dir;
}

function mllint(cwd: string, args: string[] = ['.'], options: { timeoutMs?: number; env?: Record<string, string> } = {}): Run {
  const out = path.join(base, `report-${caseNo}.json`);
  const started = Date.now();
  const child = spawnSync(process.execPath, [BIN, 'check', ...args, '--format', 'json', '-o', out], {
    cwd,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 20_000,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
  });
  const run: Run = { code: child.status, stdout: child.stdout, stderr: child.stderr, seconds: (Date.now() - started) / 1000 };
  if (fs.existsSync(out)) {
    run.report = JSON.parse(fs.readFileSync(out, 'utf8'));
    fs.rmSync(out);
  }
  return run;
}

/** The common contract: finished in time, a DESIGN exit code, no stack trace. */
function expectClean(run: Run, codes: number[] = [0, 1]): void {
  expect(run.code, `exit code (stderr: ${run.stderr.slice(0, 500)})`).not.toBeNull(); // null: killed by the time limit
  expect(codes).toContain(run.code);
  expect(run.stderr).not.toMatch(/\n\s+at .+[:(]\d+:\d+\)?/); // a stack frame
  expect(run.stderr).not.toMatch(/RangeError|TypeError|ReferenceError|FATAL ERROR|heap out of memory/);
  expect(run.stderr).not.toMatch(/\(node:\d+\) \w*Warning/); // no library warnings leaking to users
}

const parseErrors = (run: Run) => run.report?.findings.filter((f) => f.ruleId === 'parse-error') ?? [];
const pod = (name: string, extra = '') => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ml\nspec:\n  containers:\n    - name: c\n      image: nginx:1.25.3\n${extra}`;

describe.skipIf(!built)('adversarial inputs through the CLI', () => {
  beforeAll(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'mllint-adv-'));
  });
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  it('alias bomb ("billion laughs"): a parse-error, quickly', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const run = mllint(tree({ 'bomb.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  ${levels.join('\n  ')}\n` }));
    expectClean(run, [1]);
    expect(parseErrors(run).map((f) => f.message).join('\n')).toMatch(new RegExp(`alias|${YAML_LIMITS.maxAliasCount}`, 'i'));
    expect(run.seconds).toBeLessThan(10);
  });

  it('10,000-level nesting (flow and block): a finding or a clean pass, never a crash', () => {
    const flow = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  x: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`;
    let block = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep2\nspec:\n';
    for (let i = 0; i < 10_000; i++) block += `${' '.repeat(2 + i)}k:\n`;
    const run = mllint(tree({ 'flow.yaml': flow, 'block.yaml': block }));
    expectClean(run);
    expect(run.report).toBeDefined();
  });

  it('100,000-level flow nesting is a parse-error that says so, not a JavaScript stack message', () => {
    const flow = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deeper}\ndata: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    const run = mllint(tree({ 'flow.yaml': flow }));
    expectClean(run, [1]);
    const messages = parseErrors(run).map((f) => f.message);
    expect(messages).toEqual(['nesting too deep to parse safely']);
  });

  it(`a 100 MB file is reported (limit ${MAX_FILE_BYTES / 1048576} MiB), not parsed; a 1 MB single line is parsed`, () => {
    const dir = tree({ 'line.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: wide\n  namespace: ml\ndata:\n  blob: "${'x'.repeat(1 << 20)}"\n` }, (d) => {
      const fd = fs.openSync(path.join(d, 'huge.yaml'), 'w');
      const chunk = Buffer.from('a: b\n'.repeat(200_000));
      for (let written = 0; written < 100 * 1048576; written += chunk.length) fs.writeSync(fd, chunk);
      fs.closeSync(fd);
    });
    const run = mllint(dir);
    expectClean(run, [1]);
    const huge = parseErrors(run).filter((f) => f.file.endsWith('huge.yaml'));
    expect(huge).toHaveLength(1);
    expect(huge[0].message).toMatch(/MiB/);
    expect(parseErrors(run).filter((f) => f.file.endsWith('line.yaml'))).toEqual([]);
    expect(run.seconds).toBeLessThan(15);
  }, 60_000);

  it('60,000 tiny documents in one file (900,000 YAML nodes, under the limit)', () => {
    const docs: string[] = [];
    for (let i = 0; i < 60_000; i++) docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n  namespace: ml\n`);
    const run = mllint(tree({ 'many.yaml': docs.join('---\n') }), ['.'], { timeoutMs: 60_000 });
    expectClean(run);
    expect(run.report!.summary.resources).toBe(60_000);
    expect(run.seconds).toBeLessThan(45);
  }, 90_000);

  describe(`node limit: ${YAML_LIMITS.maxNodes.toLocaleString('en-US')} YAML nodes per file, aliases included`, () => {
    const configMap = (keys: number, name = 'big') => {
      const lines = [`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ml\ndata:\n`];
      for (let i = 0; i < keys; i++) lines.push(`  k${i.toString(36)}: x\n`);
      return lines.join('');
    };
    const limitFinding = (run: Run, file: string) => parseErrors(run).filter((f) => f.file.endsWith(file));

    it('a flat 15 MB ConfigMap of 1.15 million keys: one parse-error at the line where the limit is passed, in seconds (was 225 s, 2.8 GB)', () => {
      const run = mllint(tree({ 'big.yaml': configMap(1_150_000) }), ['.'], { timeoutMs: 60_000 });
      expectClean(run, [1]);
      const found = limitFinding(run, 'big.yaml');
      expect(found).toHaveLength(1);
      expect(found[0].message).toMatch(/more than 1,000,000 YAML nodes .*not parsed/);
      // 6 header lines of 16 nodes, then 3 nodes (key, `:`, value) per line.
      expect(found[0].line).toBe(6 + Math.ceil((YAML_LIMITS.maxNodes + 1 - 16) / 3));
      expect(run.report!.summary.resources).toBe(0);
      expect(run.seconds).toBeLessThan(30);
    }, 90_000);

    it('its neighbours — a 7-million-item flow list, a 2-million-item block list, 4 million empty documents, a million-deep flow nesting — each a parse-error, never a crash', () => {
      const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ml}\nspec:\n  containers:\n  - name: c\n    image: i:1\n    args: ';
      const run = mllint(tree({
        'flow-list.yaml': `${pod}[${'a,'.repeat(7_000_000)}a]\n`,
        'block-list.yaml': `${pod}\n${'    - a\n'.repeat(2_000_000)}`,
        'documents.yaml': '---\n'.repeat(4_000_000),
        'deep.yaml': `a: ${'['.repeat(1_500_000)}${']'.repeat(1_500_000)}\n`,
      }), ['.'], { timeoutMs: 120_000 });
      expectClean(run, [1]);
      for (const file of ['flow-list.yaml', 'block-list.yaml', 'documents.yaml', 'deep.yaml']) {
        expect(limitFinding(run, file).map((f) => f.message), file).toEqual([expect.stringMatching(/more than 1,000,000 YAML nodes/)]);
      }
      expect(run.seconds).toBeLessThan(60);
    }, 150_000);

    it('under the limit a 300,000-key map is parsed and checked', () => {
      const run = mllint(tree({ 'map.yaml': configMap(300_000) }), ['.'], { timeoutMs: 60_000 });
      expectClean(run);
      expect(parseErrors(run)).toEqual([]);
      expect(run.report!.summary.resources).toBe(1);
    }, 90_000);

    it('aliases that stand for more than the limit (20 aliases of a 200,000-key anchor) are a parse-error at the alias that passes it', () => {
      const anchored = configMap(200_000).replace('\ndata:\n', '\ndata: &d\n');
      const aliases = Array.from({ length: 20 }, (_, i) => `  copy${i}: *d\n`).join('');
      const run = mllint(tree({ 'aliases.yaml': `${anchored}binaryData:\n${aliases}` }), ['.'], { timeoutMs: 60_000 });
      expectClean(run, [1]);
      const found = limitFinding(run, 'aliases.yaml');
      expect(found.map((f) => f.message)).toEqual([expect.stringMatching(/aliases stand for more than 1,000,000 YAML nodes/)]);
      // Each alias stands for the map, its 200,000 keys and as many values: the third passes a million.
      expect(found[0].line).toBe(6 + 200_000 + 1 + 3);
      expect(run.seconds).toBeLessThan(30);
    }, 90_000);

    it('20,000 findings in one object are located in linear time (plain text: was 145 s; with an anchor, by the yaml AST: was 34 s)', () => {
      const header = (anchor: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${anchor}p\n  namespace: ml\nspec:\n  containers:\n  - name: c\n    image: i:1\n`;
      const run = mllint(tree({
        'items.yaml': `${header('')}    args:\n${'    - 1\n'.repeat(20_000)}`,
        'fields.yaml': header('&n ') + Array.from({ length: 20_000 }, (_, i) => `  unknown${i}: x\n`).join(''),
      }), ['.'], { timeoutMs: 120_000 });
      expectClean(run, [1]);
      const lines = (file: string) => run.report!.findings.filter((f) => f.file === file && f.ruleId === 'schema-valid').map((f) => f.line);
      expect(lines('items.yaml')).toEqual(Array.from({ length: 20_000 }, (_, i) => 11 + i));
      expect(lines('fields.yaml')).toEqual(Array.from({ length: 20_000 }, (_, i) => 10 + i));
      expect(run.seconds).toBeLessThan(40);
    }, 150_000);

    it('140,000 objects in two files: no call-stack overflow (spreading them into one list did)', () => {
      const namespaces = (from: number) => Array.from({ length: 70_000 }, (_, i) => `---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: n${from + i}\n`).join('');
      const run = mllint(tree({ 'a.yaml': namespaces(0), 'b.yaml': namespaces(70_000) }), ['.'], { timeoutMs: 120_000 });
      expectClean(run);
      expect(run.report!.summary.resources).toBe(140_000);
    }, 150_000);
  });

  it('a config nested 50,000 deep, or an alias bomb: exit 2 in plain words, not a JavaScript engine message', () => {
    const deep = mllint(tree({ '.mllint.yaml': `rules: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`, 'a.yaml': pod('a') }));
    expectClean(deep, [2]);
    expect(deep.stderr).toMatch(/\.mllint\.yaml:1:\d+: invalid YAML: nesting too deep to parse safely/);
    const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'rules: {}'].join('\n');
    const aliases = mllint(tree({ '.mllint.yaml': `${bomb}\n`, 'a.yaml': pod('a') }));
    expectClean(aliases, [2]);
    expect(aliases.stderr).toMatch(/invalid YAML: too many aliases \(more than 100\); possible alias bomb/);
    expect(deep.stderr + aliases.stderr).not.toMatch(/Maximum call stack|resource exhaustion attack/);
    // A registry file past the node limit says so at the line where it is passed.
    const registry = `models:\n${Array.from({ length: 300_000 }, (_, i) => `  m${i}: {v: 1}\n`).join('')}`;
    const big = mllint(tree({ '.mllint.yaml': 'registry:\n  file: registry.yaml\n', 'registry.yaml': registry, 'a.yaml': pod('a') }), ['.'], { timeoutMs: 60_000 });
    expectClean(big, [2]);
    expect(big.stderr).toMatch(/registry\.yaml:\d+:1: invalid model registry: invalid YAML: more than 1,000,000 YAML nodes/);
  }, 90_000);

  it('binary, invalid UTF-8 and UTF-16 with a BOM', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(pod('utf16'), 'utf16le')]);
    const run = mllint(tree({
      'binary.yaml': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0xff]),
      'latin1.yaml': Buffer.from('apiVersion: v1\nkind: Pod\nmetadata:\n  name: caf\xe9\n', 'latin1'),
      'utf16.yaml': utf16,
    }));
    expectClean(run, [1]);
    const byFile = (name: string) => parseErrors(run).filter((f) => f.file.endsWith(name)).map((f) => f.message);
    expect(byFile('binary.yaml').join()).toMatch(/binary/);
    expect(byFile('latin1.yaml').join()).toMatch(/UTF-8/);
    expect(byFile('utf16.yaml')).toEqual([]);
    expect(run.report!.summary.resources).toBe(1); // the UTF-16 Pod
  });

  it('FIFOs, devices and sockets in the tree are never opened; a directory named x.yaml is walked', () => {
    let server: net.Server | undefined;
    const dir = tree({ 'ok.yaml': pod('ok'), 'x.yaml/inner.yaml': pod('inner') }, (d) => {
      const fifo = spawnSync('mkfifo', [path.join(d, 'pipe.yaml')]);
      if (fifo.status !== 0) throw new Error('mkfifo is needed for this test');
      // A character device (as /dev/zero: reading it never ends); creating one needs root.
      const dev = spawnSync('mknod', [path.join(d, 'zero.yaml'), 'c', '1', '5']);
      if (dev.status !== 0) console.warn('adversarial: mknod not permitted here; the device case is covered by a symlink to /dev/zero only');
    });
    server = net.createServer().listen(path.join(dir, 'sock.yaml'));
    try {
      const run = mllint(dir, ['.'], { timeoutMs: 15_000 }); // opening the FIFO would block forever
      expectClean(run);
      expect(run.report!.summary.resources).toBe(2);
    } finally {
      server.close();
    }
  }, 60_000);

  it('symlink loops and symlinks out of the root are not followed', () => {
    const outside = tree({ 'secret.yaml': pod('outside', '      env:\n        - name: PASSWORD\n          value: hunter2\n') });
    const dir = tree({ 'app/ok.yaml': pod('ok') }, (d) => {
      fs.symlinkSync(d, path.join(d, 'app', 'loop'));
      fs.symlinkSync(path.join(d, 'app'), path.join(d, 'app', 'again'));
      fs.symlinkSync(outside, path.join(d, 'out'));
      fs.symlinkSync(path.join(outside, 'secret.yaml'), path.join(d, 'leak.yaml'));
      fs.symlinkSync('/dev/zero', path.join(d, 'zero.yaml'));
      fs.symlinkSync(path.join(d, 'a.yaml'), path.join(d, 'b.yaml'));
      fs.symlinkSync(path.join(d, 'b.yaml'), path.join(d, 'a.yaml'));
    });
    const run = mllint(dir, ['.'], { timeoutMs: 15_000 });
    expectClean(run);
    expect(run.report!.summary.resources).toBe(1);
    expect(run.report!.findings.map((f) => f.file).filter((f) => /leak|out\/|secret|zero/.test(f))).toEqual([]);
  });

  it('unreadable files: a finding for non-root users; root reads them anyway (documented, not hidden)', () => {
    const dir = tree({ 'locked.yaml': pod('locked'), 'ok.yaml': pod('ok') }, (d) => fs.chmodSync(path.join(d, 'locked.yaml'), 0o000));
    const run = mllint(dir);
    expectClean(run);
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    if (isRoot) {
      // chmod 000 does not stop root: the file is simply linted. Nothing to assert beyond a clean run.
      expect(run.report!.summary.resources).toBe(2);
    } else {
      expect(parseErrors(run).map((f) => f.message).join()).toMatch(/permission denied|cannot read/);
    }
  });

  it('a missing path or an unreadable config is exit 2 with a clear message', () => {
    const run = mllint(tree({}), ['does-not-exist']);
    expectClean(run, [2]);
    expect(run.stderr).toMatch(/no such file or directory: does-not-exist/);
    const bad = mllint(tree({ '.mllint.yaml': 'rules: [\n' }));
    expectClean(bad, [2]);
    expect(bad.stderr).toMatch(/config error/);
  });

  it('duplicate keys and tabs are parse errors at their lines; the other documents are still linted', () => {
    const run = mllint(tree({
      'dup.yaml': `apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\n---\n${pod('fine')}`,
      'tabs.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n\tname: t\n',
    }));
    expectClean(run, [1]);
    const dup = parseErrors(run).filter((f) => f.file.endsWith('dup.yaml'));
    expect(dup.map((f) => f.line)).toContain(5);
    expect(parseErrors(run).filter((f) => f.file.endsWith('tabs.yaml')).map((f) => f.line)).toContain(4);
    expect(run.report!.summary.resources).toBe(1);
  });

  it('YAML 1.1 scalars, numbers where strings belong, null where maps belong, huge integers: no rule crashes', () => {
    const odd = [
      pod('yaml11', '      stdin: on\n      tty: yes\n      securityContext:\n        runAsUser: 0777\n'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: 123\n  namespace: 1.0\n  labels: null\nspec:\n  replicas: 99999999999999999999999999\n  selector: ~\n  template:\n    metadata: null\n    spec:\n      containers:\n        - name: 1\n          image: 1.0\n          resources: {limits: {memory: 12345678901234567890123Gi, cpu: .inf}}\n          ports: [null, 8080, {containerPort: "x"}]\n        - null\n        - []\n',
      'apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: ml}\nspec: null\n',
      'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p, namespace: ml}\nspec: {minAvailable: .nan, selector: {matchLabels: null}}\n',
      'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c, namespace: ml}\nspec: {schedule: 5, jobTemplate: null}\n',
      'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h, namespace: ml}\nspec: {minReplicas: -1e400, scaleTargetRef: 7}\n',
      'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i, namespace: ml}\nspec: {rules: [{http: {paths: [{backend: null}, null]}}]}\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dates, namespace: ml}\ndata:\n  2001-01-01: x\n  ~: y\n  [a, b]: z\n',
    ];
    const run = mllint(tree({ 'odd.yaml': odd.join('---\n') }));
    expectClean(run);
    expect(run.report!.findings.filter((f) => f.ruleId === 'rule-error').map((f) => f.message)).toEqual([]);
  });

  it('writes nothing but --output-file, and opens no network connection', () => {
    const dir = tree({ 'apps/a.yaml': pod('a'), 'apps/b.yaml': 'not: [valid\n', '.mllint.yaml': 'rules: {}\n' });
    const home = fs.mkdtempSync(path.join(base, 'home-'));
    const tmp = fs.mkdtempSync(path.join(base, 'tmp-'));
    const preload = path.join(base, 'no-network.cjs');
    fs.writeFileSync(preload, [
      "const net = require('node:net'); const dns = require('node:dns'); const fs = require('node:fs');",
      "const deny = (what) => function () { fs.writeSync(2, 'NETWORK ATTEMPT: ' + what + '\\n'); process.exit(99); };",
      "net.Socket.prototype.connect = deny('net.connect'); net.connect = net.createConnection = deny('net.connect');",
      "dns.lookup = deny('dns.lookup'); dns.resolve = deny('dns.resolve'); dns.promises.lookup = deny('dns.promises.lookup');",
      "globalThis.fetch = deny('fetch');",
    ].join('\n'));
    const snapshot = (d: string) => {
      const out: string[] = [];
      const walk = (p: string) => {
        for (const e of fs.readdirSync(p, { withFileTypes: true })) {
          const full = path.join(p, e.name);
          const st = fs.lstatSync(full);
          out.push(`${path.relative(d, full)} ${st.size} ${st.mtimeMs}`);
          if (e.isDirectory()) walk(full);
        }
      };
      walk(d);
      return out.sort();
    };
    const before = [snapshot(dir), snapshot(home), snapshot(tmp)];
    const out = path.join(base, 'only-output.json');
    const child = spawnSync(process.execPath, ['--require', preload, BIN, 'check', '.', '--format', 'json', '-o', out], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 20_000,
      env: { ...process.env, HOME: home, TMPDIR: tmp, MLLINT_WORKERS: '1' }, // the worker pool too
    });
    expect(child.stderr).not.toMatch(/NETWORK ATTEMPT/);
    expect(child.status).toBe(1);
    expect(fs.existsSync(out)).toBe(true);
    // The cache, and its key in .git/ (which changes the folder's time), are the exceptions.
    const mine = (l: string) => l.startsWith('.mllint-cache') || l.startsWith('.git/mllint-cache.key') || l.startsWith('.git ');
    const after = [snapshot(dir), snapshot(home), snapshot(tmp)].map((s, i) => (i === 0 ? s.filter((l) => !mine(l)) : s));
    expect(after).toEqual(before.map((s, i) => (i === 0 ? s.filter((l) => !mine(l)) : s)));
  });
});
