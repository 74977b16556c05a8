/**
 * GPUs a pod gets: how many each container is given, and which GPU type the pod lands on (from its node
 * selector, its required node affinity, or the configured node pools it selects), with the GPU memory of
 * that type (src/knowledge/gpus.ts). Shared by the GPU and LLM serving rules.
 */
import type { ContainerRef, PodTemplate } from '../../engine/extract.js';
import { getAt } from '../../engine/extract.js';
import { isPlainObject } from '../../loaders/objects.js';
import type { RunSettings } from '../../engine/settings.js';
import { GPU_LABEL_KEYS, gpuFromLabel, type GpuType } from '../../knowledge/gpus.js';
import { modelOf } from '../../engine/models.js';
import { serversOf } from '../../engine/servers.js';
import type { LoadedObject } from '../../types.js';

/** Extended resources that are whole GPUs. */
export const GPU_RESOURCES = ['nvidia.com/gpu', 'amd.com/gpu'] as const;

/** GPUs a container gets (its limit, else its request), or undefined when it asks for none. */
export function containerGpus(ref: ContainerRef): { count: number; resource: string } | undefined {
  const resources = ref.container.resources;
  if (!isPlainObject(resources)) return undefined;
  for (const section of ['limits', 'requests']) {
    const values = resources[section];
    if (!isPlainObject(values)) continue;
    for (const resource of GPU_RESOURCES) {
      const raw = values[resource];
      const count = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : undefined;
      if (count !== undefined) return { count, resource };
    }
  }
  return undefined;
}

/** The pod gets devices some other way (dynamic resource claims, TPUs): GPU counts cannot be judged. */
export function hasOtherAccelerators(template: PodTemplate): boolean {
  if (Array.isArray(template.podSpec.resourceClaims) && template.podSpec.resourceClaims.length > 0) return true;
  return template.containers.some((ref) => {
    const resources = ref.container.resources;
    if (!isPlainObject(resources)) return false;
    if (Array.isArray(resources.claims) && resources.claims.length > 0) return true;
    return ['limits', 'requests'].some((s) => isPlainObject(resources[s]) && Object.keys(resources[s] as object).some((k) => k === 'google.com/tpu' || k.startsWith('gpu.intel.com/')));
  });
}

export interface PodGpuType {
  gpu: GpuType;
  /** Where the type comes from, for messages (`nodeSelector cloud.google.com/gke-accelerator=nvidia-l4`). */
  source: string;
}

/**
 * The GPU type the pod's nodes have: a GPU label in `nodeSelector`, else one in every term of the required
 * node affinity (`In` values; with several values or terms, the largest GPU, so no smaller guess is made),
 * else the configured node pools the node selector matches, when all of them name a known GPU (largest).
 * Undefined when unknown.
 */
export function podGpuType(template: PodTemplate, settings: RunSettings): PodGpuType | undefined {
  const selector: Record<string, unknown> = { ...template.nodeLabels, ...(isPlainObject(template.podSpec.nodeSelector) ? template.podSpec.nodeSelector : {}) };
  for (const key of GPU_LABEL_KEYS) {
    const value = selector[key];
    if (typeof value !== 'string') continue;
    const gpu = gpuFromLabel(key, value);
    if (gpu) return { gpu, source: `${template.nodeLabels[key] === value ? template.definition.kind : 'nodeSelector'} ${key}=${value}` };
  }
  const terms = getAt(template.podSpec, ['affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms']);
  if (Array.isArray(terms) && terms.length > 0) {
    let best: PodGpuType | undefined;
    let allKnown = true;
    for (const term of terms) {
      const expressions = isPlainObject(term) && Array.isArray(term.matchExpressions) ? term.matchExpressions : [];
      const hit = expressions.find((e) => isPlainObject(e) && e.operator === 'In' && typeof e.key === 'string' && (GPU_LABEL_KEYS as readonly string[]).includes(e.key) && Array.isArray(e.values) && e.values.length > 0);
      if (!isPlainObject(hit)) {
        allKnown = false;
        break;
      }
      for (const value of hit.values as unknown[]) {
        const gpu = typeof value === 'string' ? gpuFromLabel(hit.key as string, value) : undefined;
        if (!gpu) {
          allKnown = false;
          break;
        }
        if (!best || gpu.memoryGB > best.gpu.memoryGB) best = { gpu, source: `node affinity ${String(hit.key)} In ${value}` };
      }
      if (!allKnown) break;
    }
    if (allKnown && best) return best;
  }
  const labels = Object.entries(selector).filter(([, v]) => typeof v === 'string') as Array<[string, string]>;
  if (labels.length === 0 || settings.nodePools.length === 0) return undefined;
  const pools = settings.nodePools.filter((pool) => labels.every(([k, v]) => pool.labels[k] === v));
  if (pools.length === 0) return undefined;
  let best: PodGpuType | undefined;
  for (const pool of pools) {
    const known = GPU_LABEL_KEYS.map((key) => (pool.labels[key] !== undefined ? gpuFromLabel(key, pool.labels[key]) : undefined)).find((g) => g !== undefined);
    if (!known) return undefined;
    if (!best || known.memoryGB > best.gpu.memoryGB) best = { gpu: known, source: `node pool "${pool.name}"` };
  }
  return best;
}

/**
 * Whether a workload serves a model: it declares one (annotation, env, registry), runs a recognised
 * inference server, or asks for GPUs in a long-running serving pod.
 */
export function servesModel(object: LoadedObject, template: PodTemplate, settings: RunSettings): boolean {
  if (modelOf(object, template, settings)) return true;
  if (serversOf(template).length > 0) return true;
  return template.containers.some((ref) => ref.type === 'container' && (containerGpus(ref)?.count ?? 0) > 0);
}
