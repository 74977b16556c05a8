/**
 * GPU memory per GPU, by the node labels that name the GPU type: GKE's accelerator label, NVIDIA GPU
 * feature discovery's product and memory labels, Karpenter's GPU labels, and EKS/AKS instance types. Where a
 * label leaves the variant open (an `A100` without its memory), the row takes the largest variant, so that
 * mllint never reports a model as too big for a GPU that might hold it. Unknown types: undefined (silent).
 */

export interface GpuType {
  /** Display name ("NVIDIA L4"). */
  name: string;
  /** Memory per GPU in GB (10^9 bytes, as GPU makers count). */
  memoryGB: number;
}

/** GKE `cloud.google.com/gke-accelerator` values. Source: https://cloud.google.com/compute/docs/gpus and https://cloud.google.com/kubernetes-engine/docs/how-to/gpus */
export const GKE_ACCELERATORS: Readonly<Record<string, GpuType>> = {
  'nvidia-tesla-k80': { name: 'NVIDIA K80', memoryGB: 12 },
  'nvidia-tesla-p4': { name: 'NVIDIA P4', memoryGB: 8 },
  'nvidia-tesla-p100': { name: 'NVIDIA P100', memoryGB: 16 },
  'nvidia-tesla-v100': { name: 'NVIDIA V100', memoryGB: 16 },
  'nvidia-tesla-t4': { name: 'NVIDIA T4', memoryGB: 16 },
  'nvidia-l4': { name: 'NVIDIA L4', memoryGB: 24 },
  'nvidia-tesla-a100': { name: 'NVIDIA A100 40GB', memoryGB: 40 },
  'nvidia-a100-80gb': { name: 'NVIDIA A100 80GB', memoryGB: 80 },
  'nvidia-h100-80gb': { name: 'NVIDIA H100 80GB', memoryGB: 80 },
  'nvidia-h100-mega-80gb': { name: 'NVIDIA H100 Mega 80GB', memoryGB: 80 },
  'nvidia-h200-141gb': { name: 'NVIDIA H200 141GB', memoryGB: 141 },
  'nvidia-b200': { name: 'NVIDIA B200', memoryGB: 180 },
  'nvidia-gb200': { name: 'NVIDIA GB200', memoryGB: 186 },
  'nvidia-rtx-pro-6000': { name: 'NVIDIA RTX PRO 6000', memoryGB: 96 },
};

/**
 * GPU models by a name token as NVIDIA GPU feature discovery writes it in `nvidia.com/gpu.product`
 * (`NVIDIA-A100-SXM4-80GB`, `Tesla-T4`, `NVIDIA-L4`) or Karpenter in `karpenter.k8s.aws/instance-gpu-name`
 * (`a10g`, `h100`). A memory size in the product name (`…-40GB`) wins over this table.
 * Source: https://github.com/NVIDIA/k8s-device-plugin#catalog-of-labels, NVIDIA data sheets.
 */
export const GPU_MODELS: Readonly<Record<string, GpuType>> = {
  t4: { name: 'NVIDIA T4', memoryGB: 16 },
  a10g: { name: 'NVIDIA A10G', memoryGB: 24 },
  a10: { name: 'NVIDIA A10', memoryGB: 24 },
  l4: { name: 'NVIDIA L4', memoryGB: 24 },
  l40: { name: 'NVIDIA L40', memoryGB: 48 },
  l40s: { name: 'NVIDIA L40S', memoryGB: 48 },
  v100: { name: 'NVIDIA V100', memoryGB: 32 },
  a100: { name: 'NVIDIA A100', memoryGB: 80 },
  h100: { name: 'NVIDIA H100', memoryGB: 94 },
  h200: { name: 'NVIDIA H200', memoryGB: 141 },
  b200: { name: 'NVIDIA B200', memoryGB: 192 },
};

/**
 * Instance types (label `node.kubernetes.io/instance-type`) of EKS and AKS GPU nodes.
 * Sources: https://aws.amazon.com/ec2/instance-types/ (accelerated computing), https://learn.microsoft.com/azure/virtual-machines/sizes/overview (GPU accelerated).
 * Keys are prefixes matched up to the first `.` (EC2 families) or whole names (Azure).
 */
export const INSTANCE_FAMILIES: Readonly<Record<string, GpuType>> = {
  g4dn: { name: 'NVIDIA T4', memoryGB: 16 },
  g5: { name: 'NVIDIA A10G', memoryGB: 24 },
  g6: { name: 'NVIDIA L4', memoryGB: 24 },
  gr6: { name: 'NVIDIA L4', memoryGB: 24 },
  g6e: { name: 'NVIDIA L40S', memoryGB: 48 },
  p3: { name: 'NVIDIA V100', memoryGB: 16 },
  p3dn: { name: 'NVIDIA V100', memoryGB: 32 },
  p4d: { name: 'NVIDIA A100 40GB', memoryGB: 40 },
  p4de: { name: 'NVIDIA A100 80GB', memoryGB: 80 },
  p5: { name: 'NVIDIA H100', memoryGB: 80 },
  p5e: { name: 'NVIDIA H200', memoryGB: 141 },
  p5en: { name: 'NVIDIA H200', memoryGB: 141 },
  p6: { name: 'NVIDIA B200', memoryGB: 179 },
};

/** Azure GPU sizes, matched on the lower-cased size name. */
export const AZURE_SIZES: ReadonlyArray<[RegExp, GpuType]> = [
  [/^standard_nc\d+ads_a100_v4$/, { name: 'NVIDIA A100 80GB', memoryGB: 80 }],
  [/^standard_nd96amsr_a100_v4$/, { name: 'NVIDIA A100 80GB', memoryGB: 80 }],
  [/^standard_nd96asr_v4$/, { name: 'NVIDIA A100 40GB', memoryGB: 40 }],
  [/^standard_nd96isr_h100_v5$/, { name: 'NVIDIA H100 80GB', memoryGB: 80 }],
  [/^standard_nc\d+ads_h100_v5$/, { name: 'NVIDIA H100 NVL', memoryGB: 94 }],
  [/^standard_nd96isr_h200_v5$/, { name: 'NVIDIA H200', memoryGB: 141 }],
  [/^standard_nc\d+as_t4_v3$/, { name: 'NVIDIA T4', memoryGB: 16 }],
  [/^standard_nc\d+s_v3$/, { name: 'NVIDIA V100', memoryGB: 16 }],
];

/** Node label keys that name a GPU type, in the order they are trusted. */
export const GPU_LABEL_KEYS = [
  'cloud.google.com/gke-accelerator',
  'nvidia.com/gpu.memory',
  'nvidia.com/gpu.product',
  'karpenter.k8s.aws/instance-gpu-memory',
  'karpenter.k8s.aws/instance-gpu-name',
  'node.kubernetes.io/instance-type',
  'beta.kubernetes.io/instance-type',
] as const;

/**
 * The GPU a node label names, or undefined when the label is not about GPUs or the type is unknown.
 * `nvidia.com/gpu.memory` and `karpenter.k8s.aws/instance-gpu-memory` are MiB.
 */
export function gpuFromLabel(key: string, value: string): GpuType | undefined {
  const v = value.trim().toLowerCase();
  switch (key) {
    case 'cloud.google.com/gke-accelerator':
      return GKE_ACCELERATORS[v];
    case 'nvidia.com/gpu.memory':
    case 'karpenter.k8s.aws/instance-gpu-memory': {
      if (!/^\d{3,7}$/.test(v)) return undefined;
      return { name: `${v} MiB GPU`, memoryGB: (Number(v) * 1024 * 1024) / 1e9 };
    }
    case 'nvidia.com/gpu.product': {
      const sized = /(?:^|[-_ ])(\d{2,3})gb(?:$|[-_ ])/.exec(v);
      const model = v.split(/[-_ ]+/).find((token) => GPU_MODELS[token] !== undefined);
      if (sized && model) return { name: value, memoryGB: Number(sized[1]) };
      if (v.includes('h100') && v.includes('nvl')) return { name: value, memoryGB: 94 };
      return model ? { name: value, memoryGB: GPU_MODELS[model].memoryGB } : undefined;
    }
    case 'karpenter.k8s.aws/instance-gpu-name':
      return GPU_MODELS[v];
    case 'node.kubernetes.io/instance-type':
    case 'beta.kubernetes.io/instance-type': {
      if (v.startsWith('standard_')) return AZURE_SIZES.find(([re]) => re.test(v))?.[1];
      const family = v.split('.')[0];
      return INSTANCE_FAMILIES[family];
    }
    default:
      return undefined;
  }
}
