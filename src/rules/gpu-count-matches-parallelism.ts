import { defineRule, type Report } from './define-rule.js';
import { WORKLOAD_KINDS } from '../engine/extract.js';
import { serversOf } from '../engine/servers.js';
import { containerGpus, hasOtherAccelerators } from './utils/gpus.js';

export type GpuCountMatchesParallelismOptions = Record<string, never>;

export default defineRule<GpuCountMatchesParallelismOptions>({
  meta: {
    id: 'gpu-count-matches-parallelism',
    severity: 'error',
    recommended: true,
    description: "An inference server's tensor × pipeline parallel size must equal the GPUs its pod gets",
    kinds: WORKLOAD_KINDS,
    remediation: 'Make tensor-parallel × pipeline-parallel size equal the nvidia.com/gpu limit of the container (per node for multi-node servers).',
    docs: {
      why:
        'A tensor-parallel LLM server starts one worker per GPU and shards the model across exactly ' +
        '`tensor × pipeline` GPUs. Ask for more than the container gets and the server fails at start-up ' +
        '(vLLM: the world size is larger than the number of available GPUs), so the pod crash-loops on ' +
        'expensive nodes; ask for fewer and the extra GPUs sit idle while still being paid for.',
      checks:
        'For every container recognised as an inference server (vLLM, SGLang, Text Generation Inference, ' +
        'TensorRT-LLM, LMDeploy, NVIDIA NIM, the KServe Hugging Face runtime — by image or command, see the README) ' +
        'that writes a tensor- or pipeline-parallel size (`--tensor-parallel-size`/`-tp`, ' +
        '`--pipeline-parallel-size`/`-pp`, SGLang `--tp`/`--tp-size`, TGI `--num-shard`/`NUM_SHARD`, ' +
        'TensorRT-LLM `--tp_size`, `NIM_TENSOR_PARALLEL_SIZE`…), in arguments or in a `sh -c` script, with ' +
        '`$(VAR)` resolved from literal env: the product must equal the container\'s `nvidia.com/gpu` (or ' +
        '`amd.com/gpu`) limit. A server spanning nodes divides it per node: SGLang `--nnodes`, and in a ' +
        'LeaderWorkerSet the group\'s `size` pods together hold the GPUs (leader plus workers). Not checked: ' +
        'containers with no GPU resource (devices from resource claims or TPUs), data/expert parallelism ' +
        '(`--data-parallel-size`, `--enable-expert-parallel`), and vLLM\'s Ray backend outside a LeaderWorkerSet ' +
        '(its GPUs may be in other pods). More GPUs than needed is reported as a warning.',
      fix:
        'Set the parallel size to the GPUs of one pod (e.g. `--tensor-parallel-size 4` with `nvidia.com/gpu: 4`), ' +
        'or change the GPU limit. For models larger than one node, use a LeaderWorkerSet and set tensor × pipeline ' +
        'to GPUs per pod × size.',
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
          args: ["--model", "mistralai/Mistral-7B-Instruct-v0.3", "--tensor-parallel-size", "4"]
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
      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.10.0
          args: ["--model", "mistralai/Mistral-7B-Instruct-v0.3", "--tensor-parallel-size", "2"]
          resources:
            limits: { nvidia.com/gpu: "2" }
`,
      },
    },
    optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
    defaultOptions: {},
    messages: {
      tooFew:
        '{{server}} in container "{{container}}" shards the model over {{needed}} GPUs ({{formula}}) but {{where}} gets {{gpus}}; it fails at start-up',
      tooMany:
        '{{server}} in container "{{container}}" uses {{needed}} GPUs ({{formula}}) but {{where}} gets {{gpus}}; the other {{idle}} stay idle',
    },
  },

  check({ object, template, index }) {
    if (!template || hasOtherAccelerators(template)) return [];
    const reports: Report[] = [];
    for (const s of serversOf(template)) {
      if (s.unresolved || s.dataParallel) continue;
      const tp = s.tensorParallel;
      const pp = s.pipelineParallel;
      if (!tp && !pp) continue;
      const gpus = containerGpus(s.container);
      if (!gpus || gpus.count === 0) continue;
      const multiNode = template.groupSize > 1;
      if (s.rayBackend && !multiNode) continue;
      const needed = (tp?.value ?? 1) * (pp?.value ?? 1);
      const formula = [tp ? `tensor ${tp.value}` : undefined, pp ? `pipeline ${pp.value}` : undefined].filter(Boolean).join(' × ');
      let available = gpus.count;
      let where = `the container (${gpus.resource})`;
      let neededHere = needed;
      if (s.nodes && s.nodes.value > 1) {
        if (needed % s.nodes.value !== 0) continue;
        neededHere = needed / s.nodes.value;
        where = `each of its ${s.nodes.value} nodes' containers`;
      } else if (multiNode) {
        // A LeaderWorkerSet group: the leader and size − 1 workers together hold the GPUs of one server.
        const others = index.podTemplatesOf(object).filter((t) => t !== template && t.groupSize === template.groupSize);
        const otherGpus = others.length === 1 ? Math.max(0, ...others[0].containers.map((ref) => containerGpus(ref)?.count ?? 0)) : gpus.count;
        available = gpus.count + otherGpus * (template.groupSize - 1);
        where = `its group of ${template.groupSize} pods`;
      }
      if (neededHere === available) continue;
      const path = (tp ?? pp)!.path;
      if (neededHere > available) {
        reports.push({ messageId: 'tooFew', data: { server: s.server.name, container: s.container.name, needed: neededHere, formula, where, gpus: available }, path });
      } else {
        reports.push({
          messageId: 'tooMany',
          data: { server: s.server.name, container: s.container.name, needed: neededHere, formula, where, gpus: available, idle: available - neededHere },
          path,
          maxSeverity: 'warning',
        });
      }
    }
    return reports;
  },
});
