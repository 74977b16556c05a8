import rule from '../../src/rules/tolerations-match-node-selector.js';
import type { NodePool } from '../../src/engine/settings.js';
import { ruleTester } from '../rule-tester.js';

const gpuA100: NodePool = {
  name: 'gpu-a100',
  labels: { accelerator: 'nvidia-a100', 'gpu-count': '4' },
  taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }],
  allocatable: { cpu: '31', memory: '230Gi', 'nvidia.com/gpu': '4' },
};
const general: NodePool = { name: 'general', labels: { pool: 'general' }, taints: [], allocatable: { cpu: '15', memory: '58Gi' } };
const pools = { nodePools: [gpuA100, general] };

/** A Deployment; `podSpec` is indented as the pod spec's fields (6 spaces), container at line 12. */
const deployment = (podSpec: string, resources = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: llm
  namespace: ml-serving-prod
spec:
  selector:
    matchLabels: { app: llm }
  template:
    metadata:
      labels: { app: llm }
    spec:
${podSpec}      containers:
        - name: server
          image: registry.example.com/ml/llm-server:7.2.0
${resources}`;

const gpuToleration = `      tolerations:
        - key: nvidia.com/gpu
          operator: Exists
          effect: NoSchedule
`;
const requests = (entries: Record<string, string>) => `          resources:
            requests:
${Object.entries(entries).map(([k, v]) => `              ${k}: "${v}"`).join('\n')}
`;

ruleTester(rule, {
  valid: [
    { name: 'no pools, no GPU', yaml: deployment('', requests({ cpu: '64', memory: '1Ti' })) },
    { name: 'no pools, GPU with an Exists toleration', yaml: deployment(gpuToleration, requests({ 'nvidia.com/gpu': '1' })) },
    {
      name: 'no pools, GPU with an Equal toleration and no effect',
      yaml: deployment('      tolerations:\n        - { key: nvidia.com/gpu, operator: Equal, value: present }\n', requests({ 'nvidia.com/gpu': '1' })),
    },
    { name: 'no pools, tolerate-everything toleration', yaml: deployment('      tolerations:\n        - operator: Exists\n', requests({ 'amd.com/gpu': '2' })) },
    { name: 'pools: no selector, untainted general pool fits', yaml: deployment('', requests({ cpu: '2', memory: '8Gi' })), settings: pools },
    {
      name: 'pools: GPU pod selecting and tolerating the A100 pool, fits',
      yaml: deployment(`      nodeSelector:\n        accelerator: nvidia-a100\n${gpuToleration}`, requests({ cpu: '8', memory: '48Gi', 'nvidia.com/gpu': '4' })),
      settings: pools,
    },
    {
      name: 'pools: required affinity In + Gt',
      yaml: deployment(`      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - { key: accelerator, operator: In, values: [nvidia-a100, nvidia-h100] }
                  - { key: gpu-count, operator: Gt, values: ["2"] }
${gpuToleration}`, requests({ 'nvidia.com/gpu': '1' })),
      settings: pools,
    },
    {
      name: 'pools: second affinity term matches',
      yaml: deployment(`      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions: [{ key: accelerator, operator: In, values: [nvidia-h100] }]
              - matchExpressions: [{ key: accelerator, operator: DoesNotExist }]
`),
      settings: pools,
    },
    {
      name: 'pools: well-known labels assumed, per-node labels not checked',
      yaml: deployment('      nodeSelector:\n        kubernetes.io/os: linux\n        topology.kubernetes.io/zone: eu-west-1a\n'),
      settings: pools,
    },
    {
      name: 'pools: init container larger than the sum of containers is what counts',
      yaml: deployment('', requests({ memory: '50Gi' })).replace('      containers:\n', `      initContainers:
        - name: fetch
          image: busybox:1.36
          resources: { requests: { memory: 40Gi } }
      containers:
`),
      settings: pools,
    },
    {
      name: 'pools: NoExecute tolerated by an empty-effect toleration; PreferNoSchedule ignored',
      yaml: deployment('      tolerations:\n        - { key: dedicated, operator: Equal, value: ml }\n'),
      settings: {
        nodePools: [{ name: 'dedicated', labels: {}, taints: [{ key: 'dedicated', value: 'ml', effect: 'NoExecute' }, { key: 'spot', effect: 'PreferNoSchedule' }], allocatable: {} }],
      },
    },
    {
      name: 'pools: condition taints (cordoned node) are ignored',
      yaml: deployment(''),
      settings: { nodePools: [{ name: 'node-1', labels: {}, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }], allocatable: {} }] },
    },
    {
      name: 'pools: an empty key with Exists tolerates every taint',
      yaml: deployment('      tolerations:\n        - operator: Exists\n'),
      settings: { nodePools: [{ name: 'tainted', labels: {}, taints: [{ key: 'a', effect: 'NoSchedule' }, { key: 'b', value: 'c', effect: 'NoExecute' }], allocatable: {} }] },
    },
    {
      name: 'no pools, ExtendedResourceToleration admission (GKE) adds the toleration',
      yaml: deployment('', requests({ 'nvidia.com/gpu': '1' })),
      options: { extendedResourceToleration: true },
    },
    {
      name: 'pools, ExtendedResourceToleration admission tolerates the GPU pool taint',
      yaml: deployment('      nodeSelector: { accelerator: nvidia-a100 }\n', requests({ 'nvidia.com/gpu': '1' })),
      options: { extendedResourceToleration: true },
      settings: pools,
    },
    { name: 'pods with nodeName bypass the scheduler', yaml: deployment('      nodeName: node-7\n      nodeSelector: { accelerator: tpu }\n'), settings: pools },
    { name: 'not a workload', yaml: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { nodeSelector: x }\n', settings: pools },
    {
      name: 'malformed fields are read defensively and never throw',
      yaml: deployment(`      nodeSelector: [1, 2]
      tolerations: "all"
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms: [null, { matchExpressions: [null, { key: 3 }] }]
`, '          resources: { requests: { cpu: {}, memory: null, nvidia.com/gpu: lots } }\n'),
      settings: pools,
    },
    {
      name: 'no pools: a pod selecting GKE GPU nodes gets the toleration from GKE (nodeSelector or node affinity)',
      yaml: deployment('      nodeSelector: { cloud.google.com/gke-accelerator: nvidia-l4 }\n', requests({ 'nvidia.com/gpu': '1' })) +
        '---\n' +
        deployment('      affinity:\n        nodeAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n            nodeSelectorTerms:\n              - matchExpressions: [{ key: cloud.google.com/gke-accelerator, operator: In, values: [nvidia-h100-80gb] }]\n', requests({ 'nvidia.com/gpu': '8' })),
    },
    {
      name: 'malformed fields without pools',
      yaml: deployment('      tolerations: [null, 3, { key: null }]\n', '          resources: { limits: [1] }\n'),
    },
  ],
  invalid: [
    {
      name: 'no pools: GPU request without toleration',
      yaml: deployment('', '          resources:\n            limits:\n              nvidia.com/gpu: 1\n'),
      errors: [{
        messageId: 'gpuWithoutToleration', line: 18, column: 31, path: 'spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"]',
        severity: 'info',
        message: 'container "server" requests nvidia.com/gpu, but the pod has no toleration for a "nvidia.com/gpu" taint; where GPU nodes carry that taint and no admission plugin (ExtendedResourceToleration) adds the toleration, the pod may stay Pending',
      }],
    },
    {
      name: 'no pools: toleration for another key, or only NoExecute',
      yaml: deployment('      tolerations:\n        - { key: dedicated, operator: Exists }\n        - { key: nvidia.com/gpu, operator: Exists, effect: NoExecute }\n', requests({ 'nvidia.com/gpu': '1' })),
      errors: [{ messageId: 'gpuWithoutToleration', line: 21 }],
    },
    {
      name: 'pools: nodeSelector label no pool has',
      yaml: deployment('      nodeSelector:\n        accelerator: nvidia-h100\n'),
      settings: pools,
      errors: [{
        messageId: 'selectorMatchesNoPool', line: 14, column: 22, path: 'spec.template.spec.nodeSelector.accelerator',
        message: 'nodeSelector accelerator=nvidia-h100 matches no node pool: gpu-a100 has accelerator=nvidia-a100; general has no accelerator label',
      }],
    },
    {
      name: 'pools: each label exists, but on different pools',
      yaml: deployment('      nodeSelector:\n        accelerator: nvidia-a100\n        pool: general\n'),
      settings: pools,
      errors: [{ messageId: 'selectorCombinationMatchesNoPool', line: 13, message: /accelerator=nvidia-a100, pool=general/ }],
    },
    {
      name: 'pools: affinity In with a value no pool has',
      yaml: deployment(`      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - key: pool
                    operator: In
                    values: [highmem]
`),
      settings: pools,
      errors: [{ messageId: 'affinityMatchesNoPool', line: 18, message: 'required node affinity matches no node pool: no pool has pool=highmem (pools: gpu-a100, general)' }],
    },
    {
      name: 'pools: affinity Lt',
      yaml: deployment(`      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions: [{ key: gpu-count, operator: Lt, values: ["2"] }]
`),
      settings: pools,
      errors: [{ messageId: 'affinityMatchesNoPool', line: 17, message: /no pool has gpu-count < 2/ }],
    },
    {
      name: 'pools: selects the GPU pool without tolerating its taint',
      yaml: deployment('      nodeSelector:\n        accelerator: nvidia-a100\n', requests({ 'nvidia.com/gpu': '1' })),
      settings: pools,
      errors: [{
        messageId: 'taintNotTolerated', line: 12, path: 'spec.template.spec.tolerations',
        message: 'the pod tolerates no node pool it selects: pool gpu-a100 has taint nvidia.com/gpu=present:NoSchedule',
      }],
    },
    {
      name: 'pools: toleration with the wrong value (Equal)',
      yaml: deployment('      nodeSelector: { accelerator: nvidia-a100 }\n      tolerations:\n        - { key: nvidia.com/gpu, operator: Equal, value: "true", effect: NoSchedule }\n'),
      settings: pools,
      errors: [{ messageId: 'taintNotTolerated', line: 14 }],
    },
    {
      name: 'pools: several pools blocked by the same taint are named together; NoExecute counts',
      yaml: deployment('      tolerations:\n        - { key: dedicated, operator: Exists, effect: NoSchedule }\n'),
      settings: {
        nodePools: [
          { name: 'node-a', labels: {}, taints: [{ key: 'dedicated', value: 'ml', effect: 'NoExecute' }], allocatable: {} },
          { name: 'node-b', labels: {}, taints: [{ key: 'dedicated', value: 'ml', effect: 'NoExecute' }], allocatable: {} },
          { name: 'node-c', labels: {}, taints: [{ key: 'spot', effect: 'NoSchedule' }], allocatable: {} },
        ],
      },
      errors: [{
        messageId: 'taintNotTolerated', line: 13,
        message: 'the pod tolerates no node pool it selects: pools node-a, node-b have taint dedicated=ml:NoExecute; pool node-c has taint spot:NoSchedule',
      }],
    },
    {
      name: 'pools: GPU requested, but the only pool it can run on has none',
      yaml: deployment('', requests({ 'nvidia.com/gpu': '1' })),
      settings: pools,
      errors: [{ messageId: 'resourceNotOffered', line: 18, message: 'the pod requests 1 nvidia.com/gpu, but no node pool it can run on has nvidia.com/gpu (general)' }],
    },
    {
      name: 'pools: memory larger than any runnable pool (sum over containers)',
      yaml: deployment('', requests({ memory: '60Gi' })).replace(/$/, `        - name: sidecar
          image: envoyproxy/envoy:v1.31.0
          resources: { requests: { memory: 36Gi } }
`),
      settings: pools,
      errors: [{
        messageId: 'requestTooLarge', line: 18, path: 'spec.template.spec.containers[0].resources.requests.memory',
        message: 'the pod requests 96Gi memory, but the largest node pool it can run on (general) has 58Gi allocatable',
      }],
    },
    {
      name: 'pools: GPU count larger than the pool',
      yaml: deployment(`      nodeSelector: { accelerator: nvidia-a100 }\n${gpuToleration}`, requests({ 'nvidia.com/gpu': '8' })),
      settings: pools,
      errors: [{ messageId: 'requestTooLarge', line: 23, message: /requests 8 nvidia.com\/gpu, but the largest node pool it can run on \(gpu-a100\) has 4/ }],
    },
    {
      name: 'pools: cpu and memory each fit some pool, but not the same one',
      yaml: deployment('', requests({ cpu: '30', memory: '100Gi' })),
      settings: {
        nodePools: [
          { name: 'many-cores', labels: {}, taints: [], allocatable: { cpu: '32', memory: '16Gi' } },
          { name: 'big-memory', labels: {}, taints: [], allocatable: { cpu: '4', memory: '512Gi' } },
        ],
      },
      errors: [{
        messageId: 'requestsDoNotFitTogether', line: 18,
        message: 'no single node pool the pod can run on fits all its requests (cpu 30, memory 100Gi; pools: many-cores, big-memory)',
      }],
    },
    {
      name: 'KServe InferenceService: finding inside the predictor',
      yaml: `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: summarizer
  namespace: ml-serving-prod
spec:
  predictor:
    nodeSelector:
      accelerator: nvidia-a100
    model:
      modelFormat: { name: huggingface }
      resources:
        limits: { nvidia.com/gpu: "1" }
`,
      settings: pools,
      errors: [{ messageId: 'taintNotTolerated', line: 7, path: 'spec.predictor.tolerations' }],
    },
    {
      name: 'KServe InferenceService without pools: GPU without toleration',
      yaml: `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: summarizer
  namespace: ml-serving-prod
spec:
  predictor:
    model:
      modelFormat: { name: huggingface }
      resources:
        limits: { nvidia.com/gpu: "1" }
`,
      errors: [{ messageId: 'gpuWithoutToleration', line: 11, path: 'spec.predictor.model.resources.limits["nvidia.com/gpu"]', message: /^container "kserve-container"/ }],
    },
  ],
});
