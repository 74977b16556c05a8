/** Public API: lint, lintText, loadConfig, rules, formatters, baselines. */
export { lintPaths as lint, lintPaths, lintPathsOnline, lintText, type LintOptions, type LintOutcome } from './api.js';
export { loadConfig, type ConfigFile } from './config/load.js';
export { RULES as rules, getRule } from './rules/index.js';
export { loadFormatter, normalizeReport, FORMAT_NAMES, type Formatter, type FormatterContext, type FormatterReport } from './formatters/index.js';
export { applyBaseline, createBaseline, readBaseline, parseBaseline, serializeBaseline, type Baseline, type BaselineEntry } from './baseline.js';
export { run } from './cli.js';
export type * from './types.js';
