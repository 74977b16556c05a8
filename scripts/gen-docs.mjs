#!/usr/bin/env node
// Writes docs/rules.md from rule metadata (run after `npm run build`). A test fails when it is stale.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES } from '../dist/rules/index.js';
import { renderRulesMarkdown } from '../dist/rules/docs.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(join(root, 'docs'), { recursive: true });
writeFileSync(join(root, 'docs', 'rules.md'), renderRulesMarkdown(RULES));
console.log(`docs/rules.md: ${RULES.length} rules`);
