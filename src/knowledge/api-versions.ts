/**
 * Which `apiVersion`s of which kinds were deprecated and removed, and what replaces them.
 *
 * Built-in APIs: the Kubernetes "Deprecated API Migration Guide"
 * (https://kubernetes.io/docs/reference/using-api/deprecation-guide/, "Removed APIs by release", v1.16 to
 * v1.32, the last release it lists a removal for), with the release each version was first deprecated in
 * from the Kubernetes release notes as collected in helm-mapkubeapis `config/Map.yaml`.
 * Custom resources: each row names the project's release notes or CRD. Their removal depends on the
 * operator's version, not on Kubernetes', so they are never errors (see `deprecated-api`).
 */

/** One `apiVersion` of some kinds that a release stopped serving (or a project replaced). */
export interface ApiVersionChange {
  apiVersion: string;
  /** The kinds concerned; `*` is every kind of that apiVersion. */
  kinds: readonly string[];
  /** Kubernetes minor release that first deprecated it ("1.21"); undefined when not known. */
  deprecatedIn?: string;
  /** Kubernetes minor release that stopped serving it ("1.25"); undefined for CRDs (see `project`). */
  removedIn?: string;
  /** What to use instead: an apiVersion, or a sentence when there is no like-for-like replacement. */
  replacement: string;
  /** For custom resources: the project and release that removed or deprecated it. */
  project?: { name: string; removedIn?: string; deprecatedIn?: string };
  /** Where the fact comes from. */
  source: string;
}

const GUIDE = 'Kubernetes Deprecated API Migration Guide (kubernetes.io/docs/reference/using-api/deprecation-guide)';

/** Built-in kinds, by the release that removed them. */
export const BUILTIN_API_CHANGES: readonly ApiVersionChange[] = [
  // v1.16
  { apiVersion: 'extensions/v1beta1', kinds: ['NetworkPolicy'], deprecatedIn: '1.8', removedIn: '1.16', replacement: 'networking.k8s.io/v1', source: `${GUIDE}, v1.16` },
  { apiVersion: 'extensions/v1beta1', kinds: ['PodSecurityPolicy'], deprecatedIn: '1.10', removedIn: '1.16', replacement: 'policy/v1beta1 (itself removed in 1.25: use Pod Security Admission)', source: `${GUIDE}, v1.16` },
  { apiVersion: 'extensions/v1beta1', kinds: ['DaemonSet', 'Deployment', 'ReplicaSet'], deprecatedIn: '1.9', removedIn: '1.16', replacement: 'apps/v1', source: `${GUIDE}, v1.16` },
  { apiVersion: 'apps/v1beta1', kinds: ['Deployment', 'StatefulSet', 'ReplicaSet'], deprecatedIn: '1.9', removedIn: '1.16', replacement: 'apps/v1', source: `${GUIDE}, v1.16` },
  { apiVersion: 'apps/v1beta2', kinds: ['DaemonSet', 'Deployment', 'StatefulSet', 'ReplicaSet'], deprecatedIn: '1.9', removedIn: '1.16', replacement: 'apps/v1', source: `${GUIDE}, v1.16` },
  // v1.22
  { apiVersion: 'admissionregistration.k8s.io/v1beta1', kinds: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'], deprecatedIn: '1.16', removedIn: '1.22', replacement: 'admissionregistration.k8s.io/v1', source: `${GUIDE}, v1.22` },
  { apiVersion: 'apiextensions.k8s.io/v1beta1', kinds: ['CustomResourceDefinition'], deprecatedIn: '1.16', removedIn: '1.22', replacement: 'apiextensions.k8s.io/v1', source: `${GUIDE}, v1.22` },
  { apiVersion: 'apiregistration.k8s.io/v1beta1', kinds: ['APIService'], deprecatedIn: '1.19', removedIn: '1.22', replacement: 'apiregistration.k8s.io/v1', source: `${GUIDE}, v1.22` },
  { apiVersion: 'authentication.k8s.io/v1beta1', kinds: ['TokenReview'], deprecatedIn: '1.16', removedIn: '1.22', replacement: 'authentication.k8s.io/v1', source: `${GUIDE}, v1.22` },
  { apiVersion: 'authorization.k8s.io/v1beta1', kinds: ['SubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectAccessReview'], deprecatedIn: '1.16', removedIn: '1.22', replacement: 'authorization.k8s.io/v1', source: `${GUIDE}, v1.22` },
  { apiVersion: 'certificates.k8s.io/v1beta1', kinds: ['CertificateSigningRequest'], deprecatedIn: '1.19', removedIn: '1.22', replacement: 'certificates.k8s.io/v1', source: `${GUIDE}, v1.22` },
  { apiVersion: 'coordination.k8s.io/v1beta1', kinds: ['Lease'], deprecatedIn: '1.14', removedIn: '1.22', replacement: 'coordination.k8s.io/v1', source: `${GUIDE}, v1.22` },
  { apiVersion: 'extensions/v1beta1', kinds: ['Ingress'], deprecatedIn: '1.14', removedIn: '1.22', replacement: 'networking.k8s.io/v1', source: `${GUIDE}, v1.22` },
  { apiVersion: 'networking.k8s.io/v1beta1', kinds: ['Ingress', 'IngressClass'], deprecatedIn: '1.19', removedIn: '1.22', replacement: 'networking.k8s.io/v1', source: `${GUIDE}, v1.22` },
  { apiVersion: 'rbac.authorization.k8s.io/v1beta1', kinds: ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'], deprecatedIn: '1.17', removedIn: '1.22', replacement: 'rbac.authorization.k8s.io/v1', source: `${GUIDE}, v1.22` },
  { apiVersion: 'rbac.authorization.k8s.io/v1alpha1', kinds: ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'], deprecatedIn: '1.17', removedIn: '1.22', replacement: 'rbac.authorization.k8s.io/v1', source: 'helm-mapkubeapis config/Map.yaml (Kubernetes 1.17 release notes)' },
  { apiVersion: 'scheduling.k8s.io/v1beta1', kinds: ['PriorityClass'], deprecatedIn: '1.14', removedIn: '1.22', replacement: 'scheduling.k8s.io/v1', source: `${GUIDE}, v1.22` },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIDriver'], deprecatedIn: '1.19', removedIn: '1.22', replacement: 'storage.k8s.io/v1', source: `${GUIDE}, v1.22` },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSINode'], deprecatedIn: '1.17', removedIn: '1.22', replacement: 'storage.k8s.io/v1', source: `${GUIDE}, v1.22` },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['StorageClass'], deprecatedIn: '1.16', removedIn: '1.22', replacement: 'storage.k8s.io/v1', source: `${GUIDE}, v1.22` },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['VolumeAttachment'], deprecatedIn: '1.13', removedIn: '1.22', replacement: 'storage.k8s.io/v1', source: `${GUIDE}, v1.22` },
  // v1.25
  { apiVersion: 'batch/v1beta1', kinds: ['CronJob'], deprecatedIn: '1.21', removedIn: '1.25', replacement: 'batch/v1', source: `${GUIDE}, v1.25` },
  { apiVersion: 'discovery.k8s.io/v1beta1', kinds: ['EndpointSlice'], deprecatedIn: '1.21', removedIn: '1.25', replacement: 'discovery.k8s.io/v1', source: `${GUIDE}, v1.25` },
  { apiVersion: 'events.k8s.io/v1beta1', kinds: ['Event'], deprecatedIn: '1.22', removedIn: '1.25', replacement: 'events.k8s.io/v1', source: `${GUIDE}, v1.25` },
  { apiVersion: 'autoscaling/v2beta1', kinds: ['HorizontalPodAutoscaler'], deprecatedIn: '1.23', removedIn: '1.25', replacement: 'autoscaling/v2', source: `${GUIDE}, v1.25` },
  { apiVersion: 'policy/v1beta1', kinds: ['PodDisruptionBudget'], deprecatedIn: '1.21', removedIn: '1.25', replacement: 'policy/v1', source: `${GUIDE}, v1.25` },
  { apiVersion: 'policy/v1beta1', kinds: ['PodSecurityPolicy'], deprecatedIn: '1.21', removedIn: '1.25', replacement: 'no replacement: use Pod Security Admission (namespace labels pod-security.kubernetes.io/*)', source: `${GUIDE}, v1.25` },
  { apiVersion: 'node.k8s.io/v1beta1', kinds: ['RuntimeClass'], deprecatedIn: '1.22', removedIn: '1.25', replacement: 'node.k8s.io/v1', source: `${GUIDE}, v1.25` },
  // v1.26
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta1', kinds: ['FlowSchema', 'PriorityLevelConfiguration'], deprecatedIn: '1.23', removedIn: '1.26', replacement: 'flowcontrol.apiserver.k8s.io/v1', source: `${GUIDE}, v1.26` },
  { apiVersion: 'autoscaling/v2beta2', kinds: ['HorizontalPodAutoscaler'], deprecatedIn: '1.23', removedIn: '1.26', replacement: 'autoscaling/v2', source: `${GUIDE}, v1.26` },
  // v1.27
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIStorageCapacity'], deprecatedIn: '1.24', removedIn: '1.27', replacement: 'storage.k8s.io/v1', source: `${GUIDE}, v1.27` },
  // v1.29
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2', kinds: ['FlowSchema', 'PriorityLevelConfiguration'], deprecatedIn: '1.26', removedIn: '1.29', replacement: 'flowcontrol.apiserver.k8s.io/v1', source: `${GUIDE}, v1.29` },
  // v1.32
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', kinds: ['FlowSchema', 'PriorityLevelConfiguration'], deprecatedIn: '1.29', removedIn: '1.32', replacement: 'flowcontrol.apiserver.k8s.io/v1', source: `${GUIDE}, v1.32` },
];

/** Custom resources of operators ML platforms run: replaced API groups and versions. */
export const CRD_API_CHANGES: readonly ApiVersionChange[] = [
  { apiVersion: 'serving.kubeflow.org/v1alpha2', kinds: ['InferenceService', 'TrainedModel'], replacement: 'serving.kserve.io/v1beta1', project: { name: 'KServe', removedIn: '0.7' }, source: 'KServe 0.7 release notes: KFServing renamed to KServe, API group serving.kubeflow.org → serving.kserve.io' },
  { apiVersion: 'serving.kubeflow.org/v1beta1', kinds: ['InferenceService'], replacement: 'serving.kserve.io/v1beta1', project: { name: 'KServe', removedIn: '0.7' }, source: 'KServe 0.7 release notes: KFServing renamed to KServe, API group serving.kubeflow.org → serving.kserve.io' },
  { apiVersion: 'serving.kubeflow.org/v1alpha1', kinds: ['TrainedModel'], replacement: 'serving.kserve.io/v1alpha1', project: { name: 'KServe', removedIn: '0.7' }, source: 'KServe 0.7 release notes: KFServing renamed to KServe, API group serving.kubeflow.org → serving.kserve.io' },
  { apiVersion: 'ray.io/v1alpha1', kinds: ['RayCluster', 'RayJob', 'RayService'], replacement: 'ray.io/v1', project: { name: 'KubeRay', deprecatedIn: '1.0' }, source: 'KubeRay CRDs ray-operator/config/crd/bases/ray.io_rayclusters.yaml: v1alpha1 `deprecated: true` ("use ray.io/v1")' },
  { apiVersion: 'keda.k8s.io/v1alpha1', kinds: ['ScaledObject', 'TriggerAuthentication'], replacement: 'keda.sh/v1alpha1', project: { name: 'KEDA', removedIn: '2.0' }, source: 'KEDA 2.0 migration guide: API group keda.k8s.io → keda.sh' },
  { apiVersion: 'certmanager.k8s.io/v1alpha1', kinds: ['*'], replacement: 'cert-manager.io/v1', project: { name: 'cert-manager', removedIn: '0.11' }, source: 'cert-manager 0.11 upgrade notes (upgrading-0.10-0.11): API group certmanager.k8s.io renamed to cert-manager.io' },
  { apiVersion: 'cert-manager.io/v1alpha2', kinds: ['*'], replacement: 'cert-manager.io/v1', project: { name: 'cert-manager', removedIn: '1.6' }, source: 'cert-manager 1.6 release notes: v1alpha2, v1alpha3 and v1beta1 APIs no longer served' },
  { apiVersion: 'cert-manager.io/v1alpha3', kinds: ['*'], replacement: 'cert-manager.io/v1', project: { name: 'cert-manager', removedIn: '1.6' }, source: 'cert-manager 1.6 release notes: v1alpha2, v1alpha3 and v1beta1 APIs no longer served' },
  { apiVersion: 'cert-manager.io/v1beta1', kinds: ['*'], replacement: 'cert-manager.io/v1', project: { name: 'cert-manager', removedIn: '1.6' }, source: 'cert-manager 1.6 release notes: v1alpha2, v1alpha3 and v1beta1 APIs no longer served' },
];

/** The Kubernetes release mllint assumes when the config and the command line name none. */
export const DEFAULT_KUBERNETES_VERSION = '1.34';

/** `1.34`, `v1.34`, `1.34.2` → [1, 34]; undefined when it is not a Kubernetes version. */
export function parseKubernetesVersion(value: string): [number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(value.trim());
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** Whether release `a` is at or after release `b` (both "major.minor"). */
export function atOrAfter(a: string, b: string): boolean {
  const [am, an] = parseKubernetesVersion(a) ?? [0, 0];
  const [bm, bn] = parseKubernetesVersion(b) ?? [0, 0];
  return am !== bm ? am > bm : an >= bn;
}

const byKey = new Map<string, ApiVersionChange>();
for (const change of [...BUILTIN_API_CHANGES, ...CRD_API_CHANGES]) {
  for (const kind of change.kinds) byKey.set(`${change.apiVersion}\u0000${kind}`, change);
}

/** The table row for an apiVersion and kind, if it was ever deprecated or removed. */
export function apiVersionChange(apiVersion: string, kind: string): ApiVersionChange | undefined {
  return byKey.get(`${apiVersion}\u0000${kind}`) ?? byKey.get(`${apiVersion}\u0000*`);
}

/** Whether Kubernetes `version` no longer serves this built-in apiVersion/kind. */
export function isRemovedIn(apiVersion: string, kind: string, version: string): boolean {
  const change = apiVersionChange(apiVersion, kind);
  return change?.removedIn !== undefined && atOrAfter(version, change.removedIn);
}
