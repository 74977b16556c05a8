/**
 * What managed platforms fill in or add to pods by themselves, so that a manifest without it is not wrong.
 */

/**
 * Resources the KServe InferenceService defaulting webhook gives the predictor's model-server container
 * when it sets none (per resource and section).
 * Source: kserve/kserve config/configmap/inferenceservice.yaml, `inferenceService.resource`
 * (cpuRequest/cpuLimit "1", memoryRequest/memoryLimit "2Gi"); a cluster may change them in that ConfigMap.
 */
export const KSERVE_PREDICTOR_RESOURCE_DEFAULTS: Readonly<Record<'requests' | 'limits', Readonly<Record<string, string>>>> = {
  requests: { cpu: '1', memory: '2Gi' },
  limits: { cpu: '1', memory: '2Gi' },
};

/**
 * Node labels only GKE nodes carry. A pod that selects one (nodeSelector or required node affinity) runs
 * on GKE, where the ExtendedResourceToleration admission plugin is enabled: a pod requesting
 * `nvidia.com/gpu` gets the toleration for the `nvidia.com/gpu` taint of GPU node pools added for it.
 * Source: cloud.google.com/kubernetes-engine/docs/how-to/gpus ("GKE automatically adds tolerations
 * corresponding to the taints for pods requesting GPUs"; GPU nodes are selected with
 * `cloud.google.com/gke-accelerator`).
 */
export const GKE_NODE_LABEL_PREFIXES: readonly string[] = ['cloud.google.com/gke-', 'cloud.google.com/compute-class'];
