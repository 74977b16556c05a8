/**
 * The Kubernetes API model packages mllint validates with, and the kinds in them that `schema-valid` can
 * load: shared by scripts/bundle-models.mjs (dist/models/, the CLI's build) and scripts/build-action.mjs
 * (the GitHub Action's one-file bundle), so both carry the same kinds as the CLI finds in node_modules.
 *
 * A kind is a `<group>/<version>/<Name>.js` whose export `Name` is a model class with a static
 * `apiVersion` and `kind === Name`: the test src/rules/utils/k8s-schemas.ts `loadValidator` applies to
 * what it loads. It is decided by loading each capitalised module once at build time (about 2 s), not
 * from the file layout: packages differ there (kubernetes-models puts a `<Kind>List.js` beside most kinds
 * but not beside TokenReview, Eviction or Scale; @kubernetes-models/prometheus-operator ships no lists),
 * and the lists (`DeploymentList`) are kinds too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(ROOT, 'package.json'));

/** The packages holding the models (src/rules/utils/k8s-schemas.ts: BUILTIN and GROUP_PACKAGES). */
export const MODEL_PACKAGES = ['kubernetes-models', '@kubernetes-models/prometheus-operator'];

/**
 * The models of one package: `kinds` — `{ key: '<group>/<version>/<Kind>.js', file: absolute path }` of
 * every top-level kind, sorted by key; `all` — every .js file under a folder (`apps/v1/Deployment.js`, …),
 * sorted, as k8s-schemas.ts `explainMissingSchema` lists them.
 */
export function modelKinds(pkg) {
  const root = path.dirname(require.resolve(`${pkg}/package.json`));
  const kinds = [];
  const all = [];
  const walk = (rel) => {
    const entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory() && !e.name.startsWith('_') && e.name !== 'node_modules') walk(child);
      else if (e.isFile() && e.name.endsWith('.js') && rel) {
        all.push(child);
        const name = e.name.slice(0, -3);
        if (!/^[A-Z]/.test(name)) continue;
        const file = path.join(root, child);
        const model = require(file)[name];
        if (typeof model === 'function' && typeof model.apiVersion === 'string' && model.kind === name) kinds.push({ key: child, file });
      }
    }
  };
  walk('');
  return { kinds, all };
}

/**
 * esbuild plugin: the models' `pattern` checks on RE2 (`@kubernetes-models/validate/runtime/re2`, used by
 * PrometheusRule and AlertmanagerConfig) run on `re2js` (pure JavaScript, mllint's own RE2) instead of
 * `re2-wasm`, whose Emscripten loader reads `re2.wasm` from beside `__dirname`: neither exists in a bundle
 * (an ES module has no `__dirname`; the runner's checkout has no node_modules), so those kinds failed to
 * load there. Same engine semantics (RE2); the validators call only `new RE2(pattern, 'u').test(text)`.
 */
export const re2OnRe2js = {
  name: 'mllint-re2-on-re2js',
  setup(b) {
    b.onResolve({ filter: /^re2-wasm$/ }, () => ({ path: 're2-wasm', namespace: 'mllint-re2' }));
    b.onLoad({ filter: /.*/, namespace: 'mllint-re2' }, () => ({
      contents:
        "const { RE2JS } = require('re2js');\n" +
        'class RE2 { constructor(pattern) { this.re = RE2JS.compile(String(pattern)); } test(text) { return this.re.matcher(String(text)).find(); } }\n' +
        'module.exports = { RE2 };\n',
      loader: 'js',
      resolveDir: ROOT,
    }));
  },
};
