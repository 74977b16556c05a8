/**
 * The AST-free locator must give exactly the positions `locatePath` gives from the `yaml` AST, for every
 * path of every document (and paths that go missing), or step aside (undefined).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createFastLocator } from '../../src/loaders/fast-locate.js';
import { prepareLocateWithYaml, locatePath } from '../../src/loaders/locate.js';
import { parseYamlDocuments } from '../../src/loaders/yaml.js';
import type { Path } from '../../src/types.js';
import { SHARED_DIR, sharedExtra } from '../shared-extras.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** The conformance fixtures and the corpus generator join the examples when shared/ is present. */
const SHARED = sharedExtra('corpus/gen-corpus.mjs', 'fast-locate agreement on the conformance fixtures and a generated corpus') ? SHARED_DIR! : path.join(ROOT, 'no-shared-dir');

function yamlFilesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFilesUnder(p));
    else if (/\.ya?ml$/.test(entry.name)) out.push(p);
  }
  return out.sort();
}

/** Every path into a value, plus a missing child under each collection. */
function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) {
    value.forEach((item, i) => pathsOf(item, [...prefix, i], out));
    out.push([...prefix, value.length], [...prefix, 'x']);
  } else if (value && typeof value === 'object' && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
    out.push([...prefix, 'no-such-key'], [...prefix, 0]);
  }
  return out;
}

/** Compares both locators on every path; returns how many the fast one answered. */
function compare(text: string): { answered: number; total: number } {
  const fast = createFastLocator(text);
  if (!fast) return { answered: 0, total: 0 };
  const slow = prepareLocateWithYaml(text);
  let answered = 0;
  let total = 0;
  parseYamlDocuments(text).forEach((doc, docIndex) => {
    if (doc.errors.length > 0) return;
    for (const p of pathsOf(doc.value)) {
      for (const key of [false, true]) {
        total++;
        const got = fast.locate(docIndex, p, { key });
        if (got === undefined) continue;
        answered++;
        const want = locatePath(slow, docIndex, p, { key });
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          throw new Error(`doc ${docIndex} path ${JSON.stringify(p)} key=${key}: fast ${JSON.stringify(got)} != yaml ${JSON.stringify(want)}\n--- text:\n${text}`);
        }
      }
    }
  });
  return { answered, total };
}

describe('fast-locate: agreement with locatePath', () => {
  it('agrees on every path of the examples, the conformance fixtures and a generated corpus', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mllint-locate-'));
    try {
      const gen = path.join(SHARED, 'corpus', 'gen-corpus.mjs');
      if (fs.existsSync(gen)) execFileSync(process.execPath, [gen, path.join(dir, 'c'), '100'], { stdio: 'ignore' });
      const files = [...yamlFilesUnder(path.join(ROOT, 'examples')), ...yamlFilesUnder(path.join(SHARED, 'conformance')), ...yamlFilesUnder(path.join(dir, 'c'))];
      let answered = 0;
      let total = 0;
      for (const file of files) {
        const r = compare(fs.readFileSync(file, 'utf8'));
        answered += r.answered;
        total += r.total;
      }
      // It must answer most questions about ordinary manifests, or it saves nothing.
      console.log(`fast locator answered ${answered} of ${total}`);
      expect(answered).toBeGreaterThan(total * 0.8);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('agrees on quoted, commented, compact and oddly spaced manifests', () => {
    const texts = [
      'a: 1\n',
      'a: 1 # c\n',
      '# lead\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: "p"   # c\n  labels:\n    app: \'x\'\'y\'\n    "q": r\nspec:\n  containers:\n  - name: a\n    image: nginx:latest\n    args: ["a", "b"]\n    ports:\n      - containerPort: 80\n        name: http\n  - name: b\n    image: x\n',
      'a:\n  b:\n  c: 1\n',
      'a:\n  - 1\n  -   two  \n  - "3"\n  -\n    x: 1\n',
      'k: v\r\nl:\r\n  m: n\r\n',
      'a: |\n  text\n  more\nb: 2\n',
      'a: >-\n  folded\nb:\n  - x\n',
      'a: plain\n  continued\nb: 1\n',
      'yes: 1\n0777: 2\n1.0: 3\n',
      '---\n---\na: 1\n---\n# c\n---\nb: [1, 2]\n',
      '- a\n- b: 1\n  c: 2\n- - x\n',
    ];
    for (const text of texts) compare(text);
  });

  it('agrees on mutated manifests', () => {
    const bases = yamlFilesUnder(path.join(ROOT, 'examples')).map((f) => fs.readFileSync(f, 'utf8'));
    const pieces = [' ', '  ', '\n', '- ', ': ', '#', ' # c', '"', "'", 'x', '|\n', '\r\n', '[a]', '{}', '1'];
    fc.assert(
      fc.property(fc.constantFrom(...bases), fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...pieces), fc.nat(3)), { minLength: 1, maxLength: 3 }), (base, edits) => {
        let text = base;
        for (const [at, piece, del] of edits) {
          const i = Math.floor(at * text.length);
          text = text.slice(0, i) + piece + text.slice(i + del);
        }
        compare(text);
      }),
      { numRuns: 300, seed: 11 },
    );
  }, 120_000);
});
