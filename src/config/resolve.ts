/**
 * Effective rule settings: defaults from rule metadata, then the config's `rules`. The engine asks
 * per object (file and namespace), so scoped overrides can change a rule for part of a tree.
 */
import { RULES } from '../rules/index.js';
import type { Severity, SeveritySetting } from '../types.js';
import type { ConfigFile } from './load.js';

export interface EffectiveSetting {
  severity: SeveritySetting;
  options: Record<string, unknown>;
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

export function defaultSeverity(ruleId: string): SeveritySetting {
  const rule = RULES.find((r) => r.meta.id === ruleId);
  if (!rule) return 'off';
  return rule.meta.recommended ? rule.meta.severity : 'off';
}

export function resolveRuleSettings(config: ConfigFile, severityOverride?: Record<string, Severity>): RuleSettings {
  const base = new Map<string, EffectiveSetting>();
  for (const rule of RULES) {
    const entry = config.rules[rule.meta.id];
    const severity = severityOverride?.[rule.meta.id] ?? entry?.severity ?? defaultSeverity(rule.meta.id);
    base.set(rule.meta.id, { severity, options: { ...(rule.meta.defaultOptions as object), ...(entry?.options ?? {}) } });
  }
  return {
    enabledSomewhere: () => [...base.entries()].filter(([, s]) => s.severity !== 'off').map(([id]) => id),
    settingFor: (ruleId) => base.get(ruleId) ?? { severity: 'off', options: {} },
  };
}
