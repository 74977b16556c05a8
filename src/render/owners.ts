/**
 * GitOps objects that say what to deploy from this repository (Argo CD Application and ApplicationSet,
 * Flux Kustomization and HelmRelease), turned into one shape: a directory of the repository rendered as
 * Helm, kustomize or plain files, with values, release name and namespace.
 *
 * Rendering rules follow the controllers' documentation and source:
 * - Argo CD (argo-cd docs "Tool Detection", "Helm", "Kustomize", "Directory"; reposerver/repository/
 *   repository.go): a source with `helm`/`kustomize`/`directory` is that type, else Chart.yaml → Helm,
 *   kustomization.yaml → kustomize, else a directory of manifests. Helm: `valueFiles` (relative to the
 *   chart; `$ref/…` from a `ref` source) then `values`/`valuesObject` (valuesObject wins) then
 *   `parameters` (`--set`, `--set-string` with `forceString`); release name `helm.releaseName`, else the
 *   Application's name; `--namespace` the destination namespace. Objects without a namespace get
 *   `destination.namespace`. Kustomize: the source's `kustomize` overrides are what `kustomize edit set
 *   image|nameprefix|namesuffix|namespace|replicas`, `edit add label|annotation` and `patches` write into
 *   the kustomization (util/kustomize/kustomize.go `Build`); mllint renders them as a wrapper kustomization.
 * - ApplicationSet (docs "Generators"): `list` elements, `git` `directories` and `git` `files` are
 *   expanded; other generators are reported as not expanded.
 * - Flux (fluxcd.io docs "Kustomization", "HelmRelease"): `spec.path` of the GitRepository source,
 *   `targetNamespace` sets the namespace of every namespaced object; over a kustomization, `images`,
 *   `patches`, `namePrefix`, `nameSuffix` are added to it (kustomize-controller's generator); HelmRelease `chart.spec.chart` is a
 *   chart path in the source, values are `valuesFrom` ConfigMaps in order, then `values`; release name
 *   `releaseName`, else `[targetNamespace-]name`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { globMatch } from '../config/safe-match.js';
import type { K8sObject, Path, PathSegment } from '../types.js';
import { isPlainObject } from '../loaders/objects.js';
import { parseYamlDocuments } from '../loaders/yaml.js';
import type { RelocatedPosition } from '../loaders/source.js';
import type { SetParameter, ValuesLayer } from './values.js';
import { readText, valuesFileLayer } from './values.js';
import { gitDirsOf, isInsideRepository, readGitFile, within } from '../config/trust.js';
import { isPinnedRevision } from '../rules/utils/argocd.js';

const isInside = (root: string, candidate: string) => within(candidate, root);

/** A GitOps object found in the tree (a file's document, or a rendered object) and where its fields are written. */
export interface Owner {
  object: K8sObject;
  label: string;
  where: (p: Path) => RelocatedPosition;
  /** Generation: 0 for objects in files, n+1 for objects rendered from a generation-n owner. */
  depth: number;
}

export interface Intent {
  owner: Owner;
  /** `auto`: decided by what the directory holds (Chart.yaml, kustomization). */
  /** `plugin`: a config management plugin renders the directory; its files are the plugin's input, not linted. */
  type: 'auto' | 'helm' | 'kustomize' | 'directory' | 'plugin';
  dir: string;
  /** Path of the field that names `dir`. */
  pathAt: PathSegment[];
  /** The source deploys another revision (a tag, a commit, another branch): the linted tree may not be what is deployed. */
  otherRevision: boolean;
  /** Namespace given to namespaced objects: `override` replaces theirs (Flux targetNamespace), else only fills it in. */
  namespace?: { value: string; at: PathSegment[]; override: boolean };
  /** `releaseNameAt`: where the release name is written (`helm.releaseName`, `spec.releaseName`), else the owner's name it comes from. */
  helm?: { releaseName: string; releaseNameAt: PathSegment[]; layers: ValuesLayer[]; sets: SetParameter[] };
  directory?: { recurse: boolean; include?: string; exclude?: string };
  /**
   * Fields the controller adds to the kustomization it builds (Argo CD `kustomize edit set …`, Flux's
   * generated kustomization), in kustomization form, and where each is written in the owner.
   */
  overlay?: { fields: Record<string, unknown>; pathOf: (p: PathSegment[]) => PathSegment[] };
  /** Fields the controller applies that mllint does not (reported once as info). */
  unsupported: Array<{ message: string; at: PathSegment[] }>;
}

export interface OwnerProblem {
  owner: Owner;
  at: PathSegment[];
  message: string;
  ruleId: 'gitops-source-renders' | 'gitops-not-rendered';
  /** The source deploys another revision than the linted tree: the problem may not exist there (warning instead of error). */
  otherRevision?: boolean;
}

export interface RepoContext {
  root: string;
  /** config/trust.ts `repositoryRoots`: files read must be inside. */
  roots: readonly string[];
  /** Normalised URL of this repository (config `repository.url`, else git's `origin`), if known. */
  url?: string;
  /**
   * Branches whose tree the linted files are: the checked-out branch, and in a GitHub pull request the
   * branch it merges into. An Argo CD source on HEAD or one of these deploys this tree.
   */
  branches: ReadonlySet<string>;
  /** ConfigMaps of the tree by namespace/name (Flux valuesFrom). */
  configMaps: Map<string, Owner>;
}

const ARGO_GROUP = 'argoproj.io/';
const FLUX_KUSTOMIZE = 'kustomize.toolkit.fluxcd.io/';
const FLUX_HELM = 'helm.toolkit.fluxcd.io/';

export function isOwnerKind(object: K8sObject): boolean {
  const api = object.apiVersion ?? '';
  return (
    (api.startsWith(ARGO_GROUP) && (object.kind === 'Application' || object.kind === 'ApplicationSet')) ||
    (api.startsWith(FLUX_KUSTOMIZE) && object.kind === 'Kustomization') ||
    (api.startsWith(FLUX_HELM) && object.kind === 'HelmRelease')
  );
}

/** `https://github.com/a/b.git`, `git@github.com:a/b`, `ssh://git@github.com/a/b` → `github.com/a/b`. */
export function normalizeRepoUrl(url: string): string {
  let u = url.trim().toLowerCase();
  u = u.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/^[^@/]+@/, '');
  u = u.replace(/^([^/:]+):(?!\d)/, '$1/');
  return u.replace(/\/+$/, '').replace(/\.git$/, '');
}

/** The `origin` URL from the repository's git config (see `gitDirsOf`: never one outside it that does not link back), if any. */
export function gitOriginUrl(root: string): string | undefined {
  const dirs = gitDirsOf(root);
  const text = dirs ? readGitFile(path.join(dirs.commonDir, 'config')) : undefined;
  if (text === undefined) return undefined;
  const section = /\[remote "origin"\]([^[]*)/.exec(text);
  const url = section ? /^\s*url\s*=\s*(\S+)/m.exec(section[1]) : null;
  return url?.[1];
}

/** The branch checked out in the repository at `root` (from its git `HEAD`), if any (not when detached). */
export function gitCurrentBranch(root: string): string | undefined {
  const dirs = gitDirsOf(root);
  const head = dirs ? readGitFile(path.join(dirs.gitDir, 'HEAD')) : undefined;
  return head === undefined ? undefined : /^ref:\s*refs\/heads\/(\S+)/.exec(head)?.[1];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function nameOf(o: K8sObject): string {
  return typeof o.metadata?.name === 'string' ? o.metadata.name : '';
}

function labelOf(o: K8sObject): string {
  const ns = typeof o.metadata?.namespace === 'string' ? `${o.metadata.namespace}/` : '';
  return `${o.kind} ${ns}${nameOf(o)}`;
}

export function ownerLabel(o: K8sObject): string {
  return labelOf(o);
}


/** Whether a source's `repoURL` (and path) designates this repository. */
function pointsHere(repoURL: string | undefined, dir: string | undefined, repo: RepoContext): boolean {
  if (repoURL && repo.url) return normalizeRepoUrl(repoURL) === repo.url;
  return dir !== undefined && fs.existsSync(dir);
}

/** Resolves a path of the repository; undefined when it leaves the repository. */
function inRepo(repo: RepoContext, rel: string): string | undefined {
  const abs = path.resolve(repo.root, rel.replace(/^\.?\//, ''));
  // Also through symlinks: a linked folder out of the repository leaves it (Argo CD refuses
  // out-of-bounds symlinks too).
  return isInside(repo.root, abs) && isInsideRepository(abs, repo.roots) ? abs : undefined;
}

/** Argo CD Application → what it deploys from this repository. */
export function applicationIntents(owner: Owner, repo: RepoContext): { intents: Intent[]; problems: OwnerProblem[] } {
  const intents: Intent[] = [];
  const problems: OwnerProblem[] = [];
  const spec = isPlainObject(owner.object.spec) ? owner.object.spec : {};
  const sources: Array<{ src: Record<string, unknown>; at: PathSegment[] }> = [];
  if (isPlainObject(spec.source)) sources.push({ src: spec.source, at: ['spec', 'source'] });
  if (Array.isArray(spec.sources)) spec.sources.forEach((s, i) => isPlainObject(s) && sources.push({ src: s, at: ['spec', 'sources', i] }));
  const destination = isPlainObject(spec.destination) ? spec.destination : {};
  const namespace = str(destination.namespace);
  // `ref` sources name another repository (or this one) for `$ref/…` value files.
  const refs = new Map<string, boolean>();
  for (const { src } of sources) {
    const ref = str(src.ref);
    if (ref) refs.set(ref, pointsHere(str(src.repoURL), repo.root, repo));
  }
  for (const { src, at } of sources) {
    const repoURL = str(src.repoURL);
    if (str(src.chart)) {
      problems.push({ owner, at: [...at, 'chart'], ruleId: 'gitops-not-rendered', message: `${owner.label}: chart "${str(src.chart)}" comes from the Helm repository ${repoURL ?? '(none)'}; mllint renders only charts in this repository (no network)` });
      continue;
    }
    const rel = typeof src.path === 'string' ? src.path : undefined;
    if (rel === undefined) continue; // a `ref`-only source
    const dir = inRepo(repo, rel);
    const revision = str(src.targetRevision);
    // HEAD (or no revision) and the checked-out branch deploy this tree: a missing path is certain there.
    const otherRevision = revision !== undefined && revision !== 'HEAD' && !repo.branches.has(revision);
    if (!pointsHere(repoURL, dir, repo)) continue;
    if (!dir) {
      problems.push({ owner, at: [...at, 'path'], ruleId: 'gitops-source-renders', message: `${owner.label}: path "${rel}" leaves the repository` });
      continue;
    }
    if (!isDirectory(dir)) {
      problems.push({ owner, at: [...at, 'path'], ruleId: 'gitops-source-renders', otherRevision, message: `${owner.label}: path "${rel}" does not exist in this repository${otherRevision ? ` (the Application deploys ${isPinnedRevision(revision) ? 'revision' : 'branch'} ${revision}, which may differ from this tree)` : '; Argo CD cannot generate its manifests'}` });
      continue;
    }
    const intent: Intent = { owner, type: 'auto', dir, pathAt: [...at, 'path'], otherRevision, unsupported: [] };
    if (namespace) intent.namespace = { value: namespace, at: ['spec', 'destination', 'namespace'], override: false };
    if (isPlainObject(src.helm)) {
      intent.type = 'helm';
      const helm = src.helm;
      const layers: ValuesLayer[] = [];
      const files = Array.isArray(helm.valueFiles) ? helm.valueFiles : [];
      files.forEach((f, i) => {
        if (typeof f !== 'string') return;
        let file: string | undefined;
        const refMatch = /^\$([^/]+)\/(.*)$/.exec(f);
        if (refMatch) {
          if (refs.get(refMatch[1]) !== true) return; // values from another repository
          file = inRepo(repo, refMatch[2]);
        } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(f)) {
          problems.push({ owner, at: [...at, 'helm', 'valueFiles', i], ruleId: 'gitops-not-rendered', message: `${owner.label}: values file ${f} is remote; mllint does not use the network` });
          return;
        } else {
          file = path.resolve(dir, f);
          if (!isInside(repo.root, file)) file = undefined;
        }
        if (!file) {
          problems.push({ owner, at: [...at, 'helm', 'valueFiles', i], ruleId: 'gitops-source-renders', message: `${owner.label}: values file "${f}" is outside the repository` });
          return;
        }
        const read = valuesFileLayer(file, repo.roots);
        if (read.ok) layers.push(read.layer);
        else if (!(helm.ignoreMissingValueFiles === true && read.reason === 'not found')) {
          problems.push({ owner, at: [...at, 'helm', 'valueFiles', i], ruleId: 'gitops-source-renders', otherRevision, message: `${owner.label}: values file "${f}" ${read.reason === 'not found' ? 'does not exist in this repository' : `is ${read.reason}`}` });
        }
      });
      if (isPlainObject(helm.valuesObject)) {
        layers.push({ values: helm.valuesObject, file: '', docIndex: 0, at: [], locate: (inner) => owner.where([...at, 'helm', 'valuesObject', ...inner]) });
      } else if (typeof helm.values === 'string' && helm.values.trim() !== '') {
        const parsed = parseYamlDocuments(helm.values)[0];
        if (parsed && isPlainObject(parsed.value)) layers.push(inlineLayer(owner, [...at, 'helm', 'values'], parsed.value, helm.values));
        else problems.push({ owner, at: [...at, 'helm', 'values'], ruleId: 'gitops-source-renders', message: `${owner.label}: helm.values is not a YAML mapping` });
      } else if (isPlainObject(helm.values)) {
        layers.push({ values: helm.values, file: '', docIndex: 0, at: [], locate: (inner) => owner.where([...at, 'helm', 'values', ...inner]) });
      }
      const sets: SetParameter[] = [];
      (Array.isArray(helm.parameters) ? helm.parameters : []).forEach((p, i) => {
        if (!isPlainObject(p) || typeof p.name !== 'string') return;
        sets.push({ name: p.name, value: String(p.value ?? ''), forceString: p.forceString === true, file: '', docIndex: 0, at: [], locate: () => owner.where([...at, 'helm', 'parameters', i, 'value']) });
      });
      if (Array.isArray(helm.fileParameters) && helm.fileParameters.length > 0) intent.unsupported.push({ message: 'helm.fileParameters are not applied', at: [...at, 'helm', 'fileParameters'] });
      intent.helm = str(helm.releaseName)
        ? { releaseName: String(helm.releaseName), releaseNameAt: [...at, 'helm', 'releaseName'], layers, sets }
        : { releaseName: nameOf(owner.object), releaseNameAt: ['metadata', 'name'], layers, sets };
    } else if (isPlainObject(src.kustomize)) {
      intent.type = 'kustomize';
      const k = src.kustomize;
      const overlay = argoKustomizeOverlay(k, [...at, 'kustomize'], dir, repo, intent.unsupported);
      if (overlay) intent.overlay = overlay;
      else if (str(k.namespace)) intent.namespace = { value: String(k.namespace), at: [...at, 'kustomize', 'namespace'], override: true };
    } else if (isPlainObject(src.directory)) {
      intent.type = 'directory';
      const d = src.directory;
      intent.directory = { recurse: d.recurse === true, include: str(d.include), exclude: str(d.exclude) };
      if (isPlainObject(d.jsonnet) && Object.keys(d.jsonnet).length > 0) intent.unsupported.push({ message: 'jsonnet is not rendered by mllint', at: [...at, 'directory', 'jsonnet'] });
    } else if (isPlainObject(src.plugin)) {
      problems.push({ owner, at: [...at, 'plugin'], ruleId: 'gitops-not-rendered', message: `${owner.label}: a config management plugin renders this source; mllint does not run plugins, and lints neither its output nor its input files` });
      intents.push({ ...intent, type: 'plugin' });
      continue;
    }
    if (intent.type === 'auto' || intent.type === 'helm') intent.helm ??= { releaseName: nameOf(owner.object), releaseNameAt: ['metadata', 'name'], layers: [], sets: [] };
    intents.push(intent);
  }
  return { intents, problems };
}

/**
 * An Argo CD Application's `kustomize:` overrides as the fields of a kustomization that refers to the
 * source directory (Argo CD runs `kustomize edit set image|nameprefix|namesuffix|namespace|replicas`,
 * `edit add label|annotation` and appends `patches` in a copy of the directory; the same fields in a
 * kustomization one level up render the same objects). Fields mllint cannot apply are added to
 * `unsupported`. Undefined when there is nothing to apply (or only `namespace`, applied without kustomize).
 */
function argoKustomizeOverlay(k: Record<string, unknown>, at: PathSegment[], dir: string, repo: RepoContext, unsupported: Intent['unsupported']): Intent['overlay'] | undefined {
  const fields: Record<string, unknown> = {};
  if (Array.isArray(k.images)) {
    const images = k.images.map((e) => (typeof e === 'string' ? parseSetImage(e) : undefined));
    if (images.some((i) => i === undefined)) unsupported.push({ message: 'kustomize.images has entries mllint cannot read; the images are not overridden', at: [...at, 'images'] });
    else if (images.length > 0) fields.images = images;
  }
  for (const field of ['namePrefix', 'nameSuffix', 'namespace']) if (str(k[field])) fields[field] = k[field];
  if (isPlainObject(k.commonLabels) && Object.keys(k.commonLabels).length > 0) {
    if (k.labelWithoutSelector === true) fields.labels = [{ pairs: k.commonLabels, includeSelectors: false, includeTemplates: k.labelIncludeTemplates === true }];
    else fields.commonLabels = k.commonLabels;
  }
  if (isPlainObject(k.commonAnnotations) && Object.keys(k.commonAnnotations).length > 0) {
    if (k.commonAnnotationsEnvsubst === true) unsupported.push({ message: 'kustomize.commonAnnotations with commonAnnotationsEnvsubst (Argo CD substitutes its build environment) are not applied by mllint', at: [...at, 'commonAnnotations'] });
    else fields.commonAnnotations = k.commonAnnotations;
  }
  if (Array.isArray(k.replicas) && k.replicas.length > 0) {
    fields.replicas = k.replicas.filter(isPlainObject).map((r) => ({ name: r.name, count: typeof r.count === 'string' && /^\d+$/.test(r.count) ? Number(r.count) : r.count }));
  }
  if (Array.isArray(k.patches) && k.patches.length > 0) {
    const patches: Array<Record<string, unknown>> = [];
    k.patches.forEach((p, i) => {
      if (!isPlainObject(p)) return;
      const target = isPlainObject(p.target) ? { target: p.target } : {};
      if (typeof p.patch === 'string') patches.push({ patch: p.patch, ...target });
      else if (typeof p.path === 'string') {
        // Relative to the source directory; inlined, as the wrapper may only read files below itself.
        const file = path.resolve(dir, p.path);
        const read = isInside(repo.root, file) ? readText(file, repo.roots) : undefined;
        if (read?.ok) patches.push({ patch: read.text, ...target });
        else unsupported.push({ message: `kustomize.patches[${i}] names "${p.path}", which is ${read ? 'not readable' : 'outside the repository'}; that patch is not applied`, at: [...at, 'patches', i, 'path'] });
      }
    });
    if (patches.length > 0) fields.patches = patches;
  }
  if (Array.isArray(k.components) && k.components.length > 0) unsupported.push({ message: 'kustomize.components of the Application are not applied by mllint', at: [...at, 'components'] });
  if (Object.keys(fields).every((f) => f === 'namespace')) return undefined;
  return {
    fields,
    // Argo CD's fields have the names of the kustomization's, except labels without selectors and images as strings.
    pathOf: (p) => (p[0] === 'labels' ? [...at, 'commonLabels', ...p.slice(3)] : p[0] === 'images' ? [...at, ...p.slice(0, 2)] : p[0] === 'patches' && p[2] === 'patch' && !(isPlainObject((k.patches as unknown[])[p[1] as number]) && typeof ((k.patches as unknown[])[p[1] as number] as Record<string, unknown>).patch === 'string') ? [...at, 'patches', p[1], 'path'] : [...at, ...p]),
  };
}

/**
 * One `kustomize edit set image` argument as a kustomization `images` entry: `name=newName:tag`,
 * `name=newName@digest`, `name=newName`, `name:tag`, `name@digest` (kustomize's setimage.go forms).
 * Undefined for anything else.
 */
export function parseSetImage(arg: string): Record<string, string> | undefined {
  const overwrite = (text: string, allowNameOnly: boolean): { name: string; tag?: string; digest?: string } | undefined => {
    const at = text.indexOf('@');
    if (at !== -1) return { name: text.slice(0, at), digest: text.slice(at + 1) };
    const m = /^(.*):([a-zA-Z0-9._-]*|\*)$/.exec(text);
    if (m && !m[2].includes('/')) return { name: m[1], tag: m[2] };
    return allowNameOnly ? { name: text } : undefined;
  };
  const eq = arg.split('=');
  const out: Record<string, string> = {};
  if (eq.length === 2) {
    const p = overwrite(eq[1], true);
    if (!p || eq[0] === '') return undefined;
    out.name = eq[0];
    if (p.name) out.newName = p.name;
    if (p.tag !== undefined && p.tag !== '*') out.newTag = p.tag;
    if (p.digest) out.digest = p.digest;
    return out;
  }
  if (eq.length !== 1) return undefined;
  const p = overwrite(arg, false);
  if (!p || p.name === '') return undefined;
  out.name = p.name;
  if (p.tag !== undefined && p.tag !== '*') out.newTag = p.tag;
  if (p.digest) out.digest = p.digest;
  return out;
}

function inlineLayer(owner: Owner, at: PathSegment[], values: Record<string, unknown>, text: string): ValuesLayer {
  return {
    values,
    file: '',
    docIndex: 0,
    at: [],
    inlineText: text,
    locate: (inner) => {
      const scalar = owner.where(at);
      if (!scalar.absPath || inner.length === 0) return scalar;
      // The block scalar's lines follow its key in the file: find the inner key there.
      return inlineKeyPosition(scalar, text, inner);
    },
  };
}

/** Position of `inner` (a path in `text`, the content of a block scalar that starts after `scalar`'s line). */
function inlineKeyPosition(scalar: RelocatedPosition, text: string, inner: Path): RelocatedPosition {
  const read = readText(scalar.absPath!);
  if (!read.ok) return scalar;
  const lines = read.text.split('\n');
  const header = lines[scalar.position.line - 1] ?? '';
  if (!/[|>][0-9+-]*\s*(#.*)?$/.test(header)) return scalar;
  // Walk the inner text line by line, following keys by indentation.
  const innerLines = text.split('\n');
  let line = -1;
  let indent = -1;
  for (const segment of inner) {
    if (typeof segment !== 'string') break;
    const re = new RegExp(`^(\\s*)(-\\s+)?["']?${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*:`);
    let found = -1;
    for (let i = line + 1; i < innerLines.length; i++) {
      const m = re.exec(innerLines[i]);
      const lead = innerLines[i].length - innerLines[i].trimStart().length;
      if (line !== -1 && innerLines[i].trim() !== '' && lead <= indent) break;
      if (m && m[1].length > indent) {
        found = i;
        indent = m[1].length;
        break;
      }
    }
    if (found === -1) break;
    line = found;
  }
  if (line === -1) return scalar;
  const firstContent = lines.slice(scalar.position.line).find((l) => l.trim() !== '') ?? '';
  const offset = firstContent.length - firstContent.trimStart().length;
  const target = scalar.position.line + 1 + line;
  const column = offset + (innerLines[line].length - innerLines[line].trimStart().length) + 1;
  return { ...scalar, position: { line: target, column, endLine: target, endColumn: column } };
}

/** ApplicationSet with list and git (directories, files) generators → Applications (plain objects) and where their fields come from. */
export function expandApplicationSet(owner: Owner, repo: RepoContext): { apps: Array<{ object: K8sObject; where: (p: Path) => RelocatedPosition }>; problems: OwnerProblem[] } {
  const spec = isPlainObject(owner.object.spec) ? owner.object.spec : {};
  const template = isPlainObject(spec.template) ? spec.template : undefined;
  const problems: OwnerProblem[] = [];
  const apps: Array<{ object: K8sObject; where: (p: Path) => RelocatedPosition }> = [];
  if (!template) return { apps, problems };
  const goTemplate = spec.goTemplate === true;
  const generators = Array.isArray(spec.generators) ? spec.generators : [];
  generators.forEach((g, gi) => {
    if (!isPlainObject(g)) return;
    const paramSets: Array<Record<string, unknown>> = [];
    if (isPlainObject(g.list) && Array.isArray(g.list.elements)) {
      for (const e of g.list.elements) if (isPlainObject(e)) paramSets.push(e);
    } else if (isPlainObject(g.git) && (Array.isArray(g.git.directories) || Array.isArray(g.git.files))) {
      const repoURL = str(g.git.repoURL);
      if (repoURL && repo.url && normalizeRepoUrl(repoURL) !== repo.url) return;
      if (!repoURL && !repo.url) return;
      const globs = (list: unknown[], excluded: boolean) => list.filter((d) => isPlainObject(d) && typeof d.path === 'string' && (d.exclude === true) === excluded).map((d) => String((d as Record<string, unknown>).path));
      const pathParams = (dir: string, file?: string) => {
        const segments = dir === '' ? [] : dir.split('/');
        const basename = segments[segments.length - 1] ?? '';
        const normalize = (n: string) => n.replace(/[^a-zA-Z0-9-]/g, '-').toLowerCase();
        return { path: dir, basename, basenameNormalized: normalize(basename), segments, ...(file !== undefined ? { filename: file, filenameNormalized: normalize(file) } : {}) };
      };
      if (Array.isArray(g.git.directories)) {
        const includes = globs(g.git.directories, false);
        const excludes = globs(g.git.directories, true);
        for (const dir of listRepoEntries(repo.root, 6, 'directories', 5000)) {
          if (!includes.some((glob) => globMatch(dir, glob)) || excludes.some((glob) => globMatch(dir, glob))) continue;
          paramSets.push({ path: pathParams(dir) });
        }
      } else {
        // git files generator (docs "Git Generator", files): each JSON/YAML file (or each element of a
        // list in it) gives its keys as parameters, with `path` the file's directory.
        const includes = globs(g.git.files as unknown[], false);
        const excludes = globs(g.git.files as unknown[], true);
        for (const file of listRepoEntries(repo.root, 6, 'files', 20_000)) {
          if (!/\.(json|ya?ml)$/i.test(file) || !includes.some((glob) => globMatch(file, glob)) || excludes.some((glob) => globMatch(file, glob))) continue;
          const read = readText(path.join(repo.root, file), repo.roots);
          const parsed = read.ok ? parseYamlDocuments(read.text)[0] : undefined;
          const content = parsed && parsed.errors.length === 0 ? parsed.value : undefined;
          const elements = Array.isArray(content) ? content : [content];
          const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
          for (const e of elements) if (isPlainObject(e)) paramSets.push({ ...e, path: pathParams(dir, file.slice(dir === '' ? 0 : dir.length + 1)) });
        }
      }
    } else {
      const kind = Object.keys(g)[0] ?? 'unknown';
      problems.push({ owner, at: ['spec', 'generators', gi], ruleId: 'gitops-not-rendered', message: `${owner.label}: the ${kind} generator is not expanded by mllint; its Applications are not linted` });
      return;
    }
    for (const params of paramSets) {
      const object = substitute(template, params, goTemplate) as Record<string, unknown>;
      const app = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', ...object } as K8sObject;
      if (!isPlainObject(app.metadata)) app.metadata = {};
      if (app.metadata!.namespace === undefined && typeof owner.object.metadata?.namespace === 'string') app.metadata!.namespace = owner.object.metadata.namespace;
      apps.push({ object: app, where: (p) => owner.where(['spec', 'template', ...p]) });
    }
  });
  return { apps, problems };
}

/**
 * Directories or files of the repository (relative, `/`-separated, sorted), to a depth, skipping dot folders
 * and node_modules; at most `cap` entries (the ApplicationSet git generators' candidates).
 */
function listRepoEntries(root: string, maxDepth: number, want: 'directories' | 'files', cap: number): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string, depth: number) => {
    if (depth > maxDepth || out.length > cap) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (want === 'directories') out.push(r);
        walk(path.join(dir, e.name), r, depth + 1);
      } else if (want === 'files' && e.isFile()) out.push(r);
    }
  };
  walk(root, '', 1);
  return out.sort();
}

/** ApplicationSet parameters in strings: `{{key}}`, `{{path.basename}}`; with goTemplate `{{ .key }}`. */
function substitute(value: unknown, params: Record<string, unknown>, goTemplate: boolean): unknown {
  if (typeof value === 'string') {
    return value.replace(/\{\{\s*([^{}]+?)\s*\}\}/g, (whole, expr: string) => {
      let key = expr.trim();
      if (goTemplate) {
        if (!key.startsWith('.')) return whole;
        key = key.slice(1);
      }
      let v: unknown = params;
      for (const part of key.split('.')) {
        const m = /^(\w+)\[(\d+)\]$/.exec(part);
        if (m && isPlainObject(v) && Array.isArray(v[m[1]])) v = (v[m[1]] as unknown[])[Number(m[2])];
        else if (isPlainObject(v)) v = v[part];
        else return whole;
      }
      if (!goTemplate && isPlainObject(v) && typeof v.path === 'string') v = v.path; // `{{path}}` in the fasttemplate form
      return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : whole;
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, params, goTemplate));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, params, goTemplate)]));
  return value;
}

/** Flux Kustomization → what it deploys (the GitRepository source is assumed to be this repository unless it says otherwise). */
export function fluxKustomizationIntents(owner: Owner, repo: RepoContext, gitRepositories: Map<string, FluxGitRepository>): { intents: Intent[]; problems: OwnerProblem[] } {
  const spec = isPlainObject(owner.object.spec) ? owner.object.spec : {};
  const source = fluxSource(owner, spec, repo, gitRepositories);
  if (source.where === 'elsewhere') return { intents: [], problems: [] };
  const rel = typeof spec.path === 'string' ? spec.path : '.';
  const dir = inRepo(repo, rel);
  if (!dir || !isDirectory(dir)) {
    // Certain only when the GitRepository is this repository on a branch the linted tree is.
    if (source.where === 'maybe') return { intents: [], problems: [] };
    return { intents: [], problems: [{ owner, at: ['spec', 'path'], ruleId: 'gitops-source-renders', otherRevision: source.otherRevision, message: `${owner.label}: path "${rel}" does not exist in this repository; ${source.otherRevision ? 'the GitRepository deploys another revision, which may have it' : 'Flux cannot build it'}` }] };
  }
  const intent: Intent = { owner, type: 'auto', dir, pathAt: ['spec', 'path'], otherRevision: false, unsupported: [] };
  const target = str(spec.targetNamespace);
  if (target) intent.namespace = { value: target, at: ['spec', 'targetNamespace'], override: true };
  intent.directory = { recurse: true };
  const fields: Record<string, unknown> = {};
  const paths = new Map<string, PathSegment[]>();
  if (Array.isArray(spec.images) && spec.images.length > 0) {
    // Flux's images are kustomize's own form ({ name, newName, newTag, digest }).
    fields.images = spec.images.filter(isPlainObject);
    paths.set('images', ['spec', 'images']);
  }
  if (Array.isArray(spec.patches) && spec.patches.length > 0) {
    fields.patches = spec.patches.filter((p) => isPlainObject(p) && typeof p.patch === 'string').map((p) => ({ patch: (p as Record<string, unknown>).patch, ...(isPlainObject((p as Record<string, unknown>).target) ? { target: (p as Record<string, unknown>).target } : {}) }));
    paths.set('patches', ['spec', 'patches']);
  }
  for (const field of ['namePrefix', 'nameSuffix']) {
    if (str(spec[field])) {
      fields[field] = spec[field];
      paths.set(field, ['spec', field]);
    }
  }
  const hasKustomization = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].some((n) => fs.existsSync(path.join(dir, n)));
  if (Object.keys(fields).length > 0 && hasKustomization) {
    if (target) {
      fields.namespace = target;
      paths.set('namespace', ['spec', 'targetNamespace']);
    }
    intent.overlay = { fields, pathOf: (p) => [...(paths.get(String(p[0])) ?? ['spec']), ...p.slice(1)] };
    intent.type = 'kustomize';
    intent.namespace = undefined;
  } else if (Object.keys(fields).length > 0) {
    for (const field of Object.keys(fields)) intent.unsupported.push({ message: `${field} of the Flux Kustomization is not applied by mllint to a folder without a kustomization`, at: paths.get(field)! });
  }
  for (const field of ['postBuild', 'commonMetadata', 'components']) {
    const v = spec[field];
    if (v !== undefined && !(Array.isArray(v) && v.length === 0)) intent.unsupported.push({ message: `${field} of the Flux Kustomization is not applied by mllint`, at: ['spec', field] });
  }
  return { intents: [intent], problems: [] };
}

/** A Flux GitRepository of the tree: its URL and the branch it follows (undefined for a tag, semver, commit or ref name). */
export interface FluxGitRepository {
  url: string;
  branch?: string;
}

/** A GitRepository object → what Flux fetches (source-controller defaults to the `master` branch without `ref`). */
export function fluxGitRepository(spec: Record<string, unknown>): FluxGitRepository | undefined {
  if (typeof spec.url !== 'string') return undefined;
  const ref = isPlainObject(spec.ref) ? spec.ref : {};
  const pinned = ['tag', 'semver', 'commit', 'name'].some((k) => str(ref[k]) !== undefined);
  return { url: spec.url, branch: pinned ? undefined : (str(ref.branch) ?? 'master') };
}

/**
 * Whether a Flux object's GitRepository is this repository: `here` (its URL is this repository's, or
 * the path is checked only when it exists: `maybe`), and whether it deploys the linted tree (a branch
 * checked out here, not a tag or commit).
 */
function fluxSource(owner: Owner, spec: Record<string, unknown>, repo: RepoContext, gitRepositories: Map<string, FluxGitRepository>): { where: 'here' | 'maybe' | 'elsewhere'; otherRevision: boolean } {
  const ref = isPlainObject(spec.sourceRef) ? spec.sourceRef : isPlainObject(spec.chart) && isPlainObject(spec.chart.spec) && isPlainObject(spec.chart.spec.sourceRef) ? spec.chart.spec.sourceRef : undefined;
  if (!ref || ref.kind !== 'GitRepository') return { where: 'elsewhere', otherRevision: true };
  const ns = str(ref.namespace) ?? (typeof owner.object.metadata?.namespace === 'string' ? owner.object.metadata.namespace : '');
  const git = gitRepositories.get(`${ns}/${String(ref.name ?? '')}`);
  if (!git || !repo.url) return { where: 'maybe', otherRevision: true };
  if (normalizeRepoUrl(git.url) !== repo.url) return { where: 'elsewhere', otherRevision: true };
  return { where: 'here', otherRevision: git.branch === undefined || !repo.branches.has(git.branch) };
}

/** Flux HelmRelease with a chart from a GitRepository → a Helm render. */
export function helmReleaseIntents(owner: Owner, repo: RepoContext, gitRepositories: Map<string, FluxGitRepository>): { intents: Intent[]; problems: OwnerProblem[] } {
  const spec = isPlainObject(owner.object.spec) ? owner.object.spec : {};
  const chartSpec = isPlainObject(spec.chart) && isPlainObject(spec.chart.spec) ? spec.chart.spec : undefined;
  const problems: OwnerProblem[] = [];
  if (!chartSpec) {
    if (isPlainObject(spec.chartRef)) problems.push({ owner, at: ['spec', 'chartRef'], ruleId: 'gitops-not-rendered', message: `${owner.label}: the chart comes from ${String((spec.chartRef as Record<string, unknown>).kind ?? 'another source')}; mllint renders only charts in this repository` });
    return { intents: [], problems };
  }
  const sourceKind = isPlainObject(chartSpec.sourceRef) ? chartSpec.sourceRef.kind : undefined;
  if (sourceKind === 'HelmRepository') {
    problems.push({ owner, at: ['spec', 'chart', 'spec', 'chart'], ruleId: 'gitops-not-rendered', message: `${owner.label}: chart "${String(chartSpec.chart)}" comes from a HelmRepository; mllint renders only charts in this repository (no network)` });
    return { intents: [], problems };
  }
  const source = fluxSource(owner, spec, repo, gitRepositories);
  if (source.where === 'elsewhere') return { intents: [], problems };
  const rel = str(chartSpec.chart) ?? '.';
  const dir = inRepo(repo, rel);
  if (!dir || !fs.existsSync(path.join(dir, 'Chart.yaml'))) {
    if (source.where === 'here') problems.push({ owner, at: ['spec', 'chart', 'spec', 'chart'], ruleId: 'gitops-source-renders', otherRevision: source.otherRevision, message: `${owner.label}: chart path "${rel}" is not a chart in this repository (no Chart.yaml)${source.otherRevision ? '; the GitRepository deploys another revision, which may have it' : ''}` });
    return { intents: [], problems };
  }
  const layers: ValuesLayer[] = [];
  (Array.isArray(chartSpec.valuesFiles) ? chartSpec.valuesFiles : []).forEach((f, i) => {
    if (typeof f !== 'string') return;
    // Relative to the source's root, not the chart: source-controller merges them with
    // mergeFileValues(localRef.WorkDir, …), each joined with securejoin (`..` stops at the root).
    const file = path.join(repo.root, path.posix.normalize(`/${f}`));
    const read = valuesFileLayer(file, repo.roots);
    if (!read.ok && read.reason === 'not found' && chartSpec.ignoreMissingValuesFiles === true) return;
    if (read.ok) {
      if (path.basename(file) !== 'values.yaml' || path.dirname(file) !== dir) layers.push(read.layer);
    } else problems.push({ owner, at: ['spec', 'chart', 'spec', 'valuesFiles', i], ruleId: 'gitops-source-renders', message: `${owner.label}: values file "${f}" ${read.reason === 'not found' ? 'does not exist in this repository' : `is ${read.reason}`}` });
  });
  const namespace = str(spec.targetNamespace) ?? (typeof owner.object.metadata?.namespace === 'string' ? owner.object.metadata.namespace : undefined);
  (Array.isArray(spec.valuesFrom) ? spec.valuesFrom : []).forEach((v, i) => {
    if (!isPlainObject(v)) return;
    if (v.kind !== 'ConfigMap') {
      problems.push({ owner, at: ['spec', 'valuesFrom', i], ruleId: 'gitops-not-rendered', message: `${owner.label}: values from ${String(v.kind)} "${String(v.name)}" are not read by mllint (Secrets are not in the tree); the chart is rendered without them` });
      return;
    }
    const ownNs = typeof owner.object.metadata?.namespace === 'string' ? owner.object.metadata.namespace : '';
    const cm = repo.configMaps.get(`${ownNs}/${String(v.name)}`);
    const key = str(v.valuesKey) ?? 'values.yaml';
    const data = cm && isPlainObject(cm.object.data) ? cm.object.data[key] : undefined;
    if (typeof data !== 'string') {
      if (v.optional !== true) problems.push({ owner, at: ['spec', 'valuesFrom', i], ruleId: 'gitops-not-rendered', message: `${owner.label}: ConfigMap "${String(v.name)}" (key ${key}) is not in the linted tree; the chart is rendered without it` });
      return;
    }
    const parsed = parseYamlDocuments(data)[0];
    if (str(v.targetPath)) {
      const segments = String(v.targetPath).split('.');
      const values: Record<string, unknown> = {};
      let node = values;
      segments.slice(0, -1).forEach((s) => (node = node[s] = {} as Record<string, unknown>));
      node[segments[segments.length - 1]] = data;
      layers.push({ values, file: '', docIndex: 0, at: [], locate: () => cm!.where(['data', key]) });
    } else if (parsed && isPlainObject(parsed.value)) {
      layers.push(inlineLayer(cm!, ['data', key], parsed.value, data));
    }
  });
  if (isPlainObject(spec.values)) layers.push({ values: spec.values, file: '', docIndex: 0, at: [], locate: (inner) => owner.where(['spec', 'values', ...inner]) });
  const releaseName = str(spec.releaseName) ?? (str(spec.targetNamespace) ? `${String(spec.targetNamespace)}-${nameOf(owner.object)}` : nameOf(owner.object));
  // Where the name is written: `spec.releaseName`, else the object's name it is made of (with targetNamespace).
  const releaseNameAt = str(spec.releaseName) ? ['spec', 'releaseName'] : ['metadata', 'name'];
  const intent: Intent = { owner, type: 'helm', dir, pathAt: ['spec', 'chart', 'spec', 'chart'], otherRevision: false, unsupported: [], helm: { releaseName, releaseNameAt, layers, sets: [] } };
  if (namespace) intent.namespace = { value: namespace, at: str(spec.targetNamespace) ? ['spec', 'targetNamespace'] : ['metadata', 'namespace'], override: false };
  if (spec.postRenderers !== undefined) intent.unsupported.push({ message: 'postRenderers of the HelmRelease are not applied by mllint', at: ['spec', 'postRenderers'] });
  return { intents: [intent], problems };
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
