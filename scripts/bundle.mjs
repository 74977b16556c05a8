#!/usr/bin/env node
// Bundles the CLI into one file, dist/mllint.mjs, for the bin: Node resolves and compiles one module
// instead of ~300 (our modules, yaml's CommonJS files, commander, …), which halves the cold start of a
// pre-commit hook. Modules that load lazily (ajv, cron-parser, the Kubernetes API schema models) stay
// external and are still required only when a run needs them. dist/ keeps the per-module build for the
// library API and the parser worker.
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/cli.js'],
  outfile: 'dist/mllint.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  external: ['ajv', 'ajv-formats', 'cron-parser', 'kubernetes-models', '@kubernetes-models/*', '@marcbachmann/cel-js'],
  // CommonJS packages inside an ES module bundle call require() for Node built-ins.
  banner: { js: "import { createRequire as __mllintCreateRequire } from 'node:module'; const require = __mllintCreateRequire(import.meta.url);" },
});

// The package's own JSON Schemas, compiled ahead of time (see scripts/compile-schemas.mjs).
await import('./compile-schemas.mjs');
// The Kubernetes API models, one entry per kind (see scripts/bundle-models.mjs).
await import('./bundle-models.mjs');
