/**
 * Finding, parsing and validating the config file. Every problem comes back as a value with the
 * config file, line and column; the CLI turns them into exit code 2.
 */
import type { WorkloadKindDef } from '../knowledge/workload-kinds.js';
import { apiGroupOf } from '../engine/extract.js';
import fs from 'node:fs';
import path from 'node:path';
import { parsePositionedYaml, type PositionedYaml } from '../loaders/locate.js';
import { getRule, RULES } from '../rules/index.js';
import type { PathSegment, SeveritySetting } from '../types.js';
import { compileSchema, CONFIG_SCHEMA, describeAjvError } from './schema.js';
import { editDistance } from '../rules/utils/strings.js';
import type { NodePool } from '../engine/settings.js';
import { packageFile } from '../package-root.js';
import { parseKubernetesVersion } from '../knowledge/api-versions.js';
import { defaultSeverity } from './resolve.js';
import { compilePolicySchema, policyToRule, type PolicyRule, type PolicySpec } from './policies.js';
import { isInsideRepository, readBoundedFile, repositoryRoots, untrustedSettings } from './trust.js';

export { CONFIG_FILE_NAMES } from './names.js';
import { CONFIG_FILE_NAMES } from './names.js';
const SEVERITIES = ['off', 'info', 'warning', 'error'];

export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface RuleEntry {
  severity?: SeveritySetting;
  options?: Record<string, unknown>;
  /**
   * The severity is the rule's default, written by `mllint:recommended`, not chosen by the user: the rule's
   * per-finding defaults (`meta.findingSeverity`) still apply.
   */
  severityIsDefault?: boolean;
}

/** The config file as written, validated. Paths are already absolute. */
export interface ConfigFile {
  /** Absolute path of the config file; undefined when none was found. */
  file: string | undefined;
  dir: string;
  rules: Record<string, RuleEntry>;
  ignore: string[];
  registryFile?: string;
  stageByNamespace: Record<string, string>;
  /** Namespace glob → MLflow alias (`registry.aliasByNamespace` and `registry.mlflow.aliasByNamespace`). */
  aliasByNamespace?: Record<string, string>;
  /** `registry.mlflow`: the online source; `caFile` absolute; `file`/`line` say where the URL was written. */
  mlflow?: { url?: string; caFile?: string; tags?: { image?: string; footprint?: string; loadSeconds?: string }; file: string; line: number };
  /** `registries`: resolve image tags with the OCI distribution API; `file`/`line` say where `check` (else the section) was written. */
  registries?: { check?: boolean; caFile?: string; file?: string; line?: number };
  /** `timeouts.onlineSeconds`: one budget for all online lookups of a run. */
  onlineSeconds?: number;
  nodesFile?: string;
  nodePools: NodePool[];
  models: Record<string, { footprint?: string; loadSeconds?: number }>;
  /** `workloadKinds`: the user's CRDs that run pods, as rows of the workload-kind table. */
  workloadKinds?: WorkloadKindDef[];
  /** Custom policies, compiled into rules. */
  policies: PolicyRule[];
  /** Scoped settings, applied in order. */
  overrides: Override[];
  /** Rendering of kustomizations: `enabled: false` lints their raw files; `command` overrides the tool. */
  kustomize?: { enabled?: boolean; command?: string };
  /** `kubernetesVersion`: the release whose served apiVersions are assumed ("1.34"). */
  kubernetesVersion?: string;
  /** This repository's clone URL (Argo CD / Flux sources pointing here are rendered). */
  repositoryUrl?: string;
  /** Helm rendering: `enabled: false` skips charts; `command` an absolute path; `charts` by absolute chart directory. */
  helm?: { enabled?: boolean; command?: string; charts?: Record<string, { values: string[]; releaseName?: string; namespace?: string; configFile: string }> };
}

export interface Override {
  /** Globs relative to `base` (the directory of the config file that wrote them). */
  files?: string[];
  namespaces?: string[];
  base: string;
  rules: Record<string, RuleEntry>;
  policies: Record<string, RuleEntry>;
}

export type ConfigResult = { ok: true; config: ConfigFile } | { ok: false; problems: ConfigProblem[] };

export function emptyConfig(dir: string): ConfigFile {
  return { file: undefined, dir, rules: {}, ignore: [], stageByNamespace: {}, nodePools: [], models: {}, policies: [], overrides: [] };
}

/** `.mllint.yaml`, `mllint.config.yaml` or `rules.config.yaml` in `cwd`, then its parents up to the repository root. */
export function findConfigFile(cwd: string): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = path.join(dir, name);
      if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
    }
    if (fs.existsSync(path.join(dir, '.git'))) return undefined;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The config named with `--config`, else the one found from `cwd` upwards. `roots` is the repository
 * (config/trust.ts; default: from `cwd` and the process environment): settings that choose what runs
 * are refused in config files inside it.
 */
export function loadConfig(options: { cwd: string; configPath?: string; roots?: string[] }): ConfigResult {
  const file = options.configPath ? path.resolve(options.cwd, options.configPath) : findConfigFile(options.cwd);
  if (!file) return { ok: true, config: emptyConfig(options.cwd) };
  // A config named on the command line may be anywhere; one found by the search is read like any other.
  return loadConfigFile(file, options.cwd, [], { roots: options.roots ?? repositoryRoots(options.cwd), packs: new Map() }, options.configPath !== undefined);
}

/** Largest config file or policy pack read (bytes), and most distinct packs one run loads. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
export const MAX_PACKS = 256;

/** What one config load shares: the repository, and each pack's result (a pack is loaded once, however often it is extended). */
interface LoadContext {
  roots: string[];
  packs: Map<string, ConfigResult>;
}

/** Built-in packs, shipped in the package's `packs/` folder. */
export const BUILTIN_PACKS: Record<string, string> = {
  'mllint:recommended': '(generated from rule metadata)',
  'mllint:strict': 'strict.yaml',
};

/** `mllint:recommended`: every rule at the severity its metadata recommends (generated, never written twice). */
export function recommendedConfig(dir: string): ConfigFile {
  const rules: Record<string, RuleEntry> = {};
  for (const rule of RULES) rules[rule.meta.id] = { severity: defaultSeverity(rule), severityIsDefault: true };
  return { ...emptyConfig(dir), file: undefined, rules };
}
const PACKS_DIR = packageFile('packs') + path.sep;

function displayOf(cwd: string, file: string): string {
  if (file.startsWith(PACKS_DIR)) return `mllint:${path.basename(file, '.yaml')}`;
  return path.relative(cwd, file) || file;
}

/** Loads a config file and, first, the packs it extends (merged in order, this file last). */
function loadConfigFile(file: string, cwd: string, chain: string[], context: LoadContext, named: boolean): ConfigResult {
  const display = displayOf(cwd, file);
  const read = readBoundedFile(file, { what: 'config file', maxBytes: MAX_CONFIG_BYTES, roots: context.roots, named });
  if (!read.ok) return { ok: false, problems: [{ file: display, line: 0, column: 0, message: read.message }] };
  return parseConfigText(read.bytes.toString('utf8'), file, display, { cwd, chain, roots: context.roots, packs: context.packs });
}

export function parseConfigText(text: string, file: string, display: string, context: { cwd?: string; chain?: string[]; roots?: string[]; packs?: Map<string, ConfigResult> } = {}): ConfigResult {
  const cwd = context.cwd ?? path.dirname(file);
  const roots = context.roots ?? repositoryRoots(cwd);
  const packs = context.packs ?? new Map<string, ConfigResult>();
  // A config outside the repository (named by the user) may extend packs and name files anywhere.
  const trusted = !isInsideRepository(file, roots);
  const chain = [...(context.chain ?? []), file];
  const yaml = parsePositionedYaml(text);
  const problemAt = (p: PathSegment[], message: string, key = false): ConfigProblem => {
    const pos = yaml.positionOf(p, { key });
    return { file: display, line: pos.line, column: pos.column, message };
  };
  if (yaml.errors.length > 0) {
    return { ok: false, problems: yaml.errors.map((e) => ({ file: display, line: e.line, column: e.column, message: `invalid YAML: ${e.message}` })) };
  }
  const raw = yaml.value ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, problems: [problemAt([], 'the config must be a YAML mapping')] };
  }
  const problems: ConfigProblem[] = [];
  unquotedOffAsSeverity(raw as Record<string, unknown>);
  const version = (raw as Record<string, unknown>).kubernetesVersion;
  if (typeof version === 'number') {
    // YAML reads `1.30` as the number 1.3: say so rather than "must be string".
    return { ok: false, problems: [problemAt(['kubernetesVersion'], `kubernetesVersion must be a quoted string such as "1.34" (YAML reads ${version} as a number)`)] };
  }
  const validate = compileSchema(CONFIG_SCHEMA);
  if (!validate(raw)) {
    for (const error of validate.errors ?? []) {
      // Rule entries and pack names get precise messages (did you mean, unknown option) below.
      if (/^\/rules\/|^\/overrides\/\d+\/(rules|policies)\//.test(error.instancePath)) continue;
      if (/^\/(rules|overrides\/\d+\/rules)$/.test(error.instancePath) && error.keyword === 'additionalProperties') continue;
      const pack = /^\/extends\/(\d+)$/.exec(error.instancePath);
      if (pack && typeof ((raw as { extends?: unknown[] }).extends ?? [])[Number(pack[1])] === 'string') continue;
      const { path: p, message, atKey } = describeAjvError(error);
      problems.push(problemAt(p, message, atKey));
    }
  }
  for (const refused of untrustedSettings(raw as Record<string, unknown>, file, roots)) problems.push(problemAt(refused.path, refused.message, true));
  if (problems.length > 0) return { ok: false, problems: dedupe(problems) };
  const config = raw as Record<string, any>;
  const dir = path.dirname(file);

  // 1. The packs this file extends, in order.
  let merged = emptyConfig(dir);
  for (const [i, entry] of ((config.extends ?? []) as string[]).entries()) {
    let target: string;
    if (entry === 'mllint:recommended') {
      merged = mergeConfigs(merged, recommendedConfig(dir));
      continue;
    }
    if (entry.startsWith('mllint:')) {
      if (!BUILTIN_PACKS[entry]) {
        problems.push(problemAt(['extends', i], `unknown built-in pack "${entry}"; use one of ${Object.keys(BUILTIN_PACKS).join(', ')}`));
        continue;
      }
      target = path.join(PACKS_DIR, BUILTIN_PACKS[entry]);
    } else {
      target = path.resolve(dir, entry);
    }
    if (chain.includes(target)) {
      const cycle = [...chain.slice(chain.indexOf(target)), target].map((f) => displayOf(cwd, f)).join(' → ');
      problems.push(problemAt(['extends', i], `extends cycle: ${cycle}`));
      continue;
    }
    if (!fs.existsSync(target)) {
      problems.push(problemAt(['extends', i], `policy pack not found: ${entry}`));
      continue;
    }
    if (!trusted && !target.startsWith(PACKS_DIR) && !isInsideRepository(target, roots)) {
      problems.push(problemAt(['extends', i], `policy pack ${entry} is outside the linted repository; a config inside it may extend only packs inside it or built-in ones`));
      continue;
    }
    let pack = packs.get(target);
    if (!pack) {
      if (packs.size >= MAX_PACKS) {
        problems.push(problemAt(['extends', i], `more than ${MAX_PACKS} policy packs; mllint stops loading packs there`));
        continue;
      }
      pack = loadConfigFile(target, cwd, chain, { roots, packs }, trusted || target.startsWith(PACKS_DIR));
      packs.set(target, pack);
    }
    if (!pack.ok) {
      problems.push(...pack.problems);
      continue;
    }
    merged = mergeConfigs(merged, pack.config);
  }
  if (problems.length > 0) return { ok: false, problems: dedupe(problems) };

  // 2. This file's own policies, compiled once. An entry with no schema (only id and severity) sets the
  // severity of a policy an extended pack defines.
  const policies: PolicyRule[] = [];
  const policySeverities: Record<string, RuleEntry> = {};
  for (const [i, spec] of ((config.policies ?? []) as Array<Record<string, any>>).entries()) {
    if (spec.schema === undefined) {
      if (!merged.policies.some((p) => p.meta.id === spec.id)) {
        const own = ((config.policies ?? []) as Array<Record<string, any>>).some((p) => p.id === spec.id && p.schema !== undefined);
        problems.push(problemAt(['policies', i, 'id'], own
          ? `policy "${spec.id}" is defined in this file; set its severity in that definition`
          : `no extended pack defines a policy "${spec.id}"; a new policy needs description, match and schema`));
      } else policySeverities[spec.id] = { severity: spec.severity };
      continue;
    }
    if (getRule(spec.id)) {
      problems.push(problemAt(['policies', i, 'id'], `policy id "${spec.id}" clashes with a built-in rule`));
      continue;
    }
    if (policies.some((p) => p.meta.id === spec.id)) {
      problems.push(problemAt(['policies', i, 'id'], `policy id "${spec.id}" is defined twice in this file`));
      continue;
    }
    const compiled = compilePolicySchema(spec.schema);
    if (!compiled.ok) {
      problems.push(problemAt(['policies', i, 'schema', ...compiled.path], `policy "${spec.id}": invalid JSON Schema: ${compiled.message}`));
      continue;
    }
    policies.push(policyToRule({ ...(spec as PolicySpec), source: display }, compiled.validate));
  }

  const resolvePath = (p: string | undefined) => (p ? path.resolve(dir, p) : undefined);
  // A config inside the repository names files inside it only (a symlink counts where it points).
  for (const [key, value] of [[['registry', 'file'], config.registry?.file], [['cluster', 'nodesFile'], config.cluster?.nodesFile]] as const) {
    if (!trusted && typeof value === 'string' && !isInsideRepository(path.resolve(dir, value), roots)) {
      problems.push(problemAt([...key], `${key.join('.')} is outside the linted repository; a config inside it may name only files inside it (use --${key[0] === 'registry' ? 'registry' : 'nodes'} for another file)`));
    }
  }
  if (problems.length > 0) return { ok: false, problems: dedupe(problems) };
  const own: ConfigFile = {
    file,
    dir,
    rules: { ...normaliseRuleEntries(config.rules), ...policySeverities },
    ignore: config.ignore ?? [],
    registryFile: resolvePath(config.registry?.file),
    stageByNamespace: { ...(config.registry?.stageByNamespace ?? {}), ...(config.registry?.mlflow?.stageByNamespace ?? {}) },
    aliasByNamespace: config.registry?.aliasByNamespace || config.registry?.mlflow?.aliasByNamespace
      ? { ...(config.registry?.aliasByNamespace ?? {}), ...(config.registry?.mlflow?.aliasByNamespace ?? {}) }
      : undefined,
    mlflow: config.registry?.mlflow
      ? {
          url: config.registry.mlflow.url,
          caFile: resolvePath(config.registry.mlflow.caFile),
          tags: config.registry.mlflow.tags,
          file: display,
          line: yaml.positionOf(['registry', 'mlflow', config.registry.mlflow.url ? 'url' : undefined].filter((s): s is string => s !== undefined)).line,
        }
      : undefined,
    registries: config.registries
      ? {
          check: config.registries.check,
          caFile: resolvePath(config.registries.caFile),
          file: display,
          line: yaml.positionOf(['registries', config.registries.check !== undefined ? 'check' : undefined].filter((s): s is string => s !== undefined)).line,
        }
      : undefined,
    onlineSeconds: config.timeouts?.onlineSeconds,
    nodesFile: resolvePath(config.cluster?.nodesFile),
    nodePools: (config.cluster?.nodePools ?? []).map((pool: any) => ({
      name: pool.name,
      labels: pool.labels ?? {},
      taints: pool.taints ?? [],
      allocatable: Object.fromEntries(Object.entries(pool.allocatable ?? {}).map(([k, v]) => [k, String(v)])),
      source: display,
    })),
    models: Object.fromEntries(
      Object.entries(config.models ?? {}).map(([name, m]: [string, any]) => [
        name,
        { footprint: m.footprint === undefined ? undefined : String(m.footprint), loadSeconds: m.loadSeconds },
      ]),
    ),
    workloadKinds: (config.workloadKinds ?? []).map((k: any) => workloadKindFromConfig(k, display)),
    policies,
    kustomize: config.kustomize === undefined ? undefined : { enabled: config.kustomize.enabled, command: config.kustomize.command },
    kubernetesVersion: config.kubernetesVersion === undefined ? undefined : normaliseKubernetesVersion(String(config.kubernetesVersion)),
    repositoryUrl: config.repository?.url,
    helm:
      config.helm === undefined
        ? undefined
        : {
            enabled: config.helm.enabled,
            command: config.helm.command,
            charts: config.helm.charts === undefined ? undefined : Object.fromEntries(
              Object.entries(config.helm.charts as Record<string, any>).map(([chart, c]) => {
                const chartDir = path.resolve(dir, chart);
                return [chartDir, { values: ((c.values ?? []) as string[]).map((v) => path.resolve(chartDir, v)), releaseName: c.releaseName, namespace: c.namespace, configFile: file }];
              }),
            ),
          },
    overrides: ((config.overrides ?? []) as Array<Record<string, any>>).map((o) => ({
      files: o.files,
      namespaces: o.namespaces,
      base: dir,
      rules: normaliseRuleEntries(o.rules),
      policies: normaliseRuleEntries(o.policies),
    })),
  };
  merged = mergeConfigs(merged, own);

  // 3. Rule and policy entries, against the built-in rules and every policy now known.
  const policyIds = new Set(merged.policies.map((p) => p.meta.id));
  problems.push(...validateRuleEntries(config.rules, ['rules'], yaml, display, policyIds));
  for (const [i, o] of ((config.overrides ?? []) as Array<Record<string, any>>).entries()) {
    if (!o.files && !o.namespaces) problems.push(problemAt(['overrides', i], 'an override needs files or namespaces (or both)'));
    problems.push(...validateRuleEntries(o.rules, ['overrides', i, 'rules'], yaml, display, policyIds));
    problems.push(...validatePolicyEntries(o.policies, ['overrides', i, 'policies'], yaml, display, policyIds));
  }
  if (problems.length > 0) return { ok: false, problems: dedupe(problems) };
  return { ok: true, config: merged };
}

/**
 * Config files are read like manifests (YAML 1.1), where an unquoted `off` is the boolean false.
 * Where a severity is expected, false means "off": what the user wrote, not a type error.
 */
function unquotedOffAsSeverity(config: Record<string, unknown>): void {
  const fixEntries = (entries: unknown) => {
    if (typeof entries !== 'object' || entries === null) return;
    const map = entries as Record<string, unknown>;
    for (const [id, setting] of Object.entries(map)) {
      if (setting === false) map[id] = 'off';
      else if (typeof setting === 'object' && setting !== null && (setting as { severity?: unknown }).severity === false) {
        (setting as { severity: string }).severity = 'off';
      }
    }
  };
  fixEntries(config.rules);
  if (Array.isArray(config.overrides)) {
    for (const o of config.overrides) if (typeof o === 'object' && o !== null) { fixEntries((o as Record<string, unknown>).rules); fixEntries((o as Record<string, unknown>).policies); }
  }
  if (Array.isArray(config.policies)) {
    for (const p of config.policies) if (typeof p === 'object' && p !== null && (p as { severity?: unknown }).severity === false) (p as { severity: string }).severity = 'off';
  }
}

/** Layers merge in order: later rule settings win (severity and options separately), lists add up. */
export function mergeConfigs(base: ConfigFile, layer: ConfigFile): ConfigFile {
  const rules: Record<string, RuleEntry> = { ...base.rules };
  for (const [id, entry] of Object.entries(layer.rules)) {
    const severityIsDefault = entry.severity !== undefined ? entry.severityIsDefault : base.rules[id]?.severityIsDefault;
    rules[id] = { severity: entry.severity ?? base.rules[id]?.severity, options: entry.options ?? base.rules[id]?.options, ...(severityIsDefault ? { severityIsDefault } : {}) };
  }
  const layerIds = new Set(layer.policies.map((p) => p.meta.id));
  return {
    file: layer.file ?? base.file,
    dir: layer.dir,
    rules,
    // Lists add up without repeats: a pack extended along several paths counts once.
    ignore: [...new Set([...base.ignore, ...layer.ignore])],
    registryFile: layer.registryFile ?? base.registryFile,
    stageByNamespace: { ...base.stageByNamespace, ...layer.stageByNamespace },
    aliasByNamespace: base.aliasByNamespace || layer.aliasByNamespace ? { ...base.aliasByNamespace, ...layer.aliasByNamespace } : undefined,
    mlflow: layer.mlflow || base.mlflow ? { ...base.mlflow, ...layer.mlflow } as ConfigFile['mlflow'] : undefined,
    registries: layer.registries || base.registries ? { ...base.registries, ...layer.registries } : undefined,
    onlineSeconds: layer.onlineSeconds ?? base.onlineSeconds,
    nodesFile: layer.nodesFile ?? base.nodesFile,
    nodePools: layer.nodePools.length > 0 ? layer.nodePools : base.nodePools,
    models: { ...base.models, ...layer.models },
    workloadKinds: [...(layer.workloadKinds ?? []), ...(base.workloadKinds ?? [])],
    policies: [...base.policies.filter((p) => !layerIds.has(p.meta.id)), ...layer.policies],
    overrides: [...new Set([...base.overrides, ...layer.overrides])],
    kustomize: base.kustomize || layer.kustomize ? { ...base.kustomize, ...layer.kustomize } : undefined,
    kubernetesVersion: layer.kubernetesVersion ?? base.kubernetesVersion,
    repositoryUrl: layer.repositoryUrl ?? base.repositoryUrl,
    helm: base.helm || layer.helm ? { ...base.helm, ...layer.helm, charts: base.helm?.charts || layer.helm?.charts ? { ...base.helm?.charts, ...layer.helm?.charts } : undefined } : undefined,
  };
}

function validatePolicyEntries(entries: unknown, at: PathSegment[], yaml: PositionedYaml, display: string, policyIds: ReadonlySet<string>): ConfigProblem[] {
  if (entries === undefined || entries === null || typeof entries !== 'object') return [];
  const problems: ConfigProblem[] = [];
  for (const [id, setting] of Object.entries(entries as Record<string, unknown>)) {
    const pos = yaml.positionOf([...at, id], { key: true });
    if (!policyIds.has(id)) {
      problems.push({ file: display, line: pos.line, column: pos.column, message: `unknown policy "${id}"` });
      continue;
    }
    const severity = typeof setting === 'string' ? setting : (setting as { severity?: unknown } | null)?.severity;
    if (severity !== undefined && !SEVERITIES.includes(String(severity))) {
      problems.push({ file: display, line: pos.line, column: pos.column, message: `policy "${id}": bad severity "${String(severity)}"; use one of ${SEVERITIES.join(', ')}` });
    }
  }
  return problems;
}

/** Unknown rule ids, bad severities and options that break a rule's own schema, each at its position. */
export function validateRuleEntries(rules: unknown, at: PathSegment[], yaml: PositionedYaml, display: string, policyIds: ReadonlySet<string> = new Set()): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const problemAt = (p: PathSegment[], message: string, key = false): ConfigProblem => {
    const pos = yaml.positionOf(p, { key });
    return { file: display, line: pos.line, column: pos.column, message };
  };
  if (rules === undefined || rules === null) return problems;
  if (typeof rules !== 'object' || Array.isArray(rules)) return [problemAt(at, `${at.join('.')} must be a mapping of rule id to setting`)];
  for (const [id, setting] of Object.entries(rules as Record<string, unknown>)) {
    const rule = getRule(id);
    if (!rule && policyIds.has(id)) {
      problems.push(problemAt([...at, id], `"${id}" is a custom policy, not a rule: set its severity under policies (- { id: ${id}, severity: warning }) or in an override's policies`, true));
      continue;
    }
    if (!rule) {
      const hint = closestRuleId(id);
      problems.push(problemAt([...at, id], `unknown rule "${id}"${hint ? ` (did you mean "${hint}"?)` : ''}`, true));
      continue;
    }
    const entry = normaliseRuleEntry(setting);
    if (!entry) {
      problems.push(problemAt([...at, id], `rule "${id}": expected a severity (${SEVERITIES.join(', ')}) or { severity, options }`));
      continue;
    }
    if (entry.severity !== undefined && !SEVERITIES.includes(entry.severity)) {
      const p = typeof setting === 'object' ? [...at, id, 'severity'] : [...at, id];
      problems.push(problemAt(p, `rule "${id}": bad severity "${String(entry.severity)}"; use one of ${SEVERITIES.join(', ')}`));
    }
    if (typeof setting === 'object' && setting !== null) {
      const extra = Object.keys(setting).filter((k) => k !== 'severity' && k !== 'options');
      for (const key of extra) problems.push(problemAt([...at, id, key], `rule "${id}": unknown key "${key}"; use severity and options`, true));
    }
    if (entry.options !== undefined && rule) {
      if (typeof entry.options !== 'object' || entry.options === null || Array.isArray(entry.options)) {
        problems.push(problemAt([...at, id, 'options'], `rule "${id}": options must be a mapping`));
        continue;
      }
      const validate = compileSchema(rule.meta.optionsSchema);
      if (!validate(entry.options)) {
        for (const error of validate.errors ?? []) {
          const { path: p, message, atKey } = describeAjvError(error, 'options');
          problems.push(problemAt([...at, id, 'options', ...p], `rule "${id}": ${atKey && p.length === 1 ? `unknown option "${String(p[0])}"` : `option ${message}`}`, atKey));
        }
      }
    }
  }
  return problems;
}

function normaliseRuleEntry(setting: unknown): RuleEntry | undefined {
  if (typeof setting === 'string') return { severity: setting as SeveritySetting };
  if (typeof setting === 'object' && setting !== null && !Array.isArray(setting)) {
    const s = setting as { severity?: unknown; options?: unknown };
    return { severity: s.severity as SeveritySetting | undefined, options: s.options as Record<string, unknown> | undefined };
  }
  return undefined;
}

export function normaliseRuleEntries(rules: unknown): Record<string, RuleEntry> {
  const out: Record<string, RuleEntry> = {};
  for (const [id, setting] of Object.entries((rules as Record<string, unknown>) ?? {})) {
    const entry = normaliseRuleEntry(setting);
    if (entry) out[id] = entry;
  }
  return out;
}

/** The rule id (of `ids`, default the built-in registry) closest to a mistyped `id`, when it is close enough. */
export function closestRuleId(id: string, ids: readonly string[] = RULES.map((r) => r.meta.id)): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of ids) {
    const d = editDistance(id, candidate);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(id.length / 4)) ? best : undefined;
}

/** Drops repeated problems (ajv can report one mistake through several keywords). */
export function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.line}:${p.column}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** "v1.33.2" → "1.33": the minor release, as the deprecation table counts them. */
export function normaliseKubernetesVersion(value: string): string {
  const parsed = parseKubernetesVersion(value);
  return parsed ? `${parsed[0]}.${parsed[1]}` : value;
}

/**
 * A config `workloadKinds` entry (already schema-valid) as a row of the workload-kind table
 * (src/knowledge/workload-kinds.ts): every template gets the replica field, the controller labels and
 * the Services the user named.
 */
export function workloadKindFromConfig(
  entry: { apiVersion: string; kind: string; podTemplates: string[]; replicas?: string; serving?: boolean; labels?: Record<string, string>; services?: string[]; scalable?: boolean },
  display: string,
): WorkloadKindDef {
  return {
    group: apiGroupOf(entry.apiVersion),
    kind: entry.kind,
    versions: [entry.apiVersion],
    source: `config ${display}`,
    serving: entry.serving ?? true,
    templates: entry.podTemplates.map((p) => ({ path: p, ...(entry.replicas ? { replicas: { path: entry.replicas, default: 1 } } : {}) })),
    labels: entry.labels,
    services: entry.services?.map((name) => ({ name })),
    autoscalers: entry.scalable ? ['hpa', 'keda'] : undefined,
    pdb: entry.serving ?? true,
  };
}
