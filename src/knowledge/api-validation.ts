/**
 * The Kubernetes API server's static validation rules that mllint applies (no cluster state needed), each
 * with the source file and function that implements it in kubernetes/kubernetes, and the per-kind facts
 * they depend on. `src/rules/utils/api-validation.ts` applies them; `schema-valid` reports them and its
 * documentation lists this table.
 *
 * Paths are of kubernetes/kubernetes (v1.34): `core` = pkg/apis/core/validation/validation.go,
 * `apps` = pkg/apis/apps/validation/validation.go, `batch` = pkg/apis/batch/validation/validation.go,
 * `policy` = pkg/apis/policy/validation/validation.go, `apimachinery` =
 * staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go, `warnings` = pkg/api/pod/warnings.go.
 */

export type ApiCheckId =
  | 'selector-matches-template'
  | 'selector-not-empty'
  | 'pod-restart-policy'
  | 'container-restart-policy'
  | 'init-container-probes'
  | 'container-name-unique'
  | 'container-name-format'
  | 'image-required'
  | 'port-number'
  | 'port-name'
  | 'port-name-unique'
  | 'port-duplicate'
  | 'requests-within-limits'
  | 'extended-resource'
  | 'probe-handler'
  | 'probe-success-threshold'
  | 'env-duplicate'
  | 'service-port-name'
  | 'service-port-duplicate'
  | 'pdb-int-or-percent'
  | 'pdb-one-of'
  | 'label-key'
  | 'label-value'
  | 'annotation-key'
  | 'annotation-size'
  | 'object-name'
  | 'namespace-name'
  | 'replicas-nonnegative';

export interface ApiCheck {
  /** `error`: the API server (or, for image references, the kubelet) rejects it; `warning`: it only warns. */
  severity: 'error' | 'warning';
  /** The rule, in the API server's words where it has them. */
  rule: string;
  /** Where kubernetes/kubernetes implements it: file and function. */
  reference: string;
}

const CORE = 'pkg/apis/core/validation/validation.go';
const APPS = 'pkg/apis/apps/validation/validation.go';
const BATCH = 'pkg/apis/batch/validation/validation.go';
const POLICY = 'pkg/apis/policy/validation/validation.go';
const APIMACHINERY = 'staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go';
const METAV1 = 'staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go';
const OBJECTMETA = 'staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go';
const WARNINGS = 'pkg/api/pod/warnings.go';

export const API_CHECKS: Record<ApiCheckId, ApiCheck> = {
  'selector-matches-template': { severity: 'error', rule: '`selector` does not match template `labels`', reference: `${APPS} ValidateDeploymentSpec, ValidateStatefulSetSpec, ValidateDaemonSetSpec, ValidateReplicaSetSpec; ${BATCH} validateJobSpec (manualSelector); ${CORE} ValidateReplicationControllerSpec` },
  'selector-not-empty': { severity: 'error', rule: 'empty selector is invalid for deployment (and the other workload kinds)', reference: `${APPS} ValidateDeploymentSpec, ValidateStatefulSetSpec, ValidateDaemonSetSpec, ValidateReplicaSetSpec` },
  'pod-restart-policy': { severity: 'error', rule: 'spec.template.spec.restartPolicy: Unsupported value (Always for Deployments, StatefulSets, DaemonSets, ReplicaSets; OnFailure or Never for Jobs and CronJobs; unset is Always)', reference: `${APPS} ValidatePodTemplateSpecForReplicaSet, ValidateStatefulSetSpec, ValidateDaemonSetSpec; ${BATCH} validateJobSpec` },
  'container-restart-policy': { severity: 'error', rule: 'restartPolicy may not be set for non-init containers; on an init container only "Always" (a native sidecar)', reference: `${CORE} validateContainers, validateInitContainers, validateEphemeralContainers` },
  'init-container-probes': { severity: 'error', rule: 'livenessProbe, readinessProbe and startupProbe may not be set for init containers without restartPolicy=Always', reference: `${CORE} validateInitContainers` },
  'container-name-unique': { severity: 'error', rule: 'container names are unique across containers, init containers and ephemeral containers (Duplicate value)', reference: `${CORE} validateInitContainers, validateContainers` },
  'container-name-format': { severity: 'error', rule: 'a container name must be a DNS-1123 label (lower-case alphanumerics and "-", at most 63 characters)', reference: `${CORE} validateContainerCommon (ValidateDNS1123Label)` },
  'image-required': { severity: 'error', rule: 'every container needs an image (Required value)', reference: `${CORE} validateContainers, validateInitContainers` },
  'port-number': { severity: 'error', rule: 'must be between 1 and 65535, inclusive', reference: `${APIMACHINERY} IsValidPortNum; ${CORE} validateContainerPorts, validateServicePort, validateHTTPGetAction, validateTCPSocketAction` },
  'port-name': { severity: 'error', rule: 'a port name is an IANA_SVC_NAME: at most 15 characters, a-z, 0-9 and "-", at least one letter, no "--", no leading or trailing "-"', reference: `${APIMACHINERY} IsValidPortName; ${CORE} validateContainerPorts` },
  'port-name-unique': { severity: 'error', rule: 'port names are unique within a container (Duplicate value)', reference: `${CORE} validateContainerPorts` },
  'port-duplicate': { severity: 'warning', rule: 'duplicate port definition (same containerPort and protocol) in one pod: the API server only warns', reference: `${WARNINGS} warningsForPodSpecAndMeta` },
  'requests-within-limits': { severity: 'error', rule: 'a request must be less than or equal to its limit', reference: `${CORE} ValidateResourceRequirements` },
  'extended-resource': { severity: 'error', rule: 'extended resources (nvidia.com/gpu, …) cannot be overcommitted: whole numbers only ("must be an integer"), a request needs a limit ("Limit must be set for non overcommitable resources") and must equal it; hugepages likewise need request = limit', reference: `${CORE} ValidateResourceRequirements, ValidateResourceQuantityValue (helper.IsOvercommitAllowed, IsIntegerResourceName)` },
  'probe-handler': { severity: 'error', rule: 'a probe must specify exactly one handler type (exec, httpGet, tcpSocket or grpc)', reference: `${CORE} validateProbe, validateHandler ("must specify a handler type", "may not specify more than 1 handler type")` },
  'probe-success-threshold': { severity: 'error', rule: 'successThreshold of a liveness or startup probe must be 1', reference: `${CORE} validateLivenessProbe, validateStartupProbe` },
  'env-duplicate': { severity: 'warning', rule: 'an env entry that hides a previous definition of the same name "may be dropped when using apply": the API server only warns', reference: `${WARNINGS} warningsForPodSpecAndMeta` },
  'service-port-name': { severity: 'error', rule: 'Service port names are DNS-1123 labels, unique, and required when there is more than one port', reference: `${CORE} validateServicePort, ValidateService` },
  'service-port-duplicate': { severity: 'error', rule: 'two Service ports may not have the same port and protocol (Duplicate value)', reference: `${CORE} ValidateService` },
  'pdb-int-or-percent': { severity: 'error', rule: 'minAvailable and maxUnavailable are a non-negative integer or a percentage ("[0-9]+%") not greater than 100%', reference: `${POLICY} ValidatePodDisruptionBudgetSpec (ValidatePositiveIntOrPercent, IsNotMoreThan100Percent)` },
  'pdb-one-of': { severity: 'error', rule: 'minAvailable and maxUnavailable cannot be both set', reference: `${POLICY} ValidatePodDisruptionBudgetSpec` },
  'label-key': { severity: 'error', rule: 'a label or selector key is a qualified name: an optional DNS-subdomain prefix (at most 253 characters) and "/", then at most 63 characters of alphanumerics, "-", "_" and ".", starting and ending with an alphanumeric', reference: `${METAV1} ValidateLabels, ValidateLabelName; ${APIMACHINERY} IsQualifiedName` },
  'label-value': { severity: 'error', rule: 'a label value is empty or at most 63 characters of alphanumerics, "-", "_" and ".", starting and ending with an alphanumeric', reference: `${METAV1} ValidateLabels; ${APIMACHINERY} IsValidLabelValue` },
  'annotation-key': { severity: 'error', rule: 'an annotation key is a qualified name (as a label key)', reference: `${OBJECTMETA} ValidateAnnotations; ${APIMACHINERY} IsQualifiedName` },
  'annotation-size': { severity: 'error', rule: 'annotations may not exceed 262144 bytes in total (keys and values)', reference: `${OBJECTMETA} ValidateAnnotationsSize (TotalAnnotationSizeLimitB)` },
  'object-name': { severity: 'error', rule: 'metadata.name must have the format of its kind (DNS-1123 subdomain for most, DNS-1035 label for Services, DNS-1123 label for Namespaces; CronJob names at most 52 characters, Job names at most 63)', reference: `${OBJECTMETA} ValidateObjectMeta; ${CORE} ValidateServiceName (NameIsDNS1035Label), ValidateNamespaceName (NameIsDNSLabel); ${BATCH} ValidateCronJobCreate, ValidateJob` },
  'namespace-name': { severity: 'error', rule: 'metadata.namespace must be a DNS-1123 label', reference: `${OBJECTMETA} ValidateObjectMetaAccessor (ValidateNamespaceName)` },
  'replicas-nonnegative': { severity: 'error', rule: 'replicas must be greater than or equal to 0', reference: `${APPS} ValidateDeploymentSpec, ValidateStatefulSetSpec, ValidateReplicaSetSpec (ValidateNonnegativeField)` },
};

/** Where a kind's selector lives and whether the API server requires it to match the pod template's labels. */
export const SELECTOR_KINDS: Record<string, { path: readonly string[]; form: 'labelSelector' | 'map'; requireNonEmpty: boolean; onlyWithManualSelector?: boolean }> = {
  Deployment: { path: ['spec', 'selector'], form: 'labelSelector', requireNonEmpty: true },
  StatefulSet: { path: ['spec', 'selector'], form: 'labelSelector', requireNonEmpty: true },
  DaemonSet: { path: ['spec', 'selector'], form: 'labelSelector', requireNonEmpty: true },
  ReplicaSet: { path: ['spec', 'selector'], form: 'labelSelector', requireNonEmpty: true },
  ReplicationController: { path: ['spec', 'selector'], form: 'map', requireNonEmpty: false },
  // Without manualSelector: true the API server generates the selector and the template labels itself.
  Job: { path: ['spec', 'selector'], form: 'labelSelector', requireNonEmpty: false, onlyWithManualSelector: true },
};

/** The pod `restartPolicy` values each built-in kind accepts (unset is Always). */
export const POD_RESTART_POLICIES: Record<string, readonly string[]> = {
  Deployment: ['Always'],
  StatefulSet: ['Always'],
  DaemonSet: ['Always'],
  ReplicaSet: ['Always'],
  ReplicationController: ['Always'],
  Job: ['OnFailure', 'Never'],
  CronJob: ['OnFailure', 'Never'],
};

export type NameFormat = 'dns1123-subdomain' | 'dns1123-label' | 'dns1035-label';

/**
 * `metadata.name` format per built-in kind (others: not checked). Most kinds use NameIsDNSSubdomain; RBAC
 * kinds (path segment names) are left out on purpose. `maxLength` tightens the format's own limit.
 */
export const NAME_FORMATS: Record<string, { format: NameFormat; maxLength?: number; why?: string }> = {
  Pod: { format: 'dns1123-subdomain' },
  Deployment: { format: 'dns1123-subdomain' },
  StatefulSet: { format: 'dns1123-subdomain' },
  DaemonSet: { format: 'dns1123-subdomain' },
  ReplicaSet: { format: 'dns1123-subdomain' },
  ReplicationController: { format: 'dns1123-subdomain' },
  Job: { format: 'dns1123-subdomain', maxLength: 63, why: 'it becomes the value of the batch.kubernetes.io/job-name label of its pods' },
  CronJob: { format: 'dns1123-subdomain', maxLength: 52, why: 'the controller appends 11 characters to name its Jobs' },
  ConfigMap: { format: 'dns1123-subdomain' },
  Secret: { format: 'dns1123-subdomain' },
  ServiceAccount: { format: 'dns1123-subdomain' },
  PersistentVolumeClaim: { format: 'dns1123-subdomain' },
  PodDisruptionBudget: { format: 'dns1123-subdomain' },
  HorizontalPodAutoscaler: { format: 'dns1123-subdomain' },
  Ingress: { format: 'dns1123-subdomain' },
  NetworkPolicy: { format: 'dns1123-subdomain' },
  PriorityClass: { format: 'dns1123-subdomain' },
  Service: { format: 'dns1035-label' },
  Namespace: { format: 'dns1123-label' },
};

/** Kinds whose pod templates the API server validates as pods (custom resources' templates are checked by their CRD only). */
export const BUILTIN_POD_KINDS: ReadonlySet<string> = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'PodTemplate']);

/** The API groups of those kinds: a kind with the same name in another group is not theirs. */
export const BUILTIN_GROUPS: ReadonlySet<string> = new Set(['', 'apps', 'batch', 'policy', 'extensions', 'autoscaling', 'networking.k8s.io', 'scheduling.k8s.io']);

/** Resource names the API server treats as native and overcommittable (no domain, or a kubernetes.io domain). */
export function isNativeResource(name: string): boolean {
  const slash = name.indexOf('/');
  if (slash === -1) return true;
  const domain = name.slice(0, slash);
  return domain === 'kubernetes.io' || domain.endsWith('.kubernetes.io');
}

/** helper.IsHugePageResourceName */
export function isHugePages(name: string): boolean {
  return name.startsWith('hugepages-');
}

/** helper.IsExtendedResourceName: not native, not a quota `requests.` name. */
export function isExtendedResource(name: string): boolean {
  return !isNativeResource(name) && !name.startsWith('requests.');
}
