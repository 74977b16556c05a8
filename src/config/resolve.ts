/**
 * Effective rule settings: defaults from rule metadata, then the config's `rules`, then each matching
 * override in order. The engine asks per object (file and namespace), so scoped overrides can make a
 * rule stricter for production paths than for experiments.
 */
import path from 'node:path';
import { globMatch } from './safe-match.js';
import { RULES } from '../rules/index.js';
import type { Rule } from '../rules/define-rule.js';
import type { SeveritySetting } from '../types.js';
import type { ConfigFile, Override, RuleEntry } from './load.js';

export interface EffectiveSetting {
  severity: SeveritySetting;
  options: Record<string, unknown>;
  /**
   * The user chose the severity (config, override, `--rule`): it applies to every finding of the rule. Unset,
   * the rule's per-finding defaults (`meta.findingSeverity`) may lower some findings.
   */
  severityConfigured?: boolean;
}

export interface SettingScope {
  /** Display path of the file (relative to the working directory). */
  file: string;
  /** Absolute path of the file, when it is on disk. */
  absPath?: string;
  namespace?: string;
}

export interface RuleSettings {
  /** Ids of every rule that is on somewhere (globally or in an override). */
  enabledSomewhere(): string[];
  settingFor(ruleId: string, scope: SettingScope): EffectiveSetting;
}

/** Built-in rules plus the config's custom policies: what `rules`, `explain`, the engine and SARIF see. */
export function allRules(config: Pick<ConfigFile, 'policies'> | undefined): ReadonlyArray<Rule<any>> {
  return config && config.policies.length > 0 ? [...RULES, ...config.policies] : RULES;
}

export function defaultSeverity(rule: Rule<any>): SeveritySetting {
  return rule.meta.recommended ? rule.meta.severity : 'off';
}

function apply(base: EffectiveSetting, entry: RuleEntry | undefined): EffectiveSetting {
  if (!entry) return base;
  const configured = entry.severity !== undefined ? !entry.severityIsDefault : base.severityConfigured;
  return {
    severity: entry.severity ?? base.severity,
    options: entry.options ? { ...base.options, ...entry.options } : base.options,
    ...(configured ? { severityConfigured: true } : {}),
  };
}

function overrideMatches(override: Override, scope: SettingScope): boolean {
  if (override.files) {
    const target = scope.absPath ? path.relative(override.base, scope.absPath).split(path.sep).join('/') : scope.file;
    if (!override.files.some((glob) => globMatch(target, glob))) return false;
  }
  if (override.namespaces) {
    if (scope.namespace === undefined || !override.namespaces.some((glob) => globMatch(scope.namespace!, glob))) return false;
  }
  return true;
}

export function resolveRuleSettings(config: ConfigFile): RuleSettings {
  const rules = allRules(config);
  const policyIds = new Set(config.policies.map((p) => p.meta.id));
  const base = new Map<string, EffectiveSetting>();
  for (const rule of rules) {
    const start = { severity: defaultSeverity(rule), options: { ...(rule.meta.defaultOptions as object) } };
    base.set(rule.meta.id, apply(start, config.rules[rule.meta.id]));
  }
  // Overrides matching a scope are computed once per (file, namespace), not once per rule.
  const matching = new Map<string, Override[]>();
  const overridesFor = (scope: SettingScope): Override[] => {
    if (config.overrides.length === 0) return [];
    const key = `${scope.absPath ?? scope.file}\u0000${scope.namespace ?? ''}`;
    let list = matching.get(key);
    if (!list) matching.set(key, (list = config.overrides.filter((o) => overrideMatches(o, scope))));
    return list;
  };
  const entryOf = (o: Override, id: string) => (policyIds.has(id) ? o.policies[id] : o.rules[id]);
  return {
    enabledSomewhere: () =>
      [...base.keys()].filter((id) => base.get(id)!.severity !== 'off' || config.overrides.some((o) => { const e = entryOf(o, id); return e?.severity !== undefined && e.severity !== 'off'; })),
    settingFor: (ruleId, scope) => {
      let setting = base.get(ruleId) ?? { severity: 'off', options: {} };
      for (const o of overridesFor(scope)) setting = apply(setting, entryOf(o, ruleId));
      return setting;
    },
  };
}
