import { DEFAULT_KUBERNETES_VERSION } from '../knowledge/api-versions.js';

import type { WorkloadKindDef } from '../knowledge/workload-kinds.js';
/**
 * Run-wide settings that rules may read: the model registry, node pools and model defaults.
 * They are plain data, loaded at the edges (config, registry file, nodes file) before rules run.
 */

export interface RegistryVersion {
  footprint?: string;
  loadSeconds?: number;
  image?: string;
  /** Where MLflow registered it from (`source`), and the run (`run_id`): how artifact URIs are matched to versions. */
  source?: string;
  runId?: string;
}

export interface RegistryModel {
  stages: Record<string, string>;
  /** MLflow aliases (champion, challenger…) → version. */
  aliases?: Record<string, string>;
  versions: Record<string, RegistryVersion>;
}

export interface ModelRegistry {
  /** Display path of the registry file, or `MLflow at URL` for the online source. */
  file: string;
  models: Record<string, RegistryModel>;
}

/** What an image registry says about one image reference (online source, `--check-images`). */
export interface ImageFact {
  /** Base URL of the registry that answered. */
  registry: string;
  /** The tag (or digest) exists. */
  found: boolean;
  /** `Docker-Content-Digest` of what the reference names now. */
  digest?: string;
  /** Whether `digest` names an image index / manifest list (a multi-platform image) rather than one manifest. */
  index?: boolean;
  /** For `repo:tag@digest`: whether the pinned digest exists. */
  pinnedFound?: boolean;
  /** For `repo:tag@digest`: whether the pinned digest is an image index / manifest list. */
  pinnedIndex?: boolean;
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface NodePool {
  name: string;
  labels: Record<string, string>;
  taints: Taint[];
  allocatable: Record<string, string>;
  /** Where the pool was defined (config or nodes file), for messages. */
  source?: string;
}

export interface RunSettings {
  registry: ModelRegistry | undefined;
  /** Namespace glob → registry stage; `*` is the fallback. Empty: the default mapping. */
  stageByNamespace: Record<string, string>;
  /** Namespace glob → MLflow alias; `*` is the fallback. Takes precedence over stages where it matches. */
  aliasByNamespace?: Record<string, string>;
  /** Image reference as written → what its registry says; only with image checks on. */
  images?: Record<string, ImageFact>;
  nodePools: NodePool[];
  /** `models.<name>.footprint` etc. from the config. */
  models: Record<string, { footprint?: string; loadSeconds?: number }>;
  /** The Kubernetes release ("1.34") whose served apiVersions `deprecated-api` and `schema-valid` assume. */
  kubernetesVersion: string;
  /** Config `workloadKinds`: the user's own CRDs that run pods (added to src/knowledge/workload-kinds.ts). */
  workloadKinds?: WorkloadKindDef[];
}

export const EMPTY_SETTINGS: RunSettings = { registry: undefined, stageByNamespace: {}, nodePools: [], models: {}, kubernetesVersion: DEFAULT_KUBERNETES_VERSION };
