/**
 * Formatters are pure `(result, context) => report` functions, loaded on first use. A report is the text
 * for stdout (or `--output-file`), or that text plus files the CLI writes for the formatter (e.g. the
 * GitHub job summary): formatters never touch `process` or the file system themselves.
 */
import type { Rule } from '../rules/define-rule.js';
import type { LintResult } from '../types.js';

export interface FormatterContext {
  color: boolean;
  /** Working directory, for formats that need absolute or repository-relative paths. */
  cwd: string;
  /** Environment, for formats that read CI variables (passed in: formatters never read `process`). */
  env: Record<string, string | undefined>;
  /** Tool version, for formats that carry it. */
  version: string;
  /** Absolute root of the repository (default: `cwd`), for formats that want repository-relative paths. */
  repoRoot?: string;
  /** Every rule of the run: built-ins plus the config's custom policies (default: the built-in registry). */
  rules?: ReadonlyArray<Rule<any>>;
  /** junit: the lowest severity that is a failure (default `error`; lower ones are passed test cases with output). */
  junitFailOn?: 'error' | 'warning' | 'info';
}

/** A file the CLI writes on a formatter's behalf (`append`: add to its end instead of replacing it). */
export interface FormatterFile {
  path: string;
  append: boolean;
  content: string;
}

export type FormatterReport = string | { output: string; files: FormatterFile[] };

export type Formatter = (result: LintResult, context: FormatterContext) => FormatterReport;

/** A report as `{ output, files }`, whichever form the formatter returned. */
export function normalizeReport(report: FormatterReport): { output: string; files: FormatterFile[] } {
  return typeof report === 'string' ? { output: report, files: [] } : report;
}

const FORMATTERS: Record<string, () => Promise<{ default: Formatter }>> = {
  stylish: () => import('./stylish.js'),
  json: () => import('./json.js'),
  sarif: () => import('./sarif.js'),
  github: () => import('./github.js'),
  junit: () => import('./junit.js'),
};

export const FORMAT_NAMES = Object.keys(FORMATTERS);

export function registerFormatter(name: string, load: () => Promise<{ default: Formatter }>): void {
  FORMATTERS[name] = load;
}

export async function loadFormatter(name: string): Promise<Formatter | undefined> {
  const load = FORMATTERS[name];
  return load ? (await load()).default : undefined;
}
