/** Formatters are pure `(result, context) => string` functions, loaded on first use. */
import type { LintResult } from '../types.js';

export interface FormatterContext {
  color: boolean;
  /** Working directory, for formats that need absolute or repository-relative paths. */
  cwd: string;
  /** Environment, for formats that read CI variables (passed in: formatters never read `process`). */
  env: Record<string, string | undefined>;
  /** Tool version, for formats that carry it. */
  version: string;
}

export type Formatter = (result: LintResult, context: FormatterContext) => string;

const FORMATTERS: Record<string, () => Promise<{ default: Formatter }>> = {
  stylish: () => import('./stylish.js'),
  json: () => import('./json.js'),
};

export const FORMAT_NAMES = Object.keys(FORMATTERS);

export function registerFormatter(name: string, load: () => Promise<{ default: Formatter }>): void {
  FORMATTERS[name] = load;
}

export async function loadFormatter(name: string): Promise<Formatter | undefined> {
  const load = FORMATTERS[name];
  return load ? (await load()).default : undefined;
}
