import rule from '../../src/rules/shared-memory-sized.js';
import { ruleTester } from '../rule-tester.js';

/** A Deployment whose server container starts at line 10 (name), args on line 12. */
const deployment = (args: string, gpus: string, extra = '', pod = '', image = 'vllm/vllm-openai:v0.10.0') => `apiVersion: apps/v1
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
          resources: {limits: {nvidia.com/gpu: "${gpus}"}}
${extra}${pod}`;

const SHM_MOUNT = '          volumeMounts: [{name: shm, mountPath: /dev/shm}]\n';
const SHM_VOLUME = '      volumes: [{name: shm, emptyDir: {medium: Memory, sizeLimit: 8Gi}}]\n';

ruleTester(rule, {
  valid: [
    { name: 'tp 4 with a Memory emptyDir at /dev/shm', yaml: deployment('["--model", "m/M-7B", "-tp", "4"]', '4', SHM_MOUNT, SHM_VOLUME) },
    { name: 'one GPU needs none', yaml: deployment('["--model", "m/M-7B"]', '1') },
    { name: 'tp 1 needs none', yaml: deployment('["--model", "m/M-7B", "-tp", "1"]', '1') },
    { name: 'hostIPC shares the host /dev/shm', yaml: deployment('["--model", "m/M-7B", "-tp", "2"]', '2', '', '      hostIPC: true\n') },
    { name: 'NCCL_SHM_DISABLE=1', yaml: deployment('["--model", "m/M-7B", "-tp", "2"]', '2', '          env: [{name: NCCL_SHM_DISABLE, value: "1"}]\n') },
    { name: 'not a recognised server', yaml: deployment('["--tp", "4"]', '4', '', '', 'example.org/trainer:1.0.0') },
    { name: 'llama.cpp does not use NCCL', yaml: deployment('["-m", "/models/m-7b.gguf"]', '2', '', '', 'ghcr.io/ggml-org/llama.cpp:server') },
  ],
  invalid: [
    {
      name: 'vLLM tensor 4 without /dev/shm',
      yaml: deployment('["--model", "m/M-7B", "--tensor-parallel-size", "4"]', '4'),
      errors: [{ messageId: 'missing', line: 10, path: 'spec.template.spec.containers[0].name', message: /runs on 4 GPUs/ }],
    },
    {
      name: 'mounts elsewhere but not at /dev/shm: at the mounts',
      yaml: deployment('["--model", "m/M-7B", "-tp", "2", "-pp", "2"]', '4', '          volumeMounts: [{name: cache, mountPath: /root/.cache}]\n', '      volumes: [{name: cache, emptyDir: {}}]\n'),
      errors: [{ messageId: 'missing', line: 14 }],
    },
    {
      name: 'TGI shards over every GPU it sees',
      yaml: deployment('["--model-id", "m/M-7B"]', '2', '', '', 'ghcr.io/huggingface/text-generation-inference:3.0.0'),
      errors: [{ messageId: 'missing', line: 10, message: /Text Generation Inference .* 2 GPUs/ }],
    },
  ],
});
