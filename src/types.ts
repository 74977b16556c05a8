/** Shared vocabulary of the pipeline: objects, paths, findings, rules. */

export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';

/** A path into a YAML document. Keys such as `nvidia.com/gpu` contain dots, so paths stay arrays. */
export type PathSegment = string | number;
export type Path = readonly PathSegment[];

export interface Position {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A Kubernetes object as plain data (what `kubectl apply` would send). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata?: {
    name?: string;
    generateName?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** Where an object came from: enough to locate any path inside it later, without keeping a YAML AST. */
export interface SourceRef {
  /** Index of the file in the run's file table. */
  fileIndex: number;
  /** Index of the YAML document in its file (0-based). */
  docIndex: number;
  /** Path of the object inside its document: [] for a plain document, ['items', 3] for a List item. */
  basePath: Path;
}

export interface LoadedObject {
  /** Stable id within a run (order of loading). */
  id: number;
  apiVersion: string;
  kind: string;
  name: string;
  /** `metadata.namespace` as written, or undefined. */
  namespace: string | undefined;
  object: K8sObject;
  source: SourceRef;
  /**
   * Set on objects that are not in the linted files but that a controller creates from one that is (the
   * Service KubeRay makes for a RayCluster's head): found by lookups, never checked by rules themselves.
   */
  createdBy?: LoadedObject;
}

export interface ResourceIdentity {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** A finding after the engine has placed it: the shape of DESIGN.md §3. */
export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  resource?: ResourceIdentity;
  /** Every object the location was found through, when several (a base shared by overlays); `resource` is the first. */
  resources?: ResourceIdentity[];
  path?: string;
  fix?: string;
  /** What rendered the object (e.g. `Application argocd/guestbook`), for objects rendered by the GitOps stage. */
  via?: string;
  /** Which of the rule's messages this is (for tests and SARIF; not printed by the json formatter). */
  messageId?: string;
  /** The path as segments (not printed by the json formatter). */
  pathSegments?: PathSegment[];
  /** The path with list items named by their key (`containers[name=scorer].env[name=MODEL_VERSION]`), for identities. */
  namedPath?: string;
  /** Stable identity made of names, not positions (engine/identity.ts); set by lintPaths/lintText. */
  fingerprint?: string;
}

export interface Summary {
  files: number;
  resources: number;
  errors: number;
  warnings: number;
  infos: number;
  suppressed: number;
  /** With `--baseline`: findings left out because the baseline records them. */
  baselined?: number;
}

export interface LintResult {
  findings: Finding[];
  summary: Summary;
  /** The display names of the linted sources (for reports that list clean files; not printed by json). */
  files?: string[];
  /** Rules that ran on workloads without the facts their main check needs (engine/idle.ts; stylish only). */
  idle?: Array<{ ruleId: string; need: string; reason: string }>;
}
