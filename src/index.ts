/** Public API: lint, lintText, loadConfig, rules, formatters. */
export { lintPaths as lint, lintPaths, lintText, type LintOptions, type LintOutcome } from './api.js';
export { loadConfig, type ConfigFile } from './config/load.js';
export { RULES as rules, getRule } from './rules/index.js';
export { loadFormatter, FORMAT_NAMES } from './formatters/index.js';
export { run } from './cli.js';
export type * from './types.js';
