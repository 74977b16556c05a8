import { describe, expect, it } from 'vitest';
import { podTemplateOf } from '../../../src/engine/extract.js';
import { loadText } from '../../../src/loaders/objects.js';
import { nodeRequirementMatches, podRequests, toleratesTaint, type Toleration } from '../../../src/rules/utils/scheduling.js';

function template(yaml: string) {
  const t = podTemplateOf(loadText(yaml).objects[0].object);
  if (!t) throw new Error('not a workload');
  return t;
}

describe('podRequests', () => {
  it('sums app containers and sidecars, takes the largest init container (plus earlier sidecars), adds overhead', () => {
    const t = template(`apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  overhead: { memory: 100Mi }
  initContainers:
    - name: proxy
      restartPolicy: Always
      resources: { requests: { memory: 1Gi } }
    - name: fetch-model
      resources: { limits: { memory: 10Gi } }
  containers:
    - name: server
      resources: { requests: { memory: 4Gi, cpu: 500m }, limits: { nvidia.com/gpu: 1 } }
    - name: exporter
      resources: { requests: { memory: 1Gi, cpu: 250m } }
`);
    const requests = podRequests(t);
    const gi = 2 ** 30;
    // max(4 + 1 + 1 (sidecar), 1 (sidecar) + 10 (init)) + 100Mi overhead
    expect(requests.get('memory')?.amount).toBe(11 * gi + 100 * 2 ** 20);
    expect(requests.get('memory')?.path).toEqual(['spec', 'initContainers', 1, 'resources', 'limits', 'memory']);
    expect(requests.get('cpu')?.amount).toBe(0.75);
    expect(requests.get('nvidia.com/gpu')?.amount).toBe(1);
  });

  it('ignores ephemeral containers and invalid quantities', () => {
    const t = template(`apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  containers:
    - { name: a, resources: { requests: { memory: lots } } }
  ephemeralContainers:
    - { name: debug, resources: { requests: { memory: 1Gi } } }
`);
    expect(podRequests(t).size).toBe(0);
  });
});

describe('toleratesTaint', () => {
  const taint = { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' };
  const tol = (t: Partial<Toleration>): Toleration => ({ key: '', operator: 'Equal', value: '', effect: '', ...t });
  it.each([
    [tol({ key: 'nvidia.com/gpu', operator: 'Exists' }), true],
    [tol({ key: 'nvidia.com/gpu', value: 'present' }), true],
    [tol({ key: 'nvidia.com/gpu', value: 'true' }), false],
    [tol({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoExecute' }), false],
    [tol({ operator: 'Exists' }), true],
    [tol({ value: 'present' }), false],
    [tol({ key: 'other', operator: 'Exists' }), false],
  ])('%o → %s', (toleration, expected) => {
    expect(toleratesTaint(toleration, taint)).toBe(expected);
  });
});

describe('nodeRequirementMatches', () => {
  const labels = { 'gpu-count': '4', pool: 'gpu' };
  it.each([
    [{ key: 'gpu-count', operator: 'Gt', values: ['2'] }, true],
    [{ key: 'gpu-count', operator: 'Lt', values: ['4'] }, false],
    [{ key: 'pool', operator: 'Gt', values: ['1'] }, false],
    [{ key: 'gpu-count', operator: 'Gt', values: ['1', '2'] }, false],
    [{ key: 'missing', operator: 'Lt', values: ['9'] }, false],
    [{ key: 'pool', operator: 'In', values: ['cpu', 'gpu'] }, true],
    [{ key: 'pool', operator: 'NotIn', values: ['gpu'] }, false],
    [{ key: 'missing', operator: 'DoesNotExist', values: [] }, true],
    [{ key: 'pool', operator: 'Bogus', values: [] }, false],
  ])('%o → %s', (req, expected) => {
    expect(nodeRequirementMatches(req, labels)).toBe(expected);
  });
});
