/**
 * Kustomize: a directory holding a kustomization is linted as what `kustomize build` renders, not as
 * its raw files (patches are partial objects, and the image tag or namespace often come from an overlay).
 *
 * - Only entry points are rendered: kustomizations that no other kustomization found in the run refers to
 *   (as `resources`, `bases` or `components`). Bases are linted through the overlays that use them.
 * - The raw files a kustomization tree uses (kustomization files, resources, patches, …) are not linted
 *   separately; YAML files that no kustomization refers to are linted as usual.
 * - Rendering runs `kustomize build` or `kubectl kustomize` on a temporary wrapper kustomization (in the
 *   system temp directory) that refers to the entry point and asks for origin and transformer
 *   annotations; the user's files are never changed. Exec, alpha and Helm plugins are never enabled, and
 *   a tree that refers to a remote resource is not rendered (mllint does not use the network).
 * - A kustomization that cannot be rendered becomes one `parse-error` finding at its kustomization file.
 * - Each rendered object's findings are placed where the field is written: in the object's origin file
 *   when the value there is the rendered one, else in the kustomization that set it (`images`,
 *   `namespace`, `replicas`, labels, patches), else at the nearest existing parent in the origin file,
 *   else in the kustomization file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { K8sObject, Path, PathSegment, Position } from '../types.js';
import { toDisplayPath, type DiscoveredFile } from './files.js';
import { locatePath, parsePositionedYaml, prepareLocate, type LocatableText, type PositionedYaml } from './locate.js';
import { isPlainObject } from './objects.js';
import { readSourceText, type RelocatedPosition, type SourceInput } from './source.js';
import { NODE_LIMIT_MESSAGE, nodeLimitProblem, parseYamlDocuments } from './yaml.js';
import { fastParseDocuments } from './fast-yaml.js';
import crypto from 'node:crypto';
import { programIdentity, readCachedRender, TreeDigests, writeCachedRender, type StoredRender } from '../cache.js';
import { loadValues } from './objects.js';
import { parseImageRef } from '../rules/utils/image-ref.js';
import { re2FullMatch } from '../config/safe-match.js';
import { HELM_RELEASE_NAME, RENDER_BUDGET_SPENT } from '../render/helm.js';
import { childEnvironment, isInsideRepository, linkOutOfRepository, readBoundedFile, repositoryRoots, resolveProgram, type ProgramResult, type ProgramSpec } from '../config/trust.js';

export const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** Rendering a kustomization may take long (large trees); past this it is reported as failed. */
export const KUSTOMIZE_TIMEOUT_MS = 120_000;
/** All kustomize renders of a run together (the run may give a nearer deadline, shared with Helm). */
export const KUSTOMIZE_BUDGET_MS = 600_000;

/** All rendering of one run stops after this; entry points not rendered by then are reported. */

/** Largest rendered output of one entry point (bytes); larger output is a problem, not parsed. */
export const MAX_RENDERED_BYTES = 64 * 1024 * 1024;

/**
 * kustomize is a Go program that spends about 40% of its CPU collecting garbage on trees of large CRDs
 * (KServe's overlays). A render whose inputs (the files its kustomizations name, and the resource
 * directories) total at most this many bytes lets its heap grow to 5× the live data instead of 2× (GOGC=400)
 * and collects at the latest near GO_HEAP_LIMIT (GOMEMLIMIT): the same bytes out, about a third less CPU
 * (KServe `config/overlays/all`, 7.6 MB out: 5.6 s to 3.7 s, peak RSS 450 to 560 MB). A Go runtime older
 * than 1.19 ignores GOMEMLIMIT and still collects at 5×. Larger trees keep Go's default: once the live heap
 * outgrows the limit the collector runs all the time (a 32 MB tree of CRDs took 2.2× the CPU).
 */
export const GC_TUNED_MAX_INPUT_BYTES = 8 * 1024 * 1024;
const GO_GC_PERCENT = '400';
const GO_HEAP_LIMIT = '512MiB';
/** Files looked at when adding up a tree's input bytes; past it the tree counts as large. */
const MAX_SIZED_FILES = 5_000;

const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';
const TRANSFORMATIONS_ANNOTATION = 'alpha.config.kubernetes.io/transformations';
const FORBIDDEN_FLAGS = /^--(enable-alpha-plugins|enable-exec|enable-helm|enable-star|helm-command|mount|network|as-current-user|env\b|load-restrictor)/;

export interface KustomizeOptions {
  cwd: string;
  /**
   * Command to run, e.g. `kustomize build` or `kubectl kustomize`; default: whichever is on PATH. Only from
   * a trusted source (MLLINT_KUSTOMIZE_COMMAND, a config outside the repository: config/trust.ts); the
   * program must still be `kustomize` or `kubectl`, outside the repository, with rendering flags only.
   */
  command?: string;
  /** The repository (config/trust.ts `repositoryRoots`); default: computed from `cwd`. */
  roots?: string[];
  /**
   * Where renders are cached by their inputs' bytes (the result cache's directory, `.mllint-cache/`);
   * undefined: every entry point is rendered.
   */
  cacheDir?: string;
  /** PATH to search (default: process.env.PATH). */
  envPath?: string;
  /**
   * The helm program (absolute path, from the render stage's trusted lookup): kustomizations with
   * `helmCharts:` are rendered with `--enable-helm --helm-command HELM` when every chart is vendored in
   * the repository (kustomize then never pulls). Without it they are one finding.
   */
  helm?: string;
  /** Why `helm` is unset, when it is not "not found" (the user turned Helm rendering off). */
  helmOff?: string;
  /** Where a field of an object a generator made is written (Helm charts: their templates and values). */
  locateGenerated?: (kustomizationFile: string, generator: string, rendered: K8sObject, path: Path) => RelocatedPosition | undefined;
  /**
   * `Date.now()` value after which nothing more is rendered: one budget for the kustomize stage and every
   * Argo CD / Flux overlay rendered later (each overlay is its own kustomize run). Default: each call
   * gets KUSTOMIZE_BUDGET_MS.
   */
  deadline?: number;
}

export interface KustomizePlan {
  /** One source per entry point: the rendered objects, or a problem at the kustomization file. */
  sources: SourceInput[];
  /** Absolute paths of discovered files that belong to a kustomization tree (not linted raw). */
  ownedFiles: Set<string>;
}

interface Kustomization {
  dir: string;
  file: string;
  yaml: PositionedYaml;
  value: Record<string, unknown>;
  /** Kustomization directories it refers to. */
  children: string[];
  /**
   * References that stop the tree from being rendered, each at its place in the kustomization: remote
   * ones (URLs, git repositories: mllint does not use the network), ones outside the repository, and a
   * kustomization file mllint will not read (too large, not a regular file).
   */
  refused: Array<{ ref: string; at: PathSegment[]; why: 'remote' | 'outside' | 'unreadable' }>;
  /** Plain files listed under `resources` (linted on their own when the tree cannot be rendered for a remote reference). */
  resourceFiles: string[];
  /** `helmCharts:` entries whose chart is not in `helmGlobals.chartHome` (kustomize would pull it). */
  unvendoredCharts: string[];
  hasHelmCharts: boolean;
  /** Files it refers to (resources, patches, generators' files, …). */
  files: string[];
  /** Resource directories without a kustomization (kustomize reports them; their contents are inputs). */
  otherDirs: string[];
  /**
   * Kustomization directories named by a commented-out list entry (`#- ../prometheus`): optional parts the
   * scaffold ships disabled (kubebuilder's prometheus, webhook, certmanager, network-policy).
   */
  disabledChildren: string[];
}

/** Finds the kustomizations among the discovered files, renders the entry points. Never throws. */
export function renderKustomizations(files: DiscoveredFile[], options: KustomizeOptions): KustomizePlan {
  const plan: KustomizePlan = { sources: [], ownedFiles: new Set() };
  const found = new Map<string, Kustomization>();
  const repoRoots = options.roots ?? repositoryRoots(options.cwd);
  const read = (dir: string): Kustomization | undefined => {
    if (found.has(dir)) return found.get(dir);
    const k = readKustomization(dir, repoRoots);
    if (k) found.set(dir, k);
    return k;
  };
  const roots: string[] = [];
  for (const dir of new Set(files.map((f) => path.dirname(f.absPath)))) {
    if (read(dir)) roots.push(dir);
  }
  if (roots.length === 0) return plan;

  // Follow references (also outside the linted paths) to learn which kustomizations are referred to.
  const referenced = new Set<string>();
  const queue = [...roots];
  const visited = new Set<string>();
  while (queue.length > 0) {
    const dir = queue.shift()!;
    if (visited.has(dir)) continue;
    visited.add(dir);
    for (const child of read(dir)?.children ?? []) {
      referenced.add(child);
      queue.push(child);
    }
  }
  // A kustomize Component cannot be built alone: it is only an entry point of the overlays that use it.
  const isComponent = (dir: string) => found.get(dir)?.value.kind === 'Component';
  // A part another kustomization lists only in a comment (`#- ../prometheus`) is shipped disabled: it is
  // not deployed, so it is no entry point, and its own files are not linted raw either (unless it holds
  // CRDs, which are knowledge for checking custom resources).
  const disabled = new Set<string>();
  for (const k of found.values()) for (const dir of k.disabledChildren) if (!referenced.has(dir) && found.has(dir) && !holdsCrds(dir, found, repoRoots)) disabled.add(dir);
  let entries = roots.filter((dir) => !referenced.has(dir) && !isComponent(dir) && !disabled.has(dir));
  // A cycle leaves no entry point: render its members anyway, kustomize will explain.
  const reachable = new Set<string>();
  for (const entry of [...entries, ...disabled]) for (const dir of treeOf(entry, found)) reachable.add(dir);
  entries = [...entries, ...roots.filter((dir) => !reachable.has(dir) && !isComponent(dir))];

  for (const k of found.values()) {
    plan.ownedFiles.add(k.file);
    for (const file of k.files) plan.ownedFiles.add(file);
  }
  // YAML next to a kustomization that no kustomization refers to is not deployed (patch stubs of
  // kubebuilder scaffolds, commented-out resources): it is not linted raw either. So is YAML in a
  // subfolder of a kustomization that refers to files in its subfolders, when no nearer kustomization is
  // in between and that subfolder holds none of its resources (config/crd lists bases/… as resources, so
  // config/crd/patches/ holds patch stubs; unlisted files of bases/ stay linted: CRDs other tools install).
  for (const file of files) {
    const owner = nearestKustomizationDir(path.dirname(file.absPath), found);
    if (owner !== undefined && (owner === path.dirname(file.absPath) || isPatchFolder(found.get(owner)!, file.absPath))) plan.ownedFiles.add(file.absPath);
  }

  const command = resolveCommand(options);
  const toRender: string[] = [];
  const withHelm = new Set<string>();
  const results = new Map<string, SourceInput>();
  // Entry points, then local kustomizations of an entry point that uses a remote resource (rendered on their own).
  const order = [...entries.sort()];
  const lateEntries: string[] = [];
  for (let qi = 0; qi < order.length; qi++) {
    const entry = order[qi];
    const k = found.get(entry)!;
    const refused = treeOf(entry, found).flatMap((dir) => found.get(dir)?.refused.map((r) => ({ dir, ...r })) ?? []);
    if (refused.length > 0) {
      const first = refused[0];
      const holder = found.get(first.dir)!;
      const where = `${toDisplayPath(options.cwd, holder.file)}:${holder.yaml.positionOf(first.at).line}`;
      const reason = {
        remote: `${where} refers to the remote resource "${first.ref}" and mllint does not use the network; vendor it into the repository, or run with --kustomize=off to lint the raw files`,
        outside: `${where} refers to "${first.ref}", which is outside the linted repository; mllint reads only files inside it`,
        unreadable: `${where}: ${first.ref}`,
      }[first.why];
      const message = `kustomization ${toDisplayPath(options.cwd, entry)} not rendered: ${reason}`;
      results.set(entry, withKey({ display: toDisplayPath(options.cwd, holder.file), absPath: holder.file, text: '', problem: { message, line: holder.yaml.positionOf(first.at).line, maxSeverity: 'warning' } }, 'refused'));
      if (refused.every((r) => r.why === 'remote')) {
        lintLocalPartsOnTheirOwn(entry, found, plan, lateEntries);
        for (const late of lateEntries) if (!order.includes(late)) order.push(late);
      }
    } else if (!command.ok) {
      results.set(entry, withKey(problemSource(k, toDisplayPath(options.cwd, k.file), command.message), 'no-command'));
    } else {
      const charted = treeOf(entry, found).map((dir) => found.get(dir)).filter((c): c is Kustomization => c !== undefined && c.hasHelmCharts);
      const unvendored = charted.find((c) => c.unvendoredCharts.length > 0);
      if (charted.length > 0 && !options.helm) {
        results.set(entry, withKey(problemSource(charted[0], toDisplayPath(options.cwd, charted[0].file), `kustomization ${toDisplayPath(options.cwd, entry)} not rendered: it inflates Helm charts (helmCharts) and ${options.helmOff ?? 'helm was not found on PATH; install Helm 3 (or set MLLINT_HELM_COMMAND)'}, or run with --kustomize=off to lint the raw files`, 'helmCharts'), 'no-helm'));
      } else if (unvendored) {
        const name = unvendored.unvendoredCharts[0];
        results.set(entry, withKey(problemSource(unvendored, toDisplayPath(options.cwd, unvendored.file), `kustomization ${toDisplayPath(options.cwd, entry)} not rendered: Helm chart "${name}" (helmCharts) is not vendored in the repository and mllint does not use the network; pull it into helmGlobals.chartHome (default charts/) and commit it`, 'helmCharts'), 'unvendored'));
      } else {
        if (charted.length > 0) withHelm.add(entry);
        toRender.push(entry);
      }
    }
  }
  if (command.ok && toRender.length > 0) {
    const argvFor = (entry: string) => (withHelm.has(entry) ? [...command.argv, '--enable-helm', '--helm-command', options.helm!] : command.argv);
    const locatorFiles: LocatorFiles = { parsed: new Map(), kustomizations: new Map() };
    // Renders cached by their inputs' bytes: only entry points whose trees changed are rendered again.
    const digests = new TreeDigests();
    const keys = new Map<string, string | undefined>();
    const cached = new Map<string, StoredRender>();
    for (const entry of toRender) {
      const key = options.cacheDir ? renderCacheKey(entry, found, argvFor(entry), digests) : undefined;
      keys.set(entry, key);
      const hit = key && options.cacheDir ? readCachedRender(options.cacheDir, key) : undefined;
      // An entry is mllint's own (authenticated in cache.ts); still, what it names must be in the repository.
      if (hit && (hit.failure !== undefined ? hit.origins.length === 0 : path.isAbsolute(hit.wrapperDir) && hit.origins.every((o) => path.isAbsolute(o) && isInsideRepository(o, repoRoots)))) cached.set(entry, hit);
    }
    const misses = toRender.filter((entry) => !cached.has(entry));
    const inputBytes = (entry: string) => treeInputBytes(entry, found);
    const rendered = misses.length > 0 ? renderAll(argvFor, misses, options.cwd, inputBytes, undefined, options.deadline) : [];
    // Kept only under the key of the bytes that were rendered: a tree that changed while kustomize read it
    // hashes differently now, and that render is neither stored nor counted by its key.
    if (options.cacheDir && misses.length > 0) {
      const after = new TreeDigests();
      for (const entry of misses) if (keys.get(entry) !== renderCacheKey(entry, found, argvFor(entry), after)) keys.set(entry, undefined);
    }
    toRender.forEach((entry) => {
      const k = found.get(entry)!;
      const display = toDisplayPath(options.cwd, k.file);
      const key = keys.get(entry);
      const hit = cached.get(entry);
      if (hit) {
        if (hit.failure !== undefined) {
          results.set(entry, withKey(problemSource(k, display, `kustomize could not render ${toDisplayPath(options.cwd, entry)}: ${hit.failure}`, hit.failure), key));
          return;
        }
        for (const file of hit.origins) plan.ownedFiles.add(file);
        results.set(entry, lazyRenderedSource(hit, k, display, options.cwd, locatorFiles, key!, options.locateGenerated, () => renderAll(argvFor, [entry], options.cwd, inputBytes, undefined, options.deadline)[0]));
        return;
      }
      const r = rendered[misses.indexOf(entry)];
      if (!r.ok) {
        // kustomize's own verdict on these inputs is kept; a timeout or a failure to start is not.
        if (key && options.cacheDir && r.status !== undefined) writeCachedRender(options.cacheDir, key, { text: '', wrapperDir: '', origins: [], failure: r.message });
        results.set(entry, withKey(problemSource(k, display, `kustomize could not render ${toDisplayPath(options.cwd, entry)}: ${r.message}`, r.message), r.status !== undefined ? key : undefined));
        return;
      }
      const source = renderedSource(r.text, r.wrapperDir, k, display, options.cwd, locatorFiles, options.locateGenerated);
      for (const file of source.origins) plan.ownedFiles.add(file);
      if (key && options.cacheDir) writeCachedRender(options.cacheDir, key, { text: r.text, wrapperDir: r.wrapperDir, origins: source.origins });
      results.set(entry, key ? { ...source.input, cacheKey: key } : source.input);
    });
  }
  for (const entry of order) {
    const source = results.get(entry);
    if (source) plan.sources.push(source);
  }
  return plan;
}

/**
 * Fields an owner adds to the kustomization it deploys (an Argo CD Application's `kustomize:` overrides,
 * a Flux Kustomization's `images`/`patches`/`targetNamespace`), in kustomization form.
 */
export interface KustomizeOverlay {
  fields: Record<string, unknown>;
  /** Where a field of `fields` (a path into it) is written by the owner; `[]`: the owner itself. */
  positionOf: (p: Path) => RelocatedPosition;
}

export type OverlayRender =
  | { ok: true; source: SourceInput; ownedFiles: string[]; notApplied: Array<{ field: string; reason: string }> }
  | { ok: false; reason: string }
  | { ok: 'failed'; message: string };

/**
 * Renders the kustomization in `entryDir` with an owner's overlay, as its controller does: a wrapper
 * kustomization (in the temp directory) refers to it and carries the overlay's fields, so the real
 * kustomize applies them, under the same rules as the kustomize stage (restrictor, no plugins, no
 * network, Helm only for vendored charts). Argo CD writes its overrides into the kustomization itself:
 * an `images` entry of the Application replaces the kustomization's entry of the same name (the wrapper
 * matches the name that entry renders), and a `namePrefix`/`nameSuffix` replaces the kustomization's own
 * (not applied when it has one: the wrapper could only add to it; reported in `notApplied`).
 * `ok: false`: the tree is not renderable here (the kustomize stage reports why); `failed`: kustomize
 * refused the overlay, with its reason.
 */
export function renderWithOverlay(entryDir: string, overlay: KustomizeOverlay, options: KustomizeOptions): OverlayRender {
  const repoRoots = options.roots ?? repositoryRoots(options.cwd);
  const found = new Map<string, Kustomization>();
  const queue = [entryDir];
  while (queue.length > 0) {
    const dir = queue.shift()!;
    if (found.has(dir)) continue;
    const k = readKustomization(dir, repoRoots);
    if (!k) continue;
    found.set(dir, k);
    queue.push(...k.children);
  }
  const entry = found.get(entryDir);
  if (!entry) return { ok: false, reason: 'no kustomization in the directory' };
  const tree = treeOf(entryDir, found).map((dir) => found.get(dir)!).filter(Boolean);
  if (tree.some((k) => k.refused.length > 0)) return { ok: false, reason: 'the kustomization refers to files mllint does not read' };
  const charted = tree.some((k) => k.hasHelmCharts);
  if (charted && (!options.helm || tree.some((k) => k.unvendoredCharts.length > 0))) return { ok: false, reason: 'the kustomization inflates Helm charts mllint cannot render here' };
  const command = resolveCommand(options);
  if (!command.ok) return { ok: false, reason: command.message };

  const fields: Record<string, unknown> = { ...overlay.fields };
  const notApplied: Array<{ field: string; reason: string }> = [];
  for (const field of ['namePrefix', 'nameSuffix']) {
    const own = entry.value[field];
    if (fields[field] !== undefined && typeof own === 'string' && own !== '' && own !== fields[field]) {
      delete fields[field];
      notApplied.push({ field, reason: `it replaces the kustomization's own ${field} "${own}", which mllint cannot undo` });
    }
  }
  if (Array.isArray(fields.images)) {
    const own = Array.isArray(entry.value.images) ? entry.value.images.filter(isPlainObject) : [];
    fields.images = fields.images.map((image) => {
      if (!isPlainObject(image)) return image;
      const mine = own.find((o) => o.name === image.name);
      // The kustomization already renames this image: the wrapper sees the renamed one.
      return mine && typeof mine.newName === 'string' ? { ...image, name: mine.newName, newName: image.newName ?? mine.newName } : image;
    });
  }
  const argv = charted ? [...command.argv, '--enable-helm', '--helm-command', options.helm!] : command.argv;
  const [r] = renderAll(() => argv, [entryDir], options.cwd, (dir) => treeInputBytes(dir, found), fields, options.deadline);
  if (!r.ok) return { ok: 'failed', message: r.message };
  const rendered = renderedSource(r.text, r.wrapperDir, entry, toDisplayPath(options.cwd, entry.file), options.cwd, { parsed: new Map(), kustomizations: new Map() }, options.locateGenerated, { fields, positionOf: overlay.positionOf });
  const ownedFiles = [...rendered.origins, ...tree.flatMap((k) => [k.file, ...k.files])];
  return { ok: true, source: rendered.input, ownedFiles, notApplied };
}

/** The directory of the nearest kustomization at or above `dir` (undefined at the file system root without one). */
function nearestKustomizationDir(dir: string, found: ReadonlyMap<string, Kustomization>): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    if (found.has(d)) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/**
 * Whether `file`, in a subfolder of kustomization `k`'s directory, is in a folder of build inputs that are
 * not resources: `k` lists files of its subfolders, but no resource (file or kustomization) from the
 * subfolder `file` is in (its top folder below `k.dir`).
 */
function isPatchFolder(k: Kustomization, file: string): boolean {
  /** The first folder below k.dir that `p` is in, or undefined outside it (or right in it). */
  const topFolder = (p: string, isDir: boolean) => {
    const rel = path.relative(k.dir, p);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    const parts = rel.split(path.sep);
    return isDir || parts.length > 1 ? parts[0] : undefined;
  };
  const listsSubfolders = k.children.some((d) => topFolder(d, true) !== undefined) || k.files.some((f) => topFolder(f, false) !== undefined);
  if (!listsSubfolders) return false;
  const top = topFolder(file, false);
  if (top === undefined) return false;
  return !k.resourceFiles.some((f) => topFolder(f, false) === top) && !k.children.some((d) => topFolder(d, true) === top);
}

/** A source with the key the result cache counts it by (its content for a problem). */
function withKey(source: SourceInput, key: string | undefined): SourceInput {
  if (key === undefined) return source;
  return { ...source, cacheKey: `${key}:${crypto.createHash('sha256').update(JSON.stringify(source.problem ?? null)).digest('hex')}` };
}

/**
 * A cached render as a source, read and parsed only when the engine asks for its objects or positions
 * (a result cache hit never does). When the entry no longer holds the output its header vouched for
 * (pruned by another run meanwhile), the entry point is rendered again; if that fails, the source is
 * kustomize's failure, as it would have been without the cache.
 */
function lazyRenderedSource(stored: StoredRender, k: Kustomization, display: string, cwd: string, files: LocatorFiles, key: string, locateGenerated: KustomizeOptions['locateGenerated'], renderAgain: () => Rendered): SourceInput {
  let built: SourceInput | undefined;
  let problem: SourceInput['problem'];
  const build = (): SourceInput => {
    if (built) return built;
    let text = stored.text();
    let wrapperDir = stored.wrapperDir;
    if (text === undefined) {
      const r = renderAgain();
      if (r.ok) {
        text = r.text;
        wrapperDir = r.wrapperDir;
      } else {
        problem = problemSource(k, display, `kustomize could not render ${toDisplayPath(cwd, k.dir)}: ${r.message}`, r.message).problem;
        text = '';
      }
    }
    return (built = renderedSource(text, wrapperDir, k, display, cwd, files, locateGenerated).input);
  };
  return {
    display,
    absPath: k.file,
    cacheKey: key,
    get text() {
      return build().text;
    },
    get loaded() {
      return build().loaded;
    },
    get problem() {
      return problem;
    },
    relocate: (docIndex, p) => build().relocate!(docIndex, p),
  };
}

/**
 * The inputs of rendering `entry`, hashed: the command and the identity of every program it runs
 * (kustomize or kubectl, and helm for `--enable-helm`: see `programIdentity`), the entry point, and
 * every file under each kustomization directory of its tree and under the other directories and files
 * those name (vendored charts included). kustomize reads nothing else (remote and outside references are
 * refused before rendering). Undefined when the tree cannot be hashed (see TreeDigests) or a program
 * cannot be identified.
 */
function renderCacheKey(entry: string, found: Map<string, Kustomization>, argv: string[], digests: TreeDigests): string | undefined {
  const hash = crypto.createHash('sha256');
  const helmAt = argv.indexOf('--helm-command');
  const programs = [argv[0], ...(helmAt !== -1 ? [argv[helmAt + 1]] : [])].map(programIdentity);
  if (programs.some((p) => p === undefined)) return undefined;
  hash.update(JSON.stringify({ format: 2, argv, programs, entry: safeRealpath(entry) }));
  for (const dir of treeOf(entry, found).sort()) {
    const k = found.get(dir);
    if (!k) return undefined;
    for (const d of [dir, ...k.otherDirs]) {
      const digest = digests.dir(d);
      if (digest === undefined) return undefined;
      hash.update(`\0dir\0${d}\0${digest}`);
    }
    for (const file of k.files) {
      const digest = digests.file(file);
      if (digest === undefined) return undefined;
      hash.update(`\0file\0${file}\0${digest}`);
    }
  }
  return hash.digest('hex');
}

/** A problem at the kustomization's line that names `mentioned` (a resource, base, component or patch), else line 1. */
function problemSource(k: Kustomization, display: string, message: string, mentioned = ''): SourceInput {
  let line = 1;
  if (mentioned === 'helmCharts' && k.value.helmCharts !== undefined) line = k.yaml.positionOf(['helmCharts']).line;
  else for (const field of ['resources', 'bases', 'components', 'patchesStrategicMerge', 'patches', 'crds']) {
    const list = k.value[field];
    if (!Array.isArray(list)) continue;
    const index = list.findIndex((e) => {
      const ref = isPlainObject(e) ? e.path : e;
      return typeof ref === 'string' && ref !== '' && !ref.includes('\n') && (mentioned === ref || mentioned.includes(`'${ref}'`) || mentioned.includes(`/${path.normalize(ref)}`) || mentioned.includes(` ${ref}`));
    });
    if (index !== -1) {
      line = k.yaml.positionOf(isPlainObject(list[index]) ? [field, index, 'path'] : [field, index]).line;
      break;
    }
  }
  // `text` set: not a file for the parser workers to read (load-sources.ts); the problem comes first anyway.
  return { display, absPath: k.file, text: '', problem: { message, line } };
}

/**
 * Local paths of commented-out list entries of a kustomization (`#- ../prometheus`, `  # - ../webhook`):
 * the way kubebuilder and similar scaffolds ship an optional part disabled. Entries with a `:` (a
 * commented-out `- path: patch.yaml` or a URL) and anything that is not a relative path are left out.
 */
export function commentedOutEntries(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^[ \t]*#+[ \t]*-[ \t]+([^\s#:'"]+)[ \t]*$/gm)) {
    const ref = m[1];
    if (!path.isAbsolute(ref) && !ref.startsWith('~')) out.push(ref);
  }
  return out;
}

/**
 * Whether a kustomization tree lists a CustomResourceDefinition among its resource files (a quick look at
 * each file's first bytes). CRDs are knowledge for checking custom resources, so a disabled part holding
 * them (kubebuilder's `#- ../crd` when CRDs are installed another way) is still linted.
 */
function holdsCrds(dir: string, found: Map<string, Kustomization>, repoRoots: readonly string[]): boolean {
  for (const d of treeOf(dir, found)) {
    for (const file of found.get(d)?.resourceFiles ?? []) {
      if (/^kind:[ \t]*["']?CustomResourceDefinition\b/m.test(headOf(file, repoRoots))) return true;
    }
  }
  return false;
}

/** The first CRD_SNIFF_BYTES of a regular file inside the repository (symlinks resolved first), else ''. */
function headOf(file: string, repoRoots: readonly string[]): string {
  let fd: number | undefined;
  try {
    const real = fs.realpathSync(file);
    if (!isInsideRepository(real, repoRoots)) return '';
    fd = fs.openSync(real, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    if (!fs.fstatSync(fd).isFile()) return '';
    const buf = Buffer.alloc(CRD_SNIFF_BYTES);
    return buf.subarray(0, fs.readSync(fd, buf, 0, CRD_SNIFF_BYTES, 0)).toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** How much of a resource file `holdsCrds` reads. */
const CRD_SNIFF_BYTES = 64 * 1024;

function treeOf(entry: string, found: Map<string, Kustomization>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    if (seen.has(dir)) continue;
    seen.add(dir);
    out.push(dir);
    stack.push(...(found.get(dir)?.children ?? []));
  }
  return out;
}

/**
 * The bytes kustomize reads to render `entry`: its kustomizations' files, the files they name and the files
 * under the resource directories without a kustomization (each once). Infinity past MAX_SIZED_FILES files.
 */
function treeInputBytes(entry: string, found: Map<string, Kustomization>): number {
  const files = new Set<string>();
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (files.size > MAX_SIZED_FILES) return;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else files.add(full);
    }
  };
  for (const dir of treeOf(entry, found)) {
    const k = found.get(dir);
    if (!k) continue;
    files.add(k.file);
    for (const file of k.files) files.add(file);
    for (const other of k.otherDirs) walk(other);
  }
  if (files.size > MAX_SIZED_FILES) return Infinity;
  let bytes = 0;
  for (const file of files) {
    try {
      bytes += fs.lstatSync(file).size;
    } catch {
      // missing: kustomize reports it
    }
  }
  return bytes;
}

function kustomizationFileIn(dir: string): string | undefined {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return undefined;
  }
  for (const name of KUSTOMIZATION_FILE_NAMES) {
    if (!names.includes(name)) continue;
    const file = path.join(dir, name);
    try {
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // dangling link
    }
  }
  return undefined;
}

/**
 * A reference kustomize would fetch over the network: a URL of any scheme, go-getter (`git::`), scp-like
 * git (`git@host:`), GitHub shorthand (`gh:`), a hosted repository path (`github.com/org/repo`), or a
 * repository query (`?ref=`, `?version=`, `?timeout=`, `?submodules=`).
 */
export function isRemoteReference(ref: string): boolean {
  const r = ref.trim();
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(r) ||
    /^(git::|gh:|git@|[\w.-]+@[\w.-]+:)/i.test(r) ||
    /^(www\.)?(github\.com|gitlab\.com|bitbucket\.org|dev\.azure\.com|ssh\.dev\.azure\.com)([/:]|$)/i.test(r) ||
    /\?(.*&)?(ref|version|submodules|timeout)=/.test(r)
  );
}

/** Largest kustomization file mllint reads (they are small; this bounds parsing time). */
export const MAX_KUSTOMIZATION_BYTES = 1024 * 1024;
/** Files looked at when checking that a vendored chart stays inside the repository. */
const MAX_CHART_FILES = 20_000;

/**
 * Every place a kustomization names a file, directory or repository, with its YAML path: resources,
 * bases, components, patches of every kind, generators' files, replacements, transformers, generators,
 * validators, configurations, crds, openapi, Helm chart repositories and homes.
 */
function referencesOf(value: Record<string, unknown>): Array<{ ref: string; at: PathSegment[]; kind: ReferenceKind }> {
  const out: Array<{ ref: string; at: PathSegment[]; kind: ReferenceKind }> = [];
  const add = (ref: unknown, at: PathSegment[], kind: ReferenceKind) => {
    if (typeof ref === 'string' && ref.trim() !== '') out.push({ ref, at, kind });
  };
  const each = (field: string, fn: (entry: unknown, i: number) => void) => {
    const list = value[field];
    if (Array.isArray(list)) list.forEach(fn);
  };
  for (const field of ['resources', 'bases', 'components']) each(field, (e, i) => add(e, [field, i], 'resource'));
  for (const field of ['crds', 'configurations', 'generators', 'transformers', 'validators']) each(field, (e, i) => add(e, [field, i], 'file'));
  each('patchesStrategicMerge', (e, i) => {
    if (typeof e === 'string' && !e.includes('\n')) add(e, ['patchesStrategicMerge', i], 'file');
  });
  for (const field of ['patches', 'patchesJson6902', 'replacements']) each(field, (e, i) => isPlainObject(e) && add(e.path, [field, i, 'path'], 'file'));
  if (isPlainObject(value.openapi)) add(value.openapi.path, ['openapi', 'path'], 'file');
  for (const field of ['configMapGenerator', 'secretGenerator']) {
    each(field, (g, i) => {
      if (!isPlainObject(g)) return;
      if (Array.isArray(g.files)) g.files.forEach((f, j) => typeof f === 'string' && add(f.slice(f.indexOf('=') + 1), [field, i, 'files', j], 'file'));
      if (Array.isArray(g.envs)) g.envs.forEach((f, j) => add(f, [field, i, 'envs', j], 'file'));
      add(g.env, [field, i, 'env'], 'file');
    });
  }
  each('helmCharts', (c, i) => {
    if (!isPlainObject(c)) return;
    add(c.repo, ['helmCharts', i, 'repo'], 'repo');
    add(c.valuesFile, ['helmCharts', i, 'valuesFile'], 'file');
    if (Array.isArray(c.additionalValuesFiles)) c.additionalValuesFiles.forEach((f, j) => add(f, ['helmCharts', i, 'additionalValuesFiles', j], 'file'));
  });
  each('helmChartInflationGenerator', (c, i) => isPlainObject(c) && add(c.chartRepoUrl, ['helmChartInflationGenerator', i, 'chartRepoUrl'], 'repo'));
  if (isPlainObject(value.helmGlobals)) {
    add(value.helmGlobals.chartHome, ['helmGlobals', 'chartHome'], 'file');
    // helm's HELM_CONFIG_HOME (kustomize sets it): helm reads repositories.yaml and registry/config.json there.
    add(value.helmGlobals.configHome, ['helmGlobals', 'configHome'], 'home');
  }
  return out;
}

/** What a kustomization field names: a resource, an input file, a chart repository, or helm's config folder (read, not an input). */
type ReferenceKind = 'resource' | 'file' | 'repo' | 'home';

function readKustomization(dir: string, repoRoots: readonly string[]): Kustomization | undefined {
  const file = kustomizationFileIn(dir);
  if (!file) return undefined;
  const k: Kustomization = { dir, file, yaml: parsePositionedYaml(''), value: {}, children: [], refused: [], files: [], resourceFiles: [], unvendoredCharts: [], hasHelmCharts: false, otherDirs: [], disabledChildren: [] };
  const read = readBoundedFile(file, { what: 'kustomization file', maxBytes: MAX_KUSTOMIZATION_BYTES, roots: repoRoots });
  if (!read.ok) {
    k.refused.push({ ref: read.message, at: [], why: 'unreadable' });
    return k;
  }
  const text = read.bytes.toString('utf8');
  k.yaml = lazyPositionedYaml(text);
  k.value = isPlainObject(k.yaml.value) ? k.yaml.value : {};
  for (const ref of commentedOutEntries(text)) {
    const target = path.resolve(dir, ref);
    if (target !== dir && isInsideRepository(target, repoRoots) && isDirectory(target) && kustomizationFileIn(target)) k.disabledChildren.push(target);
  }
  for (const { ref, at, kind } of referencesOf(k.value)) {
    const target = path.resolve(dir, ref);
    // kustomize tries a resource that is not a local path as a repository (`example.com/org/repo`).
    const hostLike = kind === 'resource' && /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?\//i.test(ref) && !fs.existsSync(target);
    if (isRemoteReference(ref) || hostLike) {
      k.refused.push({ ref, at, why: 'remote' });
      continue;
    }
    if (kind === 'repo') continue;
    if (!isInsideRepository(target, repoRoots)) {
      k.refused.push({ ref, at, why: 'outside' });
      continue;
    }
    if (kind === 'home') continue;
    if (kind === 'resource' && isDirectory(target)) {
      if (kustomizationFileIn(target)) k.children.push(target);
      else k.otherDirs.push(target);
    } else {
      // Inputs of the build (resources, patches, generators' files, …), not manifests of their own.
      k.files.push(target);
      if (kind === 'resource') k.resourceFiles.push(target);
    }
  }
  const charts = listOf(k.value.helmCharts);
  if (charts.length > 0) {
    k.hasHelmCharts = true;
    const globals = isPlainObject(k.value.helmGlobals) ? k.value.helmGlobals : {};
    const chartHome = path.resolve(dir, typeof globals.chartHome === 'string' ? globals.chartHome : 'charts');
    for (const chart of charts) {
      const name = typeof chart.name === 'string' ? chart.name : '';
      const version = typeof chart.version === 'string' ? chart.version : undefined;
      // kustomize uses <chartHome>/<name> (with a version also <chartHome>/<name>-<version>/<name>) when it
      // holds a chart; otherwise it pulls from the chart's repo, which mllint never lets it do.
      const places = [path.join(chartHome, name), ...(version ? [path.join(chartHome, `${name}-${version}`, name)] : [])];
      const vendored = name !== '' && !/[/\\]/.test(name) && places.some((p) => fs.existsSync(path.join(p, 'Chart.yaml')) && isInsideRepository(p, repoRoots));
      if (!vendored) {
        k.unvendoredCharts.push(name || '(no name)');
        continue;
      }
      // kustomize passes releaseName to helm as a bare argument: "--post-renderer=./x.sh" would be a flag
      // and helm would run that program. Nothing in the entry may look like a flag.
      const flagLike = Object.entries(chart).find(([, v]) => (Array.isArray(v) ? v : [v]).some((x) => typeof x === 'string' && x.trimStart().startsWith('-')));
      const badRelease = typeof chart.releaseName === 'string' && !HELM_RELEASE_NAME.test(chart.releaseName);
      if (flagLike || badRelease) {
        const field = flagLike ? flagLike[0] : 'releaseName';
        k.refused.push({ ref: `Helm chart "${name}": ${field} ${JSON.stringify(flagLike ? flagLike[1] : chart.releaseName)} is not a valid value (helm would read it as a flag or reject it)`, at: ['helmCharts', charts.indexOf(chart), field], why: 'unreadable' });
        continue;
      }
      // helm (run by kustomize) reads every file of the chart, following symlinks.
      const escape = places.filter((p) => fs.existsSync(p)).map((p) => linkOutOfRepository(p, repoRoots, MAX_CHART_FILES)).find(Boolean);
      if (escape) k.refused.push({ ref: `Helm chart "${name}": ${escape}`, at: ['helmCharts', charts.indexOf(chart)], why: 'unreadable' });
      else for (const p of places) if (fs.existsSync(p)) k.files.push(...listFiles(p));
    }
  }
  return k;
}

/**
 * A kustomization's value by the fast path (see fast-yaml.ts) when it is one plain document, its
 * positions (the `yaml` AST) built only when a finding needs a line; anything else is parsed by `yaml`
 * at once, as before. Most runs never ask a kustomization for a position.
 */
function lazyPositionedYaml(text: string): PositionedYaml {
  const fast = fastParseDocuments(text);
  if (!fast || fast.length !== 1) return parsePositionedYaml(text);
  let full: PositionedYaml | undefined;
  return { value: fast[0], errors: [], positionOf: (p, options) => (full ??= parsePositionedYaml(text)).positionOf(p, options) };
}

/**
 * An entry point that cannot be rendered for a remote reference: its local parts are still linted on
 * their own (DESIGN.md: one entry point's problem never hides the rest). Plain resource files of its
 * tree are linted raw; local kustomizations it uses become entry points of their own.
 */
function lintLocalPartsOnTheirOwn(entry: string, found: Map<string, Kustomization>, plan: KustomizePlan, lateEntries: string[]): void {
  const seen = new Set<string>();
  const walk = (dir: string) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    const k = found.get(dir);
    if (!k) return;
    if (!treeOf(dir, found).some((d) => (found.get(d)?.refused.length ?? 0) > 0)) {
      if (!lateEntries.includes(dir)) lateEntries.push(dir); // renderable on its own
      return;
    }
    for (const file of k.resourceFiles) plan.ownedFiles.delete(file);
    for (const child of k.children) walk(child);
  };
  walk(entry);
}

/** Files of a vendored chart (inputs of the build, not manifests of their own). */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length > 0 && out.length < 10_000) {
    const current = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const full = path.join(current, e.name);
      if (e.isDirectory()) stack.push(full);
      else out.push(full);
    }
  }
  return out;
}

function listOf(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value) ? value.filter(isPlainObject) : [];
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

type Command = ProgramResult;

/** kustomize as mllint runs it: `kustomize build` or `kubectl kustomize`, rendering flags only, never plugins. */
export const KUSTOMIZE_PROGRAM: ProgramSpec = {
  setting: 'kustomize.command',
  programs: { kustomize: 'build', kubectl: 'kustomize' },
  safeFlags: new Set(['reorder', 'enable-managedby-label', 'stack-trace']),
  flagsWithValue: new Set(['reorder']),
  forbidden: FORBIDDEN_FLAGS,
  defaults: ['kustomize', 'kubectl'],
  missing: 'kustomization not rendered: neither kustomize nor kubectl was found on PATH; install one of them, or run with --kustomize=off to lint the raw files',
};

/** Always added: files are loaded only from inside each kustomization's own directory. */
export const KUSTOMIZE_FORCED_FLAGS = ['--load-restrictor=LoadRestrictionsRootOnly'];

/** `kustomize build`, else `kubectl kustomize`, else the trusted configured command (see config/trust.ts). */
export function resolveCommand(options: KustomizeOptions): Command {
  const roots = options.roots ?? repositoryRoots(options.cwd);
  const resolved = resolveProgram(KUSTOMIZE_PROGRAM, options.command, roots, options.envPath);
  if (!resolved.ok) return resolved.message.startsWith('kustomization not rendered') ? resolved : { ok: false, message: `kustomization not rendered: ${resolved.message}` };
  return { ok: true, argv: [...resolved.argv, ...KUSTOMIZE_FORCED_FLAGS] };
}

/** A failed render: `status` is kustomize's exit status when it ran to the end (undefined: timeout, not started). */
type Rendered = { ok: true; text: string; wrapperDir: string } | { ok: false; message: string; status?: number };

/**
 * Renders every entry point, several at a time (kustomize's start-up dominates small renders): a short
 * Node child process runs the commands in parallel and writes each output to a file beside its wrapper.
 */
function renderAll(argvFor: (entry: string) => string[], entries: string[], cwd: string, inputBytes: (entry: string) => number, wrapperFields?: Record<string, unknown>, deadline?: number): Rendered[] {
  const budget = deadline === undefined ? KUSTOMIZE_BUDGET_MS : Math.min(KUSTOMIZE_BUDGET_MS, deadline - Date.now());
  if (budget <= 0) return entries.map(() => ({ ok: false, message: RENDER_BUDGET_SPENT }));
  let tempDir: string | undefined;
  try {
    tempDir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mllint-kustomize-')));
    const jobs = entries.map((entry, i) => {
      const wrapperDir = path.join(tempDir!, `w${i}`);
      fs.mkdirSync(wrapperDir);
      const realEntry = fs.realpathSync(entry);
      const ref = path.relative(wrapperDir, realEntry).split(path.sep).join('/');
      fs.writeFileSync(
        path.join(wrapperDir, 'kustomization.yaml'),
        `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ${JSON.stringify(ref)}\nbuildMetadata: [originAnnotations, transformerAnnotations]\n` +
          Object.entries(wrapperFields ?? {}).map(([k, v]) => `${k}: ${JSON.stringify(v)}\n`).join(''),
      );
      const goEnv: Record<string, string> = inputBytes(entry) <= GC_TUNED_MAX_INPUT_BYTES ? { GOGC: GO_GC_PERCENT, GOMEMLIMIT: GO_HEAP_LIMIT } : {};
      return { argv: [...argvFor(entry), wrapperDir], cwd: realEntry, out: path.join(tempDir!, `w${i}.out`), err: path.join(tempDir!, `w${i}.err`), wrapperDir, goEnv };
    });
    const home = path.join(tempDir, 'home');
    fs.mkdirSync(home, { mode: 0o700 });
    const env = childEnvironment(home);
    const limit = Math.max(1, Math.min(jobs.length, os.availableParallelism?.() ?? os.cpus().length));
    let statuses: Array<{ status: number | null; error?: string }>;
    if (jobs.length === 1) {
      const job = jobs[0];
      const timeout = Math.min(KUSTOMIZE_TIMEOUT_MS, budget);
      const result = spawnSync(job.argv[0], job.argv.slice(1), { cwd: job.cwd, env: { ...env, ...job.goEnv }, timeout, maxBuffer: MAX_RENDERED_BYTES, stdio: ['ignore', 'pipe', 'pipe'] });
      fs.writeFileSync(job.out, result.stdout ?? '');
      fs.writeFileSync(job.err, result.stderr ?? '');
      const code = result.error ? ((result.error as NodeJS.ErrnoException).code ?? result.error.message) : undefined;
      statuses = [{ status: result.status, error: code === 'ETIMEDOUT' && timeout < KUSTOMIZE_TIMEOUT_MS ? 'EBUDGET' : code }];
    } else {
      const result = spawnSync(process.execPath, ['-e', PARALLEL_RUNNER], {
        input: JSON.stringify({ jobs, limit, timeout: KUSTOMIZE_TIMEOUT_MS, budget }),
        env,
        encoding: 'utf8',
        timeout: Math.min(KUSTOMIZE_TIMEOUT_MS * Math.ceil(jobs.length / limit), budget) + 10_000,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      statuses = result.status === 0 ? JSON.parse(result.stdout) : jobs.map(() => ({ status: null, error: result.error ? 'ETIMEDOUT' : 'runner failed' }));
    }
    return jobs.map((job, i): Rendered => {
      const { status, error } = statuses[i] ?? { status: null, error: 'not run' };
      if (error === 'ENOBUFS' || (status === 0 && fs.statSync(job.out).size > MAX_RENDERED_BYTES)) return { ok: false, message: `the rendered output is larger than ${MAX_RENDERED_BYTES / 1048576} MiB` };
      if (error === 'EBUDGET') return { ok: false, message: RENDER_BUDGET_SPENT };
      if (error) return { ok: false, message: error === 'ETIMEDOUT' ? `timed out after ${KUSTOMIZE_TIMEOUT_MS / 1000}s` : `cannot run ${path.basename(job.argv[0])} (${error})` };
      if (status !== 0) return { ok: false, message: describeKustomizeError(fs.readFileSync(job.err, 'utf8'), job.wrapperDir, cwd), status: typeof status === 'number' ? status : undefined };
      return { ok: true, text: fs.readFileSync(job.out, 'utf8'), wrapperDir: job.wrapperDir };
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return entries.map(() => ({ ok: false, message }));
  } finally {
    if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
  }
}

/** Runs `jobs` (argv, cwd, out, err files, goEnv added to its environment) at most `limit` at a time; prints [{ status, error }]. */
const PARALLEL_RUNNER = `
const { spawn } = require('node:child_process');
const fs = require('node:fs');
let input = '';
process.stdin.on('data', (d) => (input += d)).on('end', () => {
  const { jobs, limit, timeout, budget } = JSON.parse(input);
  const deadline = Date.now() + budget;
  const results = new Array(jobs.length);
  let next = 0, running = 0;
  let finished = false;
  const finish = () => { if (!finished) { finished = true; process.stdout.write(JSON.stringify(results)); } };
  const start = () => {
    while (running < limit && next < jobs.length) {
      const i = next++;
      const job = jobs[i];
      const left = deadline - Date.now();
      if (left <= 0) {
        results[i] = { status: null, error: 'EBUDGET' };
        continue;
      }
      running++;
      const out = fs.openSync(job.out, 'w');
      const err = fs.openSync(job.err, 'w');
      const child = spawn(job.argv[0], job.argv.slice(1), { cwd: job.cwd, env: { ...process.env, ...job.goEnv }, stdio: ['ignore', out, err] });
      const timer = setTimeout(() => { results[i] = { status: null, error: left < timeout ? 'EBUDGET' : 'ETIMEDOUT' }; child.kill('SIGKILL'); }, Math.min(timeout, left));
      let settled = false;
      const done = (result) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fs.closeSync(out);
        fs.closeSync(err);
        if (results[i] === undefined) results[i] = result;
        running--;
        if (running === 0 && next >= jobs.length) finish(); else start();
      };
      child.on('error', (e) => done({ status: null, error: e.code || e.message }));
      child.on('close', (status) => done({ status }));
    }
    if (running === 0 && next >= jobs.length) finish();
  };
  if (jobs.length === 0) finish(); else start();
});
`;

/** The useful line of kustomize's (or kubectl's klog-wrapped) error output, with paths relative to cwd. */
function describeKustomizeError(stderr: string, wrapperDir: string, cwd: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^# Warning:/.test(l) && !/^Warning:/.test(l));
  const at = lines.findIndex((l) => /err=|^Error:/.test(l));
  let message = lines[at] ?? lines[lines.length - 1] ?? 'unknown error';
  const klog = /err="((?:[^"\\]|\\.)*)"/.exec(message);
  if (klog) message = klog[1].replace(/\\(.)/g, '$1');
  // klog writes a multi-line value as `err=<`, the lines indented, then ` >`: the whole reason, joined.
  if (at !== -1 && /err=<$/.test(message)) {
    const end = lines.indexOf('>', at + 1);
    message = lines.slice(at + 1, end === -1 ? undefined : end).join(' ').replace(/`\s*/g, '`').replace(/\s*`:/g, '`:');
  }
  message = message.replace(/^Error:\s*/, '');
  let realCwd = cwd;
  try {
    realCwd = fs.realpathSync(cwd);
  } catch {
    // keep cwd
  }
  const fromWrapper = path.relative(wrapperDir, realCwd).split(path.sep).join('/');
  if (fromWrapper) message = message.split(`${fromWrapper}/`).join('');
  message = message.split(`${wrapperDir}/`).join('').split(`${realCwd}/`).join('');
  // The wrapper refers to the entry point as a resource: kustomize reports trying it as a file, then as a
  // directory, and tries each failing resource both ways. Keep the part about the user's files.
  const prefixes = [
    /^accumulating resources: (accumulation err=')?/,
    /^accumulating resources from '[^']*': '[^']*' must resolve to a file': /,
    /^recursed accumulation of path '[^']*': /,
    /^couldn't make target for path '[^']*': /,
  ];
  for (let changed = true; changed; ) {
    changed = false;
    for (const prefix of prefixes) {
      const next = message.replace(prefix, '');
      if (next !== message) [message, changed] = [next, true];
    }
  }
  return message.replace(/': must build at directory: .*$/, '');
}

interface RenderedDoc {
  object: K8sObject;
  /** The file the object was read from (absolute), when it came from a file. */
  originFile?: string;
  /** The kustomization that generated it (configMapGenerator, …), when generated. */
  generatedIn?: string;
  /** The generator's kind (`ConfigMapGenerator`, `HelmChartInflationGenerator`, …). */
  generatedBy?: string;
  /** Kustomization files whose transformers ran over it, innermost first. */
  transformedIn: string[];
}

function renderedSource(text: string, wrapperDir: string, entry: Kustomization, display: string, cwd: string, files: LocatorFiles, locateGenerated?: KustomizeOptions['locateGenerated'], overlay?: KustomizeOverlay): { input: SourceInput; origins: string[] } {
  const docs: RenderedDoc[] = [];
  const origins = new Set<string>();
  // The annotations name paths relative to the wrapper, whose directory is gone by now: resolve them
  // against the real location of the entry point instead.
  const realEntry = safeRealpath(entry.dir);
  const fromWrapper = (p: string) => {
    const abs = path.resolve(wrapperDir, p);
    const rel = path.relative(realEntry, abs);
    return path.resolve(entry.dir, rel);
  };
  const values = renderedValues(text);
  if (values === undefined) {
    // Not one object of it is checked, and its files are not linted raw instead (each would be refused alike).
    return { input: problemSource(entry, display, `the output of kustomize build ${toDisplayPath(cwd, entry.dir)} has a document of ${NODE_LIMIT_MESSAGE.replace(' up to this line', '').replace('the file is', 'the output is')}`), origins: [] };
  }
  for (const value of values) {
    if (!isPlainObject(value) || typeof value.kind !== 'string') continue;
    const object = value as K8sObject;
    const annotations = isPlainObject(object.metadata?.annotations) ? (object.metadata!.annotations as Record<string, unknown>) : undefined;
    const rendered: RenderedDoc = { object, transformedIn: [] };
    const origin = annotations ? yamlValue(annotations[ORIGIN_ANNOTATION]) : undefined;
    if (isPlainObject(origin)) {
      if (typeof origin.path === 'string' && origin.repo === undefined) rendered.originFile = fromWrapper(origin.path);
      if (typeof origin.configuredIn === 'string') rendered.generatedIn = fromWrapper(origin.configuredIn);
      if (isPlainObject(origin.configuredBy) && typeof origin.configuredBy.kind === 'string') rendered.generatedBy = origin.configuredBy.kind;
    }
    const transformations = annotations ? yamlValue(annotations[TRANSFORMATIONS_ANNOTATION]) : undefined;
    if (Array.isArray(transformations)) {
      for (const t of transformations) {
        if (isPlainObject(t) && typeof t.configuredIn === 'string') {
          const file = fromWrapper(t.configuredIn);
          if (!rendered.transformedIn.includes(file)) rendered.transformedIn.push(file);
        }
      }
    }
    if (annotations) {
      delete annotations[ORIGIN_ANNOTATION];
      delete annotations[TRANSFORMATIONS_ANNOTATION];
      if (Object.keys(annotations).length === 0) delete object.metadata!.annotations;
    }
    if (rendered.originFile) origins.add(rendered.originFile);
    docs.push(rendered);
  }
  const locator = new RenderedLocator(docs, entry, cwd, files, locateGenerated);
  if (overlay) {
    // The wrapper's own fields are the overlay's: findings they cause point where the owner writes them.
    const owner = overlay.positionOf([]);
    if (owner.absPath) {
      locator.virtual.set(fromWrapper('kustomization.yaml'), {
        file: owner.absPath,
        yaml: { value: overlay.fields, errors: [], positionOf: (q) => overlay.positionOf(q).position },
      });
    }
  }
  // One JSON document per object: docIndex i is docs[i]. The engine takes the objects as they read back
  // from that JSON (dates as strings, as before), without parsing the text again.
  const json = docs.map((d) => JSON.stringify(d.object));
  const joined = json.join('\n---\n') + '\n';
  return {
    input: {
      display,
      absPath: entry.file,
      text: joined,
      loaded: { text: joined, loaded: loadValues(json.map((j) => JSON.parse(j))) },
      relocate: (docIndex, p) => locator.locate(docIndex, p),
    },
    origins: [...origins],
  };
}

/**
 * The documents of `kustomize build` output, each by the fast path when it can (see fast-yaml.ts; the
 * text is an emitter's, documents are separated by `---` lines at column 0, which no scalar of that
 * output holds), else by `yaml`. One document per chunk, so one unusual document does not send the
 * whole render to the slow parser. Undefined when a document has more nodes than `YAML_LIMITS.maxNodes`.
 */
function renderedValues(text: string): unknown[] | undefined {
  const values: unknown[] = [];
  for (const chunk of text.split(/^---[ \t]*\r?$/m)) {
    if (chunk.trim() === '') continue;
    if (nodeLimitProblem(chunk)) return undefined; // one document over YAML_LIMITS.maxNodes
    const fast = fastParseDocuments(chunk, { emitted: true });
    for (const value of fast ?? parseYamlDocuments(chunk).map((d) => d.value)) values.push(value);
  }
  return values;
}

/** A file's documents (fast path, else `yaml`). */
function documentValues(text: string): unknown[] {
  return fastParseDocuments(text) ?? parseYamlDocuments(text).map((d) => d.value);
}

function safeRealpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

function yamlValue(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  return documentValues(text)[0];
}

interface ParsedFile {
  values: unknown[];
  located: LocatableText;
}

/**
 * Files read to place findings, shared by the entry points of one run (overlays of the same bases read
 * the same files): parsed once each, read only.
 */
interface LocatorFiles {
  parsed: Map<string, ParsedFile | null>;
  kustomizations: Map<string, PositionedYaml | null>;
}

/** Places findings of rendered objects in the files where their fields are written. */
class RenderedLocator {
  /** Kustomizations that are not files (a wrapper with an owner's overlay): by the path the annotations give, with the file that writes them. */
  readonly virtual = new Map<string, { file: string; yaml: PositionedYaml }>();
  private files: Map<string, ParsedFile | null>;
  private kustomizations: Map<string, PositionedYaml | null>;

  constructor(
    private docs: RenderedDoc[],
    private entry: Kustomization,
    private cwd: string,
    shared: LocatorFiles,
    private locateGenerated?: KustomizeOptions['locateGenerated'],
  ) {
    this.files = shared.parsed;
    this.kustomizations = shared.kustomizations;
  }

  locate(docIndex: number, p: Path): RelocatedPosition {
    const doc = this.docs[docIndex];
    if (!doc) return this.at(this.entry.file, { line: 1, column: 1, endLine: 1, endColumn: 1 });
    const rendered = doc.object;
    const renderedValue = valueAt(rendered, p);

    // 1. The origin file, when the value written there is the rendered one.
    const origin = doc.originFile ? this.sourceDoc(doc.originFile, rendered) : undefined;
    if (origin) {
      const t = translatePath(rendered, origin.value, p);
      if (t.complete && sameValue(t.value, renderedValue)) return this.at(doc.originFile!, locatePath(origin.file.located, origin.index, t.path));
    }
    // 2. The kustomizations that transformed it, outermost first.
    const originalName = isPlainObject(origin?.value) && isPlainObject(origin.value.metadata) ? origin.value.metadata.name : undefined;
    for (const file of [...doc.transformedIn].reverse()) {
      const virtual = this.virtual.get(file);
      const found = this.inKustomization(virtual?.file ?? file, rendered, typeof originalName === 'string' ? originalName : undefined, p, renderedValue, virtual?.yaml);
      if (found) return found;
    }
    // 3. The nearest existing parent in the origin file.
    if (origin) {
      const t = translatePath(rendered, origin.value, p);
      return this.at(doc.originFile!, locatePath(origin.file.located, origin.index, t.path));
    }
    if (doc.originFile && this.parsed(doc.originFile)) return this.at(doc.originFile, { line: 1, column: 1, endLine: 1, endColumn: 1 });
    // 4. The kustomization that generated it, else the entry point.
    if (doc.generatedIn && doc.generatedBy && this.locateGenerated) {
      const found = this.locateGenerated(doc.generatedIn, doc.generatedBy, rendered, p);
      if (found) return found;
    }
    if (doc.generatedIn) {
      const k = this.kustomization(doc.generatedIn);
      const key = doc.generatedBy === 'HelmChartInflationGenerator' ? 'helmCharts' : rendered.kind === 'Secret' ? 'secretGenerator' : 'configMapGenerator';
      if (k) return this.at(doc.generatedIn, k.positionOf([key]));
    }
    return this.at(this.entry.file, { line: 1, column: 1, endLine: 1, endColumn: 1 });
  }

  private at(file: string, position: Position): RelocatedPosition {
    return { display: toDisplayPath(this.cwd, file), absPath: file, position };
  }

  private parsed(file: string): ParsedFile | null {
    if (!this.files.has(file)) {
      const decoded = readSourceText({ display: file, absPath: file });
      this.files.set(file, decoded.ok ? { values: documentValues(decoded.text), located: prepareLocate(decoded.text) } : null);
    }
    return this.files.get(file) ?? null;
  }

  private kustomization(file: string): PositionedYaml | null {
    if (!this.kustomizations.has(file)) {
      const decoded = readSourceText({ display: file, absPath: file });
      this.kustomizations.set(file, decoded.ok ? parsePositionedYaml(decoded.text) : null);
    }
    return this.kustomizations.get(file) ?? null;
  }

  /** The document of `file` that is the same object as `rendered` (same kind; same or prefixed name). */
  private sourceDoc(file: string, rendered: K8sObject): { file: ParsedFile; index: number; value: unknown } | undefined {
    const parsed = this.parsed(file);
    if (!parsed) return undefined;
    const index = matchingDoc(parsed.values, rendered.kind, nameOf(rendered));
    return index === undefined ? undefined : { file: parsed, index, value: parsed.values[index] };
  }

  private inKustomization(file: string, rendered: K8sObject, originalName: string | undefined, p: Path, renderedValue: unknown, preloaded?: PositionedYaml): RelocatedPosition | undefined {
    const k = preloaded ?? this.kustomization(file);
    if (!k || !isPlainObject(k.value)) return undefined;
    const v = k.value;
    const at = (q: PathSegment[]) => this.at(file, k.positionOf(q));
    const last = p[p.length - 1];
    // namespace, namePrefix/nameSuffix
    if (p.length === 2 && p[0] === 'metadata' && p[1] === 'namespace' && typeof v.namespace === 'string' && v.namespace === renderedValue) return at(['namespace']);
    if (p.length === 2 && p[0] === 'metadata' && p[1] === 'name') {
      if (typeof v.namePrefix === 'string' && v.namePrefix !== '' && String(renderedValue).startsWith(v.namePrefix)) return at(['namePrefix']);
      if (typeof v.nameSuffix === 'string' && v.nameSuffix !== '' && String(renderedValue).endsWith(v.nameSuffix)) return at(['nameSuffix']);
    }
    // images: newName / newTag / digest
    if (last === 'image' && typeof renderedValue === 'string' && Array.isArray(v.images)) {
      const repository = parseImageRef(renderedValue).repository;
      const index = v.images.findIndex((e) => isPlainObject(e) && (e.newName === repository || (e.newName === undefined && e.name === repository)));
      if (index !== -1) {
        const e = v.images[index] as Record<string, unknown>;
        const field = renderedValue.includes('@') && e.digest !== undefined ? 'digest' : e.newTag !== undefined ? 'newTag' : e.newName !== undefined ? 'newName' : 'name';
        return at(['images', index, field]);
      }
    }
    // replicas
    if (p.length === 2 && p[0] === 'spec' && p[1] === 'replicas' && Array.isArray(v.replicas)) {
      const index = v.replicas.findIndex((e) => isPlainObject(e) && (e.name === originalName || e.name === nameOf(rendered)) && e.count === renderedValue);
      if (index !== -1) return at(['replicas', index, 'count']);
    }
    // labels and annotations
    const labelKey = p.length >= 2 && typeof last === 'string' ? last : undefined;
    if (labelKey !== undefined && p.some((s) => s === 'labels' || s === 'matchLabels' || s === 'selector')) {
      if (isPlainObject(v.commonLabels) && v.commonLabels[labelKey] === renderedValue) return at(['commonLabels', labelKey]);
      if (Array.isArray(v.labels)) {
        const index = v.labels.findIndex((e) => isPlainObject(e) && isPlainObject(e.pairs) && e.pairs[labelKey] === renderedValue);
        if (index !== -1) return at(['labels', index, 'pairs', labelKey]);
      }
    }
    if (labelKey !== undefined && p.includes('annotations') && isPlainObject(v.commonAnnotations) && v.commonAnnotations[labelKey] === renderedValue) {
      return at(['commonAnnotations', labelKey]);
    }
    // patches, in files or inline: the same object (or a JSON 6902 operation) with the field written there
    const names = [originalName, nameOf(rendered)].filter((n): n is string => typeof n === 'string' && n !== '');
    const dir = path.dirname(file);
    const patchEntries: Array<{ at: PathSegment[]; file?: string; inline?: string; targeted: boolean }> = [];
    (Array.isArray(v.patchesStrategicMerge) ? v.patchesStrategicMerge : []).forEach((e, i) => {
      if (typeof e === 'string') patchEntries.push(e.includes('\n') ? { at: ['patchesStrategicMerge', i], inline: e, targeted: false } : { at: [], file: path.resolve(dir, e), targeted: false });
    });
    for (const key of ['patches', 'patchesJson6902']) {
      (Array.isArray(v[key]) ? (v[key] as unknown[]) : []).forEach((e, i) => {
        if (!isPlainObject(e)) return;
        const targeted = isPlainObject(e.target);
        if (targeted && !targetMatches(e.target as Record<string, unknown>, rendered, names)) return;
        if (typeof e.path === 'string') patchEntries.push({ at: [], file: path.resolve(dir, e.path), targeted });
        else if (typeof e.patch === 'string') patchEntries.push({ at: [key, i, 'patch'], inline: e.patch, targeted });
      });
    }
    for (const entry of patchEntries.reverse()) {
      if (entry.file) {
        const parsed = this.parsed(entry.file);
        const hit = parsed ? matchInPatch(parsed.values, rendered, names, entry.targeted, p, renderedValue) : undefined;
        if (hit && parsed) return this.at(entry.file, locatePath(parsed.located, hit.docIndex, hit.path));
      } else if (entry.inline !== undefined) {
        const hit = matchInPatch(documentValues(entry.inline), rendered, names, entry.targeted, p, renderedValue);
        if (hit) return this.at(file, this.inlinePosition(file, k, entry.at, entry.inline, hit));
      }
    }
    return undefined;
  }

  /** A position inside an inline patch (a block scalar in the kustomization), as a position in the file. */
  private inlinePosition(file: string, k: PositionedYaml, at: PathSegment[], inline: string, hit: { docIndex: number; path: PathSegment[] }): Position {
    const scalar = k.positionOf(at);
    const decoded = readSourceText({ display: file, absPath: file });
    const lines = decoded.ok ? decoded.text.split('\n') : [];
    const header = lines[scalar.line - 1] ?? '';
    if (!/[|>][0-9+-]*\s*(#.*)?$/.test(header)) return scalar; // a quoted string: point at it
    const inner = locatePath(prepareLocate(inline), hit.docIndex, hit.path);
    const firstContent = lines.slice(scalar.line).find((l) => l.trim() !== '') ?? '';
    const indent = firstContent.length - firstContent.trimStart().length;
    return { line: scalar.line + inner.line, column: indent + inner.column, endLine: scalar.line + inner.endLine, endColumn: indent + inner.endColumn };
  }
}

/** A patch's `target:` selects this object (kind and name; name may be a regex). */
function targetMatches(target: Record<string, unknown>, rendered: K8sObject, names: string[]): boolean {
  if (typeof target.kind === 'string' && target.kind !== rendered.kind) return false;
  if (typeof target.name === 'string') {
    // kustomize compiles the name as a Go (RE2) regexp anchored at both ends: the same here, in linear time.
    const name = target.name;
    const matches = (n: string) => {
      try {
        return re2FullMatch(name, n);
      } catch {
        return n === name;
      }
    };
    if (!names.some(matches)) return false;
  }
  return true;
}

/**
 * Where a patch writes the rendered value at `p`: a strategic-merge document of the same object (by kind
 * and name, or any of that kind for a targeted patch), or a JSON 6902 `add`/`replace` operation on `p`.
 */
function matchInPatch(values: unknown[], rendered: K8sObject, names: string[], targeted: boolean, p: Path, renderedValue: unknown): { docIndex: number; path: PathSegment[] } | undefined {
  for (let docIndex = values.length - 1; docIndex >= 0; docIndex--) {
    const value = values[docIndex];
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        const op = value[i];
        if (!isPlainObject(op) || (op.op !== 'add' && op.op !== 'replace') || typeof op.path !== 'string') continue;
        const pointer = op.path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
        if (pointer.length > p.length || !pointer.every((s, j) => s === String(p[j]) || (s === '-' && typeof p[j] === 'number'))) continue;
        const rest = p.slice(pointer.length);
        const t = translatePath(valueAt(rendered, p.slice(0, pointer.length)), op.value, rest);
        if (t.complete && sameValue(t.value, renderedValue)) return { docIndex, path: [i, 'value', ...t.path] };
      }
      continue;
    }
    if (!isPlainObject(value) || value.kind !== rendered.kind) continue;
    if (!targeted && !names.includes(nameOf(value))) continue;
    const t = translatePath(rendered, value, p);
    if (t.complete && sameValue(t.value, renderedValue)) return { docIndex, path: t.path };
  }
  return undefined;
}

function nameOf(object: unknown): string {
  return isPlainObject(object) && isPlainObject(object.metadata) && typeof object.metadata.name === 'string' ? object.metadata.name : '';
}

/** Index of the document with this kind and name: exact name, else one whose name the rendered name contains (prefix/suffix). */
function matchingDoc(values: unknown[], kind: string, name: string, exactOnly = false): number | undefined {
  let best: number | undefined;
  let bestLength = -1;
  values.forEach((value, index) => {
    if (!isPlainObject(value) || value.kind !== kind) return;
    const own = nameOf(value);
    if (own === name) {
      best = index;
      bestLength = Infinity;
    } else if (!exactOnly && own !== '' && name.includes(own) && own.length > bestLength) {
      best = index;
      bestLength = own.length;
    }
  });
  if (best === undefined && !exactOnly) {
    const sameKind = values.map((v, i) => (isPlainObject(v) && v.kind === kind ? i : -1)).filter((i) => i !== -1);
    if (sameKind.length === 1) best = sameKind[0];
  }
  return best;
}

function valueAt(root: unknown, p: Path): unknown {
  let node = root;
  for (const segment of p) {
    if (Array.isArray(node) && typeof segment === 'number') node = node[segment];
    else if (isPlainObject(node) && typeof segment === 'string') node = node[segment];
    else return undefined;
  }
  return node;
}

/** What identifies a list item across a base and its patched rendering: its name (containers, ports, env). */
function identityOf(item: unknown): string | undefined {
  if (!isPlainObject(item)) return undefined;
  for (const key of ['name', 'mountPath', 'containerPort', 'port']) {
    const v = item[key];
    if (typeof v === 'string' || typeof v === 'number') return `${key}=${v}`;
  }
  return undefined;
}

/**
 * The rendered path `p` as a path into `source`: list items are matched by name (a patch may add or
 * reorder containers). `complete` is false when the source lacks part of the path; `path` is then the
 * deepest part it has.
 */
export function translatePath(rendered: unknown, source: unknown, p: Path): { path: PathSegment[]; complete: boolean; value?: unknown } {
  let r = rendered;
  let s = source;
  const out: PathSegment[] = [];
  for (const segment of p) {
    if (typeof segment === 'number') {
      if (!Array.isArray(s)) return { path: out, complete: false };
      const identity = identityOf(Array.isArray(r) ? r[segment] : undefined);
      const j = identity !== undefined ? s.findIndex((item) => identityOf(item) === identity) : segment < s.length ? segment : -1;
      if (j === -1) return { path: out, complete: false };
      out.push(j);
      r = Array.isArray(r) ? r[segment] : undefined;
      s = s[j];
    } else {
      if (!isPlainObject(s) || !(segment in s)) return { path: out, complete: false };
      out.push(segment);
      r = isPlainObject(r) ? r[segment] : undefined;
      s = s[segment];
    }
  }
  return { path: out, complete: true, value: s };
}

/** Scalars must be equal; a collection counts as written where it is (its contents are checked by deeper paths). */
function sameValue(source: unknown, rendered: unknown): boolean {
  if (typeof rendered === 'object' && rendered !== null) return typeof source === 'object' && source !== null;
  return source === rendered || (source !== undefined && source !== null && rendered !== undefined && rendered !== null && String(source) === String(rendered));
}

