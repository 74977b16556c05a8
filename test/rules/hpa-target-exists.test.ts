import rule from '../../src/rules/hpa-target-exists.js';
import { ruleTester } from '../rule-tester.js';

const workload = (kind: string, name: string, namespace = 'ml-serving-prod') => `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
        - name: server
          image: model-server:1.0.0
`;

/** scaleTargetRef.kind is on line 9, .name on line 10. */
const hpa = (kind: string, name: string, { apiVersion = 'autoscaling/v2', namespace = 'ml-serving-prod' } = {}) => `apiVersion: ${apiVersion}
kind: HorizontalPodAutoscaler
metadata:
  name: scorer
  namespace: ${namespace}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: ${kind}
    name: ${name}
  minReplicas: 2
  maxReplicas: 10
`;

/** The same text without its `namespace:` line (a samples monorepo): the HPA's kind moves to line 8, name to 9. */
const bare = (yaml: string) => yaml.replace(/^  namespace: .*\n/m, '');

ruleTester(rule, {
  valid: [
    { name: 'same file', yaml: `${workload('Deployment', 'fraud-scorer')}---\n${hpa('Deployment', 'fraud-scorer')}` },
    {
      name: 'target in another directory',
      files: { 'apps/fraud/deployment.yaml': workload('Deployment', 'fraud-scorer'), 'autoscaling/fraud-hpa.yaml': hpa('Deployment', 'fraud-scorer') },
    },
    { name: 'StatefulSet target', yaml: `${workload('StatefulSet', 'feature-cache')}---\n${hpa('StatefulSet', 'feature-cache')}` },
    { name: 'autoscaling/v1', yaml: `${workload('Deployment', 'fraud-scorer')}---\n${hpa('Deployment', 'fraud-scorer', { apiVersion: 'autoscaling/v1' })}` },
    {
      name: 'custom scalable resource present in the tree',
      yaml: `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: { name: fraud-scorer, namespace: ml-serving-prod }
spec: { replicas: 2 }
---
${hpa('Rollout', 'fraud-scorer')}`,
    },
    { name: 'no namespace on either means default', yaml: `${workload('Deployment', 'a').replace('  namespace: ml-serving-prod\n', '')}---\n${hpa('Deployment', 'a').replace('  namespace: ml-serving-prod\n', '')}` },
  ],
  invalid: [
    {
      name: 'no namespace: a StatefulSet of that name in another sample folder is no evidence of a wrong kind, nor a hint',
      files: { 'samples/a/hpa.yaml': bare(hpa('Deployment', 'web')), 'samples/b/web.yaml': bare(workload('StatefulSet', 'web')), 'samples/c/webb.yaml': bare(workload('Deployment', 'webb')) },
      errors: [{ messageId: 'missing', severity: 'warning', file: 'samples/a/hpa.yaml', line: 9 }],
    },
    {
      name: 'no namespace: another file of the same folder suggests the wrong kind (a warning: a folder of samples is applied file by file)',
      files: { 'samples/a/hpa.yaml': bare(hpa('Deployment', 'web')), 'samples/a/web.yaml': bare(workload('StatefulSet', 'web')) },
      errors: [{ messageId: 'wrongKind', severity: 'warning', file: 'samples/a/hpa.yaml', line: 8 }],
    },
    {
      name: 'no namespace: the same file gives the wrong kind (error)',
      files: { 'samples/a/web.yaml': `${bare(workload('StatefulSet', 'web'))}---\n${bare(hpa('Deployment', 'web'))}` },
      errors: [{ messageId: 'wrongKind', severity: 'error', file: 'samples/a/web.yaml', line: 23 }],
    },
    {
      name: 'no namespace: a near name in another file of the same folder is a hint, as a warning',
      files: { 'samples/a/hpa.yaml': bare(hpa('Deployment', 'web')), 'samples/a/webb.yaml': bare(workload('Deployment', 'webb')) },
      errors: [{ messageId: 'typo', severity: 'warning', file: 'samples/a/hpa.yaml', line: 9, message: /"webb"/ }],
    },
    {
      name: 'no namespace: a near name in the same file is a typo (error)',
      files: { 'samples/a/web.yaml': `${bare(workload('Deployment', 'webb'))}---\n${bare(hpa('Deployment', 'web'))}` },
      errors: [{ messageId: 'typo', severity: 'error', file: 'samples/a/web.yaml', line: 24, message: /did you mean "webb"/ }],
    },
    {
      name: 'no such Deployment',
      yaml: hpa('Deployment', 'fraud-scorer'),
      errors: [{
        messageId: 'missing', line: 10, column: 11, path: 'spec.scaleTargetRef.name',
        message: 'scales Deployment "fraud-scorer", which is not among the linted objects of namespace "ml-serving-prod"; unless it is applied from elsewhere, the autoscaler scales nothing',
      }],
    },
    {
      name: 'a typo in the name, across directories',
      files: { 'apps/fraud/deployment.yaml': workload('Deployment', 'fraud-scorer'), 'autoscaling/fraud-hpa.yaml': hpa('Deployment', 'fraud-scorrer') },
      errors: [{
        messageId: 'typo', file: 'autoscaling/fraud-hpa.yaml', line: 10,
        message: 'scales Deployment "fraud-scorrer", which is not among the linted objects of namespace "ml-serving-prod"; did you mean "fraud-scorer"?',
      }],
    },
    {
      name: 'the workload is a StatefulSet',
      files: { 'a/sts.yaml': workload('StatefulSet', 'feature-cache'), 'b/hpa.yaml': hpa('Deployment', 'feature-cache') },
      errors: [{
        messageId: 'wrongKind', file: 'b/hpa.yaml', line: 9, path: 'spec.scaleTargetRef.kind',
        message: 'scales Deployment "feature-cache", but "feature-cache" in namespace "ml-serving-prod" is a StatefulSet',
      }],
    },
    {
      name: 'the Deployment is in another namespace',
      files: { 'prod/deploy.yaml': workload('Deployment', 'fraud-scorer', 'ml-serving-prod'), 'staging/hpa.yaml': hpa('Deployment', 'fraud-scorer', { namespace: 'ml-serving-staging' }) },
      errors: [{ messageId: 'missing', file: 'staging/hpa.yaml', line: 10, message: /namespace "ml-serving-staging"/ }],
    },
    {
      name: 'a DaemonSet cannot be scaled',
      yaml: `${workload('DaemonSet', 'node-exporter')}---\n${hpa('DaemonSet', 'node-exporter')}`,
      errors: [{ messageId: 'notScalable', line: 25, path: 'spec.scaleTargetRef.kind' }],
    },
    {
      name: 'scaleTargetRef without a name',
      yaml: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: scorer, namespace: ml }
spec:
  scaleTargetRef: { kind: Deployment }
  maxReplicas: 3
`,
      errors: [{ messageId: 'noTarget', line: 5, path: 'spec.scaleTargetRef.name' }],
    },
    {
      name: 'malformed: scaleTargetRef is a string',
      yaml: 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: { name: s, namespace: ml }\nspec:\n  scaleTargetRef: fraud-scorer\n  maxReplicas: 3\n',
      errors: [{ messageId: 'noTarget', line: 5, path: 'spec.scaleTargetRef.kind' }],
    },
    {
      name: 'no scaleTargetRef at all',
      yaml: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: scorer, namespace: ml }
spec:
  maxReplicas: 3
`,
      errors: [{ messageId: 'noTarget', line: 4, path: 'spec.scaleTargetRef.kind' }],
    },
    {
      name: 'autoscaling/v1 with a name of another kind only',
      yaml: `apiVersion: v1
kind: ConfigMap
metadata: { name: fraud-scorer, namespace: ml-serving-prod }
---
${hpa('Deployment', 'fraud-scorer', { apiVersion: 'autoscaling/v1' })}`,
      errors: [{ messageId: 'missing', line: 14 }],
    },
  ],
});
