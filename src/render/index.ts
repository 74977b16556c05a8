/**
 * The GitOps render stage: what the controllers will apply from this tree, as sources for the engine.
 *
 * Input: the discovered files, the charts discovery found, and the kustomize stage's sources. Output:
 * sources to add (rendered charts, directories as an Application deploys them, expanded ApplicationSets,
 * problems as findings), sources of the kustomize stage to replace (with the destination namespace
 * applied), files no longer to lint raw, and the charts now rendered (no `helm-chart-skipped`).
 *
 * Order: Applications/HelmReleases/Flux Kustomizations in files first; charts they use are rendered with
 * their values. Then charts nothing points at, those whose templates make Applications first (an
 * app-of-apps chart), with the config's `helm.charts` values or the chart's own. Objects rendered from
 * a chart or an ApplicationSet that are themselves Applications are followed too, to a depth of 4.
 */
import fs from 'node:fs';
import path from 'node:path';
import { globMatch as safeGlobMatch } from '../config/safe-match.js';
import type { K8sObject, Path } from '../types.js';
import type { DiscoveredFile } from '../loaders/files.js';
import { toDisplayPath } from '../loaders/files.js';
import { isPlainObject } from '../loaders/objects.js';
import { parseYamlDocuments } from '../loaders/yaml.js';
import { fastParseDocuments } from '../loaders/fast-yaml.js';
import { locatePath, prepareLocate, type LocatableText } from '../loaders/locate.js';
import type { RelocatedPosition, SourceInput } from '../loaders/source.js';
import { isNamespacedKind } from '../engine/kinds.js';
import { chartValuesLayer, readChart, renderChart, type ChartRef, type HelmOptions } from './helm.js';
import {
  applicationIntents,
  expandApplicationSet,
  fluxGitRepository,
  fluxKustomizationIntents,
  type FluxGitRepository,
  gitCurrentBranch,
  gitOriginUrl,
  helmReleaseIntents,
  isOwnerKind,
  normalizeRepoUrl,
  ownerLabel,
  type Intent,
  type Owner,
  type OwnerProblem,
  type RepoContext,
} from './owners.js';
import { resolveProgram, type ProgramSpec } from '../config/trust.js';
import { renderWithOverlay, type KustomizeOptions } from '../loaders/kustomize.js';

/** A program found, or why not (`off`: turned off by the user, not missing). */
export type ProgramLookup = { ok: true; exe: string } | { ok: false; message: string; off?: true };

/** Why charts are not rendered with `--helm off` / `helm.enabled: false`. */
export const HELM_OFF_MESSAGE = 'Helm rendering is off (--helm off or helm.enabled: false)';
import { readText, valuesFileLayer, type ValuesLayer } from './values.js';

const MAX_DEPTH = 4;
/** Distinct Argo CD / Flux sources rendered per run (an ApplicationSet of N elements over a folder of M files is N × M objects). */
const MAX_RENDERS = 500;
/**
 * Objects the directory sources of Argo CD Applications and Flux Kustomizations may add to a run: each is a copy
 * of files already in the tree, so a pull request's ApplicationSet of 3,000 elements over 200 files made
 * 100,000 objects (19 s, 821 MB); over a 2,000-file folder it would exhaust memory.
 */
const MAX_DIRECTORY_OBJECTS = 100_000;

export interface GitOpsOptions {
  cwd: string;
  /** Repository root (git work tree), else the linted directory: Argo CD and Flux paths are relative to it. */
  root: string;
  /** The directories whose contents are repository input (config/trust.ts `repositoryRoots`). */
  roots: string[];
  /** Config `repository.url`. */
  repositoryUrl?: string;
  /** Branches known to hold the linted tree besides the checked-out one (a pull request's base: `GITHUB_BASE_REF`). */
  branches?: string[];
  /** The helm program, as `findHelm` found it. */
  helm: ProgramLookup;
  /** Config `helm.charts`: chart directory (absolute) → values files (absolute), release, namespace. */
  charts?: Map<string, { values: string[]; releaseName?: string; namespace?: string; configFile: string }>;
  kubeVersion?: string;
  /** `Date.now()` value after which no chart is rendered (helm.ts `HelmOptions.deadline`). */
  helmDeadline?: number;
  /** The kustomize stage's options (absent when kustomize rendering is off): owners' kustomize overrides are rendered with them. */
  kustomize?: KustomizeOptions;
  /** The run's render cache folder and input digests, shared with the kustomize stage (see helm.ts `HelmOptions`). */
  cacheDir?: string;
  digests?: HelmOptions['digests'];
}

const HELM_SPEC: ProgramSpec = {
  setting: 'helm.command',
  programs: { helm: 'template' },
  safeFlags: new Set(),
  defaults: ['helm'],
  missing: 'helm was not found on PATH',
};

/**
 * The helm program (config/trust.ts rules): `command` from a trusted source (MLLINT_HELM_COMMAND or a
 * config outside the repository; a path, optionally followed by `template`), else `helm` on PATH, never
 * a program inside the repository.
 */
export function findHelm(command: string | undefined, roots: readonly string[], envPath?: string): ProgramLookup {
  const configured = command === undefined ? undefined : /\s/.test(command.trim()) ? command : `${command.trim()} template`;
  const found = resolveProgram(HELM_SPEC, configured, roots, envPath);
  return found.ok ? { ok: true, exe: found.argv[0] } : found;
}

export interface GitOpsPlan {
  sources: SourceInput[];
  /** Sources of the kustomize stage to replace (by absPath of their kustomization). */
  replaced: Map<SourceInput, SourceInput[]>;
  ownedFiles: Set<string>;
  /** Chart directories rendered (their templates/ are not reported as skipped). */
  renderedCharts: Set<string>;
}

interface ScannedFile {
  file: string;
  located: LocatableText;
}

/**
 * A file's documents with their indexes: by the fast path (fast-yaml.ts, the same values as `yaml`,
 * held to it by differential tests) when it can, else by `yaml`. Scanning every file for owners with
 * `yaml` took half of a 10k-document run.
 */
function documentsOf(text: string): Array<{ index: number; value: unknown }> {
  return fastParseDocuments(text)?.map((value, index) => ({ index, value })) ?? parseYamlDocuments(text);
}

/**
 * Argo CD and Flux annotation and label keys (`argocd.argoproj.io/sync-wave:`, `kustomize.toolkit.fluxcd.io/reconcile:`)
 * written as block mapping keys: such a line names the groups without being an owner's apiVersion.
 */
const GITOPS_KEY_LINE = /^[ ]*(?:-[ ]+)*[A-Za-z0-9.-]*(?:argoproj|fluxcd)\.io\/[A-Za-z0-9._/-]*:(?=[ \t\r\n]|$)/gm;

/**
 * Whether a file may hold an Argo CD or Flux object (its apiVersion names argoproj.io or fluxcd.io). Files that
 * mention the groups only in annotation keys (sync waves are on most objects of an Argo CD repository) are not
 * parsed a second time: half of a generated 10k-document tree was. Conservative: any other mention, in any
 * form, still means "parse it".
 */
function mayHoldOwner(text: string): boolean {
  if (!text.includes('argoproj.io') && !text.includes('fluxcd.io')) return false;
  const rest = text.replace(GITOPS_KEY_LINE, '');
  return rest.includes('argoproj.io') || rest.includes('fluxcd.io');
}

export function renderGitOps(files: DiscoveredFile[], chartDirs: string[], kustomizeSources: SourceInput[], options: GitOpsOptions): GitOpsPlan {
  const plan: GitOpsPlan = { sources: [], replaced: new Map(), ownedFiles: new Set(), renderedCharts: new Set() };
  const configuredUrl = options.repositoryUrl ?? gitOriginUrl(options.root);
  const repo: RepoContext = { root: options.root, roots: options.roots, url: configuredUrl ? normalizeRepoUrl(configuredUrl) : undefined, branches: new Set([gitCurrentBranch(options.root), ...(options.branches ?? [])].filter((b): b is string => !!b)), configMaps: new Map() };
  const gitRepositories = new Map<string, FluxGitRepository>();
  const owners: Owner[] = [];
  const scanned = new Map<string, ScannedFile>();

  // 1. GitOps objects (and the ConfigMaps/GitRepositories they refer to) in the files.
  for (const f of files) {
    const read = readText(f.absPath, options.roots);
    if (!read.ok) continue;
    const text = read.text;
    if (!mayHoldOwner(text)) continue;
    const docs = documentsOf(text);
    for (const doc of docs) {
      if (!isPlainObject(doc.value) || typeof doc.value.kind !== 'string' || typeof doc.value.apiVersion !== 'string') continue;
      const object = doc.value as K8sObject;
      const where = (p: Path): RelocatedPosition => {
        let s = scanned.get(f.absPath);
        if (!s) {
          s = { file: f.absPath, located: prepareLocate(text) };
          scanned.set(f.absPath, s);
        }
        return { display: f.display, absPath: f.absPath, position: locatePath(s.located, doc.index, p) };
      };
      const owner: Owner = { object, label: ownerLabel(object), where, depth: 0 };
      if (isOwnerKind(object)) owners.push(owner);
      else if (object.kind === 'GitRepository' && object.apiVersion.startsWith('source.toolkit.fluxcd.io/')) {
        const git = isPlainObject(object.spec) ? fluxGitRepository(object.spec) : undefined;
        if (git) gitRepositories.set(`${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`, git);
      }
    }
  }
  // ConfigMaps for Flux valuesFrom: only needed when a HelmRelease has valuesFrom; read lazily from files mentioning ConfigMap.
  if (owners.some((o) => o.object.kind === 'HelmRelease' && isPlainObject(o.object.spec) && Array.isArray(o.object.spec.valuesFrom))) {
    for (const f of files) {
      const read = readText(f.absPath, options.roots);
      if (!read.ok) continue;
      const text = read.text;
      if (!/kind:\s*ConfigMap/.test(text)) continue;
      const located = prepareLocate(text);
      for (const doc of documentsOf(text)) {
        if (!isPlainObject(doc.value) || doc.value.kind !== 'ConfigMap') continue;
        const object = doc.value as K8sObject;
        repo.configMaps.set(`${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`, {
          object,
          label: ownerLabel(object),
          depth: 0,
          where: (p) => ({ display: f.display, absPath: f.absPath, position: locatePath(located, doc.index, p) }),
        });
      }
    }
  }

  const charts = new Map<string, ChartRef>();
  for (const dir of chartDirs) {
    const chart = readChart(dir, options.roots);
    if (chart) charts.set(dir, chart);
  }
  // Subcharts (in a chart's charts/) are rendered with their parent, never alone.
  const isSubchart = (dir: string) => path.basename(path.dirname(dir)) === 'charts' && fs.existsSync(path.join(path.dirname(path.dirname(dir)), 'Chart.yaml'));
  const markRendered = (dir: string) => {
    plan.renderedCharts.add(dir);
    for (const sub of charts.keys()) if (sub.startsWith(dir + path.sep)) plan.renderedCharts.add(sub);
  };

  const helm = options.helm;
  const helmOptions = (): HelmOptions | string => {
    if (!helm.ok) return helm.off ? helm.message : `${helm.message}; install Helm 3 (or set MLLINT_HELM_COMMAND to its absolute path) to lint charts as rendered`;
    return { exe: helm.exe, cwd: options.cwd, roots: options.roots, kubeVersion: options.kubeVersion, deadline: options.helmDeadline, cacheDir: options.cacheDir, digests: options.digests };
  };

  const problem = (p: OwnerProblem) => {
    const at = p.owner.where(p.at);
    plan.sources.push({
      display: at.display,
      absPath: at.absPath,
      text: '',
      problem: { message: p.message, line: at.position.line, ruleId: p.ruleId, maxSeverity: p.otherRevision ? 'warning' : undefined },
    });
  };
  const seen = new Set<string>();
  let renders = 0;
  let directoryObjects = 0;
  const kustomizeByFile = new Map<string, SourceInput>();
  for (const s of kustomizeSources) if (s.absPath) kustomizeByFile.set(path.dirname(s.absPath), s);

  const followRendered = (source: SourceInput, objects: K8sObject[], depth: number) => {
    objects.forEach((object, docIndex) => {
      if (!isOwnerKind(object) || depth >= MAX_DEPTH) return;
      owners.push({ object, label: ownerLabel(object), depth, where: (p) => source.relocate?.(docIndex, p) ?? { display: source.display, absPath: source.absPath, position: { line: 1, column: 1, endLine: 1, endColumn: 1 } } });
    });
  };

  const renderIntent = (intent: Intent) => {
    const owner = intent.owner;
    for (const u of intent.unsupported) problem({ owner, at: u.at, ruleId: 'gitops-not-rendered', message: `${owner.label}: ${u.message}` });
    const hasChart = fs.existsSync(path.join(intent.dir, 'Chart.yaml'));
    const hasKustomization = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].some((n) => fs.existsSync(path.join(intent.dir, n)));
    const type = intent.type !== 'auto' ? intent.type : hasChart ? 'helm' : hasKustomization ? 'kustomize' : 'directory';
    if (type === 'plugin') {
      // The plugin's input (a chart, a kustomization it post-processes, templates) is not what is deployed.
      ownDir(intent.dir);
      for (const dir of charts.keys()) if (dir === intent.dir || dir.startsWith(intent.dir + path.sep)) markRendered(dir);
      for (const [dir, source] of kustomizeByFile) if (dir === intent.dir || dir.startsWith(intent.dir + path.sep)) plan.replaced.set(source, []);
      return;
    }
    const key = JSON.stringify([type, intent.dir, intent.namespace?.value, intent.helm?.releaseName, intent.helm?.layers.map((l) => [l.file, l.values]), intent.helm?.sets.map((s) => [s.name, s.value]), intent.directory]);
    if (seen.has(key)) return;
    if (renders >= MAX_RENDERS) {
      // Never silently: each source past the cap says it was not linted.
      return problem({ owner, at: intent.pathAt, ruleId: 'gitops-not-rendered', message: `${owner.label}: not rendered: a run renders at most ${MAX_RENDERS} Argo CD / Flux sources, and this one came later` });
    }
    seen.add(key);
    renders++;
    const nsWhere = intent.namespace ? () => owner.where(intent.namespace!.at) : undefined;
    if (type === 'helm') {
      const chart = charts.get(intent.dir) ?? readChart(intent.dir, options.roots);
      if (!chart) return problem({ owner, at: intent.pathAt, ruleId: 'gitops-source-renders', message: `${owner.label}: no readable Chart.yaml in ${toDisplayPath(options.cwd, intent.dir)}` });
      const ho = helmOptions();
      markRendered(chart.dir);
      const at = owner.where(intent.pathAt);
      if (typeof ho === 'string') {
        plan.sources.push({ display: at.display, absPath: at.absPath, text: '', problem: { message: `chart ${toDisplayPath(options.cwd, chart.dir)} (for ${owner.label}) not rendered: ${ho}`, line: at.position.line, ruleId: 'gitops-not-rendered' } });
        return;
      }
      const rendered = renderChart(
        {
          chart,
          releaseName: intent.helm?.releaseName || chart.name,
          releaseNameAt: intent.helm?.releaseName ? reportPlace(owner.where(intent.helm.releaseNameAt), intent.dir) : undefined,
          namespace: intent.namespace?.value,
          layers: intent.helm?.layers ?? [],
          sets: intent.helm?.sets ?? [],
          defaultNamespace: intent.namespace && nsWhere ? { value: intent.namespace.value, where: nsWhere } : undefined,
          via: owner.label,
          reportAt: reportPlace(at, intent.dir),
        },
        ho,
      );
      plan.sources.push(rendered.source);
      if (rendered.ok) {
        for (const f of rendered.ownedFiles) ownDir(f);
        followRendered(rendered.source, rendered.objects.map((o) => o.object), owner.depth + 1);
      }
      return;
    }
    if (type === 'kustomize') {
      const source = kustomizeByFile.get(intent.dir);
      if ((intent.overlay || !source) && renderOverlay(intent, source, nsWhere)) return;
      if (!source || source.problem || !intent.namespace) return; // rendered by the kustomize stage as it is
      const replacement = withNamespace(source, intent.namespace.value, intent.namespace.override, nsWhere!, owner.label);
      if (replacement) {
        const list = plan.replaced.get(source) ?? [];
        list.push(replacement);
        plan.replaced.set(source, list);
      }
      return;
    }
    // A directory of manifests: its YAML files, as the Application applies them.
    const d = intent.directory ?? { recurse: false };
    for (const f of files) {
      const rel = path.relative(intent.dir, f.absPath).split(path.sep).join('/');
      if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
      if (!d.recurse && rel.includes('/')) continue;
      if (d.include && !globMatch(rel, d.include)) continue;
      if (d.exclude && globMatch(rel, d.exclude)) continue;
      if (directoryObjects >= MAX_DIRECTORY_OBJECTS) {
        // One ApplicationSet over a big folder would otherwise multiply the tree (N elements × M files).
        plan.ownedFiles.add(f.absPath);
        problem({ owner, at: intent.pathAt, ruleId: 'gitops-not-rendered', message: `${owner.label}: not rendered: the Argo CD / Flux directory sources of a run may hold at most ${MAX_DIRECTORY_OBJECTS.toLocaleString('en-US')} objects, and this one came later` });
        return;
      }
      const source = directoryFileSource(f, intent, nsWhere, owner.label, options.roots);
      if (!source) continue;
      // A `kind: List` is expanded into its items later: count them.
      for (const o of source.objects) {
        const items = (o as { items?: unknown }).items;
        directoryObjects += Array.isArray(items) && items.length > 0 ? items.length : 1;
      }
      plan.ownedFiles.add(f.absPath);
      plan.sources.push(source.input);
      followRendered(source.input, source.objects, owner.depth + 1);
    }
  };
  /** The owner's kustomize overrides applied by the real kustomize; false when they could not be (then said once, as info). */
  const renderOverlay = (intent: Intent, source: SourceInput | undefined, nsWhere: (() => RelocatedPosition) | undefined): boolean => {
    const owner = intent.owner;
    // No overlay: a kustomization that is only a base of other entry points, deployed on its own by this owner.
    const overlay = intent.overlay ?? { fields: {}, pathOf: () => intent.pathAt };
    const fields = Object.keys(overlay.fields).filter((f) => f !== 'namespace');
    const notApplied = (reason: string) => fields.length > 0 && problem({ owner, at: overlay.pathOf([fields[0]]), ruleId: 'gitops-not-rendered', message: `${owner.label}: ${fields.join(', ')} ${fields.length === 1 ? 'is' : 'are'} not applied by mllint (${reason}); findings show the kustomization as written` });
    if (!options.kustomize) {
      notApplied('kustomize rendering is off');
      return false;
    }
    const r = renderWithOverlay(intent.dir, { fields: overlay.fields, positionOf: (p) => owner.where(overlay.pathOf([...p])) }, options.kustomize);
    if (r.ok === false) {
      notApplied(r.reason);
      return false;
    }
    if (r.ok === 'failed') {
      problem({ owner, at: overlay.pathOf([]), ruleId: 'gitops-source-renders', message: `${owner.label}: kustomize could not render ${toDisplayPath(options.cwd, intent.dir)}${fields.length > 0 ? ` with its ${fields.join(', ')}` : ''}: ${r.message}` });
      return true;
    }
    for (const n of r.notApplied) problem({ owner, at: overlay.pathOf([n.field]), ruleId: 'gitops-not-rendered', message: `${owner.label}: ${n.field} is not applied by mllint: ${n.reason}` });
    let result: SourceInput = { ...r.source, via: owner.label };
    if (intent.namespace && nsWhere) result = withNamespace(result, intent.namespace.value, intent.namespace.override, nsWhere, owner.label) ?? result;
    if (source) {
      const list = plan.replaced.get(source) ?? [];
      list.push(result);
      plan.replaced.set(source, list);
    } else {
      plan.sources.push(result);
      for (const f of r.ownedFiles) plan.ownedFiles.add(f);
    }
    return true;
  };
  const ownDir = (dir: string) => {
    for (const f of files) if (f.absPath.startsWith(dir + path.sep)) plan.ownedFiles.add(f.absPath);
  };

  const processOwners = () => {
    while (owners.length > 0) {
      const owner = owners.shift()!;
      const kind = owner.object.kind;
      let result: { intents: Intent[]; problems: OwnerProblem[] } = { intents: [], problems: [] };
      if (kind === 'Application') result = applicationIntents(owner, repo);
      else if (kind === 'HelmRelease') result = helmReleaseIntents(owner, repo, gitRepositories);
      else if (kind === 'Kustomization') result = fluxKustomizationIntents(owner, repo, gitRepositories);
      else if (kind === 'ApplicationSet') {
        const expanded = expandApplicationSet(owner, repo);
        result.problems = expanded.problems;
        if (expanded.apps.length > 0 && owner.depth < MAX_DEPTH) {
          const source: SourceInput = {
            display: owner.where([]).display,
            absPath: owner.where([]).absPath,
            text: expanded.apps.map((a) => JSON.stringify(a.object)).join('\n---\n') + '\n',
            relocate: (docIndex, p) => expanded.apps[docIndex]?.where(p) ?? owner.where([]),
            via: owner.label,
          };
          plan.sources.push(source);
          followRendered(source, expanded.apps.map((a) => a.object), owner.depth + 1);
        }
      }
      result.problems.forEach(problem);
      result.intents.forEach(renderIntent);
    }
  };
  processOwners();

  // 2. Charts nothing points at: app-of-apps charts first, then the rest, with configured or default values.
  const pending = [...charts.values()].filter((c) => !plan.renderedCharts.has(c.dir) && !isSubchart(c.dir));
  const makesApps = (c: ChartRef) => {
    try {
      return fs.readdirSync(path.join(c.dir, 'templates')).some((n) => {
        try {
          const read = readText(path.join(c.dir, 'templates', n), options.roots);
          return read.ok && /argoproj\.io|fluxcd\.io/.test(read.text);
        } catch {
          return false;
        }
      });
    } catch {
      return false;
    }
  };
  pending.sort((a, b) => Number(makesApps(b)) - Number(makesApps(a)) || (a.dir < b.dir ? -1 : 1));
  for (const chart of pending) {
    if (plan.renderedCharts.has(chart.dir)) continue;
    const ho = helmOptions();
    if (typeof ho === 'string') break; // helm-chart-skipped reports them, with the reason in the summary below
    markRendered(chart.dir);
    const configured = options.charts?.get(chart.dir);
    const layers: ValuesLayer[] = [];
    const chartFile = path.join(chart.dir, 'Chart.yaml');
    let failed = false;
    for (const file of configured?.values ?? []) {
      if (path.resolve(file) === path.join(chart.dir, 'values.yaml')) continue;
      const read = valuesFileLayer(file, options.roots);
      if (read.ok) layers.push(read.layer);
      else {
        failed = true;
        plan.sources.push({ display: toDisplayPath(options.cwd, chartFile), absPath: chartFile, text: '', problem: { message: `chart ${toDisplayPath(options.cwd, chart.dir)} not rendered: values file ${toDisplayPath(options.cwd, file)} (helm.charts in ${toDisplayPath(options.cwd, configured!.configFile)}) is ${read.reason}`, line: 1, ruleId: 'gitops-source-renders' } });
      }
    }
    if (failed) continue;
    void chartValuesLayer;
    const rendered = renderChart(
      { chart, releaseName: configured?.releaseName ?? chart.name, namespace: configured?.namespace, layers, sets: [], reportAt: { file: chartFile, line: 1 } },
      ho,
    );
    plan.sources.push(rendered.source);
    if (rendered.ok) {
      for (const f of rendered.ownedFiles) ownDir(f);
      followRendered(rendered.source, rendered.objects.map((o) => o.object), 1);
      processOwners();
    }
  }
  return plan;
}

/** A position as a place to report a chart's failure to render (the chart directory when it has no file). */
function reportPlace(where: RelocatedPosition, dir: string): { file: string; line: number } {
  return { file: where.absPath ?? dir, line: where.position.line };
}

/** Argo CD's include/exclude: a glob or `{a,b}` list, matched against the path relative to the app's directory. */
function globMatch(rel: string, glob: string): boolean {
  return safeGlobMatch(rel, glob) || safeGlobMatch(path.posix.basename(rel), glob);
}

/** One file of a directory source, with the destination namespace filled in; positions stay the file's own. */
function directoryFileSource(f: DiscoveredFile, intent: Intent, nsWhere: (() => RelocatedPosition) | undefined, via: string, roots: readonly string[]): { input: SourceInput; objects: K8sObject[] } | undefined {
  const read = readText(f.absPath, roots);
  if (!read.ok) return undefined; // linted raw: the loader reports why it cannot be read
  const text = read.text;
  const docs = parseYamlDocuments(text);
  if (docs.some((d) => d.errors.length > 0)) return undefined; // linted raw: the parse errors are reported there
  const located = prepareLocate(text);
  const injected = new Set<number>();
  const values = docs.map((d, i) => {
    const v = d.value;
    if (intent.namespace && isPlainObject(v) && typeof v.kind === 'string' && isNamespacedKind(v.kind) && !String(v.apiVersion ?? '').startsWith('kustomize.config.k8s.io/')) {
      const metadata = isPlainObject(v.metadata) ? v.metadata : (v.metadata = {});
      if (intent.namespace.override || typeof metadata.namespace !== 'string' || metadata.namespace === '') {
        if (metadata.namespace !== intent.namespace.value) injected.add(i);
        metadata.namespace = intent.namespace.value;
      }
    }
    return v;
  });
  const objects = values.filter((v): v is K8sObject => isPlainObject(v) && typeof v.kind === 'string') as K8sObject[];
  return {
    input: {
      display: f.display,
      absPath: f.absPath,
      text: values.map((v) => JSON.stringify(v ?? null)).join('\n---\n') + '\n',
      relocate: (docIndex, p) => {
        if (injected.has(docIndex) && nsWhere && p.length === 2 && p[0] === 'metadata' && p[1] === 'namespace') return nsWhere();
        return { display: f.display, absPath: f.absPath, position: locatePath(located, docIndex, p) };
      },
      via,
    },
    objects,
  };
}

/** A kustomize-rendered source with a namespace applied to its namespaced objects. */
function withNamespace(source: SourceInput, namespace: string, override: boolean, nsWhere: () => RelocatedPosition, via: string): SourceInput | undefined {
  if (source.text === undefined) return undefined;
  const docs = source.text.split('\n---\n').map((t) => {
    try {
      return JSON.parse(t) as unknown;
    } catch {
      return undefined;
    }
  });
  const injected = new Set<number>();
  docs.forEach((v, i) => {
    if (!isPlainObject(v) || typeof v.kind !== 'string' || !isNamespacedKind(v.kind)) return;
    const metadata = isPlainObject(v.metadata) ? v.metadata : (v.metadata = {});
    if (override || typeof metadata.namespace !== 'string' || metadata.namespace === '') {
      if (metadata.namespace !== namespace) injected.add(i);
      metadata.namespace = namespace;
    }
  });
  return {
    ...source,
    // The namespace comes from the owner, not from the render's inputs: not counted by the render's key.
    cacheKey: undefined,
    text: docs.map((v) => JSON.stringify(v ?? null)).join('\n---\n') + '\n',
    relocate: (docIndex, p) => {
      if (injected.has(docIndex) && p.length === 2 && p[0] === 'metadata' && p[1] === 'namespace') return nsWhere();
      return source.relocate!(docIndex, p);
    },
    via,
  };
}
