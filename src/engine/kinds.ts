/** What the engine knows about kinds: which are workloads and which are cluster-scoped. */

/** Kinds that are not namespaced (everything else is assumed to be). */
export const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'StorageClass', 'PriorityClass', 'IngressClass', 'RuntimeClass', 'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration', 'APIService', 'CSIDriver', 'CSINode', 'VolumeAttachment',
  'ClusterIssuer', 'ClusterServingRuntime', 'ClusterStorageContainer', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'PodSecurityPolicy', 'ComponentStatus', 'CertificateSigningRequest',
]);

export function isNamespacedKind(kind: string): boolean {
  return !CLUSTER_SCOPED_KINDS.has(kind);
}

/** Namespace used for matching when `metadata.namespace` is unset (what `kubectl apply` would use). */
export const DEFAULT_NAMESPACE = 'default';
