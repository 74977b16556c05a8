import rule from '../../src/rules/memory-limit-fits-model.js';
import type { ModelRegistry } from '../../src/engine/settings.js';
import { ruleTester } from '../rule-tester.js';

const registry: ModelRegistry = {
  file: 'model-registry.yaml',
  models: {
    'fraud-detector': {
      stages: { production: '3', staging: '4' },
      versions: { '3': { footprint: '1536Mi', loadSeconds: 45 }, '4': { footprint: '2Gi' } },
    },
  },
};

/** A Deployment serving fraud-detector (annotations on line 12); container at line 15, `resources` from line 17. */
const deployment = (annotations: string, resources: string, namespace = 'ml-serving-prod') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: scorer
  namespace: ${namespace}
spec:
  selector:
    matchLabels: { app: scorer }
  template:
    metadata:
      labels: { app: scorer }
      annotations: { mllint.io/model: fraud-detector${annotations} }
    spec:
      containers:
        - name: scorer
          image: registry.example.com/ml/fraud-scorer:3.0.1
${resources}`;

const resources = (request: string, limit: string) => `          resources:
            requests:
              cpu: "1"
${request ? `              memory: ${request}\n` : ''}            limits:
${limit ? `              memory: ${limit}\n` : '              cpu: "4"\n'}`;

const FOOTPRINT = ', mllint.io/model-footprint: 1536Mi';

ruleTester(rule, {
  valid: [
    { name: 'request ≥ footprint, limit ≥ footprint × 1.25', yaml: deployment(FOOTPRINT, resources('1536Mi', '1920Mi')) },
    { name: 'footprint unknown: only presence is checked', yaml: deployment('', resources('256Mi', '256Mi')) },
    { name: 'exact quantities across units (1.5Gi, 2013265920 bytes)', yaml: deployment(FOOTPRINT, resources('1.5Gi', '2013265920')) },
    { name: 'decimal units: 1.7G ≥ 1536Mi, 2.1e9 ≥ 1920Mi', yaml: deployment(FOOTPRINT, resources('1.7G', '2.1e9')) },
    { name: 'headroom 0', yaml: deployment(FOOTPRINT, resources('1536Mi', '1536Mi')), options: { headroom: 0 } },
    {
      name: 'limit only: Kubernetes copies it into the request',
      yaml: deployment(FOOTPRINT, `          resources:\n            limits: { memory: 2Gi }\n`),
    },
    { name: 'registry footprint (production version 3) fits', yaml: deployment('', resources('2Gi', '2Gi')), settings: { registry } },
    {
      name: 'LimitRange defaults fill in missing memory',
      yaml: `${deployment('', `          resources:\n            requests: { cpu: "1" }\n`)}---
apiVersion: v1
kind: LimitRange
metadata: { name: defaults, namespace: ml-serving-prod }
spec:
  limits:
    - type: Container
      default: { memory: 1Gi }
      defaultRequest: { memory: 512Mi }
`,
    },
    {
      name: 'a LimitRange in another file of the tree counts',
      files: {
        'apps/scorer.yaml': deployment('', `          resources:\n            requests: { cpu: "1", memory: 1Gi }\n`),
        'namespaces/limits.yaml': 'apiVersion: v1\nkind: LimitRange\nmetadata: { name: defaults, namespace: ml-serving-prod }\nspec:\n  limits:\n    - { type: Container, default: { memory: 2Gi } }\n',
      },
    },
    {
      name: 'init containers are not checked; the sidecar is not the model server',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml-serving-prod }
spec:
  template:
    metadata:
      annotations: { mllint.io/model-footprint: 8Gi }
    spec:
      initContainers:
        - name: fetch
          image: fetcher:1.0.0
      containers:
        - name: exporter
          image: exporter:0.9.1
          resources: { requests: { memory: 64Mi }, limits: { memory: 64Mi } }
        - name: scorer
          image: fraud-scorer:3.0.1
          env: [{ name: MODEL_NAME, value: fraud-detector }]
          resources: { requests: { memory: 8Gi }, limits: { memory: 10Gi } }
`,
    },
    { name: 'not a workload', yaml: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { memory: 1Gi }\n' },
    { name: 'invalid quantities are left to schema validation', yaml: deployment(FOOTPRINT, resources('lots', '2GB')) },
  ],
  invalid: [
    {
      name: 'KServe fills in predictor memory (2Gi): no missing finding, but a footprint above it is reported against the default',
      yaml: `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: llm
  namespace: ml-serving-prod
  annotations: { mllint.io/model: llm-summarizer, mllint.io/model-footprint: 3Gi }
spec:
  predictor:
    sklearn:
      storageUri: gs://models/llm/3
---
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: { name: small, namespace: ml-serving-prod }
spec:
  predictor:
    model:
      modelFormat: { name: sklearn }
      storageUri: gs://models/small/1
`,
      errors: [
        { messageId: 'limitBelowFootprint', line: 9, message: /limit of 2Gi \(KServe default\)/, severity: 'warning' },
        { messageId: 'requestBelowFootprint', line: 9, message: /requests 2Gi \(KServe default\) of memory/, severity: 'warning' },
      ],
    },
    {
      name: 'a memory request and limit of "0" reserve and limit nothing: not set',
      yaml: deployment('', resources('"0"', '"0"')),
      errors: [{ messageId: 'missingRequestAndLimit', line: 20, path: 'spec.template.spec.containers[0].resources.requests.memory' }],
    },
    {
      name: 'a limit of 0 is no limit, and is not copied into a missing request',
      yaml: deployment('', resources('', '0Mi')),
      errors: [{ messageId: 'missingRequestAndLimit', line: 18 }],
    },
    {
      name: 'limit below footprint plus headroom, pointing at the limit',
      yaml: deployment(FOOTPRINT, resources('1536Mi', '1600Mi')),
      errors: [{
        messageId: 'limitBelowFootprint', line: 22, column: 23, path: 'spec.template.spec.containers[0].resources.limits.memory',
        message: 'container "scorer" has a memory limit of 1600Mi, but model "fraud-detector" needs 1536Mi (annotation mllint.io/model-footprint) plus 25% headroom, 1920Mi; it is OOMKilled while loading or under load',
      }],
    },
    {
      name: 'request and limit below the footprint',
      yaml: deployment(FOOTPRINT, resources('1Gi', '1Gi')),
      errors: [
        { messageId: 'requestBelowFootprint', line: 20, path: 'spec.template.spec.containers[0].resources.requests.memory',
          message: 'container "scorer" requests 1Gi of memory, less than the 1536Mi footprint of model "fraud-detector" (annotation mllint.io/model-footprint); request at least 1536Mi' },
        { messageId: 'limitBelowFootprint', line: 22 },
      ],
    },
    {
      name: 'a too-small limit copied into the request is reported once',
      yaml: deployment(FOOTPRINT, `          resources:\n            limits: { memory: 1Gi }\n`),
      errors: [{ messageId: 'limitBelowFootprint', line: 18, message: /limit of 1Gi, .* 1920Mi/ }],
    },
    {
      name: 'missing limit: points at `limits:`, the deepest existing ancestor',
      yaml: deployment('', resources('1Gi', '')),
      errors: [{ messageId: 'missingLimit', line: 21, column: 13, path: 'spec.template.spec.containers[0].resources.limits.memory' }],
    },
    {
      name: 'a debug pod that only sleeps, with no memory settings: advice (info); a working container beside it: a warning',
      yaml: `apiVersion: v1
kind: Pod
metadata: { name: toolbox, namespace: ml }
spec:
  containers:
    - name: shell
      image: registry.example.com/ops/toolbox:1.3.0
      command: [sleep, infinity]
    - name: worker
      image: registry.example.com/ops/worker:2.0.0
`,
      errors: [
        { messageId: 'missingRequestAndLimit', line: 6, severity: 'info', message: /^container "shell"/ },
        { messageId: 'missingRequestAndLimit', line: 9, severity: 'warning', message: /^container "worker"/ },
      ],
    },
    {
      name: 'no resources at all: points at the container',
      yaml: deployment(FOOTPRINT, ''),
      errors: [{
        messageId: 'missingRequestAndLimit', line: 15, path: 'spec.template.spec.containers[0].resources.requests.memory',
        message: 'container "scorer" sets no memory request and no memory limit: it may be scheduled on a node without room for model "fraud-detector", is evicted first under memory pressure, and can exhaust the node',
      }],
    },
    {
      name: 'registry footprint of the staging version; headroom option',
      yaml: deployment('', resources('2Gi', '2Gi'), 'ml-serving-staging'),
      settings: { registry },
      options: { headroom: 0.5 },
      errors: [{ messageId: 'limitBelowFootprint', line: 22, message: /needs 2Gi \(registry, version 4\) plus 50% headroom, 3Gi/ }],
    },
    {
      name: 'config footprint; LimitRange default limit too small',
      yaml: `${deployment('', `          resources:\n            requests: { memory: 2Gi }\n`)}---
apiVersion: v1
kind: LimitRange
metadata: { name: defaults, namespace: ml-serving-prod }
spec:
  limits:
    - type: Container
      default: { memory: 1Gi }
`,
      settings: { models: { 'fraud-detector': { footprint: '1536Mi' } } },
      errors: [{ messageId: 'limitBelowFootprint', line: 17, message: /limit of 1Gi \(default of LimitRange "defaults"\).*config models\.fraud-detector\.footprint/ }],
    },
    {
      name: 'LimitRange with only a defaultRequest: the limit is still missing',
      yaml: `${deployment('', `          resources:\n            requests: { cpu: "1" }\n`)}---
apiVersion: v1
kind: LimitRange
metadata: { name: requests-only, namespace: ml-serving-prod }
spec:
  limits:
    - type: Container
      defaultRequest: { memory: 512Mi }
`,
      errors: [{ messageId: 'missingLimit', line: 17, path: 'spec.template.spec.containers[0].resources.limits.memory' }],
    },
    {
      name: 'a LimitRange of another namespace does not count',
      files: {
        'apps/scorer.yaml': deployment('', `          resources:\n            requests: { cpu: "1", memory: 1Gi }\n`),
        'namespaces/limits.yaml': 'apiVersion: v1\nkind: LimitRange\nmetadata: { name: defaults, namespace: ml-training }\nspec:\n  limits:\n    - { type: Container, default: { memory: 2Gi } }\n',
      },
      errors: [{ messageId: 'missingLimit', line: 17, file: 'apps/scorer.yaml' }],
    },
    {
      name: 'malformed resources read as missing',
      yaml: deployment('', `          resources: { requests: "lots", limits: [] }\n`),
      errors: [{ messageId: 'missingRequestAndLimit', line: 17 }],
    },
    {
      name: 'footprint annotation that is not a quantity',
      yaml: deployment(', mllint.io/model-footprint: 1.5GB', resources('2Gi', '2Gi')),
      errors: [{ messageId: 'invalidFootprint', line: 12, path: 'spec.template.metadata.annotations["mllint.io/model-footprint"]' }],
    },
    {
      name: 'a Job that loads the model is OOMKilled too; a sidecar needs requests and limits',
      yaml: `apiVersion: batch/v1
kind: Job
metadata:
  name: batch-score
  namespace: ml-training
  annotations: { mllint.io/model: fraud-detector, mllint.io/model-footprint: 4Gi }
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: score
          image: batch-scorer:1.0.0
          resources: { requests: { memory: 4Gi }, limits: { memory: 4Gi } }
        - name: log-shipper
          image: fluent-bit:3.1.0
`,
      errors: [
        { messageId: 'limitBelowFootprint', line: 14, message: /5Gi/ },
        { messageId: 'missingRequestAndLimit', line: 15, message: /^container "log-shipper" .* room for it,/ },
      ],
    },
    {
      name: 'KServe InferenceService model server, finding inside the InferenceService',
      yaml: `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: llm
  namespace: ml-serving-prod
  annotations: { mllint.io/model: llm-summarizer, mllint.io/model-footprint: 40Gi }
spec:
  predictor:
    huggingface:
      args: [--model_name=llm]
      resources:
        requests: { memory: 48Gi }
        limits: { memory: 48Gi }
`,
      errors: [{ messageId: 'limitBelowFootprint', line: 13, path: 'spec.predictor.huggingface.resources.limits.memory', message: /^container "kserve-container" .* 50Gi;/ }],
    },
  ],
});
