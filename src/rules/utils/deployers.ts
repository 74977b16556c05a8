/**
 * GitOps objects in the linted tree that deploy a folder of it into a namespace: an Argo CD `Application`
 * (`spec.destination.namespace` with `spec.source.path` or `spec.sources[].path`) or a Flux
 * `Kustomization` (`spec.targetNamespace` with `spec.path`). Objects written without a namespace under
 * such a folder get that namespace when deployed (Argo CD: the destination namespace of namespaced
 * resources without one; Flux: `targetNamespace` overrides it).
 * Sources: argo-cd.readthedocs.io "Application Specification"; fluxcd.io/flux/components/kustomize/kustomizations
 * "Target namespace".
 */
import type { ResourceIndex } from '../../engine/context.js';
import { isPlainObject } from '../../loaders/objects.js';
import type { LoadedObject } from '../../types.js';

export interface Deployer {
  /** The namespace the deployer gives objects without one. */
  namespace: string;
  /** Folder it deploys, relative to the repository root, without `./` or a trailing `/` ('' for the root). */
  folder: string;
  /** How a message names it: `Argo CD Application "x"`. */
  label: string;
}

const perIndex = new WeakMap<ResourceIndex, Deployer[]>();

function normalizeFolder(p: string): string {
  return p.trim().replace(/^(\.\/)+/, '').replace(/\/+$/, '').replace(/^\.$/, '');
}

/** Every deployer in the tree (built once per run). */
export function deployersOf(index: ResourceIndex): Deployer[] {
  let found = perIndex.get(index);
  if (found) return found;
  found = [];
  for (const app of index.byKind('Application')) {
    if (!app.apiVersion.startsWith('argoproj.io/')) continue;
    const spec = app.object.spec;
    if (!isPlainObject(spec) || !isPlainObject(spec.destination)) continue;
    const namespace = spec.destination.namespace;
    if (typeof namespace !== 'string' || namespace === '') continue;
    const sources = [spec.source, ...(Array.isArray(spec.sources) ? spec.sources : [])];
    for (const source of sources) {
      if (isPlainObject(source) && typeof source.path === 'string') {
        found.push({ namespace, folder: normalizeFolder(source.path), label: `Argo CD Application "${app.name}"` });
      }
    }
  }
  for (const ks of index.byKind('Kustomization')) {
    if (!ks.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/')) continue;
    const spec = ks.object.spec;
    if (!isPlainObject(spec) || typeof spec.targetNamespace !== 'string' || spec.targetNamespace === '' || typeof spec.path !== 'string') continue;
    found.push({ namespace: spec.targetNamespace, folder: normalizeFolder(spec.path), label: `Flux Kustomization "${ks.name}"` });
  }
  perIndex.set(index, found);
  return found;
}

/**
 * The deployer whose folder holds the object's file, deepest folder first; undefined when none does.
 * File paths are as displayed (relative to where mllint runs), so a folder matches at the start of the
 * path or after a `/` (the linted tree may sit below the repository root).
 */
export function deployerOf(object: LoadedObject, index: ResourceIndex): Deployer | undefined {
  const deployers = deployersOf(index);
  if (deployers.length === 0) return undefined;
  const file = index.fileOf(object);
  let best: Deployer | undefined;
  for (const d of deployers) {
    const inside = d.folder === '' || file.startsWith(`${d.folder}/`) || file.includes(`/${d.folder}/`);
    if (inside && (!best || d.folder.length > best.folder.length)) best = d;
  }
  return best;
}
