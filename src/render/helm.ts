/**
 * Helm charts in the linted tree, rendered with the real `helm template` and mapped back to the files a
 * person edits.
 *
 * - Runs `helm template RELEASE CHART_DIR --namespace NS --include-crds --skip-tests -f … --set …` with
 *   no plugins, no repository config, no cluster and no network (empty HELM_* homes, a proxy that goes
 *   nowhere): never `helm dependency update`. A chart whose dependencies are not vendored in `charts/`
 *   is one finding. `lookup` renders empty, as it always does in `helm template`.
 * - A chart is rendered only when all its files stay inside the repository (a symlink out is refused)
 *   and every values file is a file of the repository.
 * - Each rendered object carries its template from Helm's `# Source:` comment. A finding at a field is
 *   placed (see templates.ts and values.ts): at the values line the template reads for that field, when
 *   the value there is the rendered one (image tag, model version, replicas, resources); else at the
 *   template line that writes the field; else at the field's line in what that template rendered.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { programIdentity, readCachedRender, TreeDigests, writeCachedRender } from '../cache.js';
import type { K8sObject, Path } from '../types.js';
import { isPlainObject } from '../loaders/objects.js';
import { parseYamlDocuments } from '../loaders/yaml.js';
import { locatePath, prepareLocate, type LocatableText } from '../loaders/locate.js';
import { toDisplayPath } from '../loaders/files.js';
import { MAX_FILE_BYTES, type RelocatedPosition, type SourceInput } from '../loaders/source.js';
import { isNamespacedKind } from '../engine/kinds.js';
import { TemplateText } from './templates.js';
import { readText, ValuesLocator, valueAt, valuesFileLayer, type SetParameter, type ValuesLayer } from './values.js';
import { childEnvironment, isInsideRepository, linkOutOfRepository, within } from '../config/trust.js';

/** One chart rendering may take this long; past it, it is reported as failed. */
export const HELM_TIMEOUT_MS = 120_000;
/**
 * All kustomize and Helm renders of one run together may take this long (one deadline, `HelmOptions.deadline`
 * and the kustomize stage's); a kustomization or chart whose turn comes later is not rendered.
 */
export const HELM_BUDGET_MS = 600_000;

/** Why a kustomization or chart was not rendered once the shared budget is spent (after "… not rendered: "). */
export const RENDER_BUDGET_SPENT = `the run's render time is used up (all kustomize and Helm renders of a run share ${HELM_BUDGET_MS / 1000}s; the renders before this one took it, renders served from the cache cost nothing)`;
/** Rendered output larger than this is refused (a chart looping over a huge range). */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
/** Helm's own rule for release names (pkg/chartutil ValidateReleaseName: DNS-1123 subdomain, 53 characters). */
export const HELM_RELEASE_NAME = /^(?=.{1,53}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Files looked at when checking that a chart stays inside the repository. */
const MAX_CHART_FILES = 20_000;

export interface ChartRef {
  /** Absolute chart directory (holds Chart.yaml). */
  dir: string;
  name: string;
}

export interface HelmRenderRequest {
  chart: ChartRef;
  releaseName: string;
  /** Where the release name is written, when not at `reportAt` (an Application's `helm.releaseName`). */
  releaseNameAt?: { file: string; line: number };
  namespace?: string;
  /** Values in order of precedence (later wins), after the chart's own values.yaml (read here). */
  layers: ValuesLayer[];
  sets: SetParameter[];
  /** Set on namespaced objects without a namespace (Argo CD `destination.namespace`), and where it is written. */
  defaultNamespace?: { value: string; where: () => RelocatedPosition };
  /** "Application argocd/guestbook": what rendered it, for messages. */
  via?: string;
  /** Where a failure to render is reported. */
  reportAt: { file: string; line: number };
}

export interface HelmOptions {
  exe: string;
  cwd: string;
  /** The repository (config/trust.ts `repositoryRoots`): charts and values files must stay inside it. */
  roots: readonly string[];
  kubeVersion?: string;
  /** `Date.now()` value after which no chart is rendered (the run's budget, HELM_BUDGET_MS from its start). */
  deadline?: number;
  /** Where renders are cached by their inputs (`.mllint-cache/`); undefined: every chart is rendered. */
  cacheDir?: string;
  /** Digests shared by the renders of a run (a chart rendered for several owners is hashed once). */
  digests?: TreeDigests;
}

export interface RenderedObject {
  object: K8sObject;
  /** Absolute template file (may not exist, e.g. a packaged subchart). */
  template: string;
}

export type HelmRendered =
  | { ok: true; source: SourceInput; objects: RenderedObject[]; ownedFiles: string[] }
  | { ok: false; source: SourceInput };

/** Renders one chart with one set of values. Never throws. */
export function renderChart(request: HelmRenderRequest, options: HelmOptions): HelmRendered {
  const chartDisplay = toDisplayPath(options.cwd, request.chart.dir);
  const fail = (message: string, at = request.reportAt, ruleId = 'gitops-source-renders'): HelmRendered => ({
    ok: false,
    source: { display: toDisplayPath(options.cwd, at.file), absPath: at.file, text: '', problem: { message, line: at.line, ruleId } },
  });
  const what = `chart ${chartDisplay}${request.via ? ` (for ${request.via})` : ''}`;

  if (!HELM_RELEASE_NAME.test(request.releaseName)) {
    return fail(`${what} not rendered: release name ${JSON.stringify(request.releaseName)} is not a valid Helm release name (lower-case letters, digits, "-" and ".", at most 53 characters)`, request.releaseNameAt);
  }
  const escape = chartEscape(request.chart.dir, options.roots);
  if (escape) return fail(`${what} not rendered: ${escape}; mllint reads nothing outside the repository`);
  for (const layer of request.layers) {
    if (layer.valuesFile && !isInsideRepository(layer.file, options.roots)) {
      return fail(`${what} not rendered: values file ${toDisplayPath(options.cwd, layer.file)} is outside the repository`);
    }
  }
  const missing = missingDependencies(request.chart.dir, options.roots);
  if (missing.length > 0) {
    const chartFile = path.join(request.chart.dir, 'Chart.yaml');
    return fail(
      `${what} not rendered: its dependencies ${missing.map((d) => `"${d}"`).join(', ')} are not vendored in ${chartDisplay}/charts/; mllint never downloads charts (no network): run \`helm dependency build ${chartDisplay}\` and commit charts/, or lint the chart elsewhere`,
      { file: chartFile, line: dependenciesLine(chartFile) },
      // Argo CD and Flux build dependencies themselves: the deployment works, only mllint cannot render it.
      'gitops-not-rendered',
    );
  }

  const key = options.cacheDir ? helmCacheKey(request, options) : undefined;
  const hit = key ? readCachedRender(options.cacheDir!, key) : undefined;
  if (hit && hit.origins.length === 0) {
    if (hit.failure !== undefined) return fail(`helm could not render ${what}: ${hit.failure}`);
    const text = hit.text();
    if (text !== undefined) return { ok: true, ...renderedSource(text, request, options) };
  }
  // A repository with many slow charts must not make the run unbounded: one budget for all of them.
  const left = options.deadline === undefined ? HELM_TIMEOUT_MS : Math.min(HELM_TIMEOUT_MS, options.deadline - Date.now());
  if (left <= 0) return fail(`${what} not rendered: ${RENDER_BUDGET_SPENT}`);

  let temp: string | undefined;
  try {
    temp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mllint-helm-')));
    // Every value from the repository is attached to its flag (`--flag=value`) and the positional
    // arguments follow `--`: a release name "--post-renderer=./x.sh" must stay a name, never a flag
    // (helm would run that program).
    const args = ['template', '--include-crds', '--skip-tests'];
    if (request.namespace) args.push(`--namespace=${request.namespace}`);
    if (options.kubeVersion) args.push(`--kube-version=${options.kubeVersion}`);
    request.layers.forEach((layer, i) => {
      if (layer.valuesFile) {
        args.push(`--values=${layer.file}`);
      } else {
        const file = path.join(temp!, `values-${i}.json`);
        fs.writeFileSync(file, JSON.stringify(layer.values));
        args.push(`--values=${file}`);
      }
    });
    for (const set of request.sets) args.push(`${set.forceString ? '--set-string' : '--set'}=${set.name}=${set.value.replace(/\\/g, '\\\\').replace(/,/g, '\\,')}`);
    args.push('--', request.releaseName, request.chart.dir);
    const home = path.join(temp, 'home');
    fs.mkdirSync(home, { mode: 0o700 });
    fs.mkdirSync(path.join(home, 'plugins'));
    // The trust boundary's child environment (no secrets, proxies to nowhere, throw-away HOME and HELM_*
    // homes: no repositories, no registry logins), with plugins off and nothing to execute on PATH.
    const env: Record<string, string> = { ...childEnvironment(home, '/nonexistent'), HELM_PLUGINS: path.join(home, 'plugins'), HELM_NO_PLUGINS: '1' };
    const result = spawnSync(options.exe, args, { cwd: temp, env, timeout: left, maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (result.error) {
      const code = (result.error as NodeJS.ErrnoException).code;
      return fail(`${what} not rendered: ${code === 'ETIMEDOUT' ? (left < HELM_TIMEOUT_MS ? RENDER_BUDGET_SPENT : `helm timed out after ${HELM_TIMEOUT_MS / 1000}s`) : code === 'ENOBUFS' ? 'helm output is larger than 64 MiB' : `cannot run helm (${code ?? result.error.message})`}`);
    }
    // Kept only under the key of the bytes helm read: inputs that changed meanwhile hash differently now.
    const keep = key !== undefined && helmCacheKey(request, { ...options, digests: undefined }) === key;
    if (result.status !== 0) {
      const failure = describeHelmError(result.stderr, temp, options.cwd);
      if (keep) writeCachedRender(options.cacheDir!, key, { text: '', wrapperDir: '', origins: [], failure });
      return fail(`helm could not render ${what}: ${failure}`);
    }
    // The same cap as a file or a kustomization's rendered objects: parsing is what costs memory.
    if (result.stdout.length > MAX_FILE_BYTES) return fail(`${what} not rendered: helm output is ${(result.stdout.length / 1048576).toFixed(1)} MiB; rendered charts over ${MAX_FILE_BYTES / 1048576} MiB are not parsed`);
    if (keep) writeCachedRender(options.cacheDir!, key, { text: result.stdout, wrapperDir: '', origins: [] });
    return { ok: true, ...renderedSource(result.stdout, request, options) };
  } catch (err) {
    return fail(`${what} not rendered: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    if (temp) fs.rmSync(temp, { recursive: true, force: true });
  }
}

/**
 * The inputs of one `helm template`, hashed: the helm program's identity (see cache.ts
 * `programIdentity`), the release, namespace, Kubernetes version, `--set`s, each values layer (a values
 * file's path and bytes, inline values as JSON) and every file of the chart directory (its vendored
 * subcharts included). helm reads nothing else here (no repositories, plugins or network). Undefined
 * when the chart holds a symbolic link or is too large to hash, or helm cannot be identified.
 */
function helmCacheKey(request: HelmRenderRequest, options: HelmOptions): string | undefined {
  const helm = programIdentity(options.exe);
  if (!helm) return undefined;
  const digests = options.digests ?? new TreeDigests();
  const chart = digests.dir(request.chart.dir);
  if (chart === undefined) return undefined;
  const layers: unknown[] = [];
  for (const layer of request.layers) {
    if (!layer.valuesFile) {
      layers.push({ inline: layer.values });
      continue;
    }
    const digest = digests.file(layer.file);
    if (digest === undefined) return undefined;
    layers.push({ file: layer.file, digest });
  }
  return crypto
    .createHash('sha256')
    .update(JSON.stringify({ format: 1, what: 'helm template --include-crds --skip-tests', helm, chart: [request.chart.dir, chart], release: request.releaseName, namespace: request.namespace ?? null, kubeVersion: options.kubeVersion ?? null, layers, sets: request.sets }))
    .digest('hex');
}

/** Reads the chart's name from Chart.yaml (undefined when there is no readable Chart.yaml). */
export function readChart(dir: string, roots: readonly string[]): ChartRef | undefined {
  const read = readText(path.join(dir, 'Chart.yaml'), roots);
  if (!read.ok) return undefined;
  const value = parseYamlDocuments(read.text)[0]?.value;
  const name = isPlainObject(value) && typeof value.name === 'string' ? value.name : path.basename(dir);
  return { dir, name };
}

/** The chart's own values.yaml as the lowest layer (helm reads it itself; this is for positions). */
export function chartValuesLayer(chart: ChartRef, roots: readonly string[]): ValuesLayer | undefined {
  for (const name of ['values.yaml', 'values.yml']) {
    const file = path.join(chart.dir, name);
    if (!fs.existsSync(file)) continue;
    const read = valuesFileLayer(file, roots);
    if (read.ok) return { ...read.layer, valuesFile: false };
  }
  return undefined;
}

/** A symlink in the chart that leads outside the repository, or undefined (see `linkOutOfRepository`). */
function chartEscape(dir: string, roots: readonly string[]): string | undefined {
  if (!isInsideRepository(dir, roots)) return 'the chart is outside the repository';
  return linkOutOfRepository(dir, roots, MAX_CHART_FILES);
}

/** Dependencies named in Chart.yaml with no `charts/<name>/` directory nor `charts/<name>-*.tgz`. */
function missingDependencies(dir: string, roots: readonly string[]): string[] {
  const read = readText(path.join(dir, 'Chart.yaml'), roots);
  if (!read.ok) return [];
  const value = parseYamlDocuments(read.text)[0]?.value;
  const deps = isPlainObject(value) && Array.isArray(value.dependencies) ? value.dependencies.filter(isPlainObject) : [];
  if (deps.length === 0) return [];
  let vendored: string[] = [];
  try {
    vendored = fs.readdirSync(path.join(dir, 'charts'));
  } catch {
    vendored = [];
  }
  const present = new Set<string>();
  for (const entry of vendored) {
    const chartFile = path.join(dir, 'charts', entry, 'Chart.yaml');
    if (fs.existsSync(chartFile)) present.add(readChart(path.join(dir, 'charts', entry), roots)?.name ?? entry);
    const tgz = /^(.*)-\d[^-]*(-.*)?\.tgz$/.exec(entry);
    if (tgz) present.add(tgz[1]);
  }
  return deps.map((d) => String(d.name ?? '')).filter((name) => name !== '' && !present.has(name));
}

function dependenciesLine(chartFile: string): number {
  const read = readText(chartFile);
  const index = read.ok ? read.text.split('\n').findIndex((l) => /^dependencies\s*:/.test(l)) : -1;
  return index === -1 ? 1 : index + 1;
}

/** Helm's error without its `Error: ` prefix and temporary paths, on one line. */
function describeHelmError(stderr: string, temp: string, cwd: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^(WARNING|walk\.go|install\.go)/.test(l));
  const message = (lines.find((l) => l.startsWith('Error:')) ?? lines[lines.length - 1] ?? 'unknown error').replace(/^Error:\s*/, '');
  let realCwd = cwd;
  try {
    realCwd = fs.realpathSync(cwd);
  } catch {
    // keep cwd
  }
  return message.split(`${temp}/`).join('').split(`${realCwd}/`).join('');
}

interface RenderedDoc {
  object: K8sObject;
  template: string;
  /** Index of this document among those its template rendered. */
  indexInTemplate: number;
  /** The namespace was set from `defaultNamespace`. */
  namespaced: boolean;
}

const SOURCE_COMMENT = /^#\s*Source:\s*(\S.*?)\s*$/;

function renderedSource(stdout: string, request: HelmRenderRequest, options: HelmOptions): { source: SourceInput; objects: RenderedObject[]; ownedFiles: string[] } {
  const docs: RenderedDoc[] = [];
  const perTemplate = new Map<string, string[]>();
  for (const chunk of stdout.split(/^---[ \t]*$/m)) {
    const lines = chunk.split('\n');
    const first = lines.findIndex((l) => l.trim() !== '');
    if (first === -1) continue;
    const match = SOURCE_COMMENT.exec(lines[first]);
    const body = match ? lines.slice(first + 1).join('\n') : chunk;
    const parsed = parseYamlDocuments(body)[0];
    if (!parsed || !isPlainObject(parsed.value) || typeof parsed.value.kind !== 'string') continue;
    const template = match ? templateFile(request.chart, match[1]) : path.join(request.chart.dir, 'Chart.yaml');
    const texts = perTemplate.get(template) ?? [];
    texts.push(body);
    perTemplate.set(template, texts);
    const object = parsed.value as K8sObject;
    let namespaced = false;
    if (request.defaultNamespace && isNamespacedKind(object.kind)) {
      const metadata = isPlainObject(object.metadata) ? object.metadata : (object.metadata = {});
      if (typeof metadata.namespace !== 'string' || metadata.namespace === '') {
        metadata.namespace = request.defaultNamespace.value;
        namespaced = true;
      }
    }
    docs.push({ object, template, indexInTemplate: texts.length - 1, namespaced });
  }
  const chartLayer = chartValuesLayer(request.chart, options.roots);
  const values = new ValuesLocator(chartLayer ? [chartLayer, ...request.layers] : request.layers, request.sets, options.cwd);
  const locator = new HelmLocator(docs, perTemplate, values, request, options.cwd);
  const owned = [path.join(request.chart.dir, 'crds')];
  return {
    source: {
      display: toDisplayPath(options.cwd, path.join(request.chart.dir, 'Chart.yaml')),
      absPath: path.join(request.chart.dir, 'Chart.yaml'),
      text: docs.map((d) => JSON.stringify(d.object)).join('\n---\n') + '\n',
      relocate: (docIndex, p) => locator.locate(docIndex, p),
      via: request.via,
    },
    objects: docs.map((d) => ({ object: d.object, template: d.template })),
    ownedFiles: owned,
  };
}

/** `fraud/templates/deployment.yaml` → CHART_DIR/templates/deployment.yaml (also `fraud/charts/sub/templates/…`). */
function templateFile(chart: ChartRef, source: string): string {
  const parts = source.split('/');
  const rel = parts.slice(1).join('/');
  const file = path.resolve(chart.dir, rel);
  return within(file, chart.dir) ? file : path.join(chart.dir, 'Chart.yaml');
}

class HelmLocator {
  private templates = new Map<string, TemplateText | null>();
  private renderedTexts = new Map<string, LocatableText>();

  constructor(
    private docs: RenderedDoc[],
    private perTemplate: Map<string, string[]>,
    private values: ValuesLocator,
    private request: HelmRenderRequest,
    private cwd: string,
  ) {}

  locate(docIndex: number, p: Path): RelocatedPosition {
    const doc = this.docs[docIndex];
    if (!doc) return this.at(path.join(this.request.chart.dir, 'Chart.yaml'), 1, 1);
    if (doc.namespaced && p.length === 2 && p[0] === 'metadata' && p[1] === 'namespace' && this.request.defaultNamespace) {
      return this.request.defaultNamespace.where();
    }
    // The deepest part of the path the rendered object has.
    const existing = valueAt(doc.object, p);
    const depth = existing.found ? p.length : existing.depth;
    const renderedValue = existing.found ? existing.value : undefined;
    const renderedLine = this.renderedLine(doc, p);
    const template = this.template(doc.template);
    if (template) {
      for (let j = depth - 1; j >= 0; j--) {
        const key = p[j];
        if (typeof key !== 'string') continue;
        const candidates = template.linesFor(key, renderedLine - 1);
        for (const line of candidates) {
          for (const ref of [...line.refs].reverse()) {
            const hit = this.values.lookup([...ref, ...p.slice(j + 1)]);
            if (!hit || hit.depth < ref.length) continue;
            if (hit.complete ? matches(hit.value, renderedValue, existing.found) : !existing.found) return hit.where();
          }
        }
        // The field is written in the template itself (or computed there): its line.
        if (j === depth - 1 && candidates.length > 0) return this.at(doc.template, candidates[0].index + 1, candidates[0].column);
      }
    }
    if (fs.existsSync(doc.template)) return this.at(doc.template, renderedLine, 1);
    return this.at(path.join(this.request.chart.dir, 'Chart.yaml'), 1, 1);
  }

  private at(file: string, line: number, column: number): RelocatedPosition {
    return { display: toDisplayPath(this.cwd, file), absPath: file, position: { line, column, endLine: line, endColumn: column } };
  }

  private template(file: string): TemplateText | null {
    if (!this.templates.has(file)) {
      const read = readText(file);
      const text = read.ok ? read.text : undefined;
      this.templates.set(file, text === undefined ? null : new TemplateText(text));
    }
    return this.templates.get(file) ?? null;
  }

  /** The field's line in what its template rendered (documents of one template joined by `---`). */
  private renderedLine(doc: RenderedDoc, p: Path): number {
    let located = this.renderedTexts.get(doc.template);
    if (!located) {
      located = prepareLocate((this.perTemplate.get(doc.template) ?? []).join('\n---\n'));
      this.renderedTexts.set(doc.template, located);
    }
    return locatePath(located, doc.indexInTemplate, p).line;
  }
}

/** The values entry is what the field shows: equal, or part of it (`repo:{{ .Values.tag }}`). */
function matches(value: unknown, rendered: unknown, renderedExists: boolean): boolean {
  if (!renderedExists) return false;
  if (typeof rendered === 'object' && rendered !== null) return typeof value === 'object' && value !== null;
  if (value === undefined || value === null || value === '' || typeof value === 'object') return false;
  const shown = String(rendered);
  const written = String(value);
  return shown === written || shown.includes(written);
}
