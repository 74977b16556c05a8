/**
 * The resource index: built once per run, it answers the cross-object questions rules ask
 * ("which pod templates does this selector match in namespace N", "is there a Service named S")
 * by lookups instead of scans over every pair of objects.
 */
import type { LoadedObject } from '../types.js';
import { isPlainObject } from '../loaders/objects.js';
import { apiGroupOf, DEFAULT_WORKLOAD_KINDS, getAt, parseTablePath, podTemplatesOf, type PodTemplate, type WorkloadKinds } from './extract.js';
import { DEFAULT_NAMESPACE } from './kinds.js';
import { TypoIndex } from './typo-index.js';
import { isEmptySelector, selectorMatches, stringMap, toLabelSelector, type LabelSelector, type Labels } from './selector.js';

export interface Workload {
  object: LoadedObject;
  template: PodTemplate;
}

/**
 * Objects of one kind in one namespace, with an inverted label index for selector lookups. The index is
 * built on the first lookup: most sets (every kind but Services and workloads) are only ever listed.
 */
class LabelledSet<T> {
  readonly all: T[] = [];
  private labelsOf: Labels[] = [];
  private byLabel: Map<string, T[]> | undefined;
  private byKey: Map<string, T[]> | undefined;

  add(item: T, labels: Labels): void {
    this.all.push(item);
    if (this.byLabel) this.indexLabels(item, labels);
    else this.labelsOf.push(labels);
  }

  private indexLabels(item: T, labels: Labels): void {
    for (const [k, v] of Object.entries(labels)) {
      const key = `${k}\u0000${v}`;
      let list = this.byLabel!.get(key);
      if (!list) this.byLabel!.set(key, (list = []));
      list.push(item);
      let withKey = this.byKey!.get(k);
      if (!withKey) this.byKey!.set(k, (withKey = []));
      withKey.push(item);
    }
  }

  /**
   * Candidates for a selector: the smallest posting list of its matchLabels, or of an `Exists`/`In`
   * expression (items carrying the key), else everything.
   */
  candidates(selector: LabelSelector): T[] {
    if (!this.byLabel) {
      this.byLabel = new Map();
      this.byKey = new Map();
      this.all.forEach((item, i) => this.indexLabels(item, this.labelsOf[i]));
      this.labelsOf = [];
    }
    const byLabel = this.byLabel;
    const byKey = this.byKey!;
    let best: T[] | undefined;
    for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
      const list = byLabel.get(`${k}\u0000${v}`) ?? [];
      if (!best || list.length < best.length) best = list;
    }
    for (const expr of selector.matchExpressions ?? []) {
      if (expr.operator !== 'Exists' && expr.operator !== 'In') continue;
      const list = byKey.get(expr.key) ?? [];
      if (!best || list.length < best.length) best = list;
    }
    return best ?? this.all;
  }
}

export function namespaceOf(object: LoadedObject): string {
  return object.namespace ?? DEFAULT_NAMESPACE;
}

/**
 * How close the evidence is that two objects of one namespace belong together, tightest first:
 * - `namespace`: both name their namespace (what the API server goes by; as tight as one file);
 * - `file`: one of them has none, and both come from one file or one rendered kustomization / chart;
 * - `directory`: from files of one directory;
 * - `tree`: only the rest of the linted tree ties them (a samples monorepo applies one folder at a time).
 */
export type Proximity = 'namespace' | 'file' | 'directory' | 'tree';

/** At most this many names of a namespace are compared one by one for a hint; more go through the typo index. */
const HINT_NAMES = 64;

const PROXIMITY_RANK: Record<Proximity, number> = { namespace: 0, file: 0, directory: 1, tree: 2 };

/** A source mllint cannot lint unrendered (see ResourceIndex.setUnlinted). */
export interface UnlintedSource {
  /** Display path: the template file, or a chart's `templates` directory. */
  display: string;
  /** A template file's text. */
  text?: string;
  /** A chart's name. */
  chartName?: string;
}

export class ResourceIndex {
  readonly objects: readonly LoadedObject[];
  private readonly kindIndex = new Map<string, LoadedObject[]>();
  private readonly nameIndex = new Map<string, LoadedObject[]>();
  private readonly templates = new Map<number, PodTemplate[]>();
  private readonly workloadsByNamespace = new Map<string, LabelledSet<Workload>>();
  private readonly labelledByKindNs = new Map<string, LabelledSet<LoadedObject>>();
  readonly workloads: Workload[] = [];
  private readonly namespacesByKind = new Map<string, string[]>();
  private readonly serviceWorkloads = new Map<number, Workload[]>();
  private allWorkloads: LabelledSet<Workload> | undefined;
  private readonly allByKind = new Map<string, LabelledSet<LoadedObject>>();
  private readonly namesAnywhere = new Map<string, Map<string, LoadedObject[]>>();
  private pdbWorkloads: Map<number, Workload[]> | undefined;
  private pdbsByWorkload: Map<number, LoadedObject[]> | undefined;
  private servicesByWorkload: Map<number, LoadedObject[]> | undefined;
  private hpasByTarget: Map<string, LoadedObject[]> | undefined;
  private readonly typoNames = new Map<string, TypoIndex<string>>();
  private readonly typoLabelValues = new Map<string, TypoIndex<Workload>>();
  private readonly typoObjectLabels = new Map<string, TypoIndex<LoadedObject>>();

  /** The workload kinds of the run (built-in table plus config `workloadKinds`). */
  readonly kinds: WorkloadKinds;

  /**
   * @param objects every object of the run, in load order
   * @param files display path of each source (by `source.fileIndex`), for messages that name another file
   * @param kinds the workload kinds of the run (built-in table plus config `workloadKinds`)
   */
  constructor(objects: readonly LoadedObject[], private readonly files: readonly string[] = [], kinds: WorkloadKinds = DEFAULT_WORKLOAD_KINDS) {
    this.objects = objects;
    this.kinds = kinds;
    const created: LoadedObject[] = [];
    for (const object of objects) {
      this.addToIndexes(object);
      const templates = podTemplatesOf(object.object, kinds);
      this.templates.set(object.id, templates);
      for (const template of templates) {
        const workload = { object, template };
        this.workloads.push(workload);
        let set = this.workloadsByNamespace.get(namespaceOf(object));
        if (!set) this.workloadsByNamespace.set(namespaceOf(object), (set = new LabelledSet()));
        set.add(workload, template.labels);
      }
      created.push(...createdServicesOf(object, kinds, -1 - created.length));
    }
    // After every real object, so a Service written in the tree wins over the one a controller would create.
    for (const service of created) this.addToIndexes(service);
  }

  private addToIndexes(object: LoadedObject): void {
    const kind = indexKindOf(object);
    push(this.kindIndex, kind, object);
    push(this.nameIndex, nameKey(kind, namespaceOf(object), object.name), object);
    const labels = (object.object.metadata?.labels ?? {}) as Labels;
    this.labelledSet(kind, namespaceOf(object)).add(object, labels);
  }

  private labelledSet(kind: string, namespace: string): LabelledSet<LoadedObject> {
    const key = `${kind}\u0000${namespace}`;
    let set = this.labelledByKindNs.get(key);
    if (!set) this.labelledByKindNs.set(key, (set = new LabelledSet()));
    return set;
  }

  /**
   * How close `to` is to `from` (see Proximity). Objects without a namespace are applied to whatever namespace
   * the command that applies them uses, so the tightest evidence stands in for it: the same file or render,
   * then the same directory, before the rest of the tree.
   */
  proximity(from: LoadedObject, to: LoadedObject): Proximity {
    if (from.namespace !== undefined && to.namespace !== undefined) return 'namespace';
    if (from.source.fileIndex === to.source.fileIndex) return 'file';
    return dirOf(this.fileOf(from)) === dirOf(this.fileOf(to)) ? 'directory' : 'tree';
  }

  /**
   * Whether `to` is only tied to `from` by the rest of the tree (both in one namespace only because neither,
   * or one, names it, in files of different directories): evidence for "it exists somewhere", never for a
   * conflict between the two.
   */
  isRemote(from: LoadedObject, to: LoadedObject): boolean {
    return this.proximity(from, to) === 'tree';
  }

  /**
   * Whether `to` is tied to `from` tightly enough for a certain verdict: both name their namespace, or they
   * come from one file or render. Files of one directory are not (a folder of independent samples is
   * applied one file at a time), so a near miss found only there is a hint for a warning, not an error.
   */
  isClose(from: LoadedObject, to: LoadedObject): boolean {
    const p = this.proximity(from, to);
    return p === 'namespace' || p === 'file';
  }

  /** Whether an object of `kind` named `name` in `from`'s namespace is close to `from` (see `isClose`). */
  hasCloseNamed(from: LoadedObject, kind: string, name: string): boolean {
    return (this.nameIndex.get(nameKey(kind, namespaceOf(from), name)) ?? []).some((o) => this.isClose(from, o));
  }

  /**
   * The items nearest to `from`: those of the tightest Proximity present (the order is kept). Every
   * cross-object lookup that starts from an object goes through here, so "without a namespace, the tightest
   * evidence wins" holds for each rule alike.
   */
  nearest<T>(from: LoadedObject, items: readonly T[], objectOf: (item: T) => LoadedObject): T[] {
    if (items.length <= 1) return [...items];
    items = this.nearestCopies(from, items, objectOf);
    let best = Infinity;
    const ranks = items.map((item) => {
      const rank = PROXIMITY_RANK[this.proximity(from, objectOf(item))];
      if (rank < best) best = rank;
      return rank;
    });
    return items.filter((_, i) => ranks[i] === best);
  }

  /**
   * Copies of one object (same kind, namespace and name: release bundles side by side, sample variants,
   * a chart's file and the install bundle built from it) are alternatives, never applied together: of each
   * set of copies only the one nearest to `from` is kept (the same file or render, else the fewest folders
   * apart; the first in load order on a tie). Items of one object (its pod templates) stay together.
   */
  private nearestCopies<T>(from: LoadedObject, items: readonly T[], objectOf: (item: T) => LoadedObject): readonly T[] {
    const chosen = new Map<string, { id: number; distance: number }>();
    let copies = false;
    for (const item of items) {
      const o = objectOf(item);
      const key = `${indexKindOf(o)}\u0000${namespaceOf(o)}\u0000${o.name}`;
      const distance = this.distance(from, o);
      const current = chosen.get(key);
      if (!current) chosen.set(key, { id: o.id, distance });
      else if (current.id !== o.id) {
        copies = true;
        if (distance < current.distance) chosen.set(key, { id: o.id, distance });
      }
    }
    if (!copies) return items;
    return items.filter((item) => {
      const o = objectOf(item);
      return chosen.get(`${indexKindOf(o)}\u0000${namespaceOf(o)}\u0000${o.name}`)?.id === o.id;
    });
  }

  /** 0 for one file or render; else 1 + the folders between the two files' directories. */
  private distance(from: LoadedObject, to: LoadedObject): number {
    if (from.source.fileIndex === to.source.fileIndex) return 0;
    const a = dirOf(this.fileOf(from)).split('/').filter(Boolean);
    const b = dirOf(this.fileOf(to)).split('/').filter(Boolean);
    let common = 0;
    while (common < a.length && common < b.length && a[common] === b[common]) common++;
    return 1 + (a.length - common) + (b.length - common);
  }

  /**
   * ` (in <file>)` when `to` lives in another file than `from`, for messages that blame one object on
   * another; empty when they share a file.
   */
  whereIs(from: LoadedObject, to: LoadedObject): string {
    return from.source.fileIndex === to.source.fileIndex ? '' : ` (in ${this.fileOf(to)})`;
  }

  /** What was in the tree but cannot be linted unrendered: template files (with their text) and unrendered charts. */
  private unlinted: readonly UnlintedSource[] = [];
  /**
   * Characters of template text `unlintedNear` may still search in this run. Each search is a substring test over
   * at most 64 KiB; the budget bounds a hostile tree (thousands of templates beside thousands of unmatched
   * selectors) to a fraction of a second. Past it, the evidence counts as absent and findings are reported.
   */
  private unlintedScanBudget = 256 * 1024 * 1024;

  /**
   * Record what mllint could not lint (see `unlintedNear`): template files (Go actions, `${…}` lines) with their
   * text, and skipped Helm charts (display path of their `templates` directory, chart name).
   */
  setUnlinted(sources: readonly UnlintedSource[]): void {
    this.unlinted = sources;
  }

  /**
   * An unlinted template or chart (see `setUnlinted`) that may define what an object refers to, or undefined. It
   * must be near — in the object's own directory, or, when that directory is not at the top of the tree, anywhere
   * under its parent directory (a blueprint folder with `ingress/` next to the charts it routes to) — and show
   * evidence: a template file whose text contains every one of `evidence` (a Service name, the selected label
   * values), or a chart whose name is one of them or contained in one (Helm names objects after the release and
   * chart). Cross-object rules then say nothing about a referent missing from the linted objects.
   */
  unlintedNear(object: LoadedObject, evidence: readonly string[]): string | undefined {
    if (this.unlinted.length === 0 || evidence.length === 0) return undefined;
    const dir = dirOf(this.fileOf(object));
    const parent = dir === '' ? undefined : dirOf(dir);
    const near = (path: string) => {
      const at = dirOf(path);
      if (at === dir) return true;
      return parent !== undefined && parent !== '' && (at === parent || at.startsWith(`${parent}/`));
    };
    const mentions = (text: string) => {
      if (this.unlintedScanBudget <= 0) return false;
      this.unlintedScanBudget -= text.length * evidence.length;
      return evidence.every((e) => text.includes(e));
    };
    return this.unlinted.find((u) => near(u.display) && (u.text !== undefined
      ? mentions(u.text)
      : u.chartName !== undefined && u.chartName !== '' && evidence.some((e) => e.includes(u.chartName!))))?.display;
  }

  /** The display path of the file an object was loaded from (`?` when the index was built without files). */
  fileOf(object: LoadedObject): string {
    return this.files[object.source.fileIndex] ?? '?';
  }

  byKind(kind: string): readonly LoadedObject[] {
    return this.kindIndex.get(kind) ?? [];
  }

  /** Objects of a kind in a namespace (unset namespaces count as `default`). */
  inNamespace(kind: string, namespace: string): readonly LoadedObject[] {
    return this.labelledByKindNs.get(`${kind}\u0000${namespace}`)?.all ?? [];
  }

  find(kind: string, namespace: string, name: string): LoadedObject | undefined {
    return this.nameIndex.get(nameKey(kind, namespace, name))?.[0];
  }

  /**
   * The object of a kind and name that `from` refers to in its namespace: the nearest one when several
   * share the name (sample folders that each define `frontend`), see `nearest`.
   */
  findFor(from: LoadedObject, kind: string, name: string): LoadedObject | undefined {
    const all = this.nameIndex.get(nameKey(kind, namespaceOf(from), name));
    if (!all || all.length <= 1) return all?.[0];
    return this.nearest(from, all, (o) => o)[0];
  }

  /** The first pod template of a workload (see `podTemplatesOf`). */
  podTemplateOf(object: LoadedObject): PodTemplate | undefined {
    return this.templates.get(object.id)?.[0];
  }

  /** Every pod template of a workload of any kind in the workload-kind table (an LWS leader and worker, each Ray group…). */
  podTemplatesOf(object: LoadedObject): readonly PodTemplate[] {
    return this.templates.get(object.id) ?? [];
  }

  workloadsInNamespace(namespace: string): readonly Workload[] {
    return this.workloadsByNamespace.get(namespace)?.all ?? [];
  }

  /**
   * Workloads in a namespace whose pod template labels match a selector. An empty selector matches none.
   * `limit` stops after that many (for hints that rank a bounded number of candidates).
   */
  workloadsMatching(namespace: string, selector: LabelSelector, limit = Infinity): Workload[] {
    if (isEmptySelector(selector)) return [];
    const set = this.workloadsByNamespace.get(namespace);
    if (!set) return [];
    return takeMatching(set.candidates(selector), (w) => selectorMatches(selector, w.template.labels), limit);
  }

  /** Objects of a kind in a namespace whose own labels match a selector (e.g. Services for a ServiceMonitor); at most `limit`. */
  objectsMatching(kind: string, namespace: string, selector: LabelSelector, limit = Infinity): LoadedObject[] {
    const set = this.labelledByKindNs.get(`${kind}\u0000${namespace}`);
    if (!set) return [];
    return takeMatching(set.candidates(selector), (o) => selectorMatches(selector, (o.object.metadata?.labels ?? {}) as Labels), limit);
  }

  /**
   * Workloads whose pods a PodDisruptionBudget selects in its namespace. A missing selector selects none;
   * an empty one (`selector: {}`) selects every pod in policy/v1 and none in policy/v1beta1. Run-time pod
   * labels in the selector are left out of the match (see `usesRuntimeLabels`). Only the nearest matches
   * count (see `nearest`).
   */
  workloadsForPdb(pdb: LoadedObject): readonly Workload[] {
    this.pdbWorkloads ??= new Map();
    let selected = this.pdbWorkloads.get(pdb.id);
    if (!selected) {
      const raw = getAt(pdb.object, ['spec', 'selector']);
      const selector = toLabelSelector(raw);
      const selectsAll = isPlainObject(raw) && isEmptySelector(selector) && pdb.apiVersion !== 'policy/v1beta1';
      // Run-time labels (pod-name, pod-template-hash…) are in no template: match on the rest; nothing left, nothing matched.
      const all = selectsAll ? [...this.workloadsInNamespace(namespaceOf(pdb))] : this.workloadsMatching(namespaceOf(pdb), withoutRuntimeLabels(selector));
      selected = this.nearest(pdb, all, (w) => w.object);
      this.pdbWorkloads.set(pdb.id, selected);
    }
    return selected;
  }

  /**
   * PodDisruptionBudgets that select a workload's pods, the nearest to the workload (built once, on first
   * use, from each PDB's matches before `nearest` narrows them to the PDB's own neighbourhood).
   */
  pdbsFor(workload: LoadedObject): readonly LoadedObject[] {
    if (!this.pdbsByWorkload) {
      this.pdbsByWorkload = new Map();
      for (const pdb of this.byKind('PodDisruptionBudget')) {
        const raw = getAt(pdb.object, ['spec', 'selector']);
        const selector = toLabelSelector(raw);
        const selectsAll = isPlainObject(raw) && isEmptySelector(selector) && pdb.apiVersion !== 'policy/v1beta1';
        const all = selectsAll ? this.workloadsInNamespace(namespaceOf(pdb)) : this.workloadsMatching(namespaceOf(pdb), withoutRuntimeLabels(selector));
        for (const w of all) push(this.pdbsByWorkload, w.object.id, pdb);
      }
    }
    const pdbs = this.pdbsByWorkload.get(workload.id) ?? [];
    return this.nearest(workload, [...new Set(pdbs)], (p) => p);
  }

  /**
   * HorizontalPodAutoscalers in the object's namespace whose scaleTargetRef names its kind and name (built
   * once), the nearest to the object (see `nearest`).
   */
  hpasFor(object: LoadedObject): readonly LoadedObject[] {
    if (!this.hpasByTarget) {
      this.hpasByTarget = new Map();
      for (const hpa of this.byKind('HorizontalPodAutoscaler')) {
        const kind = getAt(hpa.object, ['spec', 'scaleTargetRef', 'kind']);
        const name = getAt(hpa.object, ['spec', 'scaleTargetRef', 'name']);
        if (typeof kind === 'string' && typeof name === 'string') push(this.hpasByTarget, nameKey(kind, namespaceOf(hpa), name), hpa);
      }
    }
    return this.nearest(object, this.hpasByTarget.get(nameKey(object.kind, namespaceOf(object), object.name)) ?? [], (h) => h);
  }

  /** The HorizontalPodAutoscaler that scales an object, if any (the first, when several conflict). */
  hpaFor(object: LoadedObject): LoadedObject | undefined {
    return this.hpasFor(object)[0];
  }

  /** Names of objects of a kind in a namespace within about one edit of `name` ("did you mean"; a lookup, built per kind and namespace on first use). */
  namesNear(kind: string, namespace: string, name: string): string[] {
    const key = `${kind}\u0000${namespace}`;
    let typos = this.typoNames.get(key);
    if (!typos) {
      this.typoNames.set(key, (typos = new TypoIndex()));
      for (const o of this.inNamespace(kind, namespace)) typos.add(o.name, o.name);
    }
    return typos.near(name);
  }

  /**
   * Names near `name` (as `namesNear`, in `from`'s namespace) of objects not remote from `from` (see
   * `isRemote`): a "did you mean" must not come from an unrelated sample folder.
   */
  namesNearFor(from: LoadedObject, kind: string, name: string): string[] {
    const namespace = namespaceOf(from);
    const all = this.inNamespace(kind, namespace);
    const near = (n: string) => (this.nameIndex.get(nameKey(kind, namespace, n)) ?? []).some((o) => !this.isRemote(from, o));
    return (all.length <= HINT_NAMES ? [...new Set(all.map((o) => o.name))] : this.namesNear(kind, namespace, name)).filter(near);
  }

  /** Workloads in a namespace whose pod label `key` has a value within about one edit of `value` (a lookup, built per namespace and key on first use). */
  workloadsWithLabelNear(namespace: string, key: string, value: string): Workload[] {
    const indexKey = `${namespace}\u0000${key}`;
    let typos = this.typoLabelValues.get(indexKey);
    if (!typos) {
      this.typoLabelValues.set(indexKey, (typos = new TypoIndex()));
      for (const w of this.workloadsInNamespace(namespace)) {
        const labelValue = w.template.labels[key];
        if (labelValue !== undefined) typos.add(labelValue, w);
      }
    }
    return typos.near(value);
  }

  /** Workloads of any namespace whose pod label `key` has a value within about one edit of `value` (typo index built per key on first use). */
  workloadsWithLabelNearAnywhere(key: string, value: string): Workload[] {
    const indexKey = `\u0001any\u0000${key}`;
    let typos = this.typoLabelValues.get(indexKey);
    if (!typos) {
      this.typoLabelValues.set(indexKey, (typos = new TypoIndex()));
      for (const w of this.workloads) {
        const labelValue = w.template.labels[key];
        if (labelValue !== undefined) typos.add(labelValue, w);
      }
    }
    return typos.near(value);
  }

  /**
   * Objects of a kind whose own label `key` has a value within about one edit of `value`, in a namespace or,
   * with `namespace` undefined, in any (e.g. Services for a ServiceMonitor hint; typo index built on first use).
   */
  objectsWithLabelNear(kind: string, namespace: string | undefined, key: string, value: string): LoadedObject[] {
    const indexKey = `${kind}\u0000${namespace ?? '\u0001any'}\u0000${key}`;
    let typos = this.typoObjectLabels.get(indexKey);
    if (!typos) {
      this.typoObjectLabels.set(indexKey, (typos = new TypoIndex()));
      for (const o of namespace === undefined ? this.byKind(kind) : this.inNamespace(kind, namespace)) {
        const labelValue = stringMap(o.object.metadata?.labels)[key];
        if (labelValue !== undefined) typos.add(labelValue, o);
      }
    }
    return typos.near(value);
  }

  /** Namespaces that hold at least one object of the kind. */
  namespacesWith(kind: string): string[] {
    let cached = this.namespacesByKind.get(kind);
    if (!cached) {
      const out = new Set<string>();
      for (const o of this.byKind(kind)) out.add(namespaceOf(o));
      this.namespacesByKind.set(kind, (cached = [...out]));
    }
    return [...cached];
  }

  /** Namespaces that hold at least one workload. */
  workloadNamespaces(): string[] {
    return [...this.workloadsByNamespace.keys()];
  }

  /**
   * Workloads whose pods a Service selects (`spec.selector`, in its namespace; cached). Labels that
   * controllers add to pods at run time (`statefulset.kubernetes.io/pod-name`, `pod-template-hash`, …) are
   * not in any pod template and are left out of the match. No selector, or an ExternalName Service: none.
   * Only the nearest matches count (see `nearest`).
   */
  workloadsForService(service: LoadedObject): readonly Workload[] {
    let selected = this.serviceWorkloads.get(service.id);
    if (!selected) {
      const selector = serviceSelectorOf(service);
      selected = selector ? this.nearest(service, this.workloadsMatching(namespaceOf(service), selector), (w) => w.object) : [];
      this.serviceWorkloads.set(service.id, selected);
    }
    return selected;
  }

  /**
   * Services that select a workload's pods (see `workloadsForService`: each Service's nearest matches; the
   * inverse map is built once, on first use).
   */
  servicesFor(workload: LoadedObject): readonly LoadedObject[] {
    if (!this.servicesByWorkload) {
      this.servicesByWorkload = new Map();
      for (const service of this.byKind('Service')) for (const w of this.workloadsForService(service)) push(this.servicesByWorkload, w.object.id, service);
    }
    return this.servicesByWorkload.get(workload.id) ?? [];
  }

  /** Workloads of any namespace whose pod template labels match a selector (for "it is in namespace X" hints; indexed on first use). */
  workloadsMatchingAnywhere(selector: LabelSelector, limit = Infinity): Workload[] {
    if (isEmptySelector(selector)) return [];
    if (!this.allWorkloads) {
      this.allWorkloads = new LabelledSet();
      for (const w of this.workloads) this.allWorkloads.add(w, w.template.labels);
    }
    return takeMatching(this.allWorkloads.candidates(selector), (w) => selectorMatches(selector, w.template.labels), limit);
  }

  /** Objects of a kind in any namespace whose own labels match a selector (indexed per kind on first use). */
  objectsMatchingAnywhere(kind: string, selector: LabelSelector, limit = Infinity): LoadedObject[] {
    if (isEmptySelector(selector)) return [];
    let set = this.allByKind.get(kind);
    if (!set) {
      this.allByKind.set(kind, (set = new LabelledSet()));
      for (const o of this.byKind(kind)) set.add(o, stringMap(o.object.metadata?.labels));
    }
    return takeMatching(set.candidates(selector), (o) => selectorMatches(selector, stringMap(o.object.metadata?.labels)), limit);
  }

  /** Objects of a kind with a name, in every namespace (indexed per kind on first use). */
  findAnywhere(kind: string, name: string): readonly LoadedObject[] {
    let byName = this.namesAnywhere.get(kind);
    if (!byName) {
      this.namesAnywhere.set(kind, (byName = new Map()));
      for (const o of this.byKind(kind)) push(byName, o.name, o);
    }
    return byName.get(name) ?? [];
  }
}

/**
 * Pod labels set by controllers at run time, never in a pod template: the `runtimeLabels` of every row of
 * the workload-kind table (`pod-template-hash`, `statefulset.kubernetes.io/pod-name`, LWS and JobSet indexes…).
 */
export const RUNTIME_POD_LABEL_KEYS: readonly string[] = DEFAULT_WORKLOAD_KINDS.runtimeLabelKeys();

/**
 * The selector of a Service as a LabelSelector, without run-time pod labels; undefined when the Service
 * selects no pods itself (no or empty selector, ExternalName).
 */
export function serviceSelectorOf(service: LoadedObject): LabelSelector | undefined {
  const spec = service.object.spec;
  if (!isPlainObject(spec) || spec.type === 'ExternalName' || !isPlainObject(spec.selector)) return undefined;
  const matchLabels = stringMap(spec.selector);
  for (const key of RUNTIME_POD_LABEL_KEYS) delete matchLabels[key];
  return Object.keys(matchLabels).length > 0 ? { matchLabels } : undefined;
}

function takeMatching<T>(candidates: readonly T[], matches: (item: T) => boolean, limit: number): T[] {
  const out: T[] = [];
  for (const item of candidates) {
    if (out.length >= limit) break;
    if (matches(item)) out.push(item);
  }
  return out;
}

/** The directory part of a display path (`a/b/c.yaml` → `a/b`; `c.yaml` → ``). */
function dirOf(display: string): string {
  const slash = display.lastIndexOf('/');
  return slash < 0 ? '' : display.slice(0, slash);
}

function nameKey(kind: string, namespace: string, name: string): string {
  return `${kind}\u0000${namespace}\u0000${name}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A selector without the pod labels that controllers set at run time (RUNTIME_POD_LABEL_KEYS). */
export function withoutRuntimeLabels(selector: LabelSelector): LabelSelector {
  const matchLabels = { ...(selector.matchLabels ?? {}) };
  for (const key of RUNTIME_POD_LABEL_KEYS) delete matchLabels[key];
  const matchExpressions = (selector.matchExpressions ?? []).filter((e) => !RUNTIME_POD_LABEL_KEYS.includes(e.key));
  return { matchLabels, matchExpressions };
}

/** Whether a selector names run-time pod labels (e.g. a PDB pinning one StatefulSet pod by its pod-name). */
export function usesRuntimeLabels(selector: LabelSelector): boolean {
  return (
    RUNTIME_POD_LABEL_KEYS.some((key) => Object.prototype.hasOwnProperty.call(selector.matchLabels ?? {}, key)) ||
    (selector.matchExpressions ?? []).some((e) => RUNTIME_POD_LABEL_KEYS.includes(e.key))
  );
}

/**
 * The index key of an object's kind: its kind, except for kinds of another API group that share a core
 * kind's name (a Knative `serving.knative.dev` Service is not a core Service).
 */
export function indexKindOf(object: { apiVersion: string; kind: string }): string {
  if (object.kind === 'Service') {
    const group = apiGroupOf(object.apiVersion);
    if (group !== '') return `Service.${group}`;
  }
  return object.kind;
}

/**
 * The Services a controller creates for an object (KubeRay `<cluster>-head-svc`, the LWS headless Service,
 * Knative's and KServe's Services…), from its workload-kind row, as objects that lookups find. Their ports
 * are not known: they carry none and rules skip port checks on them.
 */
function createdServicesOf(owner: LoadedObject, kinds: WorkloadKinds, firstId: number): LoadedObject[] {
  const def = kinds.definitionOf(owner.object);
  if (!def?.services) return [];
  const out: LoadedObject[] = [];
  for (const service of def.services) {
    const override = service.nameFrom ? getAt(owner.object, parseTablePath(service.nameFrom)) : undefined;
    const named = typeof override === 'string' && override !== '';
    if (!named && service.onlyNamed) continue;
    const name = named ? override : service.name.replace(/\{name\}/g, owner.name);
    const labels: Record<string, string> = {};
    // User labels first: the controller's own labels win on a clash.
    const userLabels = service.labelsFrom ? getAt(owner.object, parseTablePath(service.labelsFrom)) : undefined;
    if (userLabels !== null && typeof userLabels === 'object' && !Array.isArray(userLabels)) {
      for (const [k, v] of Object.entries(userLabels)) if (typeof v === 'string') labels[k] = v;
    }
    for (const [k, v] of Object.entries(service.labels ?? {})) labels[k] = v.replace(/\{name\}/g, owner.name);
    out.push({
      id: firstId - out.length,
      apiVersion: 'v1',
      kind: 'Service',
      name,
      namespace: owner.namespace,
      object: { apiVersion: 'v1', kind: 'Service', metadata: { name, ...(owner.namespace !== undefined ? { namespace: owner.namespace } : {}), labels }, spec: {} },
      source: owner.source,
      createdBy: owner,
    });
  }
  return out;
}
