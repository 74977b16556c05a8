/** `mllint.io/ignore: "rule-a, rule-b"` (or `all`) on an object or its pod template silences those rules there. */
import type { LoadedObject, Path, Severity } from '../types.js';
import type { ResourceIndex } from './context.js';
import { closestRuleId } from '../config/load.js';

export const IGNORE_ANNOTATION = 'mllint.io/ignore';
/** Why the rules are silenced (free text, shown to reviewers; `suppression-valid` can require it). */
export const IGNORE_REASON_ANNOTATION = 'mllint.io/ignore-reason';

export function parseIgnoreList(value: unknown): Set<string> {
  if (typeof value !== 'string') return new Set();
  return new Set(value.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean));
}

export function ignoredRulesOf(object: LoadedObject, index: ResourceIndex): Set<string> {
  const own = parseIgnoreList(object.object.metadata?.annotations?.[IGNORE_ANNOTATION]);
  for (const template of index.podTemplatesOf(object)) for (const id of parseIgnoreList(template.annotations[IGNORE_ANNOTATION])) own.add(id);
  return own;
}

export function isSuppressed(ruleId: string, ignored: ReadonlySet<string>): boolean {
  return ignored.has('all') || ignored.has(ruleId);
}

export interface SuppressionReport {
  messageId: 'unknownRule' | 'unused' | 'noReason';
  data: Record<string, string>;
  path: Path;
  maxSeverity?: Severity;
}

/**
 * The `suppression-valid` findings of one object: each `mllint.io/ignore` (on the object or a pod
 * template) naming an id that is no rule (`knownIds`), naming a rule that ran on the object (`ran`) and
 * silenced nothing (`silenced`), or (requireReason) written without `mllint.io/ignore-reason` beside it.
 */
export function checkSuppressions(
  object: LoadedObject,
  index: ResourceIndex,
  knownIds: ReadonlySet<string>,
  ran: ReadonlySet<string>,
  silenced: ReadonlySet<string>,
  options: { requireReason?: boolean },
): SuppressionReport[] {
  const places: Array<{ annotations: Record<string, unknown>; metadataPath: Path }> = [];
  const own = object.object.metadata?.annotations;
  if (own && typeof own === 'object') places.push({ annotations: own as Record<string, unknown>, metadataPath: ['metadata'] });
  for (const template of index.podTemplatesOf(object)) {
    const isOwn = template.metadataPath.length === 1 && template.metadataPath[0] === 'metadata';
    if (!isOwn) places.push({ annotations: template.annotations, metadataPath: template.metadataPath });
  }
  const reports: SuppressionReport[] = [];
  for (const { annotations, metadataPath } of places) {
    const value = annotations[IGNORE_ANNOTATION];
    if (typeof value !== 'string') continue;
    const path = [...metadataPath, 'annotations', IGNORE_ANNOTATION];
    const ids = [...parseIgnoreList(value)];
    for (const id of ids) {
      if (id === 'all') {
        if (silenced.size === 0 && ran.size > 0) reports.push({ messageId: 'unused', data: { id }, path, maxSeverity: 'info' });
      } else if (!knownIds.has(id)) {
        const close = closestRuleId(id, [...knownIds]);
        reports.push({ messageId: 'unknownRule', data: { id, hint: close ? ` (did you mean "${close}"?)` : '' }, path });
      } else if (ran.has(id) && !silenced.has(id)) {
        reports.push({ messageId: 'unused', data: { id }, path, maxSeverity: 'info' });
      }
    }
    const reason = annotations[IGNORE_REASON_ANNOTATION];
    if (options.requireReason && ids.length > 0 && (typeof reason !== 'string' || reason.trim() === '')) {
      reports.push({ messageId: 'noReason', data: { ids: ids.join(', ') }, path });
    }
  }
  return reports;
}
