/**
 * Online sources (DESIGN.md §5, STYLE.md habit 15): facts from MLflow and image registries, resolved
 * before rules run, behind one entry point with a per-run cache (in each client), one time budget
 * (`timeouts.onlineSeconds`, default 20 s, for every lookup of the run together) and an offline switch.
 *
 * Off unless configured: MLflow needs a URL (`--mlflow-url`, `registry.mlflow.url`, `MLFLOW_TRACKING_URI`);
 * image registries need `--check-images` or `registries.check`. `--offline` turns both off.
 * A source that fails (unreachable, slow, 401/403, malformed answers, TLS) gives one warning and the checks
 * that needed it fall back to the registry file, if any; the run never fails or hangs on it.
 * Rules then see plain data: a `ModelRegistry` (the same shape as the registry file) and image facts.
 */
import path from 'node:path';
import type { ConfigFile } from '../config/load.js';
import type { LoadedObject } from '../types.js';
import type { ImageFact, ModelRegistry, RegistryModel, RegistryVersion, RunSettings } from '../engine/settings.js';
import { DEFAULT_WORKLOAD_KINDS, podTemplatesOf, WorkloadKinds } from '../engine/extract.js';
import { artifactUriOf, modelOf, modelUriOf, MLFLOW_STAGE_NAMES, targetForNamespace, type ArtifactUri, type DeploymentTarget } from '../engine/models.js';
import { namespaceOf } from '../engine/context.js';
import { isInsideRepository, readBoundedFile, repositoryRoots } from '../config/trust.js';
import { displayUrl, OnlineError } from './http.js';
import { imagesOf, resolveImages } from './oci.js';
import { DEFAULT_MLFLOW_TAGS, MlflowClient, mlflowCredentialsFromEnv, type MlflowModelVersion, type MlflowTagNames } from './mlflow.js';

export const DEFAULT_ONLINE_SECONDS = 20;

export interface OnlineOptions {
  config: ConfigFile;
  cwd: string;
  env: Record<string, string | undefined>;
  /** `--mlflow-url`. */
  mlflowUrl?: string;
  /** `--offline`: no online source at all. */
  offline?: boolean;
  /** `--check-images`. */
  checkImages?: boolean;
}

/**
 * One warning about a source, shown as an `online-source-unavailable` finding, located where the source
 * was turned on: the config file and line, or (no file) the flag or environment variable named by `origin`.
 */
export interface OnlineWarning {
  message: string;
  /** Where the source was configured (config file and line), when it was. */
  file?: string;
  line?: number;
  /** The flag or environment variable that configured the source, when no config file did (`--mlflow-url`). */
  origin?: string;
}

/** Where a source was turned on: a config line, or a flag / environment variable. */
export type SourceOrigin = Pick<OnlineWarning, 'file' | 'line' | 'origin'>;

export interface OnlineFacts {
  /** The model registry as MLflow has it now, for the models the manifests serve. */
  registry?: ModelRegistry;
  /** Image reference as written → what its registry says. */
  images?: Record<string, ImageFact>;
  warnings: OnlineWarning[];
}

export interface MlflowSetup {
  url: string;
  shown: string;
  client: MlflowClient;
  tags: MlflowTagNames;
  /** Where the URL came from, for the warning's position. */
  where: SourceOrigin;
}

/** Whether any online source is configured for this run (without touching the network). */
export function onlineSourcesConfigured(options: OnlineOptions): boolean {
  if (options.offline) return false;
  return mlflowUrlOf(options) !== undefined || imageChecksOn(options) || imageChecksRefused(options);
}

/**
 * Image checks run when `--check-images` asks, or when `registries.check` is set by a config the user
 * trusts (outside the repository). A config inside the repository is written by the pull request: it may
 * not make mllint contact hosts (DESIGN.md §4, §8), so its `registries.check` alone turns nothing on.
 */
function imageChecksOn(options: OnlineOptions): boolean {
  if (options.offline) return false;
  return options.checkImages === true || (options.config.registries?.check === true && !configInsideRepository(options));
}

/** `registries.check` was set by a config inside the repository and not confirmed by `--check-images`. */
function imageChecksRefused(options: OnlineOptions): boolean {
  return !options.offline && options.checkImages !== true && options.config.registries?.check === true && configInsideRepository(options);
}

/** Where image checks were turned on: `--check-images`, else the config's `registries.check` line. */
function imagesOrigin(options: OnlineOptions): SourceOrigin {
  if (options.checkImages) return { origin: '--check-images' };
  return { file: options.config.registries?.file, line: options.config.registries?.line };
}

/** The MLflow URL and where it came from: the flag, the config, else `MLFLOW_TRACKING_URI` (http(s) only). */
function mlflowUrlOf(options: OnlineOptions): { url: string; from: 'flag' | 'config' | 'env' } | undefined {
  if (options.offline) return undefined;
  if (options.mlflowUrl) return { url: options.mlflowUrl, from: 'flag' };
  if (options.config.mlflow?.url) return { url: options.config.mlflow.url, from: 'config' };
  const env = options.env.MLFLOW_TRACKING_URI;
  if (env && /^https?:\/\//i.test(env)) return { url: env, from: 'env' };
  return undefined;
}

/**
 * Whether the config file lies inside the linted repository (config/trust.ts): such a config was written
 * by whoever wrote the pull request, so it may not choose where credentials go or which files outside the
 * tree are read (DESIGN.md §4).
 */
function configInsideRepository(options: OnlineOptions): boolean {
  const file = options.config.file;
  return file !== undefined && isInsideRepository(file, repositoryRoots(options.cwd, options.env));
}

function sameOrigin(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return x.origin === y.origin && x.pathname.replace(/\/+$/, '') === y.pathname.replace(/\/+$/, '');
  } catch {
    return false;
  }
}

/** CA files are a few kilobytes; a bundle of every public root is about 250 KiB. */
const MAX_CA_BYTES = 1024 * 1024;

/** Reads a CA file named by a config; a config inside the repository may only name files inside it (config/trust.ts). */
function readCa(file: string | undefined, options: OnlineOptions): { ca?: string; problem?: string } {
  if (!file) return {};
  const read = readBoundedFile(file, {
    what: `CA file ${path.basename(file)}`,
    maxBytes: MAX_CA_BYTES,
    roots: repositoryRoots(options.cwd, options.env),
    named: !configInsideRepository(options),
  });
  return read.ok ? { ca: read.bytes.toString('utf8') } : { problem: read.message };
}

/** What the manifests need from MLflow: per model, the aliases, stages and versions they refer to. */
export interface ModelNeeds {
  aliases: Set<string>;
  stages: Set<string>;
  versions: Set<string>;
}

/** An artifact URI a workload serves (runs:/…, mlflow-artifacts:/…), and what its namespace deploys. */
export interface ArtifactNeed {
  artifact: ArtifactUri;
  target: DeploymentTarget;
}

/** Walks the workloads once and lists, per model name, what must be looked up (and the artifact URIs to resolve). */
export function collectModelNeeds(objects: readonly LoadedObject[], settings: RunSettings, artifacts: ArtifactNeed[] = []): Map<string, ModelNeeds> {
  const needs = new Map<string, ModelNeeds>();
  const kinds = settings.workloadKinds && settings.workloadKinds.length > 0 ? new WorkloadKinds(settings.workloadKinds) : DEFAULT_WORKLOAD_KINDS;
  for (const object of objects) {
    for (const template of podTemplatesOf(object.object, kinds)) {
      collectNeed(needs, modelOf(object, template, settings));
      const artifact = modelUriOf(template) ? undefined : artifactUriOf(template);
      if (artifact) artifacts.push({ artifact, target: targetForNamespace(namespaceOf(object), settings) });
    }
  }
  return needs;
}

function collectNeed(needs: Map<string, ModelNeeds>, info: ReturnType<typeof modelOf>): void {
  if (!info) return;
  {
    let entry = needs.get(info.name.value);
    if (!entry) needs.set(info.name.value, (entry = { aliases: new Set(), stages: new Set(), versions: new Set() }));
    if (info.target.kind === 'alias') entry.aliases.add(info.target.value);
    else entry.stages.add(info.target.value);
    if (info.version) entry.versions.add(info.version.value.trim().replace(/^v(?=\d)/i, ''));
    if (info.uri?.reference.kind === 'alias') entry.aliases.add(info.uri.reference.value);
    if (info.uri?.reference.kind === 'stage') entry.stages.add(info.uri.reference.value);
    if (info.uri?.reference.kind === 'version') entry.versions.add(info.uri.reference.value);
  }
}

/**
 * Resolves every configured online source for the objects of this run, within the budget.
 * Never rejects: failures come back as warnings.
 */
export async function resolveOnline(objects: readonly LoadedObject[], settings: RunSettings, options: OnlineOptions): Promise<OnlineFacts> {
  const facts: OnlineFacts = { warnings: [] };
  if (options.offline) return facts;
  const seconds = options.config.onlineSeconds ?? DEFAULT_ONLINE_SECONDS;
  const deadline = Date.now() + seconds * 1000;
  const work: Array<Promise<void>> = [];

  const mlflow = setupMlflow(options, deadline, facts);
  if (mlflow) {
    const artifacts: ArtifactNeed[] = [];
    const needs = collectModelNeeds(objects, settings, artifacts);
    work.push(
      resolveMlflow(mlflow, needs, artifacts).then(
        (registry) => {
          facts.registry = registry;
        },
        (err: unknown) => {
          facts.warnings.push(mlflowWarning(mlflow, err, settings));
        },
      ),
    );
  }
  if (imageChecksRefused(options)) {
    facts.warnings.push({ message: `registries.check in a config inside the repository was ignored: a pull request may not choose which hosts mllint connects to; pass --check-images in the CI job to check images`, ...imagesOrigin(options) });
  }
  if (imageChecksOn(options)) {
    const { ca, problem } = readCa(options.config.registries?.caFile, options);
    if (problem) facts.warnings.push({ message: `image registries: ${problem}; using the default CAs`, file: options.config.registries?.file, line: options.config.registries?.line });
    // After MLflow: the images registered for the served versions are resolved too (digest comparisons).
    const mlflowDone = Promise.allSettled(work);
    work.push(
      mlflowDone
        .then(() => {
          const images = imagesOf(objects, settings.workloadKinds);
          for (const model of Object.values((facts.registry ?? settings.registry)?.models ?? {})) {
            for (const version of Object.values(model.versions)) if (version.image) images.add(version.image);
          }
          return resolveImages(images, { env: options.env, ca, deadline });
        })
        .then(
          (result) => {
            facts.images = result.images;
            facts.warnings.push(...result.warnings.map((message) => ({ message, ...imagesOrigin(options) })));
          },
          (err: unknown) => {
            facts.warnings.push({ message: `image registries unreachable: ${errorText(err)}; image checks skipped`, ...imagesOrigin(options) });
          },
        ),
    );
  }
  // The budget is a hard bound: whatever has not answered by the deadline is given up.
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => resolve('expired'), Math.max(0, deadline - Date.now()) + 250);
  });
  const outcome = await Promise.race([Promise.all(work).then(() => 'done' as const), expired]);
  clearTimeout(timer);
  if (outcome === 'expired') {
    facts.warnings.push({ message: `online lookups did not finish within timeouts.onlineSeconds (${seconds} s); the rest were skipped`, ...(mlflow?.where ?? imagesOrigin(options)) });
  }
  return facts;
}

/** The MLflow client for this run (URL, trusted credentials, CA, tag names), or undefined when none is configured. */
export function setupMlflow(options: OnlineOptions, deadline: number, facts: OnlineFacts): MlflowSetup | undefined {
  const source = mlflowUrlOf(options);
  if (!source) return undefined;
  let shown = displayUrl(source.url);
  if (shown === '(invalid URL)') {
    facts.warnings.push({ message: `MLflow URL is not a valid URL; version checks skipped`, ...mlflowOrigin(source.from, options) });
    return undefined;
  }
  const insideRepo = source.from === 'config' && configInsideRepository(options);
  // A config from the pull request may not choose a host for mllint to contact, nor send the user's
  // credentials there: its URL is used only when MLFLOW_TRACKING_URI names the same server.
  const trusted = !insideRepo || [options.env.MLFLOW_TRACKING_URI].some((u) => u !== undefined && sameOrigin(u, source.url));
  if (!trusted) {
    facts.warnings.push({
      message: `MLflow URL ${shown} comes from a config inside the repository and was not contacted: a pull request may not choose which server mllint connects to; set MLFLOW_TRACKING_URI (or --mlflow-url) to it in the CI job to enable version checks`,
      file: options.config.mlflow?.file,
      line: options.config.mlflow?.line,
    });
    return undefined;
  }
  const credentials = mlflowCredentialsFromEnv(options.env);
  const { ca, problem } = readCa(options.config.mlflow?.caFile, options);
  if (problem) facts.warnings.push({ message: `MLflow registry at ${shown}: ${problem}; using the default CAs`, file: options.config.mlflow?.file, line: options.config.mlflow?.line });
  const client = new MlflowClient({ url: source.url, credentials, ca, deadline });
  shown = client.shown;
  return {
    url: source.url,
    shown,
    client,
    tags: { ...DEFAULT_MLFLOW_TAGS, ...(options.config.mlflow?.tags ?? {}) },
    where: mlflowOrigin(source.from, options),
  };
}

/** Where the MLflow URL was set: the config line of `registry.mlflow.url`, `--mlflow-url` or `MLFLOW_TRACKING_URI`. */
function mlflowOrigin(from: 'flag' | 'config' | 'env', options: OnlineOptions): SourceOrigin {
  if (from === 'config') return { file: options.config.mlflow?.file, line: options.config.mlflow?.line };
  return { origin: from === 'flag' ? '--mlflow-url' : 'MLFLOW_TRACKING_URI' };
}

export function errorText(err: unknown): string {
  return err instanceof OnlineError ? err.message : 'unexpected failure';
}

function mlflowWarning(mlflow: MlflowSetup, err: unknown, settings: RunSettings): OnlineWarning {
  let message = `MLflow registry at ${mlflow.shown} unreachable: ${errorText(err)}`;
  message += settings.registry ? `; version checks use the snapshot ${settings.registry.file}` : '; version checks skipped';
  return { message, ...mlflow.where };
}

/** Runs `task` over `items`, at most `limit` at a time; the first rejection rejects the whole. */
export async function eachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (next < items.length && failure === undefined) {
      const item = items[next++];
      try {
        await task(item);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure;
}

/** The registry entry of one MLflow version: image, footprint and load time from its tags. */
export function versionEntry(version: MlflowModelVersion, tags: MlflowTagNames): RegistryVersion {
  const entry: RegistryVersion = {};
  const image = version.tags[tags.image]?.trim();
  if (image) entry.image = image;
  const footprint = version.tags[tags.footprint]?.trim();
  if (footprint && /^([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|[KMGTPE]i|[kMGTPE])?$/.test(footprint)) entry.footprint = footprint;
  const load = Number(version.tags[tags.loadSeconds]);
  if (version.tags[tags.loadSeconds] !== undefined && Number.isFinite(load) && load >= 0) entry.loadSeconds = load;
  if (version.source) entry.source = version.source;
  if (version.runId) entry.runId = version.runId;
  return entry;
}

/**
 * The versions MLflow registered from an artifact URI (`model-versions/search`): by `source_path` for a logged
 * model (`models:/m-…`) or a store URI, by `run_id` for a run's artifacts. Which of them the URI is, is
 * decided later from their `source`/`runId` (engine/models.ts `registeredVersionOf`), as for a registry file.
 */
async function versionsFromArtifact(client: MlflowClient, artifact: ArtifactUri): Promise<MlflowModelVersion[]> {
  const found: MlflowModelVersion[] = [];
  if (artifact.loggedModel) found.push(...(await client.searchVersionsWhere(`source_path = 'models:/${artifact.loggedModel}'`)));
  else if (!artifact.uri.startsWith('runs:')) found.push(...(await client.searchVersionsWhere(`source_path = '${artifact.uri}'`)));
  if (found.length === 0 && artifact.runId) found.push(...(await client.searchVersionsWhere(`run_id = '${artifact.runId}'`)));
  return found;
}

/**
 * Looks up, per model, the aliases, stages and versions the manifests need; returns them as a registry.
 * Artifact URIs are resolved first: the models their versions belong to are then looked up like the others,
 * for the alias or stage their workloads' namespaces deploy.
 */
export async function resolveMlflow(mlflow: MlflowSetup, needs: Map<string, ModelNeeds>, artifacts: readonly ArtifactNeed[] = []): Promise<ModelRegistry> {
  const models: Record<string, RegistryModel> = {};
  const fromArtifacts = new Map<string, MlflowModelVersion[]>();
  await eachLimited(artifacts, 4, async ({ artifact, target }) => {
    for (const v of await versionsFromArtifact(mlflow.client, artifact)) {
      fromArtifacts.set(v.name, [...(fromArtifacts.get(v.name) ?? []), v]);
      let need = needs.get(v.name);
      if (!need) needs.set(v.name, (need = { aliases: new Set(), stages: new Set(), versions: new Set() }));
      (target.kind === 'alias' ? need.aliases : need.stages).add(target.value);
    }
  });
  await eachLimited([...needs.entries()], 4, async ([name, need]) => {
    const model: RegistryModel = { stages: {}, aliases: {}, versions: {} };
    let known = false;
    for (const v of fromArtifacts.get(name) ?? []) {
      known = true;
      model.versions[v.version] ??= versionEntry(v, mlflow.tags);
    }
    const add = (v: MlflowModelVersion) => {
      known = true;
      model.versions[v.version] ??= versionEntry(v, mlflow.tags);
    };
    for (const alias of need.aliases) {
      const v = await mlflow.client.versionByAlias(name, alias);
      if (v) {
        model.aliases![alias] = v.version;
        add(v);
      }
    }
    if (need.stages.size > 0) {
      const stages = [...need.stages].map((s) => MLFLOW_STAGE_NAMES[s.toLowerCase()] ?? s);
      const latest = await mlflow.client.latestVersions(name, stages);
      for (const v of latest ?? []) {
        if (v.stage) model.stages[v.stage] = v.version;
        add(v);
      }
      if (latest) known = true;
    }
    for (const version of need.versions) {
      if (model.versions[version]) continue;
      const v = await mlflow.client.modelVersion(name, version);
      if (v) add(v);
    }
    if (!known) known = await mlflow.client.modelExists(name);
    if (known) models[name] = model;
  });
  return { file: `MLflow at ${mlflow.shown}`, models };
}

