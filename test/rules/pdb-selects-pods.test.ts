import rule from '../../src/rules/pdb-selects-pods.js';
import { ruleTester } from '../rule-tester.js';

const deployment = (namespace: string, labels: string, kind = 'Deployment') => `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: fraud-scorer
  namespace: ${namespace}
spec:
  replicas: 3
  selector:
    matchLabels: ${labels}
  template:
    metadata:
      labels: ${labels}
    spec:
      containers:
        - name: scorer
          image: fraud-scorer:3.0.1
`;

const pdb = (namespace: string, selector: string, apiVersion = 'policy/v1') => `apiVersion: ${apiVersion}
kind: PodDisruptionBudget
metadata:
  name: fraud-scorer
  namespace: ${namespace}
spec:
  maxUnavailable: 1
${selector}`;

const byApp = (app: string) => `  selector:
    matchLabels:
      app: ${app}
`;

ruleTester(rule, {
  valid: [
    {
      name: 'a namespace where the tree runs no workload at all is managed elsewhere',
      files: { 'a/deploy.yaml': deployment('ml', '{ app: a }'), 'b/pdb.yaml': pdb('ml-other', '  selector: {}\n') },
    },
    {
      name: 'pods an operator makes from a custom resource whose nested template carries the selected label',
      yaml: `apiVersion: orchestration.aibrix.ai/v1alpha1
kind: StormService
metadata: { name: llama, namespace: llm }
spec:
  template:
    spec:
      roles:
        - name: prefill
          template:
            metadata: { labels: { app: llama-prefill } }
            spec: { containers: [{ name: vllm, image: "vllm:0.8" }] }
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: llama, namespace: llm }
spec:
  maxUnavailable: 1
  selector: { matchLabels: { app: llama-prefill } }
`,
    },
    { name: 'same file', yaml: `${deployment('ml', '{ app: fraud-scorer }')}---\n${pdb('ml', byApp('fraud-scorer'))}` },
    {
      name: 'Deployment and PDB in different directories',
      files: { 'apps/fraud/deployment.yaml': deployment('ml', '{ app: fraud-scorer, tier: scoring }'), 'platform/pdbs/fraud.yaml': pdb('ml', byApp('fraud-scorer')) },
    },
    {
      name: 'matchExpressions',
      yaml: `${deployment('ml', '{ app: fraud-scorer, tier: scoring }')}---\n${pdb('ml', `  selector:
    matchExpressions:
      - { key: tier, operator: In, values: [scoring, ranking] }
      - { key: canary, operator: DoesNotExist }
`)}`,
    },
    { name: 'policy/v1 empty selector selects every pod in the namespace', yaml: `${deployment('ml', '{ app: a }')}---\n${pdb('ml', '  selector: {}\n')}` },
    { name: 'StatefulSet pods', yaml: `${deployment('ml', '{ app: fraud-scorer }', 'StatefulSet')}---\n${pdb('ml', byApp('fraud-scorer'))}` },
    {
      name: 'KServe InferenceService predictor pods',
      files: {
        'serving/isvc.yaml': `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: { name: sentiment, namespace: ml }
spec:
  predictor:
    minReplicas: 2
    model: { modelFormat: { name: sklearn }, storageUri: "s3://models/sentiment/3" }
`,
        'serving/pdb.yaml': pdb('ml', `  selector:
    matchLabels: { serving.kserve.io/inferenceservice: sentiment }
`),
      },
    },
    { name: 'no namespace on either means default', yaml: `${deployment('default', '{ app: a }').replace('  namespace: default\n', '')}---\n${pdb('default', byApp('a')).replace('  namespace: default\n', '')}` },
    { name: 'a number written for a label value', yaml: `${deployment('ml', '{ app: a, version: "3" }')}---\n${pdb('ml', '  selector:\n    matchLabels: { version: 3 }\n')}` },
    {
      name: 'one StatefulSet pod pinned by its run-time pod-name label',
      yaml: `${deployment('ml', '{ app: cache }', 'StatefulSet')}---\n${pdb('ml', '  selector:\n    matchLabels: { statefulset.kubernetes.io/pod-name: fraud-scorer-0 }\n')}`,
    },
    {
      name: 'run-time labels are left out of the match',
      yaml: `${deployment('ml', '{ app: cache }', 'StatefulSet')}---\n${pdb('ml', '  selector:\n    matchLabels: { app: cache, statefulset.kubernetes.io/pod-name: fraud-scorer-0 }\n')}`,
    },
    { name: 'other kinds are not checked', yaml: 'apiVersion: v1\nkind: Service\nmetadata: { name: s, namespace: ml }\nspec:\n  selector: { app: nothing }\n' },
  ],
  invalid: [
    {
      name: 'a typo in a label value names the near miss',
      yaml: `${deployment('ml', '{ app: fraud-scorer }')}---\n${pdb('ml', byApp('fraud-scorrer'))}`,
      errors: [{
        messageId: 'valueDiffers', severity: 'warning', line: 27, column: 12, path: 'spec.selector.matchLabels.app',
        message: 'selector app=fraud-scorrer matches no workload in namespace "ml"; closest: Deployment "fraud-scorer" has pods labelled app=fraud-scorer',
      }],
    },
    {
      name: 'the same labels in another namespace, across directories',
      files: { 'apps/fraud/deployment.yaml': deployment('ml-serving-prod', '{ app: fraud-scorer }'), 'platform/pdbs/fraud.yaml': pdb('ml-serving', byApp('fraud-scorer')) },
      errors: [{ messageId: 'otherNamespace', severity: 'warning', file: 'platform/pdbs/fraud.yaml', line: 5, path: 'metadata.namespace',
        message: 'selector app=fraud-scorer matches no workload in namespace "ml-serving", only Deployment "fraud-scorer" in namespace "ml-serving-prod"; a PodDisruptionBudget protects pods of its own namespace' }],
    },
    {
      name: 'a budget that names no namespace, pods only in a named one: it depends on where it is applied (warning)',
      files: { 'apps/fraud/deployment.yaml': deployment('ml-serving-prod', '{ app: fraud-scorer }'), 'apps/fraud/pdb.yaml': pdb('ml-serving', byApp('fraud-scorer')).replace('  namespace: ml-serving\n', '') },
      errors: [{ messageId: 'otherNamespaceUnset', severity: 'warning', file: 'apps/fraud/pdb.yaml', line: 4, path: 'metadata.name',
        message: 'selector app=fraud-scorer matches only Deployment "fraud-scorer", in namespace "ml-serving-prod"; the budget names no namespace, so unless it is applied to "ml-serving-prod" it protects nothing' }],
    },
    {
      name: 'no selector points at spec',
      yaml: `${deployment('ml', '{ app: a }')}---\n${pdb('ml', '')}`,
      errors: [{ messageId: 'noSelector', severity: 'warning', line: 23, path: 'spec.selector' }],
    },
    {
      name: 'policy/v1beta1 empty selector selects nothing',
      yaml: `${deployment('ml', '{ app: a }')}---\n${pdb('ml', '  selector: {}\n', 'policy/v1beta1')}`,
      errors: [{ messageId: 'emptySelectorBeta', line: 25, path: 'spec.selector' }],
    },
    {
      name: 'matchExpressions excluding the only workload',
      yaml: `${deployment('ml', '{ app: a, track: canary }')}---\n${pdb('ml', `  selector:
    matchExpressions:
      - { key: track, operator: NotIn, values: [canary] }
`)}`,
      errors: [{ messageId: 'noMatch', line: 25, message: /^selector track NotIn \(canary\) matches the pod labels of no linted workload/ }],
    },
    {
      name: 'labels of the Deployment itself are not pod labels',
      yaml: `${deployment('ml', '{ app: fraud-scorer }').replace('  namespace: ml\n', '  namespace: ml\n  labels: { team: fraud }\n')}---\n${pdb('ml', `  selector:
    matchLabels: { team: fraud }
`)}`,
      errors: [{ messageId: 'noMatch', line: 26 }],
    },
    {
      name: 'a selector matching nothing in a namespace that runs other workloads',
      files: { 'a/deploy.yaml': deployment('ml', '{ app: a }'), 'b/pdb.yaml': pdb('ml', '  selector: { matchLabels: { tier: batch } }\n') },
      errors: [{ messageId: 'noMatch', file: 'b/pdb.yaml', line: 8, message: 'selector tier=batch matches the pod labels of no linted workload in namespace "ml"; unless its pods come from elsewhere (an operator, another repository), the budget protects nothing' }],
    },
    {
      name: 'malformed: a selector that is a list',
      yaml: `${deployment('ml', '{ app: a }')}---\n${pdb('ml', '  selector: [app]\n')}`,
      errors: [{ messageId: 'noSelector', line: 25 }],
    },
    {
      name: 'run-time labels do not hide a typo in the others',
      yaml: `${deployment('ml', '{ app: cache }', 'StatefulSet')}---\n${pdb('ml', '  selector:\n    matchLabels: { app: cahce, statefulset.kubernetes.io/pod-name: fraud-scorer-0 }\n')}`,
      errors: [{ messageId: 'valueDiffers', line: 26, message: /closest: StatefulSet "fraud-scorer" has pods labelled app=cache$/ }],
    },
    {
      name: 'a label the pods lack',
      files: { 'apps/deploy.yaml': deployment('ml', '{ app: fraud-scorer }'), 'platform/pdb.yaml': pdb('ml', '  selector:\n    matchLabels:\n      app: fraud-scorer\n      tier: scoring\n') },
      errors: [{
        messageId: 'labelMissing', file: 'platform/pdb.yaml', line: 11, path: 'spec.selector.matchLabels.tier',
        message: 'selector app=fraud-scorer, tier=scoring matches no workload in namespace "ml"; closest: Deployment "fraud-scorer", whose pods lack the label tier=scoring',
      }],
    },
    {
      name: 'two PDBs, one matching',
      yaml: `${deployment('ml', '{ app: fraud-scorer }')}---\n${pdb('ml', byApp('fraud-scorer'))}---\n${pdb('ml', byApp('llm-summarizer'))}`,
      errors: [{ messageId: 'noMatch', line: 36 }],
    },
  ],
});
