/**
 * The command line's conventions, kept out of cli.ts: rule selection (`--rule`, `--include`,
 * `--exclude`), several formats in one run (`--format github --format sarif=FILE`), `--print-config`,
 * `rules --format json`. Pure functions over the loaded config; problems are values.
 */
import { closestRuleId, type ConfigFile, type RuleEntry } from './config/load.js';
import { allRules, defaultSeverity, resolveRuleSettings } from './config/resolve.js';
import { ruleDocsUrl } from './formatters/common.js';
import type { Rule } from './rules/define-rule.js';
import type { SeveritySetting } from './types.js';

const SEVERITIES: readonly SeveritySetting[] = ['off', 'info', 'warning', 'error'];

export interface RuleSelection {
  /** `--rule ID=SEVERITY` (also `ID:SEVERITY`), repeatable. */
  rule?: string[];
  /** `--include ID[,ID…]`: run only these rules (and the findings that say some input was not checked: {@link INPUT_RULE_IDS}). */
  include?: string[];
  /** `--exclude ID[,ID…]`: do not run these rules. */
  exclude?: string[];
}

/** `a,b` `c` → `['a','b','c']`. */
function splitIds(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
}

/**
 * Findings that say some input was not checked (a file that does not parse, a rule that failed, a chart or
 * GitOps source not rendered, an online source not reached): `--include` keeps them, because the selected
 * rules did not see that input either, and their silence must not read as clean. They are not rules one
 * selects; `--exclude` or `--rule ID=off` still turns one off on purpose. `suppression-valid` (the
 * `mllint.io/ignore` annotations themselves) is a rule like any other.
 */
export const INPUT_RULE_IDS: ReadonlySet<string> = new Set(['parse-error', 'rule-error', 'helm-chart-skipped', 'gitops-source-renders', 'gitops-not-rendered', 'online-source-unavailable']);

function unknownRule(id: string, rules: ReadonlyArray<Rule<any>>): string {
  const hint = closestRuleId(id, rules.map((r) => r.meta.id));
  return `unknown rule "${id}"${hint ? ` (did you mean "${hint}"?)` : ''}; run "mllint rules" to list them`;
}

/**
 * The config with the command line's rule selection applied last: it wins over the config's `rules` and
 * its overrides (it is appended as an override that matches every file). Unknown ids and bad severities are
 * problems (exit 2).
 */
export function applyRuleSelection(config: ConfigFile, selection: RuleSelection): { ok: true; config: ConfigFile } | { ok: false; messages: string[] } {
  const rules = allRules(config);
  const byId = new Map(rules.map((r) => [r.meta.id, r]));
  const policyIds = new Set(config.policies.map((p) => p.meta.id));
  const messages: string[] = [];
  const entries: Record<string, RuleEntry> = {};
  const known = (id: string) => {
    if (byId.has(id)) return true;
    messages.push(unknownRule(id, rules));
    return false;
  };

  const include = splitIds(selection.include);
  if (include.length > 0) {
    const wanted = new Set(include.filter(known));
    const settings = resolveRuleSettings(config);
    for (const rule of rules) {
      const id = rule.meta.id;
      if (INPUT_RULE_IDS.has(id)) continue; // an input not checked is never silent
      if (!wanted.has(id)) entries[id] = { severity: 'off' };
      else if (settings.settingFor(id, { file: '' }).severity === 'off') entries[id] = { severity: rule.meta.severity };
    }
  }
  for (const id of splitIds(selection.exclude)) if (known(id)) entries[id] = { severity: 'off' };
  for (const raw of selection.rule ?? []) {
    const m = /^\s*([^=:\s]+)\s*[=:]\s*(\S+)\s*$/.exec(raw);
    if (!m) {
      messages.push(`--rule "${raw}": expected RULE=SEVERITY, e.g. --rule image-pinned=warning`);
      continue;
    }
    const [, id, severity] = m;
    if (!SEVERITIES.includes(severity as SeveritySetting)) {
      messages.push(`--rule "${raw}": severity must be one of ${SEVERITIES.join(', ')}`);
      continue;
    }
    if (known(id)) entries[id] = { severity: severity as SeveritySetting };
  }
  if (messages.length > 0) return { ok: false, messages };
  if (Object.keys(entries).length === 0) return { ok: true, config };
  const ruleEntries = Object.fromEntries(Object.entries(entries).filter(([id]) => !policyIds.has(id)));
  const policyEntries = Object.fromEntries(Object.entries(entries).filter(([id]) => policyIds.has(id)));
  return { ok: true, config: { ...config, overrides: [...config.overrides, { base: config.dir, rules: ruleEntries, policies: policyEntries }] } };
}

export interface FormatRequest {
  name: string;
  /** Where to write it; undefined: stdout (or `--output-file`). */
  file?: string;
}

/**
 * `--format` values: `NAME` (stdout, at most one) or `NAME=FILE`, repeatable; none means `stylish`.
 */
export function parseFormats(values: readonly string[] | undefined, names: readonly string[]): { ok: true; formats: FormatRequest[] } | { ok: false; message: string } {
  const list = values && values.length > 0 ? values : ['stylish'];
  const formats: FormatRequest[] = [];
  for (const value of list) {
    const eq = value.indexOf('=');
    const name = eq === -1 ? value : value.slice(0, eq);
    const file = eq === -1 ? undefined : value.slice(eq + 1);
    if (!names.includes(name)) return { ok: false, message: `unknown format "${name}" (one of ${names.join(', ')}; NAME=FILE writes it to FILE)` };
    if (file === '') return { ok: false, message: `--format ${value}: no file after "="` };
    formats.push({ name, file });
  }
  if (formats.filter((f) => f.file === undefined).length > 1) {
    return { ok: false, message: 'only one --format can print to stdout; give the others a file: --format sarif=mllint.sarif' };
  }
  return { ok: true, formats };
}

/** `--print-config [FILE]`: the effective settings for FILE (default: the config's scope as a whole), as JSON. */
export function effectiveConfig(config: ConfigFile, scope: { file: string; absPath?: string; namespace?: string }): Record<string, unknown> {
  const settings = resolveRuleSettings(config);
  const rules: Record<string, { severity: SeveritySetting; options?: Record<string, unknown> }> = {};
  for (const rule of allRules(config)) {
    const s = settings.settingFor(rule.meta.id, scope);
    rules[rule.meta.id] = Object.keys(s.options).length > 0 ? { severity: s.severity, options: s.options } : { severity: s.severity };
  }
  const out: Record<string, unknown> = { configFile: config.file ?? null };
  if (scope.file) out.file = scope.file;
  if (scope.namespace) out.namespace = scope.namespace;
  out.rules = rules;
  out.ignore = config.ignore;
  if (config.registryFile) out.registryFile = config.registryFile;
  if (config.nodesFile) out.nodesFile = config.nodesFile;
  if (config.kubernetesVersion) out.kubernetesVersion = config.kubernetesVersion;
  if (config.kustomize) out.kustomize = config.kustomize;
  out.policies = config.policies.map((p) => p.meta.id);
  out.overrides = config.overrides.length;
  return out;
}

/** `rules --format json`: every rule and policy with its effective severity under the config. */
export function rulesAsJson(config: ConfigFile): Array<Record<string, unknown>> {
  const settings = resolveRuleSettings(config);
  return allRules(config).map((rule) => {
    const policy = config.policies.some((p) => p.meta.id === rule.meta.id);
    const effective = settings.settingFor(rule.meta.id, { file: '' });
    return {
      id: rule.meta.id,
      type: policy ? 'policy' : 'rule',
      severity: effective.severity,
      defaultSeverity: defaultSeverity(rule),
      ...(rule.meta.findingSeverity && !effective.severityConfigured
        ? { findingSeverities: Object.fromEntries(Object.entries(rule.meta.findingSeverity).map(([id, f]) => [id, f.severity])) }
        : {}),
      recommended: rule.meta.recommended,
      description: rule.meta.description,
      options: effective.options,
      ...(policy ? {} : { docs: ruleDocsUrl(rule.meta.id) }),
    };
  });
}

/** "did you mean" for `explain`. */
export function explainUnknown(id: string, rules: ReadonlyArray<Rule<any>>): string {
  return unknownRule(id, rules);
}
