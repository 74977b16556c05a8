import rule from '../../src/rules/hpa-min-replicas.js';
import { ruleTester } from '../rule-tester.js';

const deployment = (name: string, replicas: number, labels = `{ app: ${name} }`) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ml-serving-prod
spec:
  replicas: ${replicas}
  selector:
    matchLabels: ${labels}
  template:
    metadata:
      labels: ${labels}
    spec:
      containers:
        - name: server
          image: model-server:1.0.0
`;

/** `minReplicas` is on line 8 when given (line 6, `spec:`, otherwise). */
const hpa = (minReplicas: string, target = 'scorer') => `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${target}
  namespace: ml-serving-prod
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: ${target} }
${minReplicas}  maxReplicas: 10
`;

const pdb = (budget: string, app = 'scorer') => `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: ${app}, namespace: ml-serving-prod }
spec:
  ${budget}
  selector: { matchLabels: { app: ${app} } }
`;

const isvc = (namespace: string, minReplicas: number) => `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: sentiment
  namespace: ${namespace}
spec:
  predictor:
    minReplicas: ${minReplicas}
    model:
      modelFormat: { name: sklearn }
      storageUri: s3://models/sentiment/3
`;

/** Deployment, PDB and HPA in three directories, as a GitOps tree keeps them. */
const tree = (minReplicas: string, budget: string) => ({
  'apps/scorer/deployment.yaml': deployment('scorer', 3),
  'platform/pdbs/scorer.yaml': pdb(budget),
  'autoscaling/scorer-hpa.yaml': hpa(minReplicas),
});

ruleTester(rule, {
  valid: [
    { name: 'minReplicas 2, no PDB', yaml: hpa('  minReplicas: 2\n') },
    { name: 'minReplicas one above the PDB minAvailable, across directories', files: tree('  minReplicas: 3\n', 'minAvailable: 2') },
    { name: 'PDB with maxUnavailable', files: tree('  minReplicas: 2\n', 'maxUnavailable: 1') },
    { name: 'PDB minAvailable 50% of 2 rounds up to 1', files: tree('  minReplicas: 2\n', 'minAvailable: "50%"') },
    { name: 'minAvailable 100% is pdb-allows-disruption\'s finding', files: tree('  minReplicas: 3\n', 'minAvailable: "100%"') },
    { name: 'minReplicas 1 is the default minimum', yaml: hpa('  minReplicas: 1\n') },
    { name: 'option: implicit minReplicas allowed', yaml: hpa(''), options: { requireExplicitMinReplicas: false } },
    { name: 'malformed: minReplicas as a string is schema-valid\'s finding', yaml: hpa('  minReplicas: "2"\n') },
    { name: 'malformed: InferenceService without a predictor', yaml: 'apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata: { name: s, namespace: ml-serving-prod }\nspec: { predictor: null }\n' },
    { name: 'target not in the tree', yaml: hpa('  minReplicas: 2\n', 'elsewhere') },
    { name: 'InferenceService scaling to zero in staging', yaml: isvc('ml-serving-staging', 0) },
    { name: 'InferenceService with one replica in production', yaml: isvc('ml-serving-prod', 1) },
    {
      name: 'InferenceService scaling to zero in a namespace mapped to a development stage',
      yaml: isvc('ml-dev', 0),
      settings: { stageByNamespace: { 'ml-dev': 'development', '*': 'production' } },
    },
  ],
  invalid: [
    {
      name: 'minReplicas missing',
      yaml: hpa(''),
      errors: [{
        messageId: 'missing', line: 6, path: 'spec.minReplicas',
        message: 'minReplicas is not set, so the HPA scales Deployment "scorer" down to 1 replica; write the floor explicitly',
      }],
    },
    {
      name: 'minReplicas 0',
      files: { 'a/deploy.yaml': deployment('scorer', 3), 'b/hpa.yaml': hpa('  minReplicas: 0\n') },
      errors: [{ messageId: 'zero', file: 'b/hpa.yaml', line: 8, column: 16, severity: 'warning', message: /^minReplicas 0 is rejected by the API server unless the alpha HPAScaleToZero feature gate is on; where it is on, the HPA may scale Deployment "scorer" to zero/ }],
    },
    {
      name: 'minReplicas equal to the PDB minAvailable, across directories',
      files: tree('  minReplicas: 2\n', 'minAvailable: 2'),
      errors: [{
        messageId: 'belowPdb', severity: 'warning', file: 'autoscaling/scorer-hpa.yaml', line: 8, path: 'spec.minReplicas',
        message: 'minReplicas 2 lets the HPA scale Deployment "scorer" down to where PodDisruptionBudget "scorer" (minAvailable 2) allows no eviction, blocking node drains; set minReplicas to at least 3',
      }],
    },
    {
      name: 'minReplicas unset and a PDB with minAvailable 1',
      files: tree('', 'minAvailable: 1'),
      errors: [{ messageId: 'belowPdb', file: 'autoscaling/scorer-hpa.yaml', line: 6, message: /^minReplicas unset \(1\) .* at least 2$/ }],
    },
    {
      name: 'percentage minAvailable rounds up',
      files: tree('  minReplicas: 2\n', 'minAvailable: "60%"'),
      errors: [{ messageId: 'belowPdb', file: 'autoscaling/scorer-hpa.yaml', line: 8, message: /\(minAvailable "60%"\) .* at least 3$/ }],
    },
    {
      name: 'a PDB over two workloads counts the other one too',
      files: {
        'apps/stable.yaml': deployment('scorer', 3, '{ app: scorer, track: stable }'),
        'apps/canary.yaml': deployment('scorer-canary', 1, '{ app: scorer, track: canary }'),
        'platform/pdb.yaml': pdb('minAvailable: 2'),
        'autoscaling/hpa.yaml': hpa('  minReplicas: 1\n'),
      },
      errors: [{ messageId: 'belowPdb', file: 'autoscaling/hpa.yaml', line: 8, message: /at least 2$/ }],
    },
    {
      name: 'option: minReplicas 2',
      yaml: hpa('  minReplicas: 1\n'),
      options: { minReplicas: 2 },
      errors: [{ messageId: 'belowMinimum', line: 8, message: 'minReplicas 1 is below the required minimum of 2' }],
    },
    {
      name: 'InferenceService scaling to zero in a namespace only guessed to be production: advice (info)',
      yaml: isvc('ml-serving-prod', 0),
      errors: [{
        messageId: 'kserveScaleToZero', line: 8, column: 18, path: 'spec.predictor.minReplicas', severity: 'info',
        message: 'predictor minReplicas 0 in namespace "ml-serving-prod" (stage production) lets KServe scale the model to zero; the first request after a quiet period waits for a cold start and the model load',
      }],
    },
    {
      name: 'InferenceService in a namespace that the config maps to production',
      yaml: isvc('ml-serving-staging-eu', 0),
      settings: { stageByNamespace: { 'ml-serving-staging-eu': 'production' } },
      errors: [{ messageId: 'kserveScaleToZero', line: 8, severity: 'warning' }],
    },
    {
      name: 'a catch-all stage pattern configures every namespace: a warning',
      yaml: isvc('ml-serving-prod', 0),
      settings: { stageByNamespace: { 'ml-serving-staging*': 'staging', '*': 'production' } },
      errors: [{ messageId: 'kserveScaleToZero', line: 8, severity: 'warning' }],
    },
    {
      name: 'option: no scale to zero in staging either',
      yaml: isvc('ml-serving-staging', 0),
      options: { noScaleToZeroStages: ['production', 'staging'] },
      errors: [{ messageId: 'kserveScaleToZero', line: 8, message: /\(stage staging\)/ }],
    },
  ],
});

/** KEDA ScaledObjects and Knative Services scaling a model server to zero. */
const gpuServer = (name: string, namespace = 'ml') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
        - name: srv
          image: example.org/srv:1.0.0
          resources: {limits: {nvidia.com/gpu: "1"}}
---
`;
const scaledObject = (spec: string, namespace = 'ml', target = 'gpu-srv') => `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: so, namespace: ${namespace}}
spec:
  scaleTargetRef: {name: ${target}}
${spec}  triggers: [{type: prometheus, metadata: {serverAddress: "http://prom:9090", query: q, threshold: "5"}}]
`;
const knative = (annotations: string) => `apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: kn-llm, namespace: ml}
spec:
  template:
    metadata:
${annotations}      labels: {app: kn-llm}
    spec:
      containers:
        - image: vllm/vllm-openai:v0.10.0
          args: ["--model", "m/M-7B"]
`;

ruleTester(rule, {
  valid: [
    { name: 'KEDA minReplicaCount 1 on a model server', yaml: gpuServer('gpu-srv') + scaledObject('  minReplicaCount: 1\n') },
    { name: 'KEDA to zero for a worker that serves no model', yaml: gpuServer('gpu-srv').replace('nvidia.com/gpu: "1"', 'memory: 1Gi') + scaledObject('  minReplicaCount: 0\n') },
    { name: 'KEDA to zero in a staging namespace', yaml: gpuServer('gpu-srv', 'ml-staging') + scaledObject('  minReplicaCount: 0\n', 'ml-staging') },
    { name: 'KEDA target not in the tree', yaml: scaledObject('  minReplicaCount: 0\n', 'ml', 'elsewhere') },
    { name: 'Knative min-scale 1', yaml: knative('      annotations: {autoscaling.knative.dev/min-scale: "1"}\n') },
    { name: 'Knative legacy minScale 2', yaml: knative('      annotations: {autoscaling.knative.dev/minScale: "2"}\n') },
  ],
  invalid: [
    {
      name: 'KEDA minReplicaCount 0',
      yaml: gpuServer('gpu-srv') + scaledObject('  minReplicaCount: 0\n'),
      errors: [{ messageId: 'kedaScaleToZero', line: 19, severity: 'info', message: /minReplicaCount 0 lets KEDA scale Deployment "gpu-srv" to zero/ }],
    },
    {
      name: 'KEDA minReplicaCount 0 in a namespace configured as production: a warning',
      yaml: gpuServer('gpu-srv') + scaledObject('  minReplicaCount: 0\n'),
      settings: { stageByNamespace: { 'ml*': 'production' } },
      errors: [{ messageId: 'kedaScaleToZero', line: 19, severity: 'warning' }],
    },
    {
      name: 'KEDA minReplicaCount unset (default 0): at spec',
      yaml: gpuServer('gpu-srv') + scaledObject(''),
      errors: [{ messageId: 'kedaScaleToZero', line: 17, message: /unset \(KEDA default 0\)/ }],
    },
    {
      name: 'KEDA idleReplicaCount 0',
      yaml: gpuServer('gpu-srv') + scaledObject('  minReplicaCount: 1\n  idleReplicaCount: 0\n'),
      errors: [{ messageId: 'kedaScaleToZero', line: 20, message: /idleReplicaCount 0/ }],
    },
    {
      name: 'Knative without min-scale',
      yaml: knative(''),
      errors: [{ messageId: 'knativeScaleToZero', line: 6, severity: 'info' }],
    },
    {
      name: 'Knative min-scale "0"',
      yaml: knative('      annotations: {autoscaling.knative.dev/min-scale: "0"}\n'),
      errors: [{ messageId: 'knativeScaleToZero', line: 7 }],
    },
  ],
});
