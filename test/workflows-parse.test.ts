import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

// GitHub rejects a workflow that is not valid YAML (a plain `run:` scalar holding ": " once broke ci.yml).
const dir = join(fileURLToPath(new URL('..', import.meta.url)), '.github', 'workflows');

describe('.github/workflows', () => {
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
    it(`${file} is valid YAML`, () => {
      const docs = parseAllDocuments(readFileSync(join(dir, file), 'utf8'));
      expect(docs.flatMap((d) => d.errors.map((e) => e.message))).toEqual([]);
    });
  }
});
