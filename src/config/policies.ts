/**
 * Declarative policies (DESIGN.md §9): a match plus a JSON Schema, turned into rules like the built-in
 * ones (same findings, positions, suppression, severities, formats and docs). Schemas are compiled once,
 * when the config is loaded.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { globMatch } from './safe-match.js';
import { defineRule, type Report, type Rule } from '../rules/define-rule.js';
import { namespaceOf } from '../engine/context.js';
import { CONTAINER_TYPE_LABEL } from '../engine/extract.js';
import { selectorMatches, toLabelSelector, stringMap, type LabelSelector } from '../engine/selector.js';
import type { Path, Severity } from '../types.js';
import { describeAjvError, getAjv, pointerToPath } from './schema.js';

export type PolicyTarget = 'object' | 'podSpec' | 'container' | 'initContainer';

export interface PolicySpec {
  id: string;
  description: string;
  severity: Severity | 'off';
  remediation?: string;
  docs?: string;
  match: {
    kinds?: string[];
    apiVersions?: string[];
    namespaces?: string[];
    labels?: Record<string, unknown>;
    target?: PolicyTarget;
    includeInitContainers?: boolean;
  };
  schema: Record<string, unknown>;
  /** Display path of the file that defined it. */
  source: string;
}

export type PolicyRule = Rule<Record<string, never>> & { policy: PolicySpec };

/** Compiles a policy's schema; a schema ajv rejects is returned as an error message. */
export function compilePolicySchema(
  schema: Record<string, unknown>,
): { ok: true; validate: ValidateFunction } | { ok: false; message: string; path: Path } {
  const ajv = getAjv();
  if (!ajv.validateSchema(schema)) {
    // Point at the offending keyword inside the schema, e.g. `type: strnig`.
    const first = (ajv.errors ?? []).slice().sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
    const path = first ? pointerToPath(first.instancePath) : [];
    const keyword = path.length > 0 ? String(path[path.length - 1]) : 'schema';
    return { ok: false, path, message: `"${keyword}" ${first?.message ?? 'is invalid'}` };
  }
  try {
    return { ok: true, validate: ajv.compile(schema) };
  } catch (err) {
    return { ok: false, path: [], message: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  }
}

/** A label selector written as `{ tier: scoring }` or as `{ matchLabels, matchExpressions }`. */
function policySelector(labels: Record<string, unknown> | undefined): LabelSelector | undefined {
  if (!labels) return undefined;
  if ('matchLabels' in labels || 'matchExpressions' in labels) return toLabelSelector(labels);
  return { matchLabels: stringMap(labels) };
}

export function policyToRule(policy: PolicySpec, validate: ValidateFunction): PolicyRule {
  const match = policy.match;
  const target = match.target ?? 'object';
  const selector = policySelector(match.labels);
  const scope = [
    match.kinds ? `kinds ${match.kinds.join(', ')}` : 'every kind',
    match.apiVersions ? `apiVersions ${match.apiVersions.join(', ')}` : undefined,
    match.namespaces ? `namespaces ${match.namespaces.join(', ')}` : undefined,
    match.labels ? `labels ${JSON.stringify(match.labels)}` : undefined,
  ].filter(Boolean);
  const rule = defineRule<Record<string, never>>({
    meta: {
      id: policy.id,
      severity: policy.severity === 'off' ? 'error' : policy.severity,
      recommended: policy.severity !== 'off',
      description: policy.description,
      kinds: match.kinds,
      remediation: policy.remediation ?? `Change the manifest so that it satisfies policy ${policy.id}.`,
      docs: {
        why: `${policy.description}. Custom policy defined in ${policy.source}${policy.docs ? `; see ${policy.docs}` : ''}.`,
        checks:
          `Applies to ${scope.join('; ')}. Each ${target === 'object' ? 'matching object' : target === 'podSpec' ? 'pod spec' : target === 'initContainer' ? 'init container' : match.includeInitContainers ? 'container and init container' : 'container'} ` +
          `must satisfy this JSON Schema:\n\n\`\`\`json\n${JSON.stringify(policy.schema, null, 2)}\n\`\`\``,
        fix: policy.remediation ?? 'Change the manifest so that it satisfies the schema above.',
      },
      optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
      defaultOptions: {},
      messages: { violation: '{{description}}: {{problem}}' },
    },
    check({ object, template }) {
      if (match.apiVersions && !match.apiVersions.includes(object.apiVersion)) return [];
      if (match.namespaces && !match.namespaces.some((glob) => globMatch(namespaceOf(object), glob))) return [];
      if (selector) {
        const own = stringMap(object.object.metadata?.labels);
        if (!selectorMatches(selector, own) && !(template && selectorMatches(selector, template.labels))) return [];
      }
      const targets: Array<{ value: unknown; path: Path; subject: string }> = [];
      if (target === 'object') targets.push({ value: object.object, path: [], subject: `${object.kind} "${object.name}"` });
      else if (template && target === 'podSpec') targets.push({ value: template.podSpec, path: template.podSpecPath, subject: 'pod spec' });
      else if (template) {
        for (const ref of template.containers) {
          const wanted = target === 'initContainer' ? ref.type === 'initContainer' : ref.type === 'container' || (match.includeInitContainers && ref.type === 'initContainer');
          if (wanted) targets.push({ value: ref.container, path: ref.path, subject: `${CONTAINER_TYPE_LABEL[ref.type]} "${ref.name}"` });
        }
      }
      const reports: Report[] = [];
      for (const t of targets) {
        if (validate(t.value)) continue;
        for (const { path, message } of describeErrors(validate.errors ?? [], t.subject)) {
          const problem = path.length > 0 && !message.startsWith(t.subject) ? `${t.subject}: ${message}` : message;
          reports.push({ messageId: 'violation', data: { description: policy.description, problem }, path: [...t.path, ...path] });
        }
      }
      return reports;
    },
  });
  return Object.assign(rule, { policy });
}

/**
 * ajv errors in plain words. The branches of a failed `anyOf`/`oneOf` become one problem ("one of: …");
 * the summary error of a failed `if`/`then` is dropped in favour of what `then` required.
 */
function describeErrors(errors: ErrorObject[], subject: string): Array<{ path: Path; message: string }> {
  const alternatives = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const inAlternative = (e: ErrorObject) => alternatives.some((a) => a !== e && e.schemaPath.startsWith(`${a.schemaPath}/`));
  const out: Array<{ path: Path; message: string }> = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (error.keyword === 'if' || inAlternative(error)) continue;
    let described: { path: Path; message: string };
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf') {
      const branches = errors.filter((e) => e !== error && e.schemaPath.startsWith(`${error.schemaPath}/`) && !['anyOf', 'oneOf', 'if'].includes(e.keyword));
      const words = [...new Set(branches.map((b) => describeAjvError(b, subject).message))];
      const path = pointerToPath(error.instancePath);
      const where = path.length > 0 ? path.join('.') : subject;
      described = { path, message: words.length > 0 ? `${where} must satisfy one of: ${words.join('; or ')}` : `${where} ${error.message ?? 'is invalid'}` };
    } else {
      described = describeAjvError(error, subject);
    }
    const key = `${described.path.join('/')}|${described.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(described);
  }
  return out;
}
