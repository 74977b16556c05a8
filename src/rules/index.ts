/**
 * The rule registry: an explicit list, sorted by id. A meta-test checks it equals the files of this folder.
 */
import type { Rule } from './define-rule.js';
import argocdDestinationNamespaceExists from './argocd-destination-namespace-exists.js';
import argocdRevisionPinned from './argocd-revision-pinned.js';
import argocdSyncAutomated from './argocd-sync-automated.js';
import cpuLimitThrottling from './cpu-limit-throttling.js';
import cronjobSafeConcurrency from './cronjob-safe-concurrency.js';
import cronjobScheduleValid from './cronjob-schedule-valid.js';
import deprecatedApi from './deprecated-api.js';
import gitopsNotRendered from './gitops-not-rendered.js';
import gitopsSourceRenders from './gitops-source-renders.js';
import gpuCountMatchesParallelism from './gpu-count-matches-parallelism.js';
import helmChartSkipped from './helm-chart-skipped.js';
import hpaMinReplicas from './hpa-min-replicas.js';
import hpaTargetExists from './hpa-target-exists.js';
import imageMatchesRegistry from './image-matches-registry.js';
import imagePinned from './image-pinned.js';
import ingressBackendExists from './ingress-backend-exists.js';
import livenessSurvivesModelLoad from './liveness-survives-model-load.js';
import memoryLimitFitsModel from './memory-limit-fits-model.js';
import modelFitsGpu from './model-fits-gpu.js';
import modelVersionMatchesRegistry from './model-version-matches-registry.js';
import namespaceSet from './namespace-set.js';
import noSecretLiteralsInEnv from './no-secret-literals-in-env.js';
import onlineSourceUnavailable from './online-source-unavailable.js';
import parseError from './parse-error.js';
import pdbAllowsDisruption from './pdb-allows-disruption.js';
import pdbPresent from './pdb-present.js';
import pdbSelectsPods from './pdb-selects-pods.js';
import probePortExists from './probe-port-exists.js';
import probesPresent from './probes-present.js';
import replicasOwnedByAutoscaler from './replicas-owned-by-autoscaler.js';
import ruleError from './rule-error.js';
import schemaValid from './schema-valid.js';
import servicePortTargetsContainer from './service-port-targets-container.js';
import serviceSelectsPods from './service-selects-pods.js';
import servicemonitorSelectsService from './servicemonitor-selects-service.js';
import sharedMemorySized from './shared-memory-sized.js';
import suppressionValid from './suppression-valid.js';
import tolerationsMatchNodeSelector from './tolerations-match-node-selector.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const RULES: ReadonlyArray<Rule<any>> = [
  argocdDestinationNamespaceExists,
  argocdRevisionPinned,
  argocdSyncAutomated,
  cpuLimitThrottling,
  cronjobSafeConcurrency,
  cronjobScheduleValid,
  deprecatedApi,
  gitopsNotRendered,
  gitopsSourceRenders,
  gpuCountMatchesParallelism,
  helmChartSkipped,
  hpaMinReplicas,
  hpaTargetExists,
  imageMatchesRegistry,
  imagePinned,
  ingressBackendExists,
  livenessSurvivesModelLoad,
  memoryLimitFitsModel,
  modelFitsGpu,
  modelVersionMatchesRegistry,
  namespaceSet,
  noSecretLiteralsInEnv,
  onlineSourceUnavailable,
  parseError,
  pdbAllowsDisruption,
  pdbPresent,
  pdbSelectsPods,
  probePortExists,
  probesPresent,
  replicasOwnedByAutoscaler,
  ruleError,
  schemaValid,
  servicePortTargetsContainer,
  serviceSelectsPods,
  servicemonitorSelectsService,
  sharedMemorySized,
  suppressionValid,
  tolerationsMatchNodeSelector,
];

const BY_ID = new Map(RULES.map((rule) => [rule.meta.id, rule]));

export function getRule(id: string): Rule<any> | undefined {
  return BY_ID.get(id);
}

/** Rules reported by the loader or engine rather than by their own `check`. */
export const ENGINE_RULE_IDS = new Set(['parse-error', 'helm-chart-skipped', 'rule-error', 'online-source-unavailable', 'suppression-valid', 'gitops-source-renders', 'gitops-not-rendered']);
