import fc from 'fast-check';
import { describe, it } from 'vitest';
import rule from '../../src/rules/pdb-allows-disruption.js';
import pdbSelectsPods from '../../src/rules/pdb-selects-pods.js';
import pdbPresent from '../../src/rules/pdb-present.js';
import hpaTargetExists from '../../src/rules/hpa-target-exists.js';
import hpaMinReplicas from '../../src/rules/hpa-min-replicas.js';
import type { Rule } from '../../src/rules/define-rule.js';
import { ruleTester, runRule } from '../rule-tester.js';

const workload = (name: string, replicas: string, labels = `{ app: ${name} }`, kind = 'Deployment') => `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: ${name}
  namespace: ml
spec:
${replicas}  selector:
    matchLabels: ${labels}
  template:
    metadata:
      labels: ${labels}
    spec:
      containers:
        - name: server
          image: model-server:1.0.0
`;

/** A PDB whose budget line is line 7 of its document. */
const pdb = (budget: string, app = 'scorer') => `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: ${app}
  namespace: ml
spec:
  ${budget}
  selector:
    matchLabels: { app: ${app} }
`;

const hpa = (target: string, minReplicas: string) => `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${target}
  namespace: ml
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: ${target} }
${minReplicas}  maxReplicas: 10
`;

/** Deployment (16 lines with replicas) + `---` + PDB: the budget is on line 24 (23 without replicas). */
const stack = (replicas: number | null, budget: string) => `${workload('scorer', replicas === null ? '' : `  replicas: ${replicas}\n`)}---\n${pdb(budget)}`;

/** The same text without its `namespace:` line (a samples monorepo); a PDB's budget moves to line 6. */
const bare = (yaml: string) => yaml.replace(/^  namespace: .*\n/m, '');

ruleTester(rule, {
  valid: [
    {
      name: 'no namespace: a workload only in another sample folder is no evidence about the budget',
      files: { 'samples/a/scorer.yaml': bare(workload('scorer', '  replicas: 1\n')), 'samples/c/pdb.yaml': bare(pdb('minAvailable: 1')) },
    },
    { name: 'minAvailable below replicas', yaml: stack(3, 'minAvailable: 2') },
    { name: 'maxUnavailable 1', yaml: stack(1, 'maxUnavailable: 1') },
    { name: 'minAvailable 50% of 3 rounds up to 2', yaml: stack(3, 'minAvailable: "50%"') },
    { name: 'maxUnavailable 10% of 2 rounds up to 1', yaml: stack(2, 'maxUnavailable: "10%"') },
    { name: 'minAvailable 0', yaml: stack(1, 'minAvailable: 0') },
    { name: 'a Deployment scaled to zero has nothing to drain', yaml: stack(0, 'minAvailable: 1') },
    { name: 'selects nothing: left to pdb-selects-pods', yaml: `${workload('other', '  replicas: 1\n')}---\n${pdb('minAvailable: 5')}` },
    { name: 'DaemonSet pod count is not known statically', yaml: `${workload('scorer', '', '{ app: scorer }', 'DaemonSet')}---\n${pdb('minAvailable: 1')}` },
    {
      name: 'a PDB for one StatefulSet pod, by its run-time pod-name label',
      yaml: `${workload('scorer', '  replicas: 3\n', '{ app: scorer }', 'StatefulSet')}---\n${pdb('minAvailable: 1').replace('matchLabels: { app: scorer }', 'matchLabels: { app: scorer, statefulset.kubernetes.io/pod-name: scorer-0 }')}`,
    },
    { name: 'invalid value is schema-valid\'s finding', yaml: stack(1, 'minAvailable: "1"') },
    { name: 'malformed values are schema-valid\'s findings', yaml: `${stack(2, 'minAvailable: [2]')}---\n${pdb('maxUnavailable: -1')}---\n${pdb('minAvailable: "150%"')}---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: { name: x, namespace: ml }\nspec: null\n` },
    {
      name: 'replicas of several workloads are summed, across directories',
      files: {
        'apps/stable/deploy.yaml': workload('scorer-stable', '  replicas: 2\n', '{ app: scorer, track: stable }'),
        'apps/canary/deploy.yaml': workload('scorer-canary', '  replicas: 1\n', '{ app: scorer, track: canary }'),
        'platform/pdb.yaml': pdb('minAvailable: 2'),
      },
    },
    {
      name: 'an HPA floor above spec.replicas',
      files: { 'apps/deploy.yaml': stack(1, 'minAvailable: 2'), 'autoscaling/hpa.yaml': hpa('scorer', '  minReplicas: 3\n') },
    },
    {
      name: 'option: two disruptions allowed',
      yaml: stack(4, 'minAvailable: 2'),
      options: { minDisruptionsAllowed: 2 },
    },
  ],
  invalid: [
    {
      name: 'no namespace: only the workload next to the PDB counts, not a look-alike in another folder',
      files: {
        'samples/a/app.yaml': `${bare(workload('scorer', '  replicas: 3\n'))}---\n${bare(pdb('minAvailable: 3'))}`,
        'samples/b/app.yaml': bare(workload('scorer', '  replicas: 5\n')),
      },
      errors: [{ messageId: 'minAvailableBlocks', file: 'samples/a/app.yaml', line: 22, message: /needs 3 of the 3 pod\(s\) of Deployment "scorer" \(3 replicas\)/ }],
    },
    {
      name: 'minAvailable equal to replicas',
      yaml: stack(3, 'minAvailable: 3'),
      errors: [{
        messageId: 'minAvailableBlocks', line: 24, column: 17, path: 'spec.minAvailable',
        message: 'minAvailable 3 needs 3 of the 3 pod(s) of Deployment "scorer" (3 replicas) to stay available, so a node drain can evict none and blocks',
      }],
    },
    {
      name: 'maxUnavailable 0, even with no workload in the tree',
      yaml: pdb('maxUnavailable: 0'),
      errors: [{ messageId: 'maxUnavailableZero', severity: 'warning', line: 7, column: 19, path: 'spec.maxUnavailable', message: 'maxUnavailable 0 lets no pod be evicted, so every node drain blocks' }],
    },
    { name: 'maxUnavailable "0%"', yaml: stack(3, 'maxUnavailable: "0%"'), errors: [{ messageId: 'maxUnavailableZero', line: 24, message: /^maxUnavailable "0%" / }] },
    { name: 'minAvailable 100%', yaml: stack(5, 'minAvailable: 100%'), errors: [{ messageId: 'minAvailableBlocks', line: 24, message: /^minAvailable "100%" needs 5 of the 5/ }] },
    { name: 'minAvailable 60% of 2 rounds up to 2', yaml: stack(2, 'minAvailable: "60%"'), errors: [{ messageId: 'minAvailableBlocks', line: 24, message: /needs 2 of the 2 / }] },
    { name: 'default of one replica', yaml: stack(null, 'minAvailable: 1'), errors: [{ messageId: 'minAvailableBlocks', line: 23, message: /\(1 replica by default\)/ }] },
    {
      name: 'the HPA minReplicas is the floor, across directories',
      files: {
        'apps/scorer/deploy.yaml': workload('scorer', '  replicas: 5\n'),
        'platform/pdb.yaml': pdb('minAvailable: 2'),
        'autoscaling/hpa.yaml': hpa('scorer', '  minReplicas: 2\n'),
      },
      errors: [{
        messageId: 'minAvailableBlocks', file: 'platform/pdb.yaml', line: 7,
        message: 'minAvailable 2 needs 2 of the 2 pod(s) of Deployment "scorer" (2, the minReplicas of HPA "scorer") to stay available, so a node drain can evict none and blocks',
      }],
    },
    {
      name: 'an HPA without minReplicas scales down to 1',
      files: { 'apps/deploy.yaml': stack(4, 'minAvailable: 1'), 'autoscaling/hpa.yaml': hpa('scorer', '') },
      errors: [{ messageId: 'minAvailableBlocks', file: 'apps/deploy.yaml', line: 24 }],
    },
    {
      name: 'the sum over every selected workload',
      files: {
        'apps/stable/deploy.yaml': workload('scorer-stable', '  replicas: 1\n', '{ app: scorer, track: stable }'),
        'apps/canary/deploy.yaml': workload('scorer-canary', '  replicas: 1\n', '{ app: scorer, track: canary }'),
        'platform/pdb.yaml': pdb('minAvailable: 2'),
      },
      errors: [{ file: 'platform/pdb.yaml', line: 7, message: /needs 2 of the 2 pod\(s\) of Deployment "scorer-canary" \(1 replica\), Deployment "scorer-stable" \(1 replica\)/ }],
    },
    {
      name: 'KServe InferenceService predictor minReplicas',
      yaml: `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: { name: scorer, namespace: ml }
spec:
  predictor:
    minReplicas: 2
    model: { modelFormat: { name: sklearn }, storageUri: "s3://models/scorer/3" }
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: scorer, namespace: ml }
spec:
  minAvailable: 2
  selector:
    matchLabels: { serving.kserve.io/inferenceservice: scorer }
`,
      errors: [{ messageId: 'minAvailableBlocks', line: 13, message: /InferenceService "scorer" \(minReplicas 2\)/ }],
    },
    {
      name: 'option: too few disruptions with minAvailable',
      yaml: stack(3, 'minAvailable: 2'),
      options: { minDisruptionsAllowed: 2 },
      errors: [{ messageId: 'tooFewDisruptions', line: 24, message: 'minAvailable 2 lets a drain evict only 1 of the 3 pod(s) of Deployment "scorer" (3 replicas) at a time; at least 2 required' }],
    },
    {
      name: 'option: too few disruptions with maxUnavailable',
      yaml: stack(6, 'maxUnavailable: 1'),
      options: { minDisruptionsAllowed: 2 },
      errors: [{ messageId: 'tooFewDisruptions', line: 24, path: 'spec.maxUnavailable' }],
    },
  ],
});

describe('robustness of the PDB and HPA rules on malformed objects', () => {
  it('never throw on arbitrary values at any place of a PDB, an HPA, their workload or an InferenceService', () => {
    const rules = [pdbSelectsPods, rule, pdbPresent, hpaTargetExists, hpaMinReplicas] as Array<Rule<any>>;
    const stackOf = (place: readonly (string | number)[], key: string, value: unknown, which: number) => {
      const objects: Array<Record<string, any>> = [
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'scorer', namespace: 'ml' }, spec: { replicas: 3, selector: { matchLabels: { app: 'scorer' } }, template: { metadata: { labels: { app: 'scorer' } }, spec: { containers: [{ name: 'c', image: 'c:1' }] } } } },
        { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'scorer', namespace: 'ml' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'scorer' }, matchExpressions: [{ key: 'app', operator: 'In', values: ['scorer'] }] } } },
        { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'scorer', namespace: 'ml' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'scorer' }, minReplicas: 2, maxReplicas: 5 } },
        { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'scorer', namespace: 'ml', labels: { app: 'scorer' } }, spec: { predictor: { minReplicas: 0, model: { modelFormat: { name: 'sklearn' } } } } },
      ];
      let target: any = objects[which];
      for (const segment of place) target = target?.[segment];
      if (target && typeof target === 'object') target[Array.isArray(target) ? 0 : key] = value;
      return objects.map((o) => JSON.stringify(o)).join('\n---\n');
    };
    const places = [[], ['metadata'], ['spec'], ['spec', 'selector'], ['spec', 'selector', 'matchLabels'], ['spec', 'selector', 'matchExpressions'],
      ['spec', 'selector', 'matchExpressions', 0], ['spec', 'scaleTargetRef'], ['spec', 'template'], ['spec', 'template', 'metadata'], ['spec', 'predictor']];
    fc.assert(
      fc.property(fc.constantFrom(...places), fc.constantFrom('replicas', 'minAvailable', 'maxUnavailable', 'minReplicas', 'maxReplicas', 'kind', 'name', 'labels', 'selector', 'key', 'operator', 'values', 'app'),
        fc.jsonValue({ maxDepth: 2 }), fc.integer({ min: 0, max: 3 }), (place, key, value, which) => {
          const yaml = stackOf(place, key, value, which);
          for (const r of rules) runRule(r, { yaml }); // runRule throws when a rule throws
        }),
      { numRuns: 60, seed: 4 },
    );
  });
});
