/** Label selectors, matched in one place for Services, PDBs, ServiceMonitors, policies and the index. */

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export type Labels = Readonly<Record<string, string>>;

/** A Service-style selector (a plain map) as a LabelSelector. */
export function fromMatchLabels(map: Record<string, unknown> | undefined | null): LabelSelector {
  return { matchLabels: stringMap(map) };
}

/** Reads a selector from untrusted data; anything malformed reads as "no constraints given". */
export function toLabelSelector(value: unknown): LabelSelector {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const raw = value as { matchLabels?: unknown; matchExpressions?: unknown };
  const matchExpressions = Array.isArray(raw.matchExpressions)
    ? raw.matchExpressions
        .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
        .map((e) => ({
          key: String(e.key ?? ''),
          operator: String(e.operator ?? ''),
          values: Array.isArray(e.values) ? e.values.map(String) : undefined,
        }))
    : undefined;
  return { matchLabels: stringMap(raw.matchLabels as Record<string, unknown>), matchExpressions };
}

export function stringMap(map: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof map !== 'object' || map === null || Array.isArray(map)) return out;
  for (const [k, v] of Object.entries(map)) if (v !== null && v !== undefined) out[k] = String(v);
  return out;
}

export function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

/**
 * Whether the selector names a label value (a matchLabels pair or an `In` expression). A selector made only of
 * `Exists` / `DoesNotExist` / `NotIn` matches most objects, so a match somewhere else is no evidence that it was
 * aimed there.
 */
export function namesLabelValue(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length > 0 || (selector.matchExpressions ?? []).some((e) => e.operator === 'In');
}

/** Kubernetes semantics: every matchLabels pair and every expression must hold; empty selects everything. */
export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const expr of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, expr.key);
    const values = expr.values ?? [];
    switch (expr.operator) {
      case 'In':
        if (!has || !values.includes(labels[expr.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[expr.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false; // an unknown operator selects nothing, as the API server would reject it
    }
  }
  return true;
}

/**
 * The values a selector asks for: every `matchLabels` value and the values of `In` expressions (the text a
 * template that makes the selected objects would have to contain). Empty for a selector with none.
 */
export function selectorValues(selector: LabelSelector): string[] {
  const values = Object.values(selector.matchLabels ?? {});
  for (const requirement of selector.matchExpressions ?? []) {
    if (requirement.operator === 'In' && requirement.values?.length === 1) values.push(requirement.values[0]);
  }
  return values.filter((v) => v !== '');
}
