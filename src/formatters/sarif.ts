/**
 * `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it. Every rule is described in
 * `tool.driver.rules` (descriptions, help with a link to its docs, default level); each finding is a
 * result with its rule, level, message, a repository-relative location with a region, its object as a
 * logical location, and a partial fingerprint built from its identity (rule, file, object, path — never
 * the line), so code scanning keeps tracking an alert across unrelated edits.
 */
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { describeObjects, fingerprintOf } from '../engine/identity.js';
import { RULES, getRule } from '../rules/index.js';
import type { Rule } from '../rules/define-rule.js';
import type { Finding, LintResult, ResourceIdentity, Severity } from '../types.js';
import type { FormatterContext } from './index.js';
import { HOMEPAGE, isRunFinding, repoRelativePath, ruleDocsUrl } from './common.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SRCROOT = '%SRCROOT%';
/** v2: list items named by their key (engine/identity.ts); v1 hashed list indexes. */
export const FINGERPRINT_KEY = 'mllintFindingIdentity/v2';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

export default function formatSarif(result: LintResult, context: FormatterContext): string {
  const rules = describeRules(context.rules ?? RULES, result.findings);
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const seen = new Map<string, number>();
  const results = result.findings.filter((f) => !isRunFinding(f)).map((f) => {
    const location = artifactLocation(f.file, context);
    const fingerprintBase = fingerprintOf(f, location.uri);
    const occurrence = seen.get(fingerprintBase) ?? 0;
    seen.set(fingerprintBase, occurrence + 1);
    const out: Record<string, unknown> = {
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId),
      level: LEVEL[f.severity],
      message: { text: messageText(f) },
      locations: [
        {
          physicalLocation: { artifactLocation: location, region: region(f) },
          ...(f.resource ? { logicalLocations: (f.resources ?? [f.resource]).map(logicalLocation) } : {}),
        },
      ],
      partialFingerprints: { [FINGERPRINT_KEY]: `${fingerprintBase}:${occurrence + 1}` },
    };
    const properties: Record<string, unknown> = {};
    if (f.path !== undefined) properties.path = f.path;
    if (f.fix !== undefined) properties.fix = f.fix;
    if (Object.keys(properties).length > 0) out.properties = properties;
    return out;
  });
  const runNotifications = result.findings.filter(isRunFinding).map((f) => ({
    level: LEVEL[f.severity],
    message: { text: messageText(f) },
    associatedRule: { id: f.ruleId, ...(ruleIndex.has(f.ruleId) ? { index: ruleIndex.get(f.ruleId) } : {}) },
  }));
  const root = context.repoRoot ?? context.cwd;
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'mllint',
            version: context.version,
            semanticVersion: context.version,
            informationUri: HOMEPAGE,
            rules,
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: `${pathToFileURL(root).href.replace(/\/?$/, '/')}` } },
        columnKind: 'utf16CodeUnits',
        // Findings in no file (an online source set by a flag or environment variable failed) are about the
        // run, not the code: SARIF's tool execution notifications (§3.20.21), which need no location.
        ...(runNotifications.length > 0 ? { invocations: [{ executionSuccessful: true, toolExecutionNotifications: runNotifications }] } : {}),
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

interface ReportingDescriptor {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: 'error' | 'warning' | 'note'; enabled: boolean };
  properties: { tags: string[] };
}

/** Every rule of the run (built-in and policies), then any other rule id the findings use, sorted by id. */
function describeRules(ruleSet: ReadonlyArray<Rule<any>>, findings: readonly Finding[]): ReportingDescriptor[] {
  const builtIn = ruleSet.map(describeRule);
  const known = new Set(builtIn.map((r) => r.id));
  const extra = new Map<string, Finding>();
  for (const f of findings) if (!known.has(f.ruleId) && !extra.has(f.ruleId)) extra.set(f.ruleId, f);
  const policies = [...extra.values()].map((f): ReportingDescriptor => {
    const text = `Policy "${f.ruleId}" from the mllint configuration.${f.fix ? ` ${f.fix}` : ''}`;
    return {
      id: f.ruleId,
      name: pascalCase(f.ruleId),
      shortDescription: { text: `Policy ${f.ruleId}` },
      fullDescription: { text },
      help: { text, markdown: text },
      defaultConfiguration: { level: LEVEL[f.severity], enabled: true },
      properties: { tags: ['kubernetes', 'policy'] },
    };
  });
  return [...builtIn, ...policies].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** A rule's descriptor; built-in rules link to their section of docs/rules.md, policies to nothing. */
function describeRule(rule: Rule<any>): ReportingDescriptor {
  const m = rule.meta;
  const url = getRule(m.id) === rule ? ruleDocsUrl(m.id) : undefined;
  return {
    id: m.id,
    name: pascalCase(m.id),
    shortDescription: { text: m.description },
    fullDescription: { text: m.docs.why },
    help: {
      text: `${m.docs.why}\n\nWhat it checks: ${m.docs.checks}\n\nHow to fix: ${m.docs.fix}${url ? `\n\nDocumentation: ${url}` : ''}`,
      markdown: `${m.docs.why}\n\n**What it checks.** ${m.docs.checks}\n\n**How to fix.** ${m.docs.fix}${url ? `\n\n[Documentation of \`${m.id}\`](${url})` : ''}`,
    },
    ...(url ? { helpUri: url } : {}),
    defaultConfiguration: { level: LEVEL[m.severity], enabled: m.recommended },
    properties: { tags: ['kubernetes', 'ml-serving'] },
  };
}

function artifactLocation(file: string, context: FormatterContext): { uri: string; uriBaseId?: string } {
  const rel = repoRelativePath(file, context);
  if (rel !== undefined) return { uri: rel.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
  if (file === '-') return { uri: '-' };
  return { uri: pathToFileURL(path.resolve(context.cwd, file)).href };
}

/** SARIF regions are 1-based with an exclusive end column, like findings; keep them well-formed. */
function region(f: Finding): { startLine: number; startColumn: number; endLine: number; endColumn: number } {
  const startLine = Math.max(1, f.line);
  const startColumn = Math.max(1, f.column);
  let endLine = Math.max(startLine, f.endLine);
  let endColumn = Math.max(1, f.endColumn);
  if (endLine === startLine && endColumn < startColumn) endColumn = startColumn;
  if (!Number.isFinite(endLine)) endLine = startLine;
  return { startLine, startColumn, endLine, endColumn };
}

function logicalLocation(r: ResourceIdentity): { name: string; fullyQualifiedName: string; kind: string } {
  return { name: r.name, fullyQualifiedName: `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`, kind: 'object' };
}

/** The message, naming the objects when the location was found through several (one alert for all). */
function messageText(f: Finding): string {
  return f.resources && f.resources.length > 1 ? `${f.message} (${describeObjects(f)})` : f.message;
}

function pascalCase(id: string): string {
  return id.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}
