import rule from '../../src/rules/gpu-count-matches-parallelism.js';
import { ruleTester } from '../rule-tester.js';

/** A Deployment whose server container's args are on line 12 and its GPUs on line 14. */
const deployment = (args: string, gpus = '4', extra = '', image = 'vllm/vllm-openai:v0.10.0', command = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: llm, namespace: ml}
spec:
  selector: {matchLabels: {app: llm}}
  template:
    metadata: {labels: {app: llm}}
    spec:
      containers:
        - name: server
          image: ${image}
          args: ${args}
          resources:
            limits: {nvidia.com/gpu: "${gpus}"}
${command}${extra}`;

const LWS = (tp: string, size: number, leaderGpus: string, workerGpus: string) => `apiVersion: leaderworkerset.x-k8s.io/v1
kind: LeaderWorkerSet
metadata: {name: big, namespace: ml}
spec:
  replicas: 1
  leaderWorkerTemplate:
    size: ${size}
    leaderTemplate:
      spec:
        containers:
          - name: leader
            image: vllm/vllm-openai:v0.10.0
            command: ["sh", "-c"]
            args: ["ray start --head --port=6379 && vllm serve meta-llama/Llama-3.1-405B-Instruct-FP8 ${tp} --distributed-executor-backend ray"]
            resources: {limits: {nvidia.com/gpu: "${leaderGpus}"}}
    workerTemplate:
      spec:
        containers:
          - name: worker
            image: vllm/vllm-openai:v0.10.0
            command: ["sh", "-c", "ray start --address=$(LWS_LEADER_ADDRESS):6379 --block"]
            resources: {limits: {nvidia.com/gpu: "${workerGpus}"}}
`;

ruleTester(rule, {
  valid: [
    { name: 'vLLM tensor 4 on 4 GPUs', yaml: deployment('["--model", "m/M-7B", "--tensor-parallel-size", "4"]') },
    { name: 'tp × pp = 2 × 2 on 4 GPUs', yaml: deployment('["--model", "m/M-7B", "-tp", "2", "-pp=2"]') },
    { name: 'no parallel flag: not judged', yaml: deployment('["--model", "m/M-7B"]', '2') },
    { name: 'data parallel: not judged', yaml: deployment('["--model", "m/M-7B", "-tp", "2", "--data-parallel-size", "2"]') },
    { name: 'unresolved $(TP): not judged', yaml: deployment('["--model", "m/M-7B", "-tp", "$(TP)"]', '2') },
    { name: 'resolved $(TP) from literal env', yaml: deployment('["--model", "m/M-7B", "-tp", "$(TP)"]', '2', '          env: [{name: TP, value: "2"}]\n') },
    { name: 'not an inference server', yaml: deployment('["--tensor-parallel-size", "4"]', '2', '', 'example.org/trainer:1.0.0') },
    { name: 'no GPU resource (TPU or resource claims)', yaml: deployment('["--model", "m/M-7B", "-tp", "4"]').replace('nvidia.com/gpu: "4"', 'google.com/tpu: "4"') },
    { name: 'SGLang --tp 16 over --nnodes 2 with 8 GPUs per pod', yaml: deployment('["--model-path", "m/M-70B", "--tp", "16", "--nnodes", "2"]', '8', '', 'lmsysorg/sglang:v0.4.9', '          command: ["python3", "-m", "sglang.launch_server"]\n') },
    { name: 'LWS: tensor 8 × pipeline 2 over a group of 2 pods with 8 GPUs', yaml: LWS('--tensor-parallel-size 8 --pipeline-parallel-size 2', 2, '8', '8') },
    { name: 'TGI NUM_SHARD equals GPUs', yaml: deployment('["--model-id", "m/M-7B"]', '2', '          env: [{name: NUM_SHARD, value: "2"}]\n', 'ghcr.io/huggingface/text-generation-inference:3.0.0') },
    { name: 'Ray backend outside an LWS: GPUs may be elsewhere', yaml: deployment('["--model", "m/M-7B", "-tp", "8", "--distributed-executor-backend", "ray"]', '1') },
  ],
  invalid: [
    {
      name: 'vLLM tensor 4 on 2 GPUs',
      yaml: deployment('["--model", "m/M-7B", "--tensor-parallel-size", "4"]', '2'),
      errors: [{ messageId: 'tooFew', line: 12, path: 'spec.template.spec.containers[0].args[3]', severity: 'error' }],
    },
    {
      name: 'vllm serve positional model with --tensor-parallel-size=8 on 4 GPUs',
      yaml: deployment('["--tensor-parallel-size=8"]', '4', '', 'vllm/vllm-openai:v0.10.0', '          command: ["vllm", "serve", "m/M-7B"]\n'),
      errors: [{ messageId: 'tooFew', line: 12 }],
    },
    {
      name: 'more GPUs than tp × pp: a warning',
      yaml: deployment('["--model", "m/M-7B", "-tp", "2"]', '4'),
      errors: [{ messageId: 'tooMany', line: 12, severity: 'warning', message: /the other 2 stay idle/ }],
    },
    {
      name: 'in a sh -c script, at the script line',
      yaml: deployment('["vllm serve m/M-7B --tensor-parallel-size 4 --port 8000"]', '1', '', 'example.org/custom-vllm:1.0.0', '          command: ["/bin/sh", "-c"]\n'),
      errors: [{ messageId: 'tooFew', line: 12 }],
    },
    {
      name: 'TGI --num-shard 4 on 2 GPUs',
      yaml: deployment('["--model-id", "m/M-7B", "--num-shard", "4"]', '2', '', 'ghcr.io/huggingface/text-generation-inference:3.0.0'),
      errors: [{ messageId: 'tooFew', line: 12 }],
    },
    {
      name: 'LWS: tensor 8 × pipeline 2 over 2 pods with 4 GPUs each',
      yaml: LWS('--tensor-parallel-size 8 --pipeline-parallel-size 2', 2, '4', '4'),
      errors: [{ messageId: 'tooFew', line: 14, message: /over 16 GPUs .* its group of 2 pods gets 8/ }],
    },
  ],
});
