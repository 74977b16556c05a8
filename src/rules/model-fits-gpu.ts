import { defineRule, type Report } from './define-rule.js';
import { WORKLOAD_KINDS } from '../engine/extract.js';
import { bytesFromServerFlags, serversOf } from '../engine/servers.js';
import { containerGpus, hasOtherAccelerators, podGpuType } from './utils/gpus.js';

export interface ModelFitsGpuOptions {
  usableFraction: number;
}

function gb(n: number): string {
  return n >= 100 ? `${Math.round(n)} GB` : `${Math.round(n * 10) / 10} GB`;
}

export default defineRule<ModelFitsGpuOptions>({
  meta: {
    id: 'model-fits-gpu',
    severity: 'error',
    recommended: true,
    description: "A model's weights must fit in the GPU memory its pod gets, where both are known",
    kinds: WORKLOAD_KINDS,
    remediation: 'Use more or larger GPUs (tensor parallelism across them), or a quantised variant of the model.',
    docs: {
      why:
        'An LLM server loads all weights into GPU memory before it serves anything. A 70B model in BF16 is about ' +
        '140 GB: on two 24 GB GPUs it fails with CUDA out of memory on every start, and the pod crash-loops on ' +
        'the most expensive nodes of the cluster. The numbers are known before deployment: the parameter count ' +
        'and precision from the model id, the GPU type from the node selector.',
      checks:
        'For every container recognised as an inference server whose model id states its size (`…-70B-…`, or a ' +
        'known model such as `gpt-oss-120b` or `Mixtral-8x7B`): the weights, parameters × bytes per parameter ' +
        '(BF16/FP16 2 unless the id or the server\'s `--quantization`/`--dtype` says otherwise: FP8/INT8 1, ' +
        'AWQ/GPTQ/INT4/FP4 0.5, float32 4), must not exceed `usableFraction` of the memory of the GPUs the model ' +
        'is sharded over (the tensor × pipeline size when written, else the container\'s `nvidia.com/gpu`; a ' +
        'LeaderWorkerSet group counts all its pods). The GPU type comes from a `cloud.google.com/gke-accelerator`, ' +
        '`nvidia.com/gpu.product`, `nvidia.com/gpu.memory`, Karpenter or instance-type (EKS, AKS) label in the ' +
        'node selector or required node affinity, or from the configured node pools the selector matches. Unknown ' +
        'GPU type, unknown model size, CPU offload (`--cpu-offload-gb`) or unresolved arguments: nothing is reported.',
      fix:
        'Shard the model over more GPUs (`--tensor-parallel-size` with as many `nvidia.com/gpu`), pick a node pool ' +
        'with larger GPUs, or serve a quantised variant (AWQ, FP8) of the model.',
      examples: {
        incorrect: `apiVersion: apps/v1
kind: Deployment
metadata: { name: llm, namespace: ml }
spec:
  selector: { matchLabels: { app: llm } }
  template:
    metadata: { labels: { app: llm } }
    spec:
      nodeSelector: { cloud.google.com/gke-accelerator: nvidia-l4 }
      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.10.0
          args: ["--model", "meta-llama/Llama-3.3-70B-Instruct", "--tensor-parallel-size", "2"]
          resources:
            limits: { nvidia.com/gpu: "2" }
`,
        correct: `apiVersion: apps/v1
kind: Deployment
metadata: { name: llm, namespace: ml }
spec:
  selector: { matchLabels: { app: llm } }
  template:
    metadata: { labels: { app: llm } }
    spec:
      nodeSelector: { cloud.google.com/gke-accelerator: nvidia-h100-80gb }
      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.10.0
          args: ["--model", "meta-llama/Llama-3.3-70B-Instruct", "--tensor-parallel-size", "4"]
          resources:
            limits: { nvidia.com/gpu: "4" }
`,
      },
    },
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        usableFraction: {
          type: 'number',
          exclusiveMinimum: 0,
          maximum: 1,
          description: 'Share of GPU memory the weights may take (e.g. 0.9 to keep room for the KV cache, like vLLM\'s --gpu-memory-utilization).',
        },
      },
    },
    defaultOptions: { usableFraction: 1 },
    messages: {
      tooBig:
        'model "{{model}}" needs about {{weights}} for its weights ({{params}}B parameters × {{bytes}} bytes, {{precision}}), but the {{count}} × {{gpu}} GPU{{plural}} it is sharded over hold {{memory}} ({{source}}); loading fails with CUDA out of memory',
    },
  },

  check({ object, template, index, settings, options }) {
    if (!template || hasOtherAccelerators(template)) return [];
    const type = podGpuType(template, settings);
    if (!type) return [];
    const fraction = typeof options.usableFraction === 'number' && options.usableFraction > 0 ? Math.min(1, options.usableFraction) : 1;
    const reports: Report[] = [];
    for (const s of serversOf(template)) {
      if (s.unresolved || s.offload || !s.model || s.modelFacts?.paramsB === undefined) continue;
      const gpus = containerGpus(s.container);
      if (!gpus || gpus.count === 0) continue;
      const fromFlags = bytesFromServerFlags(s.quantization, s.dtype);
      if (s.quantization && !fromFlags) continue; // a quantisation mllint does not know: size unknown
      const bytes = fromFlags?.bytes ?? s.modelFacts.bytesPerParam ?? 2;
      const precision = fromFlags?.label ?? s.modelFacts.precision ?? 'BF16/FP16';
      const product = s.tensorParallel || s.pipelineParallel ? (s.tensorParallel?.value ?? 1) * (s.pipelineParallel?.value ?? 1) : undefined;
      let available = gpus.count;
      if (template.groupSize > 1) {
        const others = index.podTemplatesOf(object).filter((t) => t !== template && t.groupSize === template.groupSize);
        const otherGpus = others.length === 1 ? Math.max(0, ...others[0].containers.map((ref) => containerGpus(ref)?.count ?? 0)) : gpus.count;
        available = gpus.count + otherGpus * (template.groupSize - 1);
      }
      // The model is sharded over tensor × pipeline GPUs (gpu-count-matches-parallelism checks they exist).
      const count = product ?? available;
      const weightsGB = s.modelFacts.paramsB * bytes;
      const memoryGB = count * type.gpu.memoryGB;
      if (weightsGB <= memoryGB * fraction) continue;
      reports.push({
        messageId: 'tooBig',
        data: {
          model: s.model.value,
          weights: gb(weightsGB),
          params: s.modelFacts.paramsB,
          bytes,
          precision,
          count,
          gpu: `${type.gpu.name} (${gb(type.gpu.memoryGB)})`,
          plural: count === 1 ? '' : 's',
          memory: fraction === 1 ? gb(memoryGB) : `${gb(memoryGB)}, ${Math.round(fraction * 100)}% usable`,
          source: type.source,
        },
        path: s.model.path,
      });
    }
    return reports;
  },
});
