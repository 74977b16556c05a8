/**
 * The rule-module contract (after ESLint's `meta` + `create` and typescript-eslint's `createRule`):
 * a rule is metadata plus a pure `check(context)` that returns reports. The engine does kind matching,
 * `mllint.io/ignore`, severities, positions and ordering; a rule never reads files, the network,
 * the clock or the environment.
 */
import type { ResourceIndex } from '../engine/context.js';
import type { PodTemplate } from '../engine/extract.js';
import type { LoadedObject, Path, Severity } from '../types.js';
import type { RunSettings } from '../engine/settings.js';
import type { RuleNeed } from '../engine/idle.js';

export type JsonSchema = Record<string, unknown>;

export interface RuleDocs {
  /** Why the rule exists: the production failure it prevents. */
  why: string;
  /** What exactly is checked. */
  checks: string;
  /** How to fix a finding. */
  fix: string;
  /** Reference data the rule checks against (a markdown table generated from a knowledge table). */
  reference?: string;
  /** Documentation examples; a meta-test asserts `incorrect` fires and `correct` does not. */
  examples?: { incorrect: string; correct: string; /** Run settings both examples are checked with (e.g. online facts). */ settings?: Partial<RunSettings> };
}

export interface RuleMeta<Options> {
  id: string;
  /** Default severity when the config does not set one. */
  severity: Severity;
  /**
   * Default severities, lower than `severity`, of some kinds of finding (by message id): e.g. `image-pinned`
   * reports a mutable tag as a warning and an unparsable digest as an error. They apply only while the config
   * leaves the rule's severity unset; a severity the user sets applies to every finding of the rule.
   */
  findingSeverity?: Record<string, { severity: Severity; /** What the finding is, for docs: "a mutable tag". */ finding: string }>;
  /** Enabled by `mllint:recommended` (and by default). */
  recommended: boolean;
  /** One line: what the rule prevents. */
  description: string;
  docs: RuleDocs;
  /** Short remediation attached to every finding as `fix`. */
  remediation: string;
  /**
   * Object kinds the engine hands to the rule; omitted: every object. `WORKLOAD_KINDS` (from engine/extract)
   * hands it every pod template of every workload kind, built-in or configured, one at a time.
   */
  kinds?: readonly string[];
  /**
   * The rule judges only what a template writes, never what it lacks, so it may also run on partial templates
   * (overlays a controller merges into its own pod spec: Seldon `Server.spec.podSpec`, KServe `LLMInferenceService`).
   */
  partialTemplates?: boolean;
  /**
   * Facts the rule's main check needs beyond the manifests (engine/idle.ts): when it ran on workloads but had
   * none of them, the stylish output ends by saying the rule was idle and why.
   */
  needs?: readonly RuleNeed[];
  /** JSON Schema of the options object (validated at config load). */
  optionsSchema: JsonSchema;
  defaultOptions: Options;
  /** Message templates by id, with `{{placeholder}}`s filled from a report's data. */
  messages: Record<string, string>;
}

export interface Report {
  messageId: string;
  data?: Record<string, string | number>;
  /** Path inside the checked object of the node the finding is about. */
  path: Path;
  /** Overrides the rule's remediation for this finding. */
  fix?: string;
  /**
   * Caps this finding's severity (e.g. `warning` for a doubtful case of an `error` rule): the finding
   * gets the lower of the configured severity and this one.
   */
  maxSeverity?: Severity;
  /** Point at the key of the path's last map entry rather than its value (e.g. an unknown field). */
  atKey?: boolean;
}

export interface RuleContext<Options> {
  /** The object being checked. */
  object: LoadedObject;
  /** Its pod template, when it is a workload. */
  template: PodTemplate | undefined;
  options: Options;
  index: ResourceIndex;
  settings: RunSettings;
}

export interface Rule<Options = Record<string, unknown>> {
  meta: RuleMeta<Options>;
  check(context: RuleContext<Options>): Report[];
}

/** Identity helper that keeps a rule's options type through the registry. */
export function defineRule<Options>(rule: Rule<Options>): Rule<Options> {
  return rule;
}

/** Fills `{{name}}` placeholders; an unfilled one is left visible so tests catch it. */
export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) =>
    Object.prototype.hasOwnProperty.call(data, key) ? String(data[key]) : whole,
  );
}
