/**
 * The engine behind the CLI, as a library: `lintPaths` for a tree on disk, `lintText` for YAML in memory.
 * Both return values (results or problems), never throw for bad input.
 */
import { discoverFiles, type SkippedChart } from './loaders/files.js';
import { splitHelmStream } from './loaders/helm.js';
import { renderKustomizations } from './loaders/kustomize.js';
import { findHelm, HELM_OFF_MESSAGE, renderGitOps, type GitOpsPlan, type ProgramLookup } from './render/index.js';
import { kustomizeHelmLocator } from './render/kustomize-helm.js';
import { HELM_BUDGET_MS } from './render/helm.js';
import type { SourceInput } from './loaders/source.js';
import { emptyConfig, loadConfig, type ConfigFile, type ConfigProblem } from './config/load.js';
import { allRules, resolveRuleSettings } from './config/resolve.js';
import { loadRunSettings } from './config/run-settings.js';
import { gitWorkTree, repositoryRoots } from './config/trust.js';
import { lint, objectsOf } from './engine/run.js';
import { loadSources } from './loaders/load-sources.js';
import { onlineSourcesConfigured, resolveOnline } from './sources/index.js';
import type { RunSettings } from './engine/settings.js';
import { cacheDirFor, cacheEntryFor, readCachedResult, TreeDigests, writeCachedResult } from './cache.js';
import { fingerprintOf } from './engine/identity.js';
import { gitRepositoryRoot } from './report-files.js';
import fs from 'node:fs';
import path from 'node:path';
import type { LintResult } from './types.js';
import type { ProgressCallback } from './progress.js';

export interface LintOptions {
  cwd?: string;
  /** `--config FILE`; otherwise the config is searched from `cwd` upwards. */
  configPath?: string;
  /** An already loaded config (skips the search). */
  config?: ConfigFile;
  registryPath?: string;
  nodesPath?: string;
  /** `--kubernetes-version` ("1.34"): overrides the config's `kubernetesVersion`. */
  kubernetesVersion?: string;
  /** Text for the `-` path (stdin); rendered Helm output is split by its `# Source:` comments. */
  stdinText?: string;
  /** `--stdin-filename`: the file name stdin's findings carry (and config overrides match); default `-`. */
  stdinFilename?: string;
  /** `--kustomize`: `auto` renders kustomizations (default, unless the config says `enabled: false`), `off` lints raw files. */
  kustomize?: 'auto' | 'off';
  /** The kustomize command from a trusted source (MLLINT_KUSTOMIZE_COMMAND); wins over the config's. */
  kustomizeCommand?: string;
  /** The helm program from a trusted source (MLLINT_HELM_COMMAND); wins over a config outside the repository. */
  helmCommand?: string;
  /**
   * `--helm`: `auto` renders Helm charts, on their own and as Argo CD / Flux objects deploy them (default, unless
   * the config says `helm.enabled: false`); `off` runs no helm: charts are skipped (reported), while Argo CD and
   * Flux kustomize and directory sources are still rendered (`kustomize: 'off'` governs those).
   */
  helm?: 'auto' | 'off';
  /** All kustomize and Helm renderings of the run together (ms); default HELM_BUDGET_MS (600 s). For tests. */
  helmBudgetMs?: number;
  /** Environment for the trust boundary (`GITHUB_WORKSPACE`); default: process.env. */
  env?: Record<string, string | undefined>;
  /** Reuse and store results in the repository's `.mllint-cache/` (default: off for the library, on in the CLI). */
  cache?: boolean;
  /** Online sources (`lintPathsOnline` only): `--mlflow-url`, `--offline`, `--check-images`, and the environment. */
  mlflowUrl?: string;
  offline?: boolean;
  checkImages?: boolean;
  /** Progress of the run's stages (the CLI shows it on a terminal); called synchronously, often: keep it cheap. */
  progress?: ProgressCallback;
}

export type LintOutcome =
  | { ok: true; result: LintResult; config: ConfigFile; /** The result came from the cache. */ cached?: boolean }
  | { ok: false; kind: 'config' | 'input'; problems: ConfigProblem[]; messages: string[] };

type Prepared =
  | { ok: true; config: ConfigFile; settings: RunSettings; sources: SourceInput[]; discovery: ReturnType<typeof discoverFiles>; kustomizeOn: boolean; helmOn: boolean; helmCharts: SkippedChart[]; cwd: string }
  | Extract<LintOutcome, { ok: false }>;

/** Config, run settings and the list of sources (files, stdin, rendered kustomizations) of a run. */
function prepareRun(paths: string[], options: LintOptions): Prepared {
  const cwd = options.cwd ?? process.cwd();
  const roots = repositoryRoots(cwd, options.env ?? process.env, paths);
  let config = options.config;
  if (!config) {
    const loaded = loadConfig({ cwd, configPath: options.configPath, roots });
    if (!loaded.ok) return configFailure(loaded.problems);
    config = loaded.config;
  }
  const runSettings = loadRunSettings(config, { cwd, registryPath: options.registryPath, nodesPath: options.nodesPath, kubernetesVersion: options.kubernetesVersion });
  if (!runSettings.ok) return configFailure(runSettings.problems);

  options.progress?.('finding and rendering files', 0, 0);
  const sources: SourceInput[] = [];
  const diskPaths = paths.filter((p) => p !== '-');
  if (paths.includes('-')) {
    const name = options.stdinFilename;
    const display = name ? path.relative(cwd, path.resolve(cwd, name)).split(path.sep).join('/') || name : '-';
    for (const source of splitHelmStream(options.stdinText ?? '', display)) {
      sources.push(name && source.display === display ? { ...source, absPath: path.resolve(cwd, name) } : source);
    }
  }
  const discovery = diskPaths.length > 0 || paths.length === 0
    ? discoverFiles(diskPaths, { cwd, ignorePatterns: config.ignore, ignoreBase: config.dir })
    : { files: [], helmCharts: [], fatal: [], unreadable: [] };
  if (discovery.fatal.length > 0) return { ok: false, kind: 'input', problems: [], messages: discovery.fatal };
  const kustomizeOn = options.kustomize ? options.kustomize === 'auto' : config.kustomize?.enabled !== false;
  const helmOn = options.helm ? options.helm === 'auto' : config.helm?.enabled !== false;
  // Off: helm never runs, but Argo CD and Flux objects are still read and their kustomize and directory
  // sources rendered; the charts they deploy are reported as not rendered.
  const helm: ProgramLookup = helmOn ? findHelm(options.helmCommand ?? config.helm?.command, roots) : { ok: false, message: HELM_OFF_MESSAGE, off: true };
  // One render time budget for every kustomize and helm render of the run, and one render cache.
  const renderDeadline = Date.now() + (options.helmBudgetMs ?? HELM_BUDGET_MS);
  const helmDeadline = renderDeadline;
  const cacheDir = options.cache ? cacheDirFor(cwd) : undefined;
  const digests = new TreeDigests();
  const helmOptions = helm.ok ? { exe: helm.exe, cwd, roots, deadline: helmDeadline, cacheDir, digests } : undefined;
  const kustomizeOptions = kustomizeOn
    ? {
        cwd,
        command: options.kustomizeCommand ?? config.kustomize?.command,
        roots,
        cacheDir,
        helm: helmOptions?.exe,
        helmOff: helm.ok === false && helm.off ? HELM_OFF_MESSAGE : undefined,
        locateGenerated: helmOptions ? kustomizeHelmLocator(helmOptions) : undefined,
        deadline: renderDeadline,
      }
    : undefined;
  const kustomize = kustomizeOptions ? renderKustomizations(discovery.files, kustomizeOptions) : undefined;
  // Charts kustomize inflates (helmCharts) are rendered by kustomize, not on their own.
  const chartsOwnedByKustomize = new Set(discovery.helmCharts.filter((c) => kustomize?.ownedFiles.has(path.join(c.dir, 'Chart.yaml'))).map((c) => c.dir));
  let gitops: GitOpsPlan | undefined;
  if (discovery.files.length + discovery.helmCharts.length > 0) {
    gitops = renderGitOps(discovery.files, discovery.helmCharts.map((c) => c.dir).filter((d) => !chartsOwnedByKustomize.has(d)), kustomize?.sources ?? [], {
      cwd,
      roots,
      root: repositoryRootOf(diskPaths, cwd),
      repositoryUrl: config.repositoryUrl,
      branches: [(options.env ?? process.env).GITHUB_BASE_REF, (options.env ?? process.env).GITHUB_HEAD_REF].filter((b): b is string => !!b),
      helm,
      helmDeadline,
      kustomize: kustomizeOptions,
      cacheDir,
      digests,
      charts: config.helm?.charts ? new Map(Object.entries(config.helm.charts)) : undefined,
    });
  }
  for (const file of discovery.files) {
    if (!kustomize?.ownedFiles.has(file.absPath) && !gitops?.ownedFiles.has(file.absPath)) sources.push({ display: file.display, absPath: file.absPath });
  }
  // Item by item: spreading more than about 100k sources overflows the call stack.
  if (kustomize) for (const source of kustomize.sources) for (const s of gitops?.replaced.get(source) ?? [source]) sources.push(s);
  if (gitops) for (const s of gitops.sources) sources.push(s);
  const helmCharts = discovery.helmCharts.filter((c) => !gitops?.renderedCharts.has(c.dir) && !chartsOwnedByKustomize.has(c.dir));
  return { ok: true, config, settings: runSettings.settings, sources, discovery, kustomizeOn, helmOn, helmCharts, cwd };
}

/** Lints a tree on disk, offline (online sources need `lintPathsOnline`). */
export function lintPaths(paths: string[], options: LintOptions = {}): LintOutcome {
  const prepared = prepareRun(paths, options);
  return prepared.ok ? lintPrepared(prepared, options) : prepared;
}

/** The offline run on prepared sources (so that a run is prepared, and kustomizations rendered, once). */
function lintPrepared(prepared: Extract<Prepared, { ok: true }>, options: LintOptions): LintOutcome {
  const { config, settings, sources, discovery, kustomizeOn, helmOn, helmCharts, cwd } = prepared;

  const cacheInputs = { cwd, config, settings, sources, extra: { helmCharts, unreadable: discovery.unreadable, kustomizeOn, helmOn } };
  const cacheEntry = options.cache ? cacheEntryFor(cacheInputs) : undefined;
  const cachedResult = cacheEntry ? readCachedResult(cacheEntry) : undefined;
  if (cachedResult) return { ok: true, result: addFingerprints(cachedResult, cwd), config, cached: true };

  const result = lint({
    sources,
    rules: allRules(config),
    ruleSettings: resolveRuleSettings(config),
    settings,
    helmCharts,
    unreadable: discovery.unreadable,
    progress: options.progress,
  });
  addFingerprints(result, cwd);
  // Stored only under the key of the bytes that were linted: a file changed during the run (read again
  // now) gives another key, and the result is not stored, so it can never stand for the file's new bytes.
  if (cacheEntry) {
    const after = cacheEntryFor(cacheInputs);
    if (after?.key === cacheEntry.key) writeCachedResult(cacheEntry, result);
  }
  return { ok: true, result, config, cached: false };
}

/**
 * Like `lintPaths`, with the online sources the options and config turn on (MLflow, image registries)
 * resolved before rules run, within `timeouts.onlineSeconds`. Without any online source configured, or
 * with `offline`, it is `lintPaths` (and may use the result cache); with one, results are not cached,
 * since they depend on the registries' state. Never rejects for an unreachable source: that is a warning finding.
 */
export async function lintPathsOnline(paths: string[], options: LintOptions = {}): Promise<LintOutcome> {
  const cwd = options.cwd ?? process.cwd();
  const onlineOptions = (config: ConfigFile) => ({ config, cwd, env: options.env ?? process.env, mlflowUrl: options.mlflowUrl, offline: options.offline, checkImages: options.checkImages });
  if (options.offline) return lintPaths(paths, options);
  const prepared = prepareRun(paths, options);
  if (!prepared.ok) return prepared;
  const { config, settings, sources, discovery, helmCharts } = prepared;
  if (!onlineSourcesConfigured(onlineOptions(config))) return lintPrepared(prepared, options);

  const loaded = loadSources(sources, options.progress);
  options.progress?.('asking online sources', 0, 0);
  const facts = await resolveOnline(objectsOf(loaded), settings, onlineOptions(config));
  const result = lint({
    sources,
    loaded,
    rules: allRules(config),
    ruleSettings: resolveRuleSettings(config),
    settings: { ...settings, registry: facts.registry ?? settings.registry, images: facts.images },
    helmCharts,
    unreadable: discovery.unreadable,
    // A source turned on by a flag or environment variable has no file: the finding has none (file ""), and says which.
    runFindings: facts.warnings.map((w) => ({
      ruleId: 'online-source-unavailable',
      message: w.file === undefined && w.origin ? `${w.message} (set by ${w.origin})` : w.message,
      file: w.file ?? '',
      line: w.line,
    })),
    progress: options.progress,
  });
  return { ok: true, result: addFingerprints(result, cwd), config, cached: false };
}

/** Lints YAML text as if it were a file named `display` (default `-`), with the given or an empty config. */
export function lintText(text: string, options: { display?: string; config?: ConfigFile; cwd?: string } = {}): LintResult {
  const config = options.config ?? emptyConfig(options.cwd ?? process.cwd());
  const runSettings = loadRunSettings(config, { cwd: options.cwd ?? process.cwd() });
  const result = lint({
    sources: [{ display: options.display ?? '-', text }],
    rules: allRules(config),
    ruleSettings: resolveRuleSettings(config),
    settings: runSettings.ok ? runSettings.settings : undefined,
  });
  return addFingerprints(result, options.cwd ?? process.cwd());
}

/**
 * Sets each finding's `fingerprint` (engine/identity.ts), with its file relative to the git repository
 * root (else to `cwd`), so the same finding has the same fingerprint from any working directory.
 */
export function addFingerprints(result: LintResult, cwd: string): LintResult {
  const root = gitRepositoryRoot(cwd) ?? cwd;
  for (const f of result.findings) {
    const rel = f.file === '-' || f.file === '' ? f.file : path.relative(root, path.resolve(cwd, f.file)).split(path.sep).join('/');
    f.fingerprint = fingerprintOf(f, rel);
  }
  return result;
}

/** The repository the linted paths are in (for Argo CD/Flux paths): the git work tree, else the first linted directory, else `cwd`. */
function repositoryRootOf(paths: string[], cwd: string): string {
  const first = path.resolve(cwd, paths[0] ?? '.');
  let dir = first;
  try {
    if (!fs.statSync(first).isDirectory()) dir = path.dirname(first);
  } catch {
    return cwd;
  }
  return gitWorkTree(dir) ?? dir;
}

function configFailure(problems: ConfigProblem[]): Extract<LintOutcome, { ok: false }> {
  return { ok: false, kind: 'config', problems, messages: problems.map(formatConfigProblem) };
}

export function formatConfigProblem(p: ConfigProblem): string {
  return p.line > 0 ? `${p.file}:${p.line}:${p.column}: ${p.message}` : `${p.file}: ${p.message}`;
}

