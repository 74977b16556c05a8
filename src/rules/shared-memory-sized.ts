import { defineRule, type Report } from './define-rule.js';
import { WORKLOAD_KINDS } from '../engine/extract.js';
import { serversOf, type RecognisedServer } from '../engine/servers.js';
import { isPlainObject } from '../loaders/objects.js';
import { containerGpus } from './utils/gpus.js';

export type SharedMemorySizedOptions = Record<string, never>;

/** GPUs the server runs workers on: tensor × pipeline when written, else (TGI shards over every visible GPU) the container's GPUs. */
function gpuWorkers(s: RecognisedServer): number {
  const product = (s.tensorParallel?.value ?? 1) * (s.pipelineParallel?.value ?? 1);
  if (s.tensorParallel || s.pipelineParallel) return product;
  if (s.server.id === 'tgi') return containerGpus(s.container)?.count ?? 1;
  return 1;
}

export default defineRule<SharedMemorySizedOptions>({
  meta: {
    id: 'shared-memory-sized',
    severity: 'warning',
    recommended: true,
    description: 'A multi-GPU inference server needs a memory-backed /dev/shm (the 64 MiB default breaks NCCL)',
    kinds: WORKLOAD_KINDS,
    remediation: 'Mount an emptyDir with medium: Memory (and a sizeLimit) at /dev/shm in the server container.',
    docs: {
      why:
        'Containers in a pod get a 64 MiB `/dev/shm`. Tensor- and pipeline-parallel servers run one process per ' +
        'GPU that exchange tensors through NCCL and PyTorch shared memory in `/dev/shm`; with 64 MiB they die ' +
        'with a bus error or an NCCL "unhandled system error" at start-up or under load. Docker users pass ' +
        '`--shm-size` or `--ipc=host`; in Kubernetes the equivalent is a memory-backed `emptyDir` at `/dev/shm`.',
      checks:
        'Every container recognised as an inference server that uses NCCL (vLLM, SGLang, TGI, TensorRT-LLM, ' +
        'LMDeploy, NVIDIA NIM, the KServe Hugging Face runtime) and runs over more than one GPU — tensor × pipeline ' +
        'parallel size above 1, or TGI with more than one GPU and no `--num-shard` (it shards over all of them) — ' +
        'must mount a volume at `/dev/shm`. Pods with `hostIPC: true` and containers with `NCCL_SHM_DISABLE=1` are ' +
        'not reported. A Memory-medium `emptyDir` is what the fix uses, but any volume there is accepted.',
      fix:
        'Add `volumes: [{ name: shm, emptyDir: { medium: Memory, sizeLimit: 16Gi } }]` to the pod and ' +
        '`volumeMounts: [{ name: shm, mountPath: /dev/shm }]` to the server container; the sizeLimit counts ' +
        'against the container\'s memory limit.',
      examples: {
        incorrect: `apiVersion: apps/v1
kind: Deployment
metadata: { name: llm, namespace: ml }
spec:
  selector: { matchLabels: { app: llm } }
  template:
    metadata: { labels: { app: llm } }
    spec:
      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.10.0
          args: ["--model", "Qwen/Qwen2.5-32B-Instruct", "--tensor-parallel-size", "4"]
          resources:
            limits: { nvidia.com/gpu: "4" }
`,
        correct: `apiVersion: apps/v1
kind: Deployment
metadata: { name: llm, namespace: ml }
spec:
  selector: { matchLabels: { app: llm } }
  template:
    metadata: { labels: { app: llm } }
    spec:
      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.10.0
          args: ["--model", "Qwen/Qwen2.5-32B-Instruct", "--tensor-parallel-size", "4"]
          resources:
            limits: { nvidia.com/gpu: "4" }
          volumeMounts: [{ name: shm, mountPath: /dev/shm }]
      volumes: [{ name: shm, emptyDir: { medium: Memory, sizeLimit: 16Gi } }]
`,
      },
    },
    optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
    defaultOptions: {},
    messages: {
      missing:
        '{{server}} in container "{{container}}" runs on {{gpus}} GPUs but has no volume at /dev/shm; with the 64 MiB default, NCCL and PyTorch shared memory between its GPU workers may fail',
    },
  },

  check({ template }) {
    if (!template || template.podSpec.hostIPC === true) return [];
    const reports: Report[] = [];
    for (const s of serversOf(template)) {
      if (!s.server.nccl || s.unresolved) continue;
      const gpus = gpuWorkers(s);
      if (gpus <= 1) continue;
      const env = Array.isArray(s.container.container.env) ? s.container.container.env : [];
      if (env.some((e) => isPlainObject(e) && e.name === 'NCCL_SHM_DISABLE' && String(e.value) === '1')) continue;
      const mounts = Array.isArray(s.container.container.volumeMounts) ? s.container.container.volumeMounts : [];
      if (mounts.some((m) => isPlainObject(m) && typeof m.mountPath === 'string' && m.mountPath.replace(/\/+$/, '') === '/dev/shm')) continue;
      reports.push({
        messageId: 'missing',
        data: { server: s.server.name, container: s.container.name, gpus },
        path: [...s.container.path, 'volumeMounts' in s.container.container ? 'volumeMounts' : 'name'],
      });
    }
    return reports;
  },
});
