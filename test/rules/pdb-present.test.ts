import rule from '../../src/rules/pdb-present.js';
import { ruleTester } from '../rule-tester.js';

/** `replicas` is on line 7 when given; metadata.name on line 4. */
const workload = (replicas: string, { kind = 'Deployment', namespace = 'ml-serving-prod', labels = '{ app: scorer }' } = {}) => `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: scorer
  namespace: ${namespace}
spec:
${replicas}  selector:
    matchLabels: ${labels}
  template:
    metadata:
      labels: ${labels}
    spec:
      containers:
        - name: scorer
          image: fraud-scorer:3.0.1
`;

const pdb = (namespace = 'ml-serving-prod', selector = 'matchLabels: { app: scorer }') => `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: scorer
  namespace: ${namespace}
spec:
  maxUnavailable: 1
  selector: { ${selector} }
`;

const hpa = (minReplicas: number, maxReplicas: number) => `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: scorer-hpa
  namespace: ml-serving-prod
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: scorer }
  minReplicas: ${minReplicas}
  maxReplicas: ${maxReplicas}
`;

const isvc = (minReplicas: number) => `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: { name: sentiment, namespace: ml-serving-prod }
spec:
  predictor:
    minReplicas: ${minReplicas}
    model: { modelFormat: { name: sklearn }, storageUri: "s3://models/sentiment/3" }
`;

ruleTester(rule, {
  valid: [
    { name: 'PDB in another directory', files: { 'apps/scorer/deployment.yaml': workload('  replicas: 3\n'), 'platform/pdbs/scorer.yaml': pdb() } },
    { name: 'a single replica', yaml: workload('  replicas: 1\n') },
    { name: 'replicas default to 1', yaml: workload('') },
    { name: 'HPA that never scales past 1', files: { 'a/deploy.yaml': workload('  replicas: 3\n'), 'b/hpa.yaml': hpa(1, 1) } },
    { name: 'option: minReplicas 4', yaml: workload('  replicas: 3\n'), options: { minReplicas: 4 } },
    { name: 'policy/v1 empty selector covers the namespace', yaml: `${workload('  replicas: 3\n')}---\n${pdb('ml-serving-prod', '')}` },
    { name: 'PDB with matchExpressions', yaml: `${workload('  replicas: 3\n')}---\n${pdb('ml-serving-prod', 'matchExpressions: [{ key: app, operator: In, values: [scorer] }]')}` },
    { name: 'InferenceService with one replica', yaml: isvc(1) },
    { name: 'malformed: replicas as a string reads as the default', yaml: workload('  replicas: "3"\n') },
    { name: 'malformed: no spec', yaml: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: x, namespace: ml }\nspec: null\n' },
    { name: 'DaemonSets are not checked', yaml: workload('', { kind: 'DaemonSet' }) },
    {
      name: 'InferenceService with a PDB on its pods',
      yaml: `${isvc(2)}---\n${pdb('ml-serving-prod', 'matchLabels: { serving.kserve.io/inferenceservice: sentiment }')}`,
    },
  ],
  invalid: [
    {
      name: 'three replicas of a container serving no known model, no PDB: advice (info)',
      yaml: workload('  replicas: 3\n'),
      errors: [{ messageId: 'noPdb', line: 7, severity: 'info' }],
    },
    {
      name: 'three replicas of a model server (recognised image), no PDB: a warning',
      yaml: workload('  replicas: 3\n').replace('fraud-scorer:3.0.1', 'vllm/vllm-openai:v0.10.1'),
      errors: [{
        messageId: 'noPdb', line: 7, column: 13, path: 'spec.replicas', severity: 'warning',
        message: '3 replicas and no PodDisruptionBudget selecting their pods; a node drain may evict all of them at once',
      }],
    },
    {
      name: 'the PDB is in another namespace, in another directory',
      files: { 'apps/scorer/deployment.yaml': workload('  replicas: 3\n'), 'platform/pdbs/scorer.yaml': pdb('ml-serving-staging') },
      errors: [{ messageId: 'noPdb', file: 'apps/scorer/deployment.yaml', line: 7 }],
    },
    {
      name: 'the PDB selects other pods',
      yaml: `${workload('  replicas: 2\n')}---\n${pdb('ml-serving-prod', 'matchLabels: { app: scorer-canary }')}`,
      errors: [{ messageId: 'noPdb', line: 7 }],
    },
    {
      name: 'HPA scales up to 8 replicas; no spec.replicas: points at the name',
      files: { 'apps/deploy.yaml': workload(''), 'autoscaling/hpa.yaml': hpa(1, 8) },
      errors: [{
        messageId: 'noPdbHpa', file: 'apps/deploy.yaml', line: 4, path: 'metadata.name',
        message: 'scaled by HPA "scorer-hpa" up to 8 replicas, and no PodDisruptionBudget selects their pods; a node drain may evict all of them at once',
      }],
    },
    { name: 'StatefulSet', yaml: workload('  replicas: 2\n', { kind: 'StatefulSet' }), errors: [{ messageId: 'noPdb', line: 7 }] },
    {
      name: 'InferenceService predictor minReplicas',
      yaml: isvc(2),
      errors: [{ messageId: 'noPdb', line: 6, path: 'spec.predictor.minReplicas', severity: 'warning' }],
    },
    { name: 'option: minReplicas 3', yaml: workload('  replicas: 3\n'), options: { minReplicas: 3 }, errors: [{ messageId: 'noPdb', line: 7 }] },
  ],
});
