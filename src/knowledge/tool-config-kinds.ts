/**
 * Documents that carry `apiVersion` and `kind` but configure a tool rather than describe an object of a
 * cluster: nothing applies them with kubectl, so no rule judges them (a skaffold `Config` has no namespace to
 * set, a kind `Cluster` no schema to match). One row per tool, with where its format is documented.
 */

export interface ToolConfigFormat {
  /** apiVersion prefix: the group followed by `/` (`skaffold/`), or a whole apiVersion (`v1`). */
  apiVersion: string;
  /** Kinds of that apiVersion that are tool configuration; `*` for every kind. */
  kinds: readonly string[];
  /** Where the format is documented. */
  source: string;
}

export const TOOL_CONFIG_FORMATS: readonly ToolConfigFormat[] = [
  { apiVersion: 'kustomize.config.k8s.io/', kinds: ['*'], source: 'kustomize: kustomization.yaml reference (Kustomization, Component)' },
  { apiVersion: 'config.kubernetes.io/', kinds: ['*'], source: 'KRM functions specification, kubernetes-sigs/kustomize cmd/config/docs/api-conventions/functions-spec.md' },
  { apiVersion: 'kpt.dev/', kinds: ['*'], source: 'kpt book: Kptfile schema (kpt.dev/v1 Kptfile)' },
  { apiVersion: 'fn.kpt.dev/', kinds: ['*'], source: 'kpt function catalog: function configs (fn.kpt.dev/v1alpha1)' },
  { apiVersion: 'skaffold/', kinds: ['*'], source: 'skaffold.dev/docs/references/yaml (apiVersion skaffold/v…, kind Config)' },
  { apiVersion: 'kind.x-k8s.io/', kinds: ['*'], source: 'kind.sigs.k8s.io/docs/user/configuration (kind.x-k8s.io/v1alpha4 Cluster)' },
  { apiVersion: 'k3d.io/', kinds: ['*'], source: 'k3d.io/stable/usage/configfile (k3d.io/v1alpha5 Simple)' },
  { apiVersion: 'ctlptl.dev/', kinds: ['*'], source: 'github.com/tilt-dev/ctlptl README (ctlptl.dev/v1alpha1 Cluster, Registry)' },
  { apiVersion: 'eksctl.io/', kinds: ['*'], source: 'eksctl.io/usage/schema (eksctl.io/v1alpha5 ClusterConfig)' },
  { apiVersion: 'audit.k8s.io/', kinds: ['Policy'], source: 'kubernetes.io/docs/tasks/debug/debug-cluster/audit (audit policy file given to kube-apiserver --audit-policy-file)' },
  { apiVersion: 'kubeadm.k8s.io/', kinds: ['*'], source: 'kubernetes.io/docs/reference/config-api/kubeadm-config.v1beta4' },
  { apiVersion: 'kubelet.config.k8s.io/', kinds: ['*'], source: 'kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1' },
  { apiVersion: 'kubeproxy.config.k8s.io/', kinds: ['*'], source: 'kubernetes.io/docs/reference/config-api/kube-proxy-config.v1alpha1' },
  { apiVersion: 'kubescheduler.config.k8s.io/', kinds: ['*'], source: 'kubernetes.io/docs/reference/config-api/kube-scheduler-config.v1' },
  { apiVersion: 'apiserver.config.k8s.io/', kinds: ['*'], source: 'kubernetes.io/docs/reference/config-api/apiserver-config.v1 (EncryptionConfiguration, AdmissionConfiguration, …)' },
  { apiVersion: 'apiserver.k8s.io/', kinds: ['*'], source: 'kubernetes.io/docs/reference/config-api/apiserver-config.v1alpha1' },
  { apiVersion: 'client.authentication.k8s.io/', kinds: ['*'], source: 'kubernetes.io/docs/reference/config-api/client-authentication.v1 (ExecCredential)' },
  { apiVersion: 'v1', kinds: ['Config'], source: 'kubernetes.io/docs/reference/config-api/kubeconfig.v1 (a kubeconfig file: apiVersion v1, kind Config)' },
  { apiVersion: 'gateway.networking.k8s.io/', kinds: ['ConformanceReport'], source: 'Gateway API conformance reports (conformance/reports/**; the report format, not an API kind)' },
];

/** Whether a document with this apiVersion and kind configures a tool rather than describing a cluster object. */
export function isToolConfigDocument(apiVersion: string, kind: string): boolean {
  return TOOL_CONFIG_FORMATS.some((f) =>
    (f.apiVersion.endsWith('/') ? apiVersion.startsWith(f.apiVersion) : apiVersion === f.apiVersion) &&
    (f.kinds.includes('*') || f.kinds.includes(kind)));
}

/**
 * Pod templates that a tool merges into pods it builds itself, kept as `kind: Pod` files: nothing applies them
 * with kubectl, and the tool fills in what they leave out (image, command, resources, even the container).
 *
 * - Spark on Kubernetes (`spark.kubernetes.driver.podTemplateFile` / `executor.podTemplateFile`), and EMR on
 *   EKS, which passes them on: the driver and executor containers are named `spark-kubernetes-driver` and
 *   `spark-kubernetes-executor` (Spark's defaults, which EMR on EKS requires). Source: spark.apache.org/docs/latest/running-on-kubernetes.html
 *   ("Pod Template"; Spark sets image, resources and command, "Spark does not do any validation after
 *   unmarshalling these template files"); docs.aws.amazon.com/emr/latest/EMR-on-EKS-DevelopmentGuide/pod-templates.html.
 */
export const TOOL_POD_TEMPLATE_CONTAINERS: ReadonlySet<string> = new Set(['spark-kubernetes-driver', 'spark-kubernetes-executor']);

/**
 * Whether a `v1 Pod` document is a pod template for a tool (see TOOL_POD_TEMPLATE_CONTAINERS): one of its
 * containers has a tool's container name, or its spec has no `containers` at all (a template that only adds
 * node selectors, tolerations or volumes, which the tool completes; a Pod meant for kubectl always has containers).
 */
export function isToolPodTemplate(object: { apiVersion: string; kind: string; spec?: unknown }): boolean {
  if (object.apiVersion !== 'v1' || object.kind !== 'Pod') return false;
  const spec = object.spec;
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return false;
  const containers = (spec as Record<string, unknown>).containers;
  if (containers === undefined) return Object.keys(spec).length > 0;
  return Array.isArray(containers) && containers.some((c) => typeof c === 'object' && c !== null && TOOL_POD_TEMPLATE_CONTAINERS.has(String((c as Record<string, unknown>).name)));
}
