/**
 * The engine: sources → objects → index → rules → suppression and severities → positions → sorted findings.
 * One document's failure never stops the run; a rule that throws becomes a `rule-error` finding.
 */
import type { Finding, LintResult, LoadedObject, Path, Position, Severity } from '../types.js';
import { loadSources, type LoadedSource } from '../loaders/load-sources.js';
import { locatePath, prepareLocate, type LocatableText } from '../loaders/locate.js';
import { readSourceText, type SourceInput } from '../loaders/source.js';
import type { SkippedChart } from '../loaders/files.js';
import { RULES, ENGINE_RULE_IDS } from '../rules/index.js';
import { formatMessage, type Report, type Rule } from '../rules/define-rule.js';
import type { RuleSettings } from '../config/resolve.js';
import { ResourceIndex } from './context.js';
import { WORKLOAD_MARKER, WorkloadKinds, DEFAULT_WORKLOAD_KINDS, getAt } from './extract.js';
import { hasPlaceholder, isPlaceholderValue } from '../knowledge/placeholders.js';
import { renderPath } from './paths.js';
import { mergeSameLocation, namedPath } from './identity.js';
import { EMPTY_SETTINGS, type RunSettings } from './settings.js';
import { checkSuppressions, ignoredRulesOf, isSuppressed } from './suppress.js';
import { idleReason, type IdleRule } from './idle.js';
import { collectGarbage, COLLECT_FROM_OBJECTS } from './memory.js';
import suppressionRule from '../rules/suppression-valid.js';
import type { ProgressCallback } from '../progress.js';

export interface LintInput {
  sources: SourceInput[];
  ruleSettings: RuleSettings;
  settings?: RunSettings;
  helmCharts?: SkippedChart[];
  /** Files or directories found but not readable. */
  unreadable?: Array<{ display: string; reason: string }>;
  /** The rules to run: the built-in registry plus the config's policies (default: the registry). */
  rules?: ReadonlyArray<Rule<any>>;
  /** Restrict which rules run (e.g. `--rule`); undefined: all. */
  onlyRules?: ReadonlySet<string>;
  /** `loadSources(sources)`, when the caller already loaded them (e.g. to resolve online sources first). */
  loaded?: LoadedSource[];
  /** Findings about the run itself (an unreachable online source); `file` "" for one in no file (line and column 0). */
  runFindings?: Array<{ ruleId: string; message: string; file: string; line?: number }>;
  /** Progress of parsing and of the rules (src/progress.ts). */
  progress?: ProgressCallback;
}

/** The objects of loaded sources, in load order, with ids: what the engine indexes. */
export function objectsOf(loadedSources: readonly LoadedSource[]): LoadedObject[] {
  const objects: LoadedObject[] = [];
  loadedSources.forEach((decoded, sourceIndex) => {
    if (!decoded.ok) return;
    for (const extracted of decoded.loaded.objects) {
      const metadata = extracted.object.metadata;
      const namespace = typeof metadata?.namespace === 'string' ? metadata.namespace : undefined;
      objects.push({
        id: objects.length,
        apiVersion: extracted.object.apiVersion,
        kind: extracted.object.kind,
        name: typeof metadata?.name === 'string' ? metadata.name : String(metadata?.generateName ?? ''),
        namespace,
        object: extracted.object,
        source: { fileIndex: sourceIndex, docIndex: extracted.docIndex, basePath: extracted.basePath },
      });
    }
  });
  return objects;
}

interface PendingFinding {
  ruleId: string;
  messageId?: string;
  severity: Severity;
  message: string;
  fix?: string;
  sourceIndex: number;
  /** Either a document path to locate, or an explicit position. */
  locate?: { docIndex: number; path: Path; key?: boolean };
  position?: Position;
  /** What the finding shows of its object (not the object: its data is released before findings are located). */
  resource?: ObjectFacts;
  objectPath?: Path;
  /** From the rule's report: the highest severity this finding may have. */
  maxSeverity?: Severity;
}

const NO_IDS: ReadonlySet<string> = new Set();

/** An object as a finding names it, taken when the finding is made. */
interface ObjectFacts {
  identity: NonNullable<Finding['resource']>;
  /** `namedPath` of the finding's path in the object (computed while the object is at hand). */
  namedPath?: string;
}

function factsOf(object: LoadedObject, objectPath: Path | undefined): ObjectFacts {
  const identity: NonNullable<Finding['resource']> = { apiVersion: object.apiVersion, kind: object.kind, name: object.name };
  if (object.namespace !== undefined) identity.namespace = object.namespace;
  return objectPath ? { identity, namedPath: namedPath(object.object, objectPath) } : { identity };
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

function capSeverity(configured: Severity, cap: Severity | undefined): Severity {
  return cap !== undefined && SEVERITY_RANK[cap] < SEVERITY_RANK[configured] ? cap : configured;
}

export function lint(input: LintInput): LintResult {
  const pending: PendingFinding[] = [];
  // 1–3. Load, index and check. The documents, the index and what rules cached about objects are held by
  // this call only, so they are garbage before the findings are located (step 4 reads files again).
  const { allSources, resources, suppressed, idle } = checkSources(input, pending);
  // A large run's documents are dead from here on: collect them before locating adds its own garbage.
  if (resources >= COLLECT_FROM_OBJECTS) collectGarbage();
  const findings = locateFindings(pending, allSources, input.progress);
  findings.sort(compareFindings);
  const merged = mergeSameLocation(findings);

  return {
    files: [...new Set(input.sources.map((s) => s.display))], // a chart rendered for two Applications is one file
    findings: merged,
    ...(idle.length > 0 ? { idle } : {}),
    summary: {
      files: input.sources.length,
      resources,
      errors: merged.filter((f) => f.severity === 'error').length,
      warnings: merged.filter((f) => f.severity === 'warning').length,
      infos: merged.filter((f) => f.severity === 'info').length,
      suppressed,
    },
  };
}

/** Steps 1–3 of `lint`: every finding but positions goes to `pending`. */
function checkSources(input: LintInput, pending: PendingFinding[]): { allSources: SourceInput[]; resources: number; suppressed: number; idle: IdleRule[] } {
  const settings = input.settings ?? EMPTY_SETTINGS;
  const objects: LoadedObject[] = [];
  let suppressed = 0;

  const engineFinding = (ruleId: string, scope: { file: string; absPath?: string }, message: string, sourceIndex: number, position: Position, fix?: string, maxSeverity?: Severity) => {
    const setting = input.ruleSettings.settingFor(ruleId, scope);
    if (setting.severity === 'off') return;
    const rule = RULES.find((r) => r.meta.id === ruleId);
    pending.push({ ruleId, severity: capSeverity(setting.severity, maxSeverity), message, sourceIndex, position, fix: fix ?? rule?.meta.remediation });
  };

  // 1. Load every source; broken documents become parse-error findings.
  const loadedSources = input.loaded ?? loadSources(input.sources, input.progress); // on worker threads when there are enough files
  input.sources.forEach((source, sourceIndex) => {
    const decoded = loadedSources[sourceIndex];
    if (!decoded.ok) {
      engineFinding(source.problem?.ruleId ?? 'parse-error', { file: source.display, absPath: source.absPath }, decoded.message, sourceIndex, { line: decoded.line, column: 1, endLine: decoded.line, endColumn: 1 }, undefined, source.problem?.maxSeverity);
      return;
    }
    for (const problem of decoded.loaded.problems) {
      engineFinding('parse-error', { file: source.display, absPath: source.absPath }, problem.message, sourceIndex, problem, undefined, problem.maxSeverity);
    }
  });
  for (const object of objectsOf(loadedSources)) objects.push(object); // not spread: 100k+ objects overflow the stack
  const extraSources: SourceInput[] = [];
  for (const chart of input.helmCharts ?? []) {
    const rule = RULES.find((r) => r.meta.id === 'helm-chart-skipped');
    extraSources.push({ display: chart.display, text: '' });
    engineFinding(
      'helm-chart-skipped',
      { file: chart.display },
      `Helm chart "${chart.chartName}": templates are Go templates, not YAML, and were skipped; lint the rendered chart: helm template ${chart.chartName} ${chart.display.replace(/\/?templates$/, '') || '.'} | mllint check -`,
      input.sources.length + extraSources.length - 1,
      { line: 1, column: 1, endLine: 1, endColumn: 1 },
      rule?.meta.remediation,
    );
  }
  for (const entry of input.unreadable ?? []) {
    extraSources.push({ display: entry.display, text: '' });
    engineFinding('parse-error', { file: entry.display }, `cannot read (${entry.reason})`, input.sources.length + extraSources.length - 1, { line: 1, column: 1, endLine: 1, endColumn: 1 });
  }
  for (const entry of input.runFindings ?? []) {
    extraSources.push({ display: entry.file, text: '' });
    // File "": a finding about the run itself (a flag, the environment), at no line of any file.
    const line = entry.file === '' ? 0 : (entry.line ?? 1);
    const column = entry.file === '' ? 0 : 1;
    engineFinding(entry.ruleId, { file: entry.file }, entry.message, input.sources.length + extraSources.length - 1, { line, column, endLine: line, endColumn: column });
  }
  const allSources = [...input.sources, ...extraSources];

  // 2. Index once; 3. run every enabled rule over the objects of its kinds.
  const index = new ResourceIndex(objects, allSources.map((s) => s.display), settings.workloadKinds?.length ? new WorkloadKinds(settings.workloadKinds) : DEFAULT_WORKLOAD_KINDS);
  // What the tree holds but mllint cannot lint without rendering it (templates, unrendered charts) may define what a
  // rule finds missing. (Broken YAML is not counted: it is reported as an error, and once fixed it is linted.)
  index.setUnlinted([
    ...input.sources.flatMap((source, i) => {
      const loaded = loadedSources[i];
      const template = loaded.ok ? loaded.loaded.problems.find((p) => p.template === true) : undefined;
      return template ? [{ display: source.display, text: template.templateText ?? '' }] : [];
    }),
    ...(input.helmCharts ?? []).map((chart) => ({ display: chart.display, chartName: chart.chartName })),
  ]);
  const workloadObjects = objects.filter((o) => index.podTemplatesOf(o).length > 0);
  /** Per object: the rules that ran on it, and those whose findings its mllint.io/ignore silenced. */
  const ranOn = new Map<number, Set<string>>();
  const silencedOn = new Map<number, Set<string>>();
  const note = (map: Map<number, Set<string>>, id: number, ruleId: string) => {
    let set = map.get(id);
    if (!set) map.set(id, (set = new Set()));
    set.add(ruleId);
  };
  /** Per rule that declares `needs`: the objects it ran on (for idle rules). */
  const ranObjects = new Map<Rule<any>, LoadedObject[]>();
  /** Per object: the rules its mllint.io/ignore annotations name (read once; most objects have none). */
  const ignoredOn = new Map<number, ReadonlySet<string>>();
  const ignoredFor = (object: LoadedObject): ReadonlySet<string> => {
    let ignored = ignoredOn.get(object.id);
    if (!ignored) {
      const own = ignoredRulesOf(object, index);
      ignoredOn.set(object.id, (ignored = own.size > 0 ? own : NO_IDS));
    }
    return ignored;
  };
  const ruleList = input.rules ?? RULES;
  for (const [ruleIndex, rule] of ruleList.entries()) {
    input.progress?.('checking rules', ruleIndex, ruleList.length);
    if (ENGINE_RULE_IDS.has(rule.meta.id)) continue;
    if (input.onlyRules && !input.onlyRules.has(rule.meta.id)) continue;
    const targets = rule.meta.kinds ? targetsOf(rule.meta.kinds, index, workloadObjects) : objects;
    for (const object of targets) {
      const source = allSources[object.source.fileIndex];
      const setting = input.ruleSettings.settingFor(rule.meta.id, { file: source.display, absPath: source.absPath, namespace: object.namespace });
      if (setting.severity === 'off') continue;
      const ignored = ignoredFor(object);
      // Which rules ran matters only where an annotation may have silenced them (suppression-valid).
      if (ignored.size > 0) note(ranOn, object.id, rule.meta.id);
      if (rule.meta.needs) {
        const ran = ranObjects.get(rule);
        if (ran) ran.push(object);
        else ranObjects.set(rule, [object]);
      }
      for (const finding of runRule(rule, object, index, setting.options, settings)) {
        if (isSuppressed(finding.ruleId, ignored)) {
          suppressed++;
          note(silencedOn, object.id, finding.ruleId);
          continue;
        }
        const kindDefault = setting.severityConfigured || !finding.messageId ? undefined : rule.meta.findingSeverity?.[finding.messageId]?.severity;
        pending.push({ ...finding, severity: finding.ruleId === 'rule-error' ? 'error' : capSeverity(capSeverity(setting.severity, finding.maxSeverity), kindDefault) });
      }
    }
  }

  // 3b. The mllint.io/ignore annotations themselves (suppression-valid): unknown ids, ids that silenced nothing.
  const knownIds = new Set([...(input.rules ?? RULES).map((r) => r.meta.id), ...RULES.map((r) => r.meta.id)]);
  for (const object of objects) {
    if (input.onlyRules && !input.onlyRules.has('suppression-valid')) break;
    const source = allSources[object.source.fileIndex];
    const setting = input.ruleSettings.settingFor('suppression-valid', { file: source.display, absPath: source.absPath, namespace: object.namespace });
    if (setting.severity === 'off') continue;
    const reports = checkSuppressions(object, index, knownIds, ranOn.get(object.id) ?? new Set(), silencedOn.get(object.id) ?? new Set(), setting.options as { requireReason?: boolean });
    for (const report of reports) {
      pending.push({
        ruleId: 'suppression-valid',
        messageId: report.messageId,
        severity: capSeverity(setting.severity, report.maxSeverity),
        message: formatMessage(suppressionRule.meta.messages[report.messageId], report.data),
        fix: suppressionRule.meta.remediation,
        sourceIndex: object.source.fileIndex,
        resource: factsOf(object, report.path),
        objectPath: report.path,
        locate: { docIndex: object.source.docIndex, path: [...object.source.basePath, ...report.path] },
      });
    }
  }

  const idle: IdleRule[] = [];
  for (const [rule, ran] of ranObjects) {
    for (const need of rule.meta.needs ?? []) {
      const reason = idleReason(need, ran, index, settings);
      if (reason) idle.push({ ruleId: rule.meta.id, need, reason });
    }
  }
  return { allSources, resources: objects.length, suppressed, idle };
}

/** Step 4 of `lint`: positions, computed only for findings; the findings unsorted. */
function locateFindings(pending: PendingFinding[], allSources: readonly SourceInput[], progress: ProgressCallback | undefined): Finding[] {
  progress?.('locating findings', 0, 0);
  // 4. Positions, computed only for findings: each file with findings is parsed once more, here.
  // One file's text at a time (pending in file order), so a large tree's texts are never all held.
  const located = new Map<number, LocatableText | null>();
  pending.sort((a, b) => a.sourceIndex - b.sourceIndex);
  return pending.map((p): Finding => {
    const source = allSources[p.sourceIndex];
    let position = p.position;
    let file = source.display;
    if (!position && p.locate && source.relocate) {
      // Rendered text (kustomize): the finding belongs where the field is written in the user's files.
      const moved = source.relocate(p.locate.docIndex, p.locate.path);
      position = moved.position;
      file = moved.display;
    }
    if (!position && p.locate) {
      if (!located.has(p.sourceIndex)) {
        located.clear();
        const decoded = readSourceText(source);
        located.set(p.sourceIndex, decoded.ok ? prepareLocate(decoded.text) : null);
      }
      const text = located.get(p.sourceIndex);
      position = text ? locatePath(text, p.locate.docIndex, p.locate.path, { key: p.locate.key }) : undefined;
    }
    position ??= { line: 1, column: 1, endLine: 1, endColumn: 1 };
    const finding: Finding = {
      ruleId: p.ruleId,
      severity: p.severity,
      message: p.message,
      file,
      ...position,
    };
    if (p.resource) finding.resource = p.resource.identity;
    if (p.objectPath) {
      finding.path = renderPath(p.objectPath);
      finding.pathSegments = [...p.objectPath];
      if (p.resource) finding.namedPath = p.resource.namedPath;
    }
    if (p.fix) finding.fix = p.fix;
    if (source.via && p.resource) finding.via = source.via;
    if (p.messageId) finding.messageId = p.messageId;
    return finding;
  });
}

function runRule(
  rule: Rule<any>,
  object: LoadedObject,
  index: ResourceIndex,
  options: Record<string, unknown>,
  settings: RunSettings,
): Omit<PendingFinding, 'severity'>[] {
  const base = { sourceIndex: object.source.fileIndex };
  const toLocate = (path: Path) => ({ docIndex: object.source.docIndex, path: [...object.source.basePath, ...path] });
  try {
    // A rule about pod templates sees each template of the object (an LWS leader, then its worker…);
    // a report repeated for several templates (about the object itself) is kept once.
    const templates = rule.meta.kinds?.includes(WORKLOAD_MARKER)
      ? index.podTemplatesOf(object).filter((t) => !t.partial || rule.meta.partialTemplates)
      : [index.podTemplateOf(object)];
    if (templates.length === 0) return [];
    const reports: Report[] = [];
    const seen = new Set<string>();
    for (const template of templates) {
      for (const report of rule.check({ object, template, options, index, settings })) {
        if (builtOnPlaceholder(object.object, report)) continue;
        const key = `${report.messageId}\u0000${JSON.stringify(report.path)}\u0000${JSON.stringify(report.data ?? {})}`;
        if (seen.has(key)) continue;
        seen.add(key);
        reports.push(report);
      }
    }
    return reports.map((report) => ({
      ...base,
      resource: factsOf(object, report.path),
      ruleId: rule.meta.id,
      messageId: report.messageId,
      message: formatMessage(rule.meta.messages[report.messageId] ?? report.messageId, report.data),
      fix: report.fix ?? rule.meta.remediation,
      locate: report.atKey ? { ...toLocate(report.path), key: true } : toLocate(report.path),
      objectPath: report.path,
      maxSeverity: report.maxSeverity,
    }));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return [{ ...base, resource: factsOf(object, []), ruleId: 'rule-error', message: `rule "${rule.meta.id}" failed on this object: ${reason}`, locate: toLocate([]), objectPath: [] }];
  }
}

/**
 * Whether a report rests on a template placeholder (`${IMAGE}`, `$(PORT)`, see knowledge/placeholders.ts):
 * the value at its path, a label of the selector or label map at its path, or a value its message quotes. Such a
 * value is not what the cluster will see, so the finding would be about the template, not the manifest.
 */
const LABEL_MAPS = new Set(['selector', 'matchLabels', 'labels', 'nodeSelector']);

function builtOnPlaceholder(object: unknown, report: Report): boolean {
  const value = getAt(object, report.path);
  if ((typeof value === 'string' && hasPlaceholder(value)) || isPlaceholderValue(value, report.path)) return true;
  const last = report.path[report.path.length - 1];
  if (value && typeof value === 'object' && typeof last === 'string' && LABEL_MAPS.has(last)) {
    for (const child of Object.values(value as Record<string, unknown>)) if (typeof child === 'string' && hasPlaceholder(child)) return true;
  }
  for (const datum of Object.values(report.data ?? {})) if (typeof datum === 'string' && hasPlaceholder(datum)) return true;
  return false;
}

/**
 * The objects a rule is run on: those of its kinds (by index kind, so a Knative Service is not a core
 * Service), and for the workload marker every object with a pod template. Objects a controller would
 * create (no file of their own) are never targets.
 */
function targetsOf(kinds: readonly string[], index: ResourceIndex, workloadObjects: readonly LoadedObject[]): LoadedObject[] {
  const out: LoadedObject[] = [];
  const seen = new Set<number>();
  for (const kind of kinds) {
    for (const object of kind === WORKLOAD_MARKER ? workloadObjects : index.byKind(kind)) {
      if (object.createdBy || seen.has(object.id)) continue;
      seen.add(object.id);
      out.push(object);
    }
  }
  return out;
}

// renderPath lives in ./paths.ts so that rules can use it without importing the engine (a cycle).
export { renderPath };

export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareStrings(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    compareStrings(a.ruleId, b.ruleId) ||
    compareStrings(a.message, b.message)
  );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
