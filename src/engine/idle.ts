/**
 * Idle rules (issue 14, "day-one setup"): rules that ran on workloads but had none of the facts their main
 * check needs — no model registry, no footprints or load times for the served models, image checks off, no
 * node pools — so a run that found nothing does not read as "all verified". Computed once per run from the
 * objects each rule ran on; reported once at the end of the stylish output (never as findings).
 */
import type { LoadedObject } from '../types.js';
import type { ResourceIndex } from './context.js';
import { modelOf } from './models.js';
import type { RunSettings } from './settings.js';

/** A fact a rule's main check needs, declared in its metadata (`meta.needs`). */
export type RuleNeed = 'registry' | 'footprint' | 'loadSeconds' | 'images' | 'nodePools';

const NEED_ORDER: readonly RuleNeed[] = ['registry', 'footprint', 'loadSeconds', 'images', 'nodePools'];

/** One rule that had nothing to check, and why (a short phrase: "no model registry"). */
export interface IdleRule {
  ruleId: string;
  /** The need that was not met. */
  need: RuleNeed;
  reason: string;
}

/**
 * Why a rule that needs `need` had nothing to check on these objects, or undefined when it had something
 * (or nothing it needed was there to check at all: no workload serves a model, no workload at all).
 *
 * - `registry`: some workload serves a model and there is no registry (file or MLflow).
 * - `footprint` / `loadSeconds`: some workload serves a model and none of them has that fact (annotation,
 *   registry version tag, config).
 * - `images`: some workload has a container image and image checks are off.
 * - `nodePools`: some workload exists and no node pool is known (config or nodes file).
 */
export function idleReason(need: RuleNeed, objects: readonly LoadedObject[], index: ResourceIndex, settings: RunSettings): string | undefined {
  const templates = objects.flatMap((object) => index.podTemplatesOf(object).map((template) => ({ object, template })));
  if (templates.length === 0) return undefined;
  if (need === 'images') return settings.images ? undefined : 'image checks off';
  if (need === 'nodePools') return settings.nodePools.length > 0 ? undefined : 'no node pools';
  const models = templates.map(({ object, template }) => modelOf(object, template, settings)).filter((m) => m !== undefined);
  if (models.length === 0) return undefined;
  if (!settings.registry) return 'no model registry';
  if (need === 'footprint' && !models.some((m) => m.footprint)) return 'no model footprints';
  if (need === 'loadSeconds' && !models.some((m) => m.loadSeconds)) return 'no model load times';
  return undefined;
}

/**
 * The line the stylish output ends with: `3 rules were idle: no model registry (see \`mllint explain
 * model-version-matches-registry\`)`; several reasons are joined with "; ", each pointing at the docs of
 * the rule that needs the missing thing (they say how to provide it).
 * Undefined when no rule was idle.
 */
export function describeIdle(idle: ReadonlyArray<{ ruleId: string; need: string; reason: string }>): string | undefined {
  if (idle.length === 0) return undefined;
  const byReason = new Map<string, string[]>();
  // Model facts first, in NEED_ORDER; within a reason, the rule that needs the missing thing itself comes
  // first (its docs say how to provide it).
  const rank = (need: string) => NEED_ORDER.indexOf(need as RuleNeed);
  const ordered = [...idle].sort((a, b) => rank(a.need) - rank(b.need));
  for (const entry of ordered) byReason.set(entry.reason, [...(byReason.get(entry.reason) ?? []), entry.ruleId]);
  const parts = [...byReason].map(([reason, rules]) => `${reason} (${rules.length > 1 ? `${rules.length} rules, ` : ''}see \`mllint explain ${rules[0]}\`)`);
  return `${idle.length} ${idle.length === 1 ? 'rule was' : 'rules were'} idle: ${parts.join('; ')}`;
}
