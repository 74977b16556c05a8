/**
 * Which containers of a workload serve traffic, which one serves the model, and what its probes and
 * resources say once Kubernetes has filled in its defaults. Shared by the probe and resource rules.
 */
import type { ResourceIndex } from '../../engine/context.js';
import { getAt, type ContainerRef, type PodTemplate } from '../../engine/extract.js';
import type { ModelInfo } from '../../engine/models.js';
import { isPlainObject } from '../../loaders/objects.js';
import { parseQuantity } from './quantity.js';
import { KSERVE_PREDICTOR_RESOURCE_DEFAULTS } from '../../knowledge/platform-defaults.js';
import { isGpuDiagnosticContainer, isIdleContainer, recogniseServer } from '../../engine/servers.js';
import { containerGpus } from './gpus.js';

/** Kubernetes defaults for unset probe fields. */
export const PROBE_DEFAULTS = { initialDelaySeconds: 0, periodSeconds: 10, failureThreshold: 3 } as const;

/**
 * A long-running serving pod: Deployment, StatefulSet, DaemonSet, ReplicaSet, InferenceService, or a
 * bare Pod that restarts (a Pod with `restartPolicy: Never`/`OnFailure` is a batch pod, like a Job).
 */
export function isLongRunning(template: PodTemplate): boolean {
  if (!template.longRunning) return false;
  if (template.kind === 'Pod') {
    const policy = template.podSpec.restartPolicy;
    return policy === undefined || policy === null || policy === 'Always';
  }
  return true;
}

/** The regular containers (not init or ephemeral containers): the ones that run for the pod's life. */
export function servingContainers(template: PodTemplate): ContainerRef[] {
  return template.containers.filter((ref) => ref.type === 'container');
}

/**
 * The container that loads the model: the one whose env declares it (MODEL_NAME, MODEL_URI,
 * MODEL_VERSION), else the `kubectl.kubernetes.io/default-container`, else KServe's model server
 * (`predictor.model`, `predictor.sklearn`… or `kserve-container`), else the first container.
 */
export function modelContainer(template: PodTemplate, model: ModelInfo | undefined): ContainerRef | undefined {
  const containers = servingContainers(template);
  if (containers.length === 0) return undefined;
  const declaredIn = [model?.name.path, model?.version?.path, model?.uri?.path].find(
    (path) => path !== undefined && containers.some((ref) => startsWith(path, ref.path)),
  );
  if (declaredIn) return containers.find((ref) => startsWith(declaredIn, ref.path));
  const defaultName = template.annotations['kubectl.kubernetes.io/default-container'];
  const byDefault = defaultName ? containers.find((ref) => ref.name === defaultName) : undefined;
  if (byDefault) return byDefault;
  if (template.kind === 'InferenceService') {
    const server = containers.find((ref) => typeof ref.path[ref.path.length - 1] === 'string'); // predictor.model, .sklearn…
    return server ?? containers.find((ref) => ref.name === 'kserve-container') ?? containers[0];
  }
  return containers[0];
}

/**
 * Whether a container serves a model, so that messages may speak of model loading and inference: KServe's
 * model server, the container that declares the model (see `modelContainer`), a recognised inference server
 * (engine/servers.ts, by image or command), or a container given GPUs or TPUs (unless it only runs GPU
 * diagnostics such as `nvidia-smi` or a CUDA sample). Never a
 * container that only waits (`sleep infinity`: a toolbox or benchmark client, see knowledge/idle-commands.ts).
 */
export function servesModel(template: PodTemplate, ref: ContainerRef, model: ModelInfo | undefined): boolean {
  if (isIdleContainer(ref)) return false;
  if (template.kind === 'InferenceService' && (typeof ref.path[ref.path.length - 1] === 'string' || ref.name === 'kserve-container')) return true;
  if (model !== undefined && modelContainer(template, model) === ref) return true;
  if (recogniseServer(ref) !== undefined) return true;
  // An accelerator does not make a GPU smoke test (`nvidia-smi`, a CUDA sample loop) a model server.
  if (isGpuDiagnosticContainer(ref)) return false;
  if ((containerGpus(ref)?.count ?? 0) > 0) return true;
  const resources = ref.container.resources;
  return isPlainObject(resources) && ['requests', 'limits'].some((s) => isPlainObject(resources[s]) && (resources[s] as Record<string, unknown>)['google.com/tpu'] !== undefined);
}


function startsWith(path: readonly (string | number)[], prefix: readonly (string | number)[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => path[i] === segment);
}

export interface ProbeTiming {
  initialDelaySeconds: number;
  periodSeconds: number;
  failureThreshold: number;
  /** Seconds from container start until the probe has failed `failureThreshold` times in a row. */
  budgetSeconds: number;
}

/** A probe's timing with the Kubernetes defaults for unset (or unusable) fields. */
export function probeTiming(probe: Record<string, unknown>): ProbeTiming {
  const field = (name: keyof typeof PROBE_DEFAULTS, min: number): number => {
    const raw = probe[name];
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    return Number.isFinite(value) && value >= min ? value : PROBE_DEFAULTS[name];
  };
  const initialDelaySeconds = field('initialDelaySeconds', 0);
  const periodSeconds = field('periodSeconds', 1);
  const failureThreshold = field('failureThreshold', 1);
  return { initialDelaySeconds, periodSeconds, failureThreshold, budgetSeconds: initialDelaySeconds + failureThreshold * periodSeconds };
}

/** The probe of that name when it is a mapping, else undefined. */
export function probeOf(ref: ContainerRef, name: 'livenessProbe' | 'readinessProbe' | 'startupProbe'): Record<string, unknown> | undefined {
  const probe = ref.container[name];
  return isPlainObject(probe) ? probe : undefined;
}

export interface ResourceValue {
  /** Parsed quantity in base units (bytes, cores). */
  value: number;
  /** The quantity as written. */
  text: string;
}

export type ResourceRead = { state: 'missing' } | { state: 'invalid'; text: string } | ({ state: 'set' } & ResourceValue);

/** `resources.<section>.<name>` of a container, parsed. */
export function resourceOf(ref: ContainerRef, section: 'requests' | 'limits', name: string): ResourceRead {
  const resources = ref.container.resources;
  const values = isPlainObject(resources) ? resources[section] : undefined;
  const raw = isPlainObject(values) ? values[name] : undefined;
  if (raw === undefined || raw === null || raw === '') return { state: 'missing' };
  const value = parseQuantity(raw);
  if (value === undefined) return { state: 'invalid', text: String(raw) };
  return { state: 'set', value, text: String(raw) };
}

export interface EffectiveResource extends ResourceValue {
  /** Where the value comes from: the field itself, the container's limit (Kubernetes copies a limit into a
   * missing request), or a LimitRange default of the namespace (named). */
  origin: 'set' | 'limit' | 'limitRange' | 'platform';
  limitRange?: string;
  /** For `platform`: which platform fills the value in (`KServe`). */
  platform?: string;
}

/**
 * The request or limit a container gets once admitted: the field as written; for a missing request, its
 * limit (Kubernetes defaults requests to limits); else the namespace's LimitRange `defaultRequest`/`default`
 * for containers; else, for a KServe predictor's model server (with `template`), the KServe default
 * (knowledge/platform-defaults.ts). Undefined when none applies, or when the value written is 0 (no reservation, no limit);
 * 'invalid' when the value written is not a valid quantity (schema-valid's).
 */
export function effectiveResource(
  ref: ContainerRef,
  section: 'requests' | 'limits',
  name: string,
  index: ResourceIndex,
  namespace: string,
  template?: PodTemplate,
): EffectiveResource | undefined | 'invalid' {
  const own = resourceOf(ref, section, name);
  if (own.state === 'invalid') return 'invalid';
  // A request of 0 reserves nothing and a limit of 0 limits nothing: written, but not set (and not defaulted).
  if (own.state === 'set') return own.value === 0 ? undefined : { value: own.value, text: own.text, origin: 'set' };
  if (section === 'requests') {
    const limit = resourceOf(ref, 'limits', name);
    if (limit.state === 'invalid') return 'invalid';
    if (limit.state === 'set') return limit.value === 0 ? undefined : { value: limit.value, text: limit.text, origin: 'limit' };
  }
  for (const limitRange of index.inNamespace('LimitRange', namespace)) {
    const items = getAt(limitRange.object, ['spec', 'limits']);
    if (!Array.isArray(items)) continue;
    for (const item of items) {
      if (!isPlainObject(item) || item.type !== 'Container') continue;
      const defaults = isPlainObject(item.default) ? item.default : {};
      const defaultRequests = isPlainObject(item.defaultRequest) ? item.defaultRequest : {};
      const raw = section === 'limits' ? defaults[name] : (defaultRequests[name] ?? defaults[name]);
      const value = parseQuantity(raw);
      if (value !== undefined) return { value, text: String(raw), origin: 'limitRange', limitRange: limitRange.name };
    }
  }
  if (template && isKServeModelServer(template, ref)) {
    const text = KSERVE_PREDICTOR_RESOURCE_DEFAULTS[section][name];
    const value = parseQuantity(text);
    if (text !== undefined && value !== undefined) return { value, text, origin: 'platform', platform: 'KServe' };
  }
  return undefined;
}

/**
 * The predictor container KServe's defaulting webhook gives resources to: the model server of a predictor
 * model field (`predictor.model`, `.sklearn`, …) or the first custom container.
 */
function isKServeModelServer(template: PodTemplate, ref: ContainerRef): boolean {
  if (template.kind !== 'InferenceService' || ref.type !== 'container') return false;
  const last = ref.path[ref.path.length - 1];
  return typeof last === 'string' || (last === 0 && ref.path[ref.path.length - 2] === 'containers');
}

/** "2Gi", "2Gi (its limit)", "2Gi (LimitRange defaults)": how a message names an effective value. */
export function describeEffective(resource: EffectiveResource): string {
  if (resource.origin === 'limit') return `${resource.text} (copied from its limit)`;
  if (resource.origin === 'limitRange') return `${resource.text} (default of LimitRange "${resource.limitRange}")`;
  if (resource.origin === 'platform') return `${resource.text} (${resource.platform} default)`;
  return resource.text;
}
