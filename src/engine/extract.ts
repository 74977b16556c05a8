/**
 * The pod spec of any workload kind, in one place (after kube-linter's `extract.PodSpec`), with the
 * path to every part so that findings point into the object as the user wrote it.
 */
import type { K8sObject, Path } from '../types.js';
import { isPlainObject } from '../loaders/objects.js';
import { stringMap } from './selector.js';

export type ContainerType = 'container' | 'initContainer' | 'ephemeralContainer';

/** How messages name each container type. */
export const CONTAINER_TYPE_LABEL: Record<ContainerType, string> = {
  container: 'container',
  initContainer: 'init container',
  ephemeralContainer: 'ephemeral container',
};

export interface ContainerRef {
  container: Record<string, unknown>;
  /** `name`, or `#<index>` when the container has none. */
  name: string;
  type: ContainerType;
  /** Path of the container inside the object. */
  path: Path;
}

export interface PodTemplate {
  kind: string;
  podSpec: Record<string, unknown>;
  /** Path of the pod spec inside the object (e.g. ['spec','template','spec']). */
  podSpecPath: Path;
  /** Path of the pod template's metadata (labels, annotations), or of the object's own metadata. */
  metadataPath: Path;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  containers: ContainerRef[];
  /** Desired replicas where the kind has them (default 1); undefined for DaemonSets and jobs. */
  replicas: number | undefined;
  /** Long-running serving pods (not Jobs/CronJobs): what probes, PDBs and Services are about. */
  longRunning: boolean;
}

interface WorkloadShape {
  templatePath: Path | null; // null: the object is the pod itself
  replicas: boolean;
  longRunning: boolean;
}

const WORKLOAD_SHAPES: Record<string, WorkloadShape> = {
  Pod: { templatePath: null, replicas: false, longRunning: true },
  Deployment: { templatePath: ['spec', 'template'], replicas: true, longRunning: true },
  StatefulSet: { templatePath: ['spec', 'template'], replicas: true, longRunning: true },
  ReplicaSet: { templatePath: ['spec', 'template'], replicas: true, longRunning: true },
  ReplicationController: { templatePath: ['spec', 'template'], replicas: true, longRunning: true },
  DaemonSet: { templatePath: ['spec', 'template'], replicas: false, longRunning: true },
  // Argo Rollouts: a Deployment with a progressive-delivery strategy (`workloadRef` rollouts have no template).
  Rollout: { templatePath: ['spec', 'template'], replicas: true, longRunning: true },
  Job: { templatePath: ['spec', 'template'], replicas: false, longRunning: false },
  CronJob: { templatePath: ['spec', 'jobTemplate', 'spec', 'template'], replicas: false, longRunning: false },
};

export const WORKLOAD_KINDS = [...Object.keys(WORKLOAD_SHAPES), 'InferenceService'];

/** KServe predictor fields that hold a model server container (besides `containers`). */
const KSERVE_MODEL_FIELDS = [
  'model', 'sklearn', 'xgboost', 'tensorflow', 'pytorch', 'triton', 'onnx', 'huggingface', 'lightgbm', 'paddle', 'pmml',
];

export function getAt(value: unknown, path: Path): unknown {
  let current = value;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (isPlainObject(current)) current = current[segment as string];
    else return undefined;
  }
  return current;
}

export function podTemplateOf(object: K8sObject): PodTemplate | undefined {
  if (object.kind === 'InferenceService') return inferenceServiceTemplate(object);
  const shape = WORKLOAD_SHAPES[object.kind];
  if (!shape) return undefined;
  const metadataPath: Path = shape.templatePath ? [...shape.templatePath, 'metadata'] : ['metadata'];
  const podSpecPath: Path = shape.templatePath ? [...shape.templatePath, 'spec'] : ['spec'];
  const podSpec = getAt(object, podSpecPath);
  if (!isPlainObject(podSpec)) return undefined;
  const metadata = getAt(object, metadataPath);
  const rawReplicas = getAt(object, ['spec', 'replicas']);
  return {
    kind: object.kind,
    podSpec,
    podSpecPath,
    metadataPath,
    labels: stringMap(isPlainObject(metadata) ? metadata.labels : undefined),
    annotations: stringMap(isPlainObject(metadata) ? metadata.annotations : undefined),
    containers: containersOf(podSpec, podSpecPath),
    replicas: shape.replicas ? (typeof rawReplicas === 'number' ? rawReplicas : 1) : undefined,
    longRunning: shape.longRunning,
  };
}

function containersOf(podSpec: Record<string, unknown>, podSpecPath: Path): ContainerRef[] {
  const out: ContainerRef[] = [];
  const lists: Array<[string, ContainerType]> = [
    ['initContainers', 'initContainer'],
    ['containers', 'container'],
    ['ephemeralContainers', 'ephemeralContainer'],
  ];
  for (const [field, type] of lists) {
    const list = podSpec[field];
    if (!Array.isArray(list)) continue;
    list.forEach((container, i) => {
      if (!isPlainObject(container)) return;
      out.push({ container, name: containerName(container, i), type, path: [...podSpecPath, field, i] });
    });
  }
  return out;
}

function containerName(container: Record<string, unknown>, index: number): string {
  return typeof container.name === 'string' && container.name !== '' ? container.name : `#${index}`;
}

/** KServe `InferenceService`: the predictor is a pod spec plus a model-server container. */
function inferenceServiceTemplate(object: K8sObject): PodTemplate | undefined {
  const predictorPath: Path = ['spec', 'predictor'];
  const predictor = getAt(object, predictorPath);
  if (!isPlainObject(predictor)) return undefined;
  const containers = containersOf(predictor, predictorPath);
  for (const field of KSERVE_MODEL_FIELDS) {
    const server = predictor[field];
    if (isPlainObject(server)) {
      containers.push({ container: server, name: typeof server.name === 'string' ? server.name : 'kserve-container', type: 'container', path: [...predictorPath, field] });
    }
  }
  const name = object.metadata?.name ?? '';
  const minReplicas = predictor.minReplicas;
  return {
    kind: object.kind,
    podSpec: predictor,
    podSpecPath: predictorPath,
    metadataPath: ['metadata'],
    labels: { ...stringMap(object.metadata?.labels), 'serving.kserve.io/inferenceservice': String(name) },
    annotations: stringMap(object.metadata?.annotations),
    containers,
    replicas: typeof minReplicas === 'number' ? minReplicas : 1,
    longRunning: true,
  };
}
