import rule from '../../src/rules/model-fits-gpu.js';
import { ruleTester } from '../rule-tester.js';

/** A Deployment with a node selector on line 9 and the model arg on line 14. */
const deployment = (selector: string, args: string, gpus: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: llm, namespace: ml}
spec:
  selector: {matchLabels: {app: llm}}
  template:
    metadata: {labels: {app: llm}}
    spec:
      nodeSelector: {${selector}}
      containers:
        - name: server
          image: vllm/vllm-openai:v0.10.0
          args:
            ${args}
          resources: {limits: {nvidia.com/gpu: "${gpus}"}}
`;

const GKE_L4 = 'cloud.google.com/gke-accelerator: nvidia-l4';
const GKE_H100 = 'cloud.google.com/gke-accelerator: nvidia-h100-80gb';

ruleTester(rule, {
  valid: [
    { name: '70B BF16 on 8 × H100 80GB', yaml: deployment(GKE_H100, '["--model", "meta-llama/Llama-3.3-70B-Instruct", "-tp", "8"]', '8') },
    { name: '8B BF16 on one L4', yaml: deployment(GKE_L4, '["--model", "meta-llama/Llama-3.1-8B-Instruct"]', '1') },
    { name: '70B AWQ (35 GB) on 2 × L4 (48 GB)', yaml: deployment(GKE_L4, '["--model", "hugging-quants/Meta-Llama-3.1-70B-Instruct-AWQ-INT4", "-tp", "2"]', '2') },
    { name: 'unknown GPU type: silent', yaml: deployment('pool: gpu', '["--model", "meta-llama/Llama-3.3-70B-Instruct"]', '1') },
    { name: 'unknown model size: silent', yaml: deployment(GKE_L4, '["--model", "deepseek-ai/some-model"]', '1') },
    { name: 'CPU offload: silent', yaml: deployment(GKE_L4, '["--model", "meta-llama/Llama-3.3-70B-Instruct", "--cpu-offload-gb", "100"]', '1') },
    { name: 'gpt-oss-120b is MXFP4 (about 63 GB): fits one H100', yaml: deployment(GKE_H100, '["--model", "openai/gpt-oss-120b"]', '1') },
    { name: 'A100 of unknown memory counts as 80 GB', yaml: deployment('nvidia.com/gpu.product: NVIDIA-A100-SXM4', '["--model", "Qwen/Qwen2.5-32B-Instruct"]', '1') },
    { name: 'an active-parameter token (A3B) is not the size', yaml: deployment(GKE_H100, '["--model", "Qwen/Qwen3-30B-A3B"]', '1') },
    { name: 'an unknown --quantization: silent', yaml: deployment(GKE_L4, '["--model", "meta-llama/Llama-3.3-70B-Instruct", "--quantization", "mystery"]', '1') },
  ],
  invalid: [
    {
      name: '70B BF16 on 2 × L4',
      yaml: deployment(GKE_L4, '["--model", "meta-llama/Llama-3.3-70B-Instruct", "-tp", "2"]', '2'),
      errors: [{ messageId: 'tooBig', line: 14, path: 'spec.template.spec.containers[0].args[1]', message: /about 140 GB .* 2 × NVIDIA L4 \(24 GB\) GPUs .* hold 48 GB/ }],
    },
    {
      name: 'FP8 in the name: 1 byte per parameter (70 GB) on one L4',
      yaml: deployment(GKE_L4, '["--model", "RedHatAI/Llama-3.3-70B-Instruct-FP8-dynamic"]', '1'),
      errors: [{ messageId: 'tooBig', line: 14, message: /about 70 GB .*8-bit/ }],
    },
    {
      name: 'GPU feature discovery product with its memory in the name',
      yaml: deployment('nvidia.com/gpu.product: NVIDIA-A100-SXM4-40GB', '["--model", "Qwen/Qwen2.5-32B-Instruct"]', '1'),
      errors: [{ messageId: 'tooBig', line: 14, message: /64 GB .* 40 GB/ }],
    },
    {
      name: 'EKS instance type g5 (A10G 24 GB)',
      yaml: deployment('node.kubernetes.io/instance-type: g5.12xlarge', '["--model", "mistralai/Mistral-Small-24B-Instruct-2501"]', '1'),
      errors: [{ messageId: 'tooBig', line: 14 }],
    },
    {
      name: 'the usableFraction option keeps room for the KV cache',
      yaml: deployment(GKE_H100, '["--model", "Qwen/Qwen2.5-32B-Instruct"]', '1'),
      options: { usableFraction: 0.7 },
      errors: [{ messageId: 'tooBig', line: 14, message: /70% usable/ }],
    },
    {
      name: 'a configured node pool names the GPU',
      yaml: deployment('pool: gpu-l4', '["--model", "meta-llama/Llama-3.3-70B-Instruct", "-tp", "2"]', '2'),
      settings: { nodePools: [{ name: 'gpu-l4', labels: { pool: 'gpu-l4', 'cloud.google.com/gke-accelerator': 'nvidia-l4' }, taints: [], allocatable: {} }] },
      errors: [{ messageId: 'tooBig', line: 14, message: /node pool "gpu-l4"/ }],
    },
  ],
});
