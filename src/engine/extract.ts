/**
 * The pod spec of any workload kind, in one place (after kube-linter's `extract.PodSpec`), with the
 * path to every part so that findings point into the object as the user wrote it.
 */
import type { K8sObject, Path } from '../types.js';
import { isPlainObject } from '../loaders/objects.js';
import { stringMap } from './selector.js';
import { WORKLOAD_KINDS_TABLE, type WorkloadKindDef } from '../knowledge/workload-kinds.js';

export type ContainerType = 'container' | 'initContainer' | 'ephemeralContainer';

/** How messages name each container type. */
export const CONTAINER_TYPE_LABEL: Record<ContainerType, string> = {
  container: 'container',
  initContainer: 'init container',
  ephemeralContainer: 'ephemeral container',
};

export interface ContainerRef {
  container: Record<string, unknown>;
  /** `name`, or `#<index>` when the container has none. */
  name: string;
  type: ContainerType;
  /** Path of the container inside the object. */
  path: Path;
}

export interface PodTemplate {
  kind: string;
  podSpec: Record<string, unknown>;
  /** Path of the pod spec inside the object (e.g. ['spec','template','spec']). */
  podSpecPath: Path;
  /** Path of the pod template's metadata (labels, annotations), or of the object's own metadata. */
  metadataPath: Path;
  /** The pod labels: those written in the template plus those the controller adds (`job-name`, `ray.io/node-type`…). */
  labels: Record<string, string>;
  /** Only the labels written in the template. */
  declaredLabels: Record<string, string>;
  annotations: Record<string, string>;
  containers: ContainerRef[];
  /** Desired pods of this template where the kind has a count (default 1); undefined for DaemonSets and jobs. */
  replicas: number | undefined;
  /** Where the replica count is written, when it is. */
  replicasPath?: Path;
  /** Long-running pods (not Jobs/CronJobs/JobSets/RayJobs): what probes, PDBs and Services are about. */
  longRunning: boolean;
  /** The pods answer traffic themselves (not an LWS or Ray worker reached through its leader/head). */
  servesTraffic: boolean;
  /** The controller injects probes into these pods (KubeRay, Knative, KServe). */
  probesInjected: boolean;
  /** Ports the controller adds to the first container unless it declares one of that name (KubeRay `metrics`). */
  injectedPorts: ReadonlyArray<{ name: string; containerPort: number }>;
  /** An overlay merged into the controller's own pod spec: judge only what is written. */
  partial: boolean;
  /** What these pods are in a multi-template kind ("leader", "Ray worker group \"gpu\"", "predictor"). */
  role?: string;
  /** Which template of its object this is (0-based). */
  index: number;
  /** Pods per group that run one multi-node server together (an LWS's size); 1 elsewhere. */
  groupSize: number;
  /** Node labels the controller's placement guarantees (Kaito's instance type), as if in the node selector. */
  nodeLabels: Record<string, string>;
  /** The kind's table row. */
  definition: WorkloadKindDef;
}

/** The workload kinds of a run: the built-in table plus the config's `workloadKinds`, looked up by kind and API group. */
export class WorkloadKinds {
  private readonly byKind = new Map<string, WorkloadKindDef[]>();

  constructor(extra: readonly WorkloadKindDef[] = []) {
    // The config's rows come first: a user may redefine a built-in kind of another group.
    for (const def of [...extra, ...WORKLOAD_KINDS_TABLE]) {
      const list = this.byKind.get(def.kind);
      if (list) list.push(def);
      else this.byKind.set(def.kind, [def]);
    }
  }

  /** The row for an object's kind and apiVersion group; undefined when the kind runs no pods. */
  definitionOf(object: { apiVersion?: unknown; kind?: unknown }): WorkloadKindDef | undefined {
    if (typeof object.kind !== 'string') return undefined;
    const list = this.byKind.get(object.kind);
    if (!list) return undefined;
    const group = apiGroupOf(object.apiVersion);
    return list.find((def) => def.group === undefined || def.group === group || (def.group === 'apps' && group === 'extensions'));
  }

  /** Kinds that an HPA or KEDA ScaledObject may target through the scale subresource. */
  isScalable(kind: string, apiVersion?: string): boolean {
    const def = apiVersion === undefined ? this.byKind.get(kind)?.[0] : this.definitionOf({ kind, apiVersion });
    return def?.autoscalers?.includes('hpa') === true;
  }

  /** Every pod label key some controller sets at run time (never in a template). */
  runtimeLabelKeys(): string[] {
    const keys = new Set<string>();
    for (const list of this.byKind.values()) for (const def of list) for (const key of def.runtimeLabels ?? []) keys.add(key);
    return [...keys];
  }
}

/** The API group of an apiVersion (`apps/v1` → `apps`, `v1` → ''). */
export function apiGroupOf(apiVersion: unknown): string {
  if (typeof apiVersion !== 'string') return '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * A dotted path of the table (`spec.workerGroupSpecs[*].template`, `a\\.b` for a dot inside a key) as
 * segments; `*` stands for every index of a list. '' is the object itself.
 */
export function parseTablePath(text: string): Array<string | number> {
  if (text === '') return [];
  const out: Array<string | number> = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length) current += text[++i];
    else if (ch === '.') {
      if (current !== '') out.push(current);
      current = '';
    } else if (ch === '[') {
      if (current !== '') out.push(current);
      current = '';
      const end = text.indexOf(']', i);
      const inner = text.slice(i + 1, end < 0 ? text.length : end);
      out.push(inner === '*' ? '*' : /^\d+$/.test(inner) ? Number(inner) : inner);
      i = end < 0 ? text.length : end;
    } else current += ch;
  }
  if (current !== '') out.push(current);
  return out;
}

export const DEFAULT_WORKLOAD_KINDS = new WorkloadKinds();

/** Marker in a rule's `kinds`: every object that has a pod template (built-in and configured kinds). */
export const WORKLOAD_MARKER = '@workloads';
/** What rules about pod templates put in `kinds`: the engine hands them every pod template of every workload kind. */
export const WORKLOAD_KINDS: readonly string[] = [WORKLOAD_MARKER];

export function getAt(value: unknown, path: Path): unknown {
  let current = value;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (isPlainObject(current)) current = current[segment as string];
    else return undefined;
  }
  return current;
}

/** Every concrete path of a table path, `*` expanded over the list found there, with the index chosen for `*`. */
function expand(object: unknown, pattern: Array<string | number>): Array<{ path: Path; item?: number }> {
  const star = pattern.indexOf('*');
  if (star < 0) return [{ path: pattern }];
  const list = getAt(object, pattern.slice(0, star));
  if (!Array.isArray(list)) return [];
  const out: Array<{ path: Path; item?: number }> = [];
  list.forEach((_, i) => out.push({ path: [...pattern.slice(0, star), i, ...pattern.slice(star + 1).map((s) => s)], item: i }));
  return out;
}

function withItem(pattern: string, item: number | undefined): Path {
  const path = parseTablePath(pattern);
  return path.map((s) => (s === '*' ? (item ?? 0) : s));
}

function fill(template: string, name: string, itemName: string): string {
  return template.replace(/\{name\}/g, name).replace(/\{item\}/g, itemName);
}

function numberAt(object: unknown, path: Path, text = false): number | undefined {
  const raw = getAt(object, path);
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  if (text && typeof raw === 'string' && /^\s*\d+\s*$/.test(raw)) return Number(raw);
  return undefined;
}

/** The first pod template of a workload (see `podTemplatesOf`). */
export function podTemplateOf(object: K8sObject, kinds: WorkloadKinds = DEFAULT_WORKLOAD_KINDS): PodTemplate | undefined {
  return podTemplatesOf(object, kinds)[0];
}

/**
 * Every pod template of an object, as its workload-kind row places them (an LWS leader and worker, each
 * Ray worker group, each JobSet replicated job), with controller labels, replica counts and paths.
 * Empty for objects that run no pods, or whose template is missing.
 */
export function podTemplatesOf(object: K8sObject, kinds: WorkloadKinds = DEFAULT_WORKLOAD_KINDS): PodTemplate[] {
  const def = kinds.definitionOf(object);
  if (!def) return [];
  const name = typeof object.metadata?.name === 'string' ? object.metadata.name : '';
  const out: PodTemplate[] = [];
  for (const location of def.templates) {
    for (const { path, item } of expand(object, parseTablePath(location.path))) {
      const node = getAt(object, path);
      if (!isPlainObject(node)) continue;
      // A PodTemplateSpec has `spec` (and metadata); a PodSpec (Pod's own spec, KServe predictor) has containers.
      const isPod = path.length === 0;
      const isTemplateSpec = !isPod && !Array.isArray(node.containers) && ('spec' in node || 'metadata' in node);
      const podSpecPath: Path = isPod ? ['spec'] : isTemplateSpec ? [...path, 'spec'] : path;
      const metadataPath: Path = isPod || !isTemplateSpec ? ['metadata'] : [...path, 'metadata'];
      const written = getAt(object, podSpecPath);
      const metadata = getAt(object, metadataPath);
      // A template without a pod spec is still a workload whose labels Services select (the API rejects the
      // missing spec: schema-valid's finding); a spec that is not a mapping is no workload mllint can read.
      if (written !== undefined ? !isPlainObject(written) : !(isTemplateSpec && isPlainObject(metadata))) continue;
      const podSpec: Record<string, unknown> = isPlainObject(written) ? written : {};
      const itemName = item !== undefined ? String(getAt(object, [...path.slice(0, path.indexOf(item) + 1), location.itemName ?? 'name']) ?? item) : '';
      const declaredLabels = stringMap(isPlainObject(metadata) ? metadata.labels : undefined);
      const controllerLabels: Record<string, string> = {};
      for (const [k, v] of Object.entries({ ...(def.labels ?? {}), ...(location.labels ?? {}) })) controllerLabels[k] = fill(v, name, itemName);
      const containers = containersOf(podSpec, podSpecPath);
      for (const field of location.serverContainerFields ?? []) {
        const server = podSpec[field];
        if (isPlainObject(server)) {
          containers.push({ container: server, name: typeof server.name === 'string' ? server.name : 'kserve-container', type: 'container', path: [...podSpecPath, field] });
        }
      }
      let replicas: number | undefined;
      let replicasPath: Path | undefined;
      if (location.replicas) {
        const countPath = withItem(location.replicas.path, item);
        const written = numberAt(object, countPath, location.replicas.text);
        if (written !== undefined) replicasPath = countPath;
        replicas = isPod ? 1 : (written ?? location.replicas.default);
        const times = location.replicas.times;
        if (times) replicas *= Math.max(0, (numberAt(object, withItem(times.path, item)) ?? times.default) - (times.minus ?? 0));
      }
      const roleName = location.role && location.itemName ? `${location.role} "${itemName}"` : location.role;
      out.push({
        kind: object.kind,
        podSpec,
        podSpecPath,
        metadataPath,
        labels: { ...declaredLabels, ...controllerLabels },
        declaredLabels,
        annotations: stringMap(isPlainObject(metadata) ? metadata.annotations : undefined),
        containers,
        replicas,
        replicasPath,
        longRunning: def.serving,
        servesTraffic: location.serving ?? def.serving,
        probesInjected: location.probesInjected === true,
        injectedPorts: location.injectedPorts ?? [],
        partial: location.partial === true,
        role: roleName,
        index: out.length,
        groupSize: def.groupSize ? Math.max(1, numberAt(object, parseTablePath(def.groupSize)) ?? 1) : 1,
        nodeLabels: Object.fromEntries(
          Object.entries(def.nodeLabels ?? {})
            .map(([label, field]) => [label, getAt(object, parseTablePath(field))])
            .filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
        ),
        definition: def,
      });
    }
  }
  return out;
}

function containersOf(podSpec: Record<string, unknown>, podSpecPath: Path): ContainerRef[] {
  const out: ContainerRef[] = [];
  const lists: Array<[string, ContainerType]> = [
    ['initContainers', 'initContainer'],
    ['containers', 'container'],
    ['ephemeralContainers', 'ephemeralContainer'],
  ];
  for (const [field, type] of lists) {
    const list = podSpec[field];
    if (!Array.isArray(list)) continue;
    list.forEach((container, i) => {
      if (!isPlainObject(container)) return;
      out.push({ container, name: containerName(container, i), type, path: [...podSpecPath, field, i] });
    });
  }
  return out;
}

function containerName(container: Record<string, unknown>, index: number): string {
  return typeof container.name === 'string' && container.name !== '' ? container.name : `#${index}`;
}
