#!/usr/bin/env node
/**
 * Parse-only baselines for `npm run bench`: walk DIR, read every *.yaml/*.yml file and parse it with
 * one YAML library, as a whole process, so the bench can compare it with a whole `mllint check` run.
 *
 *   node scripts/bench-parse.mjs yaml DIR       `yaml` parseAllDocuments with a LineCounter (positions)
 *   node scripts/bench-parse.mjs js-yaml DIR    `js-yaml` loadAll
 *   node scripts/bench-parse.mjs import-yaml    only `import('yaml')` (the cold-start reference)
 *
 * Prints one JSON line: {"files":…,"docs":…}.
 */
import fs from 'node:fs';
import path from 'node:path';

const [mode, dir] = process.argv.slice(2);

if (mode === 'import-yaml') {
  await import('yaml');
  process.exit(0);
}

const files = [];
(function walk(d) {
  const entries = fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    if (e.name === '.git') continue;
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.isFile() && /\.ya?ml$/i.test(e.name)) files.push(p);
  }
})(dir);

let docs = 0;
if (mode === 'yaml') {
  const { parseAllDocuments, LineCounter } = await import('yaml');
  for (const file of files) {
    const lineCounter = new LineCounter();
    for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'), { lineCounter })) {
      doc.toJS();
      docs++;
    }
  }
} else if (mode === 'js-yaml') {
  const { default: jsyaml } = await import('js-yaml');
  for (const file of files) jsyaml.loadAll(fs.readFileSync(file, 'utf8'), () => docs++);
} else {
  process.stderr.write('usage: bench-parse.mjs yaml|js-yaml DIR | import-yaml\n');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify({ files: files.length, docs })}\n`);
