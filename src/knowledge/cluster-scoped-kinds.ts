/**
 * Kinds that are cluster-scoped (they have no namespace), by API group, with where that is documented.
 * Built-in kinds are in `engine/kinds.ts` (CLUSTER_SCOPED_KINDS); a CustomResourceDefinition in the linted
 * tree decides for its own kind (`spec.scope`), before this table. Kinds whose name starts with `Cluster`
 * are treated as cluster-scoped unless a CRD in the tree says otherwise.
 */

export interface ClusterScopedGroup {
  /** API group (the part of apiVersion before `/`). */
  group: string;
  kinds: readonly string[];
  /** Where the scope is documented (the CRD manifest or API reference). */
  source: string;
}

export const CLUSTER_SCOPED_GROUPS: readonly ClusterScopedGroup[] = [
  { group: 'gateway.networking.k8s.io', kinds: ['GatewayClass'], source: 'Gateway API reference, gateway.networking.k8s.io/v1 GatewayClass (scope: Cluster)' },
  {
    group: 'kueue.x-k8s.io',
    kinds: ['ResourceFlavor', 'ClusterQueue', 'Cohort', 'Topology', 'WorkloadPriorityClass', 'AdmissionCheck', 'MultiKueueCluster', 'MultiKueueConfig', 'ProvisioningRequestConfig'],
    source: 'Kueue CRDs, config/components/crd/bases (scope: Cluster); kueue.sigs.k8s.io/docs/reference/kueue.v1beta1',
  },
  { group: 'kubeflow.org', kinds: ['Profile'], source: 'Kubeflow profile-controller CRD profiles.kubeflow.org (scope: Cluster)' },
  { group: 'karpenter.sh', kinds: ['NodePool', 'NodeClaim', 'Provisioner', 'Machine'], source: 'Karpenter CRDs karpenter.sh (scope: Cluster), karpenter.sh/docs/concepts' },
  { group: 'karpenter.k8s.aws', kinds: ['EC2NodeClass', 'AWSNodeTemplate'], source: 'Karpenter AWS provider CRDs (scope: Cluster)' },
  { group: 'karpenter.azure.com', kinds: ['AKSNodeClass'], source: 'Karpenter Azure provider CRDs (scope: Cluster)' },
  { group: 'networking.gke.io', kinds: ['Network', 'GKENetworkParamSet', 'NetworkLogging', 'RemoteNode'], source: 'GKE multi-network docs, cloud.google.com/kubernetes-engine/docs/how-to/setup-multinetwork-support-for-pods (cluster-scoped objects)' },
  { group: 'cloud.google.com', kinds: ['ComputeClass'], source: 'GKE custom compute classes, cloud.google.com/kubernetes-engine/docs/concepts/about-custom-compute-classes (cluster-scoped)' },
  { group: 'serving.kserve.io', kinds: ['ClusterServingRuntime', 'ClusterStorageContainer', 'LocalModelCache', 'LocalModelNode', 'LocalModelNodeGroup'], source: 'KServe CRDs, config/crd/full (scope: Cluster)' },
  { group: 'scheduling.volcano.sh', kinds: ['Queue'], source: 'Volcano CRD queues.scheduling.volcano.sh (scope: Cluster)' },
  { group: 'nvidia.com', kinds: ['ClusterPolicy', 'NVIDIADriver'], source: 'NVIDIA GPU Operator CRDs (scope: Cluster)' },
  { group: 'nfd.k8s-sigs.io', kinds: ['NodeFeatureRule', 'NodeFeatureGroup'], source: 'Node Feature Discovery CRDs (NodeFeatureRule scope: Cluster)' },
  { group: 'snapshot.storage.k8s.io', kinds: ['VolumeSnapshotClass', 'VolumeSnapshotContent'], source: 'Kubernetes CSI external-snapshotter CRDs (scope: Cluster)' },
  { group: 'cert-manager.io', kinds: ['ClusterIssuer'], source: 'cert-manager API reference (ClusterIssuer is cluster-scoped)' },
  { group: 'templates.gatekeeper.sh', kinds: ['ConstraintTemplate'], source: 'OPA Gatekeeper docs (ConstraintTemplate and constraints are cluster-scoped)' },
  { group: 'constraints.gatekeeper.sh', kinds: ['*'], source: 'OPA Gatekeeper docs (every constraint kind is cluster-scoped)' },
  { group: 'kyverno.io', kinds: ['ClusterPolicy', 'ClusterCleanupPolicy'], source: 'Kyverno CRDs (scope: Cluster)' },
  { group: 'pkg.crossplane.io', kinds: ['Provider', 'Configuration', 'Function', 'DeploymentRuntimeConfig', 'ControllerConfig'], source: 'Crossplane package CRDs (scope: Cluster)' },
  { group: 'apiextensions.crossplane.io', kinds: ['Composition', 'CompositeResourceDefinition', 'CompositionRevision', 'EnvironmentConfig'], source: 'Crossplane CRDs (scope: Cluster)' },
  { group: 'datasciencecluster.opendatahub.io', kinds: ['DataScienceCluster'], source: 'Open Data Hub operator CRD datascienceclusters.datasciencecluster.opendatahub.io (scope: Cluster)' },
  { group: 'dscinitialization.opendatahub.io', kinds: ['DSCInitialization'], source: 'Open Data Hub operator CRD dscinitializations.dscinitialization.opendatahub.io (scope: Cluster)' },
  { group: 'config.openshift.io', kinds: ['*'], source: 'OpenShift API reference, config.openshift.io/v1 (every configuration kind is cluster-scoped)' },
  { group: 'security.openshift.io', kinds: ['SecurityContextConstraints'], source: 'OpenShift API reference, security.openshift.io/v1 SecurityContextConstraints (cluster-scoped)' },
  { group: 'console.openshift.io', kinds: ['ConsoleLink', 'ConsoleNotification', 'ConsoleCLIDownload', 'ConsoleQuickStart', 'ConsolePlugin', 'ConsoleYAMLSample'], source: 'OpenShift API reference, console.openshift.io/v1 (cluster-scoped console customisations)' },
  { group: 'machineconfiguration.openshift.io', kinds: ['MachineConfig', 'MachineConfigPool', 'KubeletConfig', 'ContainerRuntimeConfig'], source: 'OpenShift API reference, machineconfiguration.openshift.io/v1 (cluster-scoped)' },
  { group: 'user.openshift.io', kinds: ['User', 'Group', 'Identity'], source: 'OpenShift API reference, user.openshift.io/v1 (cluster-scoped)' },
  { group: 'project.openshift.io', kinds: ['Project', 'ProjectRequest'], source: 'OpenShift API reference, project.openshift.io/v1 (cluster-scoped)' },
  { group: 'operators.coreos.com', kinds: ['Operator'], source: 'Operator Lifecycle Manager API, operators.coreos.com/v1 Operator (cluster-scoped)' },
  { group: 'resource.k8s.io', kinds: ['DeviceClass', 'ResourceSlice'], source: 'Kubernetes API reference, Dynamic Resource Allocation (cluster-scoped)' },
  { group: 'networking.k8s.io', kinds: ['IngressClass', 'IPAddress', 'ServiceCIDR'], source: 'Kubernetes API reference (cluster-scoped)' },
  { group: 'storage.k8s.io', kinds: ['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'VolumeAttributesClass'], source: 'Kubernetes API reference (cluster-scoped)' },
  { group: 'flowcontrol.apiserver.k8s.io', kinds: ['FlowSchema', 'PriorityLevelConfiguration'], source: 'Kubernetes API reference (cluster-scoped)' },
  { group: 'admissionregistration.k8s.io', kinds: ['MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding'], source: 'Kubernetes API reference (cluster-scoped)' },
  { group: 'certificates.k8s.io', kinds: ['ClusterTrustBundle'], source: 'Kubernetes API reference (cluster-scoped)' },
  { group: 'scheduling.k8s.io', kinds: ['PriorityClass'], source: 'Kubernetes API reference (cluster-scoped)' },
  { group: 'node.k8s.io', kinds: ['RuntimeClass'], source: 'Kubernetes API reference (cluster-scoped)' },
];

const BY_GROUP = new Map(CLUSTER_SCOPED_GROUPS.map((g) => [g.group, new Set(g.kinds)]));

/** Whether the table lists `group`/`kind` as cluster-scoped (`group` is the apiVersion's group; '' for core). */
export function isKnownClusterScoped(group: string, kind: string): boolean {
  const kinds = BY_GROUP.get(group);
  return kinds !== undefined && (kinds.has(kind) || kinds.has('*'));
}
