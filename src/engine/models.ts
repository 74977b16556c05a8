/**
 * Model metadata (DESIGN.md §5), read in one place: which model a workload serves, the version it
 * declares, its footprint and load time, each with where it was found so findings can point there.
 */
import type { LoadedObject, Path } from '../types.js';
import type { ContainerRef, PodTemplate } from './extract.js';
import { isModelApiEnv } from '../knowledge/model-clients.js';
import { isPlainObject } from '../loaders/objects.js';
import { namespaceOf } from './context.js';
import type { RegistryModel, RegistryVersion, RunSettings } from './settings.js';
import { globMatch } from '../config/safe-match.js';

export const MODEL_ANNOTATION = 'mllint.io/model';
export const MODEL_VERSION_ANNOTATION = 'mllint.io/model-version';
export const MODEL_FOOTPRINT_ANNOTATION = 'mllint.io/model-footprint';
export const MODEL_LOAD_SECONDS_ANNOTATION = 'mllint.io/model-load-seconds';

export interface Located<T> {
  value: T;
  /** Path in the object where the value is written; undefined when it came from the registry or config. */
  path?: Path;
  source: 'annotation' | 'env' | 'uri' | 'registry' | 'config';
}

/** `models:/M/3` (version), `models:/M@champion` (alias), `models:/M/Production` (stage). */
export interface ModelUri {
  model: string;
  reference: { kind: 'version' | 'alias' | 'stage'; value: string };
  path: Path;
  /** Where it is written: the env variable's name, or `storageUri`. */
  field: string;
}

/** What a namespace deploys: the version an MLflow alias points at, or the latest version of a stage. */
export interface DeploymentTarget {
  kind: 'alias' | 'stage';
  value: string;
}

export interface ModelInfo {
  name: Located<string>;
  version?: Located<string>;
  uri?: ModelUri;
  /** The artifact URI the version was read from (a version registered from it), when it was. */
  artifact?: LocatedArtifactUri;
  /** Registry stage (production, staging…) or alias (champion…) for the workload's namespace. */
  stage: string;
  target: DeploymentTarget;
  /** The registry entry for the declared version (or, when none is declared, the stage's version). */
  registryVersion?: { version: string; entry: RegistryVersion };
  footprint?: Located<string>;
  loadSeconds?: Located<number>;
}

const MODEL_STAGES = new Set(['production', 'staging', 'archived', 'none']);

/** MLflow's spelling of its stages (`current_stage`), by lower-case name. */
export const MLFLOW_STAGE_NAMES: Record<string, string> = { production: 'Production', staging: 'Staging', archived: 'Archived', none: 'None' };

/** Env variables whose value is an MLflow model URI (MLflow's own serving containers read MLFLOW_MODEL_URI). */
export const MODEL_URI_ENV = ['MODEL_URI', 'MLFLOW_MODEL_URI'];

/**
 * `models:/M/3`, `models:/M@champion`, `models:/M/Production` (MLflow's model URIs, see
 * mlflow/store/artifact/models_artifact_repo.py); also with a registry URI in the authority
 * (`models://profile@databricks/M/3`, whose authority is ignored). Anything else: undefined.
 */
export function parseModelUri(uri: string): Omit<ModelUri, 'path' | 'field'> | undefined {
  const match = /^models:(?:\/\/[^/]*)?\/([^/@]+)(?:@([^/]+)|\/([^/]+))\/?$/.exec(uri.trim());
  if (!match) return undefined;
  const [, model, alias, tail] = match;
  if (alias) return { model, reference: { kind: 'alias', value: alias } };
  if (/^\d+$/.test(tail)) return { model, reference: { kind: 'version', value: tail } };
  if (MODEL_STAGES.has(tail.toLowerCase())) return { model, reference: { kind: 'stage', value: tail } };
  return { model, reference: { kind: 'alias', value: tail } };
}

/**
 * A model artifact URI that names no registered model by itself, but that MLflow registered a version from:
 * `runs:/<run_id>/<path>`, `mlflow-artifacts:/<experiment>/<run_id>/artifacts/<path>` (also any store URI of
 * that layout, `s3://bucket/1/<run_id>/artifacts/model`), `mlflow-artifacts:/<experiment>/models/m-<id>/artifacts`
 * and `models:/m-<id>` (MLflow 3's logged models, which versions name as `source: models:/m-<id>`). The layouts
 * are MLflow's (mlflow/store/artifact/runs_artifact_repo.py, mlflow/tracking/_tracking_service/utils.py).
 */
export interface ArtifactUri {
  /** The URI as written (trimmed, without a trailing slash). */
  uri: string;
  /** The MLflow run id (32 hex digits), when the URI names one. */
  runId?: string;
  /** The artifact path inside the run (`model`), when the URI names a run. */
  artifactPath?: string;
  /** The logged model id (`m-…`), when the URI names one. */
  loggedModel?: string;
}

/** An artifact URI where a manifest writes it. */
export interface LocatedArtifactUri extends ArtifactUri {
  path: Path;
  field: string;
}

const RUN_ID = '[0-9a-f]{32}';

/** Parses an artifact URI (see `ArtifactUri`); anything else, including `models:/NAME/…`, is undefined. */
export function parseArtifactUri(text: string): ArtifactUri | undefined {
  const uri = text.trim().replace(/\/+$/, '');
  if (/[\s'"\\]/.test(uri)) return undefined;
  let m = /^models:\/(m-[0-9a-f]{8,})$/.exec(uri);
  if (m) return { uri, loggedModel: m[1] };
  m = new RegExp(`^runs:/(${RUN_ID})/(.+)$`).exec(uri);
  if (m) return { uri, runId: m[1], artifactPath: m[2] };
  m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/[^/]+\/models\/(m-[0-9a-f]{8,})\/artifacts(?:\/.*)?$/.exec(uri);
  if (m) return { uri, loggedModel: m[1] };
  m = new RegExp(`^[a-z][a-z0-9+.-]*:.*/(${RUN_ID})/artifacts/(.+)$`).exec(uri);
  if (m && /^(mlflow-artifacts|s3|gs|wasbs|abfss|hdfs|dbfs|file|https?):/.test(uri)) return { uri, runId: m[1], artifactPath: m[2] };
  return undefined;
}

/**
 * The registered version an artifact URI is, from the versions' `source` and `runId` (registry file or
 * MLflow): the version whose source is this URI or this logged model; else the versions of this run,
 * narrowed by the artifact path when the run registered several. Undefined when none or several remain.
 */
export function registeredVersionOf(registry: { models: Record<string, RegistryModel> } | undefined, artifact: ArtifactUri): { model: string; version: string } | undefined {
  if (!registry) return undefined;
  const all: Array<{ model: string; version: string; entry: RegistryVersion }> = [];
  for (const [model, entry] of Object.entries(registry.models)) {
    for (const [version, v] of Object.entries(entry.versions)) all.push({ model, version, entry: v });
  }
  const strip = (u: string) => u.trim().replace(/\/+$/, '');
  const unique = (list: typeof all) => (list.length === 1 ? { model: list[0].model, version: list[0].version } : undefined);
  const exact = all.filter((v) => v.entry.source !== undefined && (strip(v.entry.source) === artifact.uri || (artifact.loggedModel !== undefined && strip(v.entry.source) === `models:/${artifact.loggedModel}`)));
  if (exact.length > 0) return unique(exact);
  if (!artifact.runId) return undefined;
  const ofRun = all.filter((v) => v.entry.runId === artifact.runId);
  if (ofRun.length <= 1) return unique(ofRun);
  const suffixes = [`runs:/${artifact.runId}/${artifact.artifactPath}`, `/${artifact.runId}/artifacts/${artifact.artifactPath}`];
  return unique(ofRun.filter((v) => v.entry.source !== undefined && suffixes.some((s) => strip(v.entry.source!).endsWith(s))));
}

/**
 * What a namespace deploys: an alias from config `aliasByNamespace` (globs, `*` the fallback) when one
 * matches, else a stage from `stageByNamespace`, else `staging` for *staging*, else `production`.
 */
export function targetForNamespace(namespace: string, settings: RunSettings): DeploymentTarget {
  const aliases = settings.aliasByNamespace ?? {};
  for (const [pattern, alias] of Object.entries(aliases)) if (pattern !== '*' && globMatch(namespace, pattern)) return { kind: 'alias', value: alias };
  if (aliases['*']) return { kind: 'alias', value: aliases['*'] };
  return { kind: 'stage', value: stageForNamespace(namespace, settings) };
}

/** The version a registry entry has for a target (stages compared case-insensitively: MLflow writes `Production`). */
export function registryVersionFor(model: RegistryModel, target: DeploymentTarget): string | undefined {
  if (target.kind === 'alias') return own(model.aliases, target.value);
  const wanted = target.value.toLowerCase();
  for (const [stage, version] of Object.entries(model.stages)) if (stage.toLowerCase() === wanted) return version;
  return undefined;
}

/** The registry stage a namespace deploys: config `stageByNamespace` globs, else `staging` for *staging*, else production. */
/**
 * Whether the stage of a namespace is configured (a `stageByNamespace` pattern, `*` included, matches it)
 * rather than guessed from its name by `stageForNamespace`.
 */
export function stageIsConfigured(namespace: string, settings: RunSettings): boolean {
  return Object.keys(settings.stageByNamespace).some((pattern) => pattern === '*' || globMatch(namespace, pattern));
}

export function stageForNamespace(namespace: string, settings: RunSettings): string {
  const entries = Object.entries(settings.stageByNamespace);
  for (const [pattern, stage] of entries) if (pattern !== '*' && globMatch(namespace, pattern)) return stage;
  const fallback = own(settings.stageByNamespace, '*');
  if (fallback) return fallback;
  return namespace.includes('staging') ? 'staging' : 'production';
}

interface EnvHit {
  value: string;
  path: Path;
}

function literalEnv(template: PodTemplate, name: string, accept: (ref: ContainerRef) => boolean = () => true): EnvHit | undefined {
  for (const ref of template.containers) {
    if (ref.type !== 'container' || !accept(ref)) continue;
    const env = ref.container.env;
    if (!Array.isArray(env)) continue;
    // With a name listed twice the kubelet keeps the last entry (a later patch appended it): read that one.
    for (let i = env.length - 1; i >= 0; i--) {
      const entry = env[i];
      if (!isPlainObject(entry) || entry.name !== name) continue;
      if (typeof entry.value === 'string' || typeof entry.value === 'number') return { value: String(entry.value), path: [...ref.path, 'env', i, 'value'] };
      break; // the last entry takes its value from elsewhere (valueFrom): no literal applies
    }
  }
  return undefined;
}

/** Whether a container's literal env points it at a model API served elsewhere (see knowledge/model-clients.ts). */
function callsModelApi(ref: ContainerRef): boolean {
  const env = ref.container.env;
  return Array.isArray(env) && env.some((e) => isPlainObject(e) && typeof e.name === 'string' && typeof e.value === 'string' && isModelApiEnv(e.name, e.value));
}

function annotation(object: LoadedObject, template: PodTemplate | undefined, key: string): Located<string> | undefined {
  const own = object.object.metadata?.annotations?.[key];
  if (own !== undefined && own !== null) return { value: String(own), path: ['metadata', 'annotations', key], source: 'annotation' };
  const fromTemplate = template?.annotations[key];
  if (fromTemplate !== undefined && template) return { value: fromTemplate, path: [...template.metadataPath, 'annotations', key], source: 'annotation' };
  return undefined;
}

/**
 * A URI in a container's server arguments (`args`, then `command`): a whole argument, the value of
 * `--flag=URI`, or a word of a shell script (`sh -c "mlflow models serve -m models:/fraud/3"`), parsed by
 * `parse`; the first one found, with the path of its list item.
 */
function argumentUri<T>(template: PodTemplate, parse: (word: string) => T | undefined): { parsed: T; path: Path; field: string } | undefined {
  for (const ref of template.containers) {
    if (ref.type !== 'container') continue;
    for (const key of ['args', 'command'] as const) {
      const list = ref.container[key];
      if (!Array.isArray(list)) continue;
      for (const [i, item] of list.entries()) {
        if (typeof item !== 'string' || !item.includes(':')) continue; // a URI has a scheme
        for (const word of item.split(/[\s"'=]+/)) {
          const parsed = word.includes(':') ? parse(word) : undefined;
          if (parsed) return { parsed, path: [...ref.path, key, i], field: key };
        }
      }
    }
  }
  return undefined;
}

/**
 * The MLflow model URI a pod template names, with where: env `MODEL_URI` / `MLFLOW_MODEL_URI`, else a
 * KServe `storageUri` (on the predictor's model container), else the server's arguments (`mlflow models
 * serve -m models:/fraud/3`). Only `models:/` URIs name a registered model.
 */
export function modelUriOf(template: PodTemplate): ModelUri | undefined {
  return locateUri(template, parseModelUri);
}

/**
 * The artifact URI a pod template serves (see `ArtifactUri`), with where: env `MODEL_URI` /
 * `MLFLOW_MODEL_URI`, else a KServe `storageUri`, else the server's arguments.
 */
export function artifactUriOf(template: PodTemplate): LocatedArtifactUri | undefined {
  return locateUri(template, parseArtifactUri);
}

/**
 * The first URI `parse` accepts in a pod template, with where it was written: env `MODEL_URI` /
 * `MLFLOW_MODEL_URI`, else a KServe `storageUri` (on the predictor's model container), else the server's
 * arguments. One search order for registered-model and artifact URIs alike.
 */
function locateUri<T extends object>(template: PodTemplate, parse: (uri: string) => T | undefined): (T & { path: Path; field: string }) | undefined {
  for (const name of MODEL_URI_ENV) {
    const hit = literalEnv(template, name);
    const parsed = hit ? parse(hit.value) : undefined;
    if (parsed && hit) return { ...parsed, path: hit.path, field: name };
  }
  for (const ref of template.containers) {
    const storageUri = ref.container.storageUri;
    const parsed = typeof storageUri === 'string' ? parse(storageUri) : undefined;
    if (parsed) return { ...parsed, path: [...ref.path, 'storageUri'], field: 'storageUri' };
  }
  const arg = argumentUri(template, parse);
  return arg ? { ...arg.parsed, path: arg.path, field: arg.field } : undefined;
}

/** What model a workload serves, or undefined when it declares none. */
export function modelOf(object: LoadedObject, template: PodTemplate | undefined, settings: RunSettings): ModelInfo | undefined {
  const uri = template ? modelUriOf(template) : undefined;
  const artifact = template && !uri ? artifactUriOf(template) : undefined;
  const registered = artifact ? registeredVersionOf(settings.registry, artifact) : undefined;
  // A MODEL_NAME beside a URL of a model API (LLM_BASE_URL, OPENAI_API_BASE…) is the model a client calls.
  const nameEnv = template ? literalEnv(template, 'MODEL_NAME', (ref) => !callsModelApi(ref)) : undefined;
  const name: Located<string> | undefined =
    annotation(object, template, MODEL_ANNOTATION) ??
    (nameEnv ? { value: nameEnv.value, path: nameEnv.path, source: 'env' } : undefined) ??
    (uri ? { value: uri.model, path: uri.path, source: 'uri' } : undefined) ??
    (registered && artifact ? { value: registered.model, path: artifact.path, source: 'uri' } : undefined);
  if (!name) return undefined;

  const versionEnv = template ? literalEnv(template, 'MODEL_VERSION') : undefined;
  const version: Located<string> | undefined =
    annotation(object, template, MODEL_VERSION_ANNOTATION) ??
    (versionEnv ? { value: versionEnv.value, path: versionEnv.path, source: 'env' } : undefined) ??
    (uri && uri.reference.kind === 'version' ? { value: uri.reference.value, path: uri.path, source: 'uri' } : undefined) ??
    (registered && artifact && registered.model === name.value ? { value: registered.version, path: artifact.path, source: 'uri' } : undefined);

  const target = targetForNamespace(namespaceOf(object), settings);
  const stage = target.value;
  // Names come from manifests: `toString` or `__proto__` must find nothing, not Object.prototype's members.
  const registryModel = own(settings.registry?.models, name.value);
  const registryVersionId = version?.value ?? (registryModel ? registryVersionFor(registryModel, target) : undefined);
  const entry = registryVersionId !== undefined ? own(registryModel?.versions, registryVersionId) : undefined;
  const registryVersion = entry && registryVersionId !== undefined ? { version: registryVersionId, entry } : undefined;
  const configModel = own(settings.models, name.value);

  const footprint: Located<string> | undefined =
    annotation(object, template, MODEL_FOOTPRINT_ANNOTATION) ??
    (registryVersion?.entry.footprint !== undefined ? { value: String(registryVersion.entry.footprint), source: 'registry' } : undefined) ??
    (configModel?.footprint !== undefined ? { value: configModel.footprint, source: 'config' } : undefined);

  const loadAnnotation = annotation(object, template, MODEL_LOAD_SECONDS_ANNOTATION);
  const loadSeconds: Located<number> | undefined =
    (loadAnnotation && Number.isFinite(Number(loadAnnotation.value)) ? { ...loadAnnotation, value: Number(loadAnnotation.value) } : undefined) ??
    (typeof registryVersion?.entry.loadSeconds === 'number' ? { value: registryVersion.entry.loadSeconds, source: 'registry' } : undefined) ??
    (typeof configModel?.loadSeconds === 'number' ? { value: configModel.loadSeconds, source: 'config' } : undefined);

  return { name, version, uri, artifact: registered && artifact && registered.model === name.value ? artifact : undefined, stage, target, registryVersion, footprint, loadSeconds };
}

/** Where a model's footprint or load time came from, for messages: "registry, version 3", "annotation …". */
export function describeModelSource(model: ModelInfo, field: 'footprint' | 'loadSeconds'): string {
  switch (model[field]?.source) {
    case 'annotation':
      return `annotation ${field === 'footprint' ? MODEL_FOOTPRINT_ANNOTATION : MODEL_LOAD_SECONDS_ANNOTATION}`;
    case 'registry':
      return model.registryVersion ? `registry, version ${model.registryVersion.version}` : 'registry';
    case 'config':
      return `config models.${model.name.value}.${field}`;
    default:
      return 'model metadata';
  }
}

/** `map[key]` when `key` is the map's own property (never an inherited member such as `toString`). */
export function own<T>(map: Record<string, T> | undefined, key: string): T | undefined {
  return map !== undefined && Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}
