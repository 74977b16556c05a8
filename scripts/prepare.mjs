#!/usr/bin/env node
/**
 * `npm prepare`: builds dist/ (tsc + the one-file bundle) when the package is installed from a source
 * checkout — `npm ci` in a clone, `npm install -g .`, pre-commit's install of the hook repository.
 *
 * `npm install -g .` in a fresh clone runs this before installing anything, and without devDependencies,
 * so when the build tools or dependencies are missing, the locked ones (package-lock.json, devDependencies
 * included) are installed first into this checkout's node_modules. An installed tarball
 * (`npm pack` output, the npm registry) carries dist/ already and never runs this.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const require = createRequire(path.join(ROOT, 'package.json'));
const BUILD_TOOLS = Object.keys(pkg.devDependencies).filter((name) => name === 'typescript' || name === 'esbuild' || name.startsWith('@types/'));

function resolvable(name) {
  try {
    require.resolve(`${name}/package.json`);
    return true;
  } catch (error) {
    // A package whose `exports` does not list ./package.json (commander, re2js, …) is installed all the same.
    return error?.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED';
  }
}

function run(command, args, env = process.env) {
  // stdout stays clean: `npm pack` (which pre-commit runs) prints the tarball's name there.
  const result = spawnSync(command, args, { cwd: ROOT, env, stdio: ['inherit', 2, 2], shell: process.platform === 'win32' });
  if (result.status !== 0) {
    console.error(`mllint prepare: ${command} ${args.join(' ')} failed (${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

const missing = [...BUILD_TOOLS, ...Object.keys(pkg.dependencies)].filter((name) => !resolvable(name));
if (missing.length > 0) {
  // The locked dependencies, devDependencies included, into this checkout (not the global prefix of a
  // `npm install -g .`); lifecycle scripts off, so this script does not run again.
  console.error(`mllint prepare: installing the locked dependencies and build tools (${missing.join(', ')} missing) to build dist/`);
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (/^npm_config_(global|prefix|location|omit|include|production|only)$/i.test(key)) delete env[key];
  const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
  const lock = fs.existsSync(path.join(ROOT, 'package-lock.json'));
  run(npm[0], [...npm[1], lock ? 'ci' : 'install', '--include=dev', '--ignore-scripts', '--no-audit', '--no-fund', ...(lock ? [] : ['--no-save'])], env);
}
run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
run(process.execPath, ['scripts/bundle.mjs']);
