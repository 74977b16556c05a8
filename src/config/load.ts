/**
 * Finding, parsing and validating the config file. Every problem comes back as a value with the
 * config file, line and column; the CLI turns them into exit code 2.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parsePositionedYaml, type PositionedYaml } from '../loaders/locate.js';
import { getRule, RULES } from '../rules/index.js';
import type { PathSegment, SeveritySetting } from '../types.js';
import { compileSchema, CONFIG_SCHEMA, describeAjvError } from './schema.js';
import { editDistance } from '../rules/utils/strings.js';
import type { NodePool } from '../engine/settings.js';

export const CONFIG_FILE_NAMES = ['.mllint.yaml', 'mllint.config.yaml', 'rules.config.yaml'];
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
  nodesFile?: string;
  nodePools: NodePool[];
  models: Record<string, { footprint?: string; loadSeconds?: number }>;
}

export type ConfigResult = { ok: true; config: ConfigFile } | { ok: false; problems: ConfigProblem[] };

export function emptyConfig(dir: string): ConfigFile {
  return { file: undefined, dir, rules: {}, ignore: [], stageByNamespace: {}, nodePools: [], models: {} };
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

export function loadConfig(options: { cwd: string; configPath?: string }): ConfigResult {
  const file = options.configPath ? path.resolve(options.cwd, options.configPath) : findConfigFile(options.cwd);
  if (!file) return { ok: true, config: emptyConfig(options.cwd) };
  const display = path.relative(options.cwd, file) || file;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, problems: [{ file: display, line: 0, column: 0, message: code === 'ENOENT' ? 'config file not found' : `cannot read config file (${code})` }] };
  }
  return parseConfigText(text, file, display);
}

export function parseConfigText(text: string, file: string, display: string): ConfigResult {
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
  const validate = compileSchema(CONFIG_SCHEMA);
  if (!validate(raw)) {
    for (const error of validate.errors ?? []) {
      if (error.instancePath.startsWith('/rules/')) continue; // rule entries get precise messages below
      const { path: p, message, atKey } = describeAjvError(error);
      problems.push(problemAt(p, message, atKey));
    }
  }
  const config = raw as Record<string, any>;
  problems.push(...validateRuleEntries(config.rules, ['rules'], yaml, display));
  if (problems.length > 0) return { ok: false, problems: dedupe(problems) };

  const dir = path.dirname(file);
  const resolvePath = (p: string | undefined) => (p ? path.resolve(dir, p) : undefined);
  return {
    ok: true,
    config: {
      file,
      dir,
      rules: normaliseRuleEntries(config.rules),
      ignore: config.ignore ?? [],
      registryFile: resolvePath(config.registry?.file),
      stageByNamespace: config.registry?.stageByNamespace ?? {},
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
    },
  };
}

/** Unknown rule ids, bad severities and options that break a rule's own schema, each at its position. */
export function validateRuleEntries(rules: unknown, at: PathSegment[], yaml: PositionedYaml, display: string, extraIds: ReadonlySet<string> = new Set()): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const problemAt = (p: PathSegment[], message: string, key = false): ConfigProblem => {
    const pos = yaml.positionOf(p, { key });
    return { file: display, line: pos.line, column: pos.column, message };
  };
  if (rules === undefined || rules === null) return problems;
  if (typeof rules !== 'object' || Array.isArray(rules)) return [problemAt(at, `${at.join('.')} must be a mapping of rule id to setting`)];
  for (const [id, setting] of Object.entries(rules as Record<string, unknown>)) {
    const rule = getRule(id);
    if (!rule && !extraIds.has(id)) {
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

function closestRuleId(id: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const rule of RULES) {
    const d = editDistance(id, rule.meta.id);
    if (d < bestDistance) {
      bestDistance = d;
      best = rule.meta.id;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(id.length / 4)) ? best : undefined;
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.line}:${p.column}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
