#!/usr/bin/env node
// Writes docs/rules.md and schemas/config.schema.json from rule metadata, and the published URL ($id) of
// both schema files (run after `npm run build`). Tests fail when any of them is stale.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES } from '../dist/rules/index.js';
import { renderRulesMarkdown } from '../dist/rules/docs.js';
import { BUILTIN_PACKS } from '../dist/config/load.js';
import { generateConfigSchema, schemaUrl } from '../dist/config/schema-gen.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(join(root, 'docs'), { recursive: true });
writeFileSync(join(root, 'docs', 'rules.md'), renderRulesMarkdown(RULES));
console.log(`docs/rules.md: ${RULES.length} rules`);

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const base = JSON.parse(readFileSync(join(root, 'src', 'config', 'config-schema.base.json'), 'utf8'));
const url = (file) => schemaUrl(pkg.repository.url, pkg.version, file);
const config = generateConfigSchema(base, RULES, Object.keys(BUILTIN_PACKS), url('config.schema.json'));
writeFileSync(join(root, 'schemas', 'config.schema.json'), `${JSON.stringify(config, null, 2)}\n`);
console.log(`schemas/config.schema.json: ${config.$id}`);
const registryFile = join(root, 'schemas', 'registry.schema.json');
// Only its "$id" line is generated; the rest is written by hand (and kept as it is formatted).
const registryText = readFileSync(registryFile, 'utf8').replace(/^(\s*"\$id":\s*)"[^"]*"/m, `$1${JSON.stringify(url('registry.schema.json'))}`);
writeFileSync(registryFile, registryText);
console.log(`schemas/registry.schema.json: ${JSON.parse(registryText).$id}`);
