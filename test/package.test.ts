/**
 * The npm package as users get it: `npm pack`, install the tarball into an empty project, run the bin
 * (`node_modules/.bin/mllint`, `npx mllint`), import the library and resolve the published schema.
 * This catches a wrong `files` list, bin or `exports`, and runtime imports of devDependencies.
 * dist/ must be built first (`npm test` does); the pack skips `prepare` so it does not rebuild it.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const built = fs.existsSync(path.join(root, 'dist/cli.js'));
if (!built && process.env.CI === 'true') throw new Error('dist/ is not built: run npm run build (npm test does) before the package test');

function sh(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false' }, timeout: 240_000 });
}

describe.runIf(built)('the packed tarball', () => {
  let project = '';

  beforeAll(() => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mllint-pack-'));
    const pack = sh('npm', ['pack', '--ignore-scripts', '--pack-destination', tmp, '--silent'], root);
    expect(pack.status, pack.stderr).toBe(0);
    const tarball = path.join(tmp, `${pkg.name}-${pkg.version}.tgz`);
    expect(fs.existsSync(tarball), `${tarball} from npm pack`).toBe(true);
    project = path.join(tmp, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'uses-mllint', version: '1.0.0', private: true, type: 'module' }));
    const install = sh('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], project);
    expect(install.status, install.stderr).toBe(0);
    fs.copyFileSync(path.join(root, 'examples/manifests/bad/image-pinned.yaml'), path.join(project, 'app.yaml'));
  }, 300_000);

  it('ships bin, dist, schemas and docs, and no sources or tests', () => {
    const installed = path.join(project, 'node_modules', pkg.name);
    for (const file of ['bin/mllint.js', 'dist/cli.js', 'dist/mllint.mjs', 'dist/index.js', 'dist/index.d.ts', 'dist/formatters/sarif.js', 'schemas/config.schema.json', 'docs/rules.md', 'docs/performance.md', 'README.md', 'CHANGELOG.md']) {
      expect(fs.existsSync(path.join(installed, file)), file).toBe(true);
    }
    for (const absent of ['src', 'test', 'examples', 'scripts', 'action', 'node_modules/.bin/vitest', 'node_modules/typescript']) expect(fs.existsSync(path.join(installed, absent)), absent).toBe(false);
    expect(fs.existsSync(path.join(project, 'node_modules', 'typescript')), 'no devDependency installed').toBe(false);
    expect(fs.existsSync(path.join(project, 'node_modules', 'vitest')), 'no devDependency installed').toBe(false);
  });

  it('node_modules/.bin/mllint check reports a finding and exits 1', () => {
    const run = sh(path.join(project, 'node_modules/.bin/mllint'), ['check', 'app.yaml'], project);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('app.yaml:19:18');
    expect(run.stdout).toMatch(/uses image "registry\.example\.com\/ml\/churn-scorer:latest"/);
  });

  it('npx mllint runs the installed bin: version, a lazily loaded format, exit 0 on a clean file', () => {
    const version = sh('npx', ['--no-install', 'mllint', '--version'], project);
    expect(version.stdout.trim()).toBe(pkg.version);
    fs.writeFileSync(path.join(project, 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ml-serving\n');
    const sarif = sh('npx', ['--no-install', 'mllint', 'check', '--format', 'sarif', 'ns.yaml'], project);
    expect(sarif.status, sarif.stderr).toBe(0);
    expect(JSON.parse(sarif.stdout).runs[0].tool.driver.name).toBe('mllint');
  });

  it('the library and the config schema resolve through exports', () => {
    const script = "import { lintText } from 'mllint'; import { createRequire } from 'node:module'; const r = lintText('apiVersion: v1\\nkind: Namespace\\nmetadata: { name: x }\\n'); console.log(typeof r.summary.files, createRequire(import.meta.url).resolve('mllint/config-schema.json').endsWith('schemas/config.schema.json'));";
    const run = sh(process.execPath, ['--input-type=module', '-e', script], project);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('number true');
  });

  it('package.json builds dist on prepare (git installs, npm pack) and points bin/main/types at it', () => {
    expect(pkg.scripts.prepare).toBe('node scripts/prepare.mjs');
    expect(pkg.bin).toEqual({ mllint: 'bin/mllint.js' });
    expect(pkg.exports['.']).toBe('./dist/index.js');
    expect(pkg.files).toEqual(expect.arrayContaining(['bin/', 'dist/', 'schemas/']));
  });
});

/**
 * `npm install -g .` in a fresh clone (no node_modules, no dist/): `prepare` installs the locked build tools
 * into the clone and builds, so the global bin works. Needs the npm registry (or npm's cache).
 */
describe.runIf(built)('npm install -g . in a fresh clone', () => {
  it('installs a working global mllint without a prior npm ci', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mllint-global-'));
    const clone = path.join(tmp, 'clone');
    const listed = sh('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root).stdout;
    for (const rel of listed.split('\0').filter(Boolean)) {
      const from = path.join(root, rel);
      if (!fs.existsSync(from) || !fs.statSync(from).isFile()) continue;
      fs.mkdirSync(path.dirname(path.join(clone, rel)), { recursive: true });
      fs.copyFileSync(from, path.join(clone, rel));
    }
    expect(fs.existsSync(path.join(clone, 'node_modules'))).toBe(false);
    expect(fs.existsSync(path.join(clone, 'dist'))).toBe(false);
    const prefix = path.join(tmp, 'global');
    const install = sh('npm', ['install', '-g', '.', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], clone);
    expect(install.status, install.stderr).toBe(0);
    const bin = path.join(prefix, 'bin', 'mllint');
    const run = sh(bin, ['check', '--no-cache', 'examples/manifests/bad/image-pinned.yaml'], clone);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toContain('image-pinned');
    fs.rmSync(tmp, { recursive: true, force: true });
  }, 600_000);
});
