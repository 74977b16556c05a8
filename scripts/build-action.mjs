#!/usr/bin/env node
/**
 * Builds the GitHub Action's one-file bundle, action/index.mjs (committed: the action runs it with the
 * runner's Node, with no npm install and no compile). Unlike the CLI bundle (scripts/bundle.mjs), nothing
 * stays external: the modules mllint loads lazily (ajv, cron-parser, the CEL parser, the Kubernetes API
 * models of every top-level kind) are bundled too, behind loaders registered on
 * `globalThis.__MLLINT_BUNDLED__` (see src/rules/utils/lazy-module.ts), so they still load only when a run
 * needs them. The kinds are those the CLI can load (scripts/model-kinds.mjs); the bundle loads nothing from
 * node_modules or dist/, which a runner's checkout of the action does not have.
 *
 *   node scripts/build-action.mjs            write action/index.mjs
 *   node scripts/build-action.mjs --check    exit 1 when the committed bundle differs from a fresh build
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { MODEL_PACKAGES, modelKinds, re2OnRe2js } from './model-kinds.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'action', 'index.mjs');
const LAZY = ['ajv', 'ajv-formats', 'cron-parser', '@marcbachmann/cel-js'];

function bundledModulesSource() {
  const loaders = LAZY.map((id) => `  ${JSON.stringify(id)}: () => require(${JSON.stringify(id)}),`);
  const files = {};
  for (const pkg of MODEL_PACKAGES) {
    const { kinds, all } = modelKinds(pkg);
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
    plugins: [bundledModules, re2OnRe2js],
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
