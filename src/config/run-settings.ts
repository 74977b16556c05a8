/**
 * Run settings from the config and the files it names (model registry, Node objects).
 * Problems come back as values with file and line; the CLI exits 2 on them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readPackageJson } from '../package-root.js';
import type { ErrorObject } from 'ajv';
import type { ModelRegistry, NodePool, RegistryModel, RegistryVersion, RunSettings, Taint } from '../engine/settings.js';
import { parsePositionedYaml, prepareLocate, locatePath } from '../loaders/locate.js';
import { isPlainObject, loadText } from '../loaders/objects.js';
import { readSourceText } from '../loaders/source.js';
import { stringMap } from '../engine/selector.js';
import type { PathSegment } from '../types.js';
import { dedupe, normaliseKubernetesVersion, type ConfigFile, type ConfigProblem } from './load.js';
import { DEFAULT_KUBERNETES_VERSION } from '../knowledge/api-versions.js';
import { compileSchema, describeAjvError, pointerToPath } from './schema.js';

export const REGISTRY_SCHEMA = readPackageJson('schemas', 'registry.schema.json');

export interface RunSettingsOptions {
  cwd: string;
  /** `--registry FILE`: overrides `registry.file`. */
  registryPath?: string;
  /** `--nodes FILE`: overrides `cluster.nodesFile`. */
  nodesPath?: string;
  /** `--kubernetes-version`: overrides `kubernetesVersion` (already checked by the CLI). */
  kubernetesVersion?: string;
}

export type RunSettingsResult = { ok: true; settings: RunSettings } | { ok: false; problems: ConfigProblem[] };

export function loadRunSettings(config: ConfigFile, options: RunSettingsOptions): RunSettingsResult {
  const problems: ConfigProblem[] = [];
  const registryFile = options.registryPath ? path.resolve(options.cwd, options.registryPath) : config.registryFile;
  let registry: ModelRegistry | undefined;
  if (registryFile) {
    const loaded = loadRegistryFile(registryFile, displayPath(options.cwd, registryFile));
    if (loaded.ok) registry = loaded.registry;
    else problems.push(...loaded.problems);
  }
  const nodesFile = options.nodesPath ? path.resolve(options.cwd, options.nodesPath) : config.nodesFile;
  const nodePools: NodePool[] = [...config.nodePools];
  if (nodesFile) {
    const loaded = loadNodesFile(nodesFile, displayPath(options.cwd, nodesFile));
    if (loaded.ok) nodePools.push(...loaded.pools);
    else problems.push(...loaded.problems);
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    settings: {
      registry,
      stageByNamespace: config.stageByNamespace,
      aliasByNamespace: config.aliasByNamespace,
      nodePools,
      models: config.models,
      workloadKinds: config.workloadKinds,
      kubernetesVersion: normaliseKubernetesVersion(options.kubernetesVersion ?? config.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION),
    },
  };
}

/** Relative to the working directory when inside it, else absolute; `/`-separated. */
function displayPath(cwd: string, file: string): string {
  const relative = path.relative(cwd, file);
  const shown = relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
  return shown.split(path.sep).join('/');
}

function readFile(file: string, display: string, what: string): { ok: true; text: string } | { ok: false; problems: ConfigProblem[] } {
  const whole = (message: string) => ({ ok: false as const, problems: [{ file: display, line: 0, column: 0, message }] });
  try {
    if (!fs.statSync(file).isFile()) return whole(`${what} is not a file`);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return whole(code === 'ENOENT' || code === 'ENOTDIR' ? `${what} not found` : `cannot read ${what} (${code ?? String(err)})`);
  }
  const decoded = readSourceText({ display, absPath: file });
  if (decoded.ok) return { ok: true, text: decoded.text };
  return { ok: false, problems: [{ file: display, line: decoded.line, column: 1, message: `${what}: ${decoded.message}` }] };
}

// ---------------------------------------------------------------------------------------------------
// Model registry file (DESIGN.md §5)

export type RegistryResult = { ok: true; registry: ModelRegistry } | { ok: false; problems: ConfigProblem[] };

export function loadRegistryFile(file: string, display: string): RegistryResult {
  const read = readFile(file, display, 'model registry file');
  if (!read.ok) return read;
  return parseRegistryText(read.text, display);
}

/** Parses and validates a registry snapshot; every problem has the file, line and column. */
export function parseRegistryText(text: string, display: string): RegistryResult {
  const yaml = parsePositionedYaml(text);
  const problemAt = (p: PathSegment[], message: string): ConfigProblem => {
    const pos = yaml.positionOf(p);
    return { file: display, line: pos.line, column: pos.column, message: `invalid model registry: ${message}` };
  };
  if (yaml.errors.length > 0) {
    return { ok: false, problems: yaml.errors.map((e) => ({ file: display, line: e.line, column: e.column, message: `invalid model registry: invalid YAML: ${e.message}` })) };
  }
  if (yaml.value === undefined || yaml.value === null) {
    return { ok: false, problems: [{ file: display, line: 1, column: 1, message: 'invalid model registry: the file is empty; expected a mapping with "models"' }] };
  }
  const validate = compileSchema(REGISTRY_SCHEMA);
  if (!validate(yaml.value)) {
    const problems = readableAjvErrors(validate.errors ?? []).map(({ path: p, message }) => problemAt(p, message));
    return { ok: false, problems: dedupe(problems) };
  }
  const raw = yaml.value as {
    models: Record<string, { stages?: Record<string, string | number>; aliases?: Record<string, string | number>; versions?: Record<string, Record<string, unknown>> }>;
  };
  const models: Record<string, RegistryModel> = {};
  for (const [name, model] of Object.entries(raw.models)) {
    const stages: Record<string, string> = {};
    for (const [stage, version] of Object.entries(model?.stages ?? {})) stages[stage] = String(version);
    const aliases: Record<string, string> = {};
    for (const [alias, version] of Object.entries(model?.aliases ?? {})) aliases[alias] = String(version);
    const versions: Record<string, RegistryVersion> = {};
    for (const [version, entry] of Object.entries(model?.versions ?? {})) {
      versions[version] = {
        footprint: entry.footprint === undefined ? undefined : String(entry.footprint),
        loadSeconds: typeof entry.loadSeconds === 'number' ? entry.loadSeconds : undefined,
        image: typeof entry.image === 'string' ? entry.image : undefined,
        ...(typeof entry.source === 'string' ? { source: entry.source } : {}),
        ...(typeof entry.runId === 'string' ? { runId: entry.runId } : {}),
      };
    }
    models[name] = { stages, aliases, versions };
  }
  return { ok: true, registry: { file: display, models } };
}

/**
 * ajv errors in plain words. A failed `anyOf` (a quantity, a version) reports its branches' errors too;
 * those are folded into one message about the value.
 */
function readableAjvErrors(errors: ErrorObject[]): Array<{ path: PathSegment[]; message: string }> {
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const out: Array<{ path: PathSegment[]; message: string }> = [];
  for (const error of errors) {
    if (error.keyword !== 'anyOf' && anyOfPaths.has(error.instancePath)) continue;
    if (error.keyword === 'anyOf') {
      const p = pointerToPath(error.instancePath);
      const where = p.join('.');
      const what = error.schemaPath.includes('quantity')
        ? 'a Kubernetes quantity such as 1536Mi or 2Gi'
        : error.schemaPath.includes('version')
          ? 'a version such as "3"'
          : 'a valid value';
      out.push({ path: p, message: `${where} must be ${what}` });
      continue;
    }
    if (error.keyword === 'minLength') {
      const p = pointerToPath(error.instancePath);
      out.push({ path: p, message: `${p.join('.')} must not be empty` });
      continue;
    }
    out.push(describeAjvError(error));
  }
  return out;
}


// ---------------------------------------------------------------------------------------------------
// Node objects (`kubectl get nodes -o yaml`): each Node becomes a node pool.

export type NodesResult = { ok: true; pools: NodePool[] } | { ok: false; problems: ConfigProblem[] };

const TAINT_EFFECTS = new Set(['NoSchedule', 'PreferNoSchedule', 'NoExecute']);

export function loadNodesFile(file: string, display: string): NodesResult {
  const read = readFile(file, display, 'nodes file');
  if (!read.ok) return read;
  return parseNodesText(read.text, display);
}

/**
 * Node objects → node pools (name, labels, taints from `spec.taints`, allocatable from
 * `status.allocatable`). Lists (`kind: List`, `NodeList`) and multi-document files are accepted;
 * other kinds are ignored. A file that does not parse or holds no Node is a problem with its position.
 */
export function parseNodesText(text: string, display: string): NodesResult {
  const loaded = loadText(text);
  if (loaded.problems.length > 0) {
    return {
      ok: false,
      problems: loaded.problems.map((p) => ({ file: display, line: p.line, column: p.column, message: `invalid nodes file: ${p.message}` })),
    };
  }
  const nodes = loaded.objects.filter((o) => o.object.kind === 'Node');
  if (nodes.length === 0) {
    return { ok: false, problems: [{ file: display, line: 1, column: 1, message: 'invalid nodes file: no Node objects found (expected e.g. the output of kubectl get nodes -o yaml)' }] };
  }
  const problems: ConfigProblem[] = [];
  let located: ReturnType<typeof prepareLocate> | undefined;
  const problemAt = (docIndex: number, p: PathSegment[], message: string): ConfigProblem => {
    located ??= prepareLocate(text);
    const pos = locatePath(located, docIndex, p);
    return { file: display, line: pos.line, column: pos.column, message: `invalid nodes file: ${message}` };
  };
  const pools: NodePool[] = [];
  for (const { object, docIndex, basePath } of nodes) {
    const at = (...p: PathSegment[]) => [...basePath, ...p];
    const name = object.metadata?.name;
    if (typeof name !== 'string' || name === '') {
      problems.push(problemAt(docIndex, at('metadata'), 'a Node has no metadata.name'));
      continue;
    }
    const rawTaints = (isPlainObject(object.spec) ? object.spec.taints : undefined) ?? [];
    const taints: Taint[] = [];
    if (!Array.isArray(rawTaints)) {
      problems.push(problemAt(docIndex, at('spec', 'taints'), `Node "${name}": spec.taints must be a list`));
      continue;
    }
    rawTaints.forEach((t, i) => {
      if (!isPlainObject(t) || typeof t.key !== 'string' || t.key === '' || typeof t.effect !== 'string' || !TAINT_EFFECTS.has(t.effect)) {
        problems.push(problemAt(docIndex, at('spec', 'taints', i), `Node "${name}": a taint needs a key and an effect (NoSchedule, PreferNoSchedule or NoExecute)`));
        return;
      }
      taints.push({ key: t.key, effect: t.effect, ...(t.value === undefined || t.value === null ? {} : { value: String(t.value) }) });
    });
    const allocatable = isPlainObject(object.status) ? object.status.allocatable : undefined;
    if (allocatable !== undefined && !isPlainObject(allocatable)) {
      problems.push(problemAt(docIndex, at('status', 'allocatable'), `Node "${name}": status.allocatable must be a mapping`));
      continue;
    }
    pools.push({ name, labels: stringMap(object.metadata?.labels), taints, allocatable: stringMap(allocatable), source: display });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, pools };
}
