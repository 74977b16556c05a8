/**
 * Which kinds run pods, and what their controllers do with them: one row per kind, each citing the API
 * reference (or controller source) it comes from. The engine reads this table to find every pod template
 * of an object, its replica count, the labels its controller adds to the pods, the Services it creates,
 * and which autoscalers may scale it. Users add their own kinds with config `workloadKinds:` (same shape).
 *
 * Paths are dotted strings relative to the object; `[*]` iterates a list (`spec.workerGroupSpecs[*].template`).
 * A template path may point at a PodTemplateSpec (`metadata` + `spec`) or directly at a PodSpec
 * (`containers` …): the engine tells them apart by their content.
 * In label values and Service names, `{name}` is the object's name and `{item}` the `itemName` of the list
 * item the template sits in (a Ray worker group's `groupName`, a JobSet replicated job's `name`).
 */

/** How many pods a template gets: `path` (default `default`), times `times` (e.g. an LWS group's size − 1). */
export interface ReplicaRule {
  /** Dotted path from the object; `[*]` is the index of the template's own list item. */
  path: string;
  default: number;
  /** The count is written as a string (a Knative annotation); elsewhere a string is not a count. */
  text?: boolean;
  /** Multiply by this field (minus `minus`), e.g. LeaderWorkerSet workers: replicas × (size − 1). */
  times?: { path: string; default: number; minus?: number };
}

export interface PodTemplateLocation {
  path: string;
  /** What the pods of this template are ("leader", "worker group", "predictor"…), for messages. */
  role?: string;
  /** Field of the list item that names it (`groupName`, `name`), available as `{item}`. */
  itemName?: string;
  replicas?: ReplicaRule;
  /** Labels the controller adds to the pods of this template (values may use `{name}`, `{item}`). */
  labels?: Record<string, string>;
  /**
   * Whether these pods answer traffic themselves (default: the kind's `serving`). LWS workers and Ray
   * workers run a distributed runtime and are reached through the leader/head.
   */
  serving?: boolean;
  /** The controller injects readiness/liveness probes (KubeRay, Knative, KServe): `probes-present` skips it. */
  probesInjected?: boolean;
  /**
   * The template is an overlay the controller merges into its own pod spec (Seldon `Server.spec.podSpec`,
   * KServe `LLMInferenceService` over its config presets): only what is written can be judged, never what is missing.
   */
  partial?: boolean;
  /**
   * Ports the controller adds to the pod's first container when it declares no port of that name (KubeRay adds
   * `metrics` 8080 to the Ray container, ray-operator/controllers/ray/common/pod.go).
   */
  injectedPorts?: Array<{ name: string; containerPort: number }>;
  /** Fields of the pod spec that hold a model-server container besides `containers` (KServe predictor `model`, `sklearn`…). */
  serverContainerFields?: string[];
}

export type AutoscalerKind = 'hpa' | 'keda' | 'kserve' | 'knative';

export interface CreatedService {
  /** Name pattern (`{name}-head-svc`). */
  name: string;
  /** A field of the object that, when set, names the Service instead (`spec.headGroupSpec.headService.metadata.name`). */
  nameFrom?: string;
  /** The Service exists only when `nameFrom` is set (no default name is known: KubeRay names it after a RayCluster with a random suffix). */
  onlyNamed?: boolean;
  /** Labels the controller puts on the Service (for ServiceMonitors). */
  labels?: Record<string, string>;
  /** A field of the object whose string map the controller copies into the Service's labels (user labels of a custom head Service). */
  labelsFrom?: string;
}

export interface WorkloadKindDef {
  /** API group ('' for the core group); undefined: any group. */
  group?: string;
  kind: string;
  /** API versions in use (documentation). */
  versions: string[];
  /** Where the facts of this row come from. */
  source: string;
  /** Long-running (serving) pods; false: pods that run to completion (Job, CronJob, JobSet, RayJob). */
  serving: boolean;
  templates: PodTemplateLocation[];
  /** Labels the controller adds to the pods of every template. */
  labels?: Record<string, string>;
  /** Pod labels whose values the controller sets at run time (hashes, indexes): never in a template, ignored in selectors. */
  runtimeLabels?: string[];
  services?: CreatedService[];
  /** What may scale it: `hpa`/`keda` through the scale subresource, or the controller's own (`kserve`, `knative`). */
  autoscalers?: AutoscalerKind[];
  /** A multi-replica serving workload of this kind should have a PodDisruptionBudget (`pdb-present`). */
  pdb?: boolean;
  /** Pods that together run one instance of a multi-node server (LWS `spec.leaderWorkerTemplate.size`), default 1. */
  groupSize?: string;
  /** Node labels the controller's placement guarantees, read from a field (Kaito: instance type from `resource.instanceType`). */
  nodeLabels?: Record<string, string>;
  /**
   * The controller sizes the runtime of the pod's first container from its CPU limit, so a limit there is
   * configuration, not an accident: KubeRay passes the Ray container's `limits.cpu` (else its request) to
   * `ray start --num-cpus`, and the Ray docs set requests equal to limits. `cpu-limit-throttling` does not
   * judge that container's limit.
   */
  cpuLimitSizesRuntime?: boolean;
}

const KSERVE_MODEL_FIELDS = ['model', 'sklearn', 'xgboost', 'tensorflow', 'pytorch', 'triton', 'onnx', 'huggingface', 'lightgbm', 'paddle', 'pmml'];

const RAY_HEAD_LABELS = { 'ray.io/node-type': 'head', 'ray.io/group': 'headgroup', 'ray.io/is-ray-node': 'yes' };
const RAY_WORKER_LABELS = { 'ray.io/node-type': 'worker', 'ray.io/group': '{item}', 'ray.io/is-ray-node': 'yes' };
const RAY_SOURCE =
  'https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/config.html (Resources: num-cpus from the Ray container\'s CPU limit, requests = limits); kuberay docs/guidance/rayStartParams.md; labels and Service names: ray-project/kuberay ray-operator/controllers/ray/utils/constant.go, util.go (GenerateHeadServiceName, GenerateServeServiceName), common/service.go (HeadServiceLabels, BuildHeadServiceForRayService, BuildServeServiceForRayService: user labels of a custom Service are kept, the defaults win)';
/** Labels KubeRay puts on a RayCluster's head Service (common/service.go HeadServiceLabels). */
const RAY_HEAD_SERVICE_LABELS = {
  'ray.io/cluster': '{name}', 'ray.io/node-type': 'head', 'ray.io/identifier': '{name}-head',
  'app.kubernetes.io/name': 'kuberay', 'app.kubernetes.io/created-by': 'kuberay-operator',
};
/** Ray cluster templates under a prefix (`spec` for RayCluster, `spec.rayClusterConfig`, `spec.rayClusterSpec`). */
/** KubeRay's DefaultHeadPodTemplate/DefaultWorkerPodTemplate add `metrics` (utils.DefaultMetricsPort 8080) to the Ray container. */
const RAY_INJECTED_PORTS = [{ name: 'metrics', containerPort: 8080 }];

function rayTemplates(prefix: string, clusterLabel: boolean): PodTemplateLocation[] {
  const cluster: Record<string, string> = clusterLabel ? { 'ray.io/cluster': '{name}' } : {};
  return [
    {
      path: `${prefix}.headGroupSpec.template`,
      role: 'Ray head',
      replicas: { path: `${prefix}.headGroupSpec.replicas`, default: 1 },
      labels: { ...cluster, ...RAY_HEAD_LABELS },
      probesInjected: true,
      injectedPorts: RAY_INJECTED_PORTS,
    },
    {
      path: `${prefix}.workerGroupSpecs[*].template`,
      role: 'Ray worker group',
      itemName: 'groupName',
      replicas: { path: `${prefix}.workerGroupSpecs[*].replicas`, default: 0, times: { path: `${prefix}.workerGroupSpecs[*].numOfHosts`, default: 1 } },
      labels: { ...cluster, ...RAY_WORKER_LABELS },
      serving: false,
      probesInjected: true,
      injectedPorts: RAY_INJECTED_PORTS,
    },
  ];
}

/** The built-in workload kinds. */
export const WORKLOAD_KINDS_TABLE: readonly WorkloadKindDef[] = [
  {
    group: '', kind: 'Pod', versions: ['v1'], serving: true,
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/',
    templates: [{ path: '', replicas: { path: '', default: 1 } }],
  },
  {
    group: 'apps', kind: 'Deployment', versions: ['v1'], serving: true, autoscalers: ['hpa', 'keda'], pdb: true,
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/deployment-v1/',
    templates: [{ path: 'spec.template', replicas: { path: 'spec.replicas', default: 1 } }],
    runtimeLabels: ['pod-template-hash'],
  },
  {
    group: 'apps', kind: 'StatefulSet', versions: ['v1'], serving: true, autoscalers: ['hpa', 'keda'], pdb: true,
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/stateful-set-v1/',
    templates: [{ path: 'spec.template', replicas: { path: 'spec.replicas', default: 1 } }],
    runtimeLabels: ['statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index', 'controller-revision-hash'],
  },
  {
    group: 'apps', kind: 'ReplicaSet', versions: ['v1'], serving: true, autoscalers: ['hpa', 'keda'], pdb: true,
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/replica-set-v1/',
    templates: [{ path: 'spec.template', replicas: { path: 'spec.replicas', default: 1 } }],
  },
  {
    group: '', kind: 'ReplicationController', versions: ['v1'], serving: true, autoscalers: ['hpa', 'keda'], pdb: true,
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/replication-controller-v1/',
    templates: [{ path: 'spec.template', replicas: { path: 'spec.replicas', default: 1 } }],
  },
  {
    group: 'apps', kind: 'DaemonSet', versions: ['v1'], serving: true,
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/daemon-set-v1/',
    templates: [{ path: 'spec.template' }],
    runtimeLabels: ['controller-revision-hash', 'pod-template-generation'],
  },
  {
    // A Deployment with a progressive-delivery strategy; `workloadRef` rollouts have no template of their own.
    group: 'argoproj.io', kind: 'Rollout', versions: ['v1alpha1'], serving: true, autoscalers: ['hpa', 'keda'], pdb: true,
    source: 'https://argo-rollouts.readthedocs.io/en/stable/features/specification/ (HPA: features/hpa-support/)',
    templates: [{ path: 'spec.template', replicas: { path: 'spec.replicas', default: 1 } }],
    runtimeLabels: ['rollouts-pod-template-hash'],
  },
  {
    group: 'batch', kind: 'Job', versions: ['v1'], serving: false,
    source: 'https://kubernetes.io/docs/concepts/workloads/controllers/job/ (labels job-name, batch.kubernetes.io/job-name, controller-uid)',
    templates: [{ path: 'spec.template' }],
    labels: { 'job-name': '{name}', 'batch.kubernetes.io/job-name': '{name}' },
    runtimeLabels: ['controller-uid', 'batch.kubernetes.io/controller-uid', 'batch.kubernetes.io/job-completion-index'],
  },
  {
    // Its Jobs are named <cronjob>-<scheduled time>: no job-name label is known from the manifest.
    group: 'batch', kind: 'CronJob', versions: ['v1'], serving: false,
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/cron-job-v1/',
    templates: [{ path: 'spec.jobTemplate.spec.template' }],
    runtimeLabels: ['controller-uid', 'batch.kubernetes.io/controller-uid'],
  },
  {
    group: 'serving.kserve.io', kind: 'InferenceService', versions: ['v1beta1'], serving: true, autoscalers: ['kserve', 'keda'], pdb: true,
    source: 'https://kserve.github.io/website/docs/reference/crd-api (predictor minReplicas default 1, 0 = scale to zero; pods labelled serving.kserve.io/inferenceservice and component)',
    templates: [
      {
        path: 'spec.predictor', role: 'predictor', serverContainerFields: KSERVE_MODEL_FIELDS, probesInjected: true,
        replicas: { path: 'spec.predictor.minReplicas', default: 1 },
        labels: { 'serving.kserve.io/inferenceservice': '{name}', component: 'predictor' },
      },
      {
        path: 'spec.transformer', role: 'transformer', probesInjected: true,
        replicas: { path: 'spec.transformer.minReplicas', default: 1 },
        labels: { 'serving.kserve.io/inferenceservice': '{name}', component: 'transformer' },
      },
    ],
    services: [
      { name: '{name}', labels: { 'serving.kserve.io/inferenceservice': '{name}' } },
      { name: '{name}-predictor', labels: { 'serving.kserve.io/inferenceservice': '{name}', component: 'predictor' } },
      { name: '{name}-transformer', labels: { 'serving.kserve.io/inferenceservice': '{name}', component: 'transformer' } },
    ],
  },
  {
    group: 'serving.kserve.io', kind: 'LLMInferenceService', versions: ['v1alpha1', 'v1alpha2'], serving: true, autoscalers: ['hpa', 'keda'],
    source: 'https://kserve.github.io/website/docs/model-serving/generative-inference/llmisvc/ ; labels and Services: kserve/kserve pkg/controller/v1alpha2/llmisvc/workload*.go, pkg/constants/constants.go',
    templates: [
      { path: 'spec.template', role: 'decode', partial: true, replicas: { path: 'spec.replicas', default: 1 }, labels: { 'llm-d.ai/role': 'decode' } },
      { path: 'spec.worker', role: 'worker', partial: true, serving: false, replicas: { path: 'spec.replicas', default: 1 } },
      { path: 'spec.prefill.template', role: 'prefill', partial: true, replicas: { path: 'spec.prefill.replicas', default: 1 }, labels: { 'llm-d.ai/role': 'prefill' } },
      { path: 'spec.prefill.worker', role: 'prefill worker', partial: true, serving: false, replicas: { path: 'spec.prefill.replicas', default: 1 } },
    ],
    labels: {
      'app.kubernetes.io/name': '{name}',
      'app.kubernetes.io/part-of': 'llminferenceservice',
      'kserve.io/component': 'workload',
    },
    services: [
      { name: '{name}-kserve-workload-svc', labels: { 'app.kubernetes.io/name': '{name}', 'app.kubernetes.io/part-of': 'llminferenceservice' } },
      { name: '{name}-epp-service', labels: { 'app.kubernetes.io/name': '{name}', 'app.kubernetes.io/part-of': 'llminferenceservice' } },
    ],
  },
  {
    group: 'leaderworkerset.x-k8s.io', kind: 'LeaderWorkerSet', versions: ['v1'], serving: true, autoscalers: ['hpa', 'keda'], pdb: true,
    source: 'https://lws.sigs.k8s.io/docs/reference/leaderworkerset.v1/ ; labels: kubernetes-sigs/lws api/leaderworkerset/v1/leaderworkerset_types.go; headless Service named after the LWS',
    templates: [
      // Without a leaderTemplate the leader uses the workerTemplate (then one template serves both roles).
      { path: 'spec.leaderWorkerTemplate.leaderTemplate', role: 'leader', replicas: { path: 'spec.replicas', default: 1 } },
      {
        path: 'spec.leaderWorkerTemplate.workerTemplate', role: 'worker', serving: false,
        replicas: { path: 'spec.replicas', default: 1, times: { path: 'spec.leaderWorkerTemplate.size', default: 1, minus: 1 } },
      },
    ],
    labels: { 'leaderworkerset.sigs.k8s.io/name': '{name}' },
    groupSize: 'spec.leaderWorkerTemplate.size',
    runtimeLabels: [
      'leaderworkerset.sigs.k8s.io/group-index', 'leaderworkerset.sigs.k8s.io/worker-index', 'leaderworkerset.sigs.k8s.io/group-key',
      'leaderworkerset.sigs.k8s.io/template-revision-hash', 'leaderworkerset.sigs.k8s.io/subgroup-index', 'leaderworkerset.sigs.k8s.io/subgroup-key',
    ],
    services: [{ name: '{name}', labels: { 'leaderworkerset.sigs.k8s.io/name': '{name}' } }],
  },
  {
    group: 'ray.io', kind: 'RayCluster', versions: ['v1'], serving: true,
    source: RAY_SOURCE,
    templates: rayTemplates('spec', true),
    cpuLimitSizesRuntime: true,
    labels: { 'app.kubernetes.io/name': 'kuberay', 'app.kubernetes.io/created-by': 'kuberay-operator' },
    runtimeLabels: ['ray.io/identifier', 'ray.io/serve', 'ray.io/worker-group-replica-name', 'ray.io/worker-group-replica-index', 'ray.io/replica-host-index'],
    services: [{
      name: '{name}-head-svc', nameFrom: 'spec.headGroupSpec.headService.metadata.name', labelsFrom: 'spec.headGroupSpec.headService.metadata.labels',
      labels: RAY_HEAD_SERVICE_LABELS,
    }],
  },
  {
    // The RayCluster is named <service>-<random suffix>: no ray.io/cluster label is known from the manifest.
    group: 'ray.io', kind: 'RayService', versions: ['v1'], serving: true,
    source: RAY_SOURCE,
    templates: rayTemplates('spec.rayClusterConfig', false),
    cpuLimitSizesRuntime: true,
    labels: { 'app.kubernetes.io/name': 'kuberay', 'app.kubernetes.io/created-by': 'kuberay-operator' },
    runtimeLabels: ['ray.io/identifier', 'ray.io/serve', 'ray.io/worker-group-replica-name', 'ray.io/worker-group-replica-index', 'ray.io/replica-host-index'],
    services: [
      // The RayService's own head Service (BuildHeadServiceForRayService).
      {
        name: '{name}-head-svc',
        labels: { 'ray.io/originated-from-cr-name': '{name}', 'ray.io/originated-from-crd': 'RayService', 'ray.io/node-type': 'head', 'ray.io/identifier': '{name}-head' },
      },
      // The head Service of the RayCluster it creates: named by headService.metadata.name when set (else after the cluster's random name).
      {
        name: '', onlyNamed: true, nameFrom: 'spec.rayClusterConfig.headGroupSpec.headService.metadata.name',
        labelsFrom: 'spec.rayClusterConfig.headGroupSpec.headService.metadata.labels',
        labels: { 'ray.io/node-type': 'head', 'app.kubernetes.io/name': 'kuberay', 'app.kubernetes.io/created-by': 'kuberay-operator' },
      },
      // The serve Service (BuildServeServiceForRayService), renamed by spec.serveService.metadata.name.
      {
        name: '{name}-serve-svc', nameFrom: 'spec.serveService.metadata.name', labelsFrom: 'spec.serveService.metadata.labels',
        labels: { 'ray.io/originated-from-cr-name': '{name}', 'ray.io/originated-from-crd': 'RayService', 'ray.io/serve': '{name}-serve' },
      },
    ],
  },
  {
    group: 'ray.io', kind: 'RayJob', versions: ['v1'], serving: false,
    source: RAY_SOURCE,
    templates: [
      ...rayTemplates('spec.rayClusterSpec', false).map((t) => ({ ...t, serving: false })),
      { path: 'spec.submitterPodTemplate', role: 'job submitter', serving: false },
    ],
    labels: { 'app.kubernetes.io/name': 'kuberay', 'app.kubernetes.io/created-by': 'kuberay-operator' },
    runtimeLabels: ['ray.io/identifier'],
    services: [{ name: '{name}-head-svc' }],
  },
  {
    group: 'jobset.x-k8s.io', kind: 'JobSet', versions: ['v1alpha2'], serving: false,
    source: 'https://jobset.sigs.k8s.io/docs/reference/jobset.v1alpha2/ ; labels jobset.sigs.k8s.io/jobset-name and replicatedjob-name; headless Service named spec.network.subdomain or the JobSet',
    templates: [
      {
        path: 'spec.replicatedJobs[*].template.spec.template', role: 'replicated job', itemName: 'name',
        labels: { 'jobset.sigs.k8s.io/replicatedjob-name': '{item}' },
      },
    ],
    labels: { 'jobset.sigs.k8s.io/jobset-name': '{name}' },
    runtimeLabels: [
      'jobset.sigs.k8s.io/job-index', 'jobset.sigs.k8s.io/job-key', 'jobset.sigs.k8s.io/job-global-index', 'jobset.sigs.k8s.io/restart-attempt',
      'jobset.sigs.k8s.io/replicatedjob-replicas', 'controller-uid', 'batch.kubernetes.io/controller-uid',
      'batch.kubernetes.io/job-completion-index',
    ],
    services: [{ name: '{name}', nameFrom: 'spec.network.subdomain' }],
  },
  {
    group: 'serving.knative.dev', kind: 'Service', versions: ['v1'], serving: true, autoscalers: ['knative'],
    source: 'https://knative.dev/docs/serving/reference/serving-api/ ; scale bounds: https://knative.dev/docs/serving/autoscaling/scale-bounds/ (min-scale default 0)',
    templates: [{ path: 'spec.template', probesInjected: true, replicas: { path: 'spec.template.metadata.annotations.autoscaling\\.knative\\.dev/min-scale', default: 1, text: true } }],
    labels: { 'serving.knative.dev/service': '{name}', 'serving.knative.dev/configuration': '{name}' },
    runtimeLabels: ['serving.knative.dev/revision', 'serving.knative.dev/revisionUID', 'serving.knative.dev/configurationGeneration', 'serving.knative.dev/configurationUID', 'serving.knative.dev/serviceUID'],
    services: [{ name: '{name}', labels: { 'serving.knative.dev/service': '{name}', 'serving.knative.dev/configuration': '{name}' } }],
  },
  {
    // spec.podSpec is merged over the ServerConfig's pod spec: a partial overlay.
    group: 'mlops.seldon.io', kind: 'Server', versions: ['v1alpha1'], serving: true, autoscalers: ['hpa'],
    source: 'https://docs.seldon.ai/seldon-core-2/kubernetes/resources/server',
    templates: [{ path: 'spec.podSpec', partial: true, replicas: { path: 'spec.replicas', default: 1 } }],
  },
  {
    // With a preset Kaito builds the pod itself; inference.template is the custom-model pod template. A Workspace
    // has no spec: resource, inference and tuning are top-level fields. Its pods run on nodes of resource.instanceType.
    group: 'kaito.sh', kind: 'Workspace', versions: ['v1alpha1', 'v1beta1'], serving: true,
    source: 'https://kaito-project.github.io/kaito/docs/ ; labels and Services: kaito-project/kaito api/v1beta1/labels.go, pkg/workspace/manifests/manifests.go',
    templates: [{ path: 'inference.template', replicas: { path: 'resource.count', default: 1 } }],
    nodeLabels: { 'node.kubernetes.io/instance-type': 'resource.instanceType' },
    labels: { 'kaito.sh/workspace': '{name}' },
    services: [
      { name: '{name}', labels: { 'kaito.sh/workspace': '{name}' } },
      { name: '{name}-headless', labels: { 'kaito.sh/workspace': '{name}' } },
    ],
  },
];
