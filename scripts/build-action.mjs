#!/usr/bin/env node
/**
 * Builds the GitHub Action's one-file bundle, action/index.mjs (committed: the action runs it with the
 * runner's Node, with no npm install and no compile). Unlike the CLI bundle (scripts/bundle.mjs), nothing
 * stays external: the modules mllint loads lazily (ajv, cron-parser, the CEL parser, the Kubernetes API
 * models of every top-level kind) are bundled too, behind loaders registered on
 * `globalThis.__MLLINT_BUNDLED__` (see src/rules/utils/lazy-module.ts), so they still load only when a run
 * needs them.
 *
 *   node scripts/build-action.mjs            write action/index.mjs
 *   node scripts/build-action.mjs --check    exit 1 when the committed bundle differs from a fresh build
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(ROOT, 'package.json'));
const OUT = path.join(ROOT, 'action', 'index.mjs');
const LAZY = ['ajv', 'ajv-formats', 'cron-parser', '@marcbachmann/cel-js'];
const MODEL_PACKAGES = ['kubernetes-models', '@kubernetes-models/prometheus-operator'];

/** `<group>/<version>/<Kind>.js` of every top-level kind (a `<Kind>List.js` beside it), and every .js file name. */
function modelFiles(pkg) {
  const root = path.dirname(require.resolve(`${pkg}/package.json`));
  const kinds = [];
  const all = [];
  const walk = (rel) => {
    const entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    const names = new Set(entries.filter((e) => e.isFile() && e.name.endsWith('.js')).map((e) => e.name.slice(0, -3)));
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory() && !e.name.startsWith('_') && e.name !== 'node_modules') walk(child);
      else if (e.isFile() && e.name.endsWith('.js') && rel) {
        all.push(child);
        const name = e.name.slice(0, -3);
        if (/^[A-Z]/.test(name) && names.has(`${name}List`)) kinds.push({ key: child, file: path.join(root, child) });
      }
    }
  };
  walk('');
  return { kinds, all };
}

function bundledModulesSource() {
  const loaders = LAZY.map((id) => `  ${JSON.stringify(id)}: () => require(${JSON.stringify(id)}),`);
  const files = {};
  for (const pkg of MODEL_PACKAGES) {
    const { kinds, all } = modelFiles(pkg);
    files[pkg] = all;
    for (const k of kinds) loaders.push(`  ${JSON.stringify(`${pkg}/${k.key}`)}: () => require(${JSON.stringify(k.file)}),`);
  }
  return `globalThis.__MLLINT_BUNDLED__ = {\n${loaders.join('\n')}\n};\nglobalThis.__MLLINT_BUNDLED_FILES__ = ${JSON.stringify(files)};\n`;
}

const bundledModules = {
  name: 'mllint-bundled-modules',
  setup(b) {
    b.onResolve({ filter: /^\.\/bundled-modules\.js$/ }, () => ({ path: 'bundled-modules', namespace: 'mllint' }));
    b.onLoad({ filter: /.*/, namespace: 'mllint' }, () => ({ contents: bundledModulesSource(), loader: 'js', resolveDir: ROOT }));
  },
};

async function bundle(outfile) {
  await build({
    entryPoints: [path.join(ROOT, 'action', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
    absWorkingDir: ROOT,
    plugins: [bundledModules],
    banner: {
      js: "// mllint GitHub Action: built by `npm run build:action` (scripts/build-action.mjs); do not edit.\nimport { createRequire as __mllintCreateRequire } from 'node:module'; const require = __mllintCreateRequire(import.meta.url);",
    },
  });
}

if (process.argv.includes('--check')) {
  const fresh = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mllint-action-')), 'index.mjs');
  await bundle(fresh);
  const same = fs.existsSync(OUT) && fs.readFileSync(OUT).equals(fs.readFileSync(fresh));
  fs.rmSync(path.dirname(fresh), { recursive: true, force: true });
  if (!same) {
    console.error('action/index.mjs is not the bundle this checkout builds: run `npm run build:action` and commit it');
    process.exit(1);
  }
  console.log('action/index.mjs is current');
} else {
  await bundle(OUT);
  console.log(`wrote ${path.relative(ROOT, OUT)} (${(fs.statSync(OUT).size / 1048576).toFixed(1)} MiB)`);
}
