import { describe, expect, it } from 'vitest';
import rule from '../../src/rules/deprecated-api.js';
import { ruleTester } from '../rule-tester.js';
import { BUILTIN_API_CHANGES, CRD_API_CHANGES, atOrAfter, parseKubernetesVersion } from '../../src/knowledge/api-versions.js';
import { renderRuleDoc } from '../../src/rules/docs.js';

const pdb = (apiVersion: string) => `apiVersion: ${apiVersion}
kind: PodDisruptionBudget
metadata: { name: scorer, namespace: ml }
spec:
  maxUnavailable: 1
  selector: { matchLabels: { app: scorer } }
`;

const crd = (versions: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: trainingruns.ml.example.com }
spec:
  group: ml.example.com
  scope: Namespaced
  names: { kind: TrainingRun, plural: trainingruns }
  versions:
${versions}`;

const run = (apiVersion: string) => `apiVersion: ${apiVersion}
kind: TrainingRun
metadata: { name: nightly, namespace: ml }
spec: {}
`;

ruleTester(rule, {
  valid: [
    { name: 'current apiVersion', yaml: pdb('policy/v1') },
    { name: 'deprecated versions are not reported before their deprecation', yaml: pdb('policy/v1beta1'), settings: { kubernetesVersion: '1.20' } },
    { name: 'a version the CRD in the tree serves', files: { 'crd.yaml': crd('    - { name: v1, served: true, storage: true, schema: { openAPIV3Schema: { type: object } } }\n'), 'run.yaml': run('ml.example.com/v1') } },
    { name: 'unknown groups are not guessed about', yaml: run('ml.example.com/v1') },
    { name: 'non-Kubernetes YAML', yaml: 'resources: [a.yaml]\n' },
  ],
  invalid: [
    {
      name: 'the pre-0.11 cert-manager API group (certmanager.k8s.io), still in old kubebuilder scaffolds',
      yaml: 'apiVersion: certmanager.k8s.io/v1alpha1\nkind: Issuer\nmetadata: { name: selfsigned, namespace: system }\nspec: { selfSigned: {} }\n',
      errors: [{ messageId: 'crdReplaced', line: 1, severity: 'warning', message: 'Issuer "certmanager.k8s.io/v1alpha1" was replaced by cert-manager.io/v1 in cert-manager 0.11; a cluster running it rejects this object' }],
    },
    {
      name: 'removed: error naming the removing release and the replacement (default kubernetesVersion)',
      yaml: pdb('policy/v1beta1'),
      errors: [{ messageId: 'removed', line: 1, column: 13, path: 'apiVersion', severity: 'error', message: 'PodDisruptionBudget "policy/v1beta1" is no longer served since Kubernetes 1.25 (kubernetesVersion is 1.34); use policy/v1' }],
    },
    {
      name: 'deprecated but still served in the configured release: warning with the removal release',
      yaml: pdb('policy/v1beta1'),
      settings: { kubernetesVersion: '1.24' },
      errors: [{ messageId: 'deprecated', line: 1, severity: 'warning', message: 'PodDisruptionBudget "policy/v1beta1" is deprecated since Kubernetes 1.21 and removed in 1.25; use policy/v1' }],
    },
    {
      name: 'every removal of the guide at its release: Ingress, CronJob, HPA, FlowSchema',
      yaml: `apiVersion: extensions/v1beta1
kind: Ingress
metadata: { name: a, namespace: ml }
---
apiVersion: batch/v1beta1
kind: CronJob
metadata: { name: b, namespace: ml }
---
apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata: { name: c, namespace: ml }
---
apiVersion: flowcontrol.apiserver.k8s.io/v1beta3
kind: FlowSchema
metadata: { name: d }
`,
      settings: { kubernetesVersion: '1.32' },
      errors: [
        { messageId: 'removed', line: 1, message: /since Kubernetes 1.22.*use networking.k8s.io\/v1/ },
        { messageId: 'removed', line: 5, message: /since Kubernetes 1.25.*use batch\/v1/ },
        { messageId: 'removed', line: 9, message: /since Kubernetes 1.26.*use autoscaling\/v2/ },
        { messageId: 'removed', line: 13, message: /since Kubernetes 1.32.*use flowcontrol.apiserver.k8s.io\/v1/ },
      ],
    },
    {
      name: 'a replaced CRD group (KFServing → KServe) is a warning: the operator release decides',
      yaml: `apiVersion: serving.kubeflow.org/v1alpha2
kind: InferenceService
metadata: { name: fraud, namespace: ml }
spec: {}
`,
      errors: [{ messageId: 'crdReplaced', line: 1, severity: 'warning', message: 'InferenceService "serving.kubeflow.org/v1alpha2" was replaced by serving.kserve.io/v1beta1 in KServe 0.7; a cluster running it rejects this object' }],
    },
    {
      name: 'the CRD in the tree: deprecated version (warning), version not served, version not defined (errors)',
      files: {
        'crd.yaml': crd(`    - { name: v1, served: true, storage: true }
    - { name: v1beta1, served: true, storage: false, deprecated: true, deprecationWarning: "ml.example.com/v1beta1 TrainingRun is deprecated; use ml.example.com/v1" }
    - { name: v1alpha1, served: false, storage: false }
`),
        'runs.yaml': `${run('ml.example.com/v1beta1')}---\n${run('ml.example.com/v1alpha1')}---\n${run('ml.example.com/v2')}`,
      },
      errors: [
        { messageId: 'crdMarkedDeprecated', file: 'runs.yaml', line: 1, severity: 'warning', message: 'TrainingRun "ml.example.com/v1beta1" is deprecated by its CustomResourceDefinition trainingruns.ml.example.com (crd.yaml): ml.example.com/v1beta1 TrainingRun is deprecated; use ml.example.com/v1' },
        { messageId: 'crdNotServed', file: 'runs.yaml', line: 6, severity: 'error', message: /does not serve version "v1alpha1" \(served: false\)/ },
        { messageId: 'crdNotServed', file: 'runs.yaml', line: 11, severity: 'error', message: 'CustomResourceDefinition trainingruns.ml.example.com (crd.yaml) does not serve version "v2" (it defines "v1", "v1beta1", "v1alpha1"); the API server rejects TrainingRun "ml.example.com/v2"' },
      ],
    },
  ],
});

describe('the deprecation table', () => {
  it('has a source, a replacement and consistent releases in every row', () => {
    for (const row of [...BUILTIN_API_CHANGES, ...CRD_API_CHANGES]) {
      expect(row.source.length).toBeGreaterThan(10);
      expect(row.replacement.length).toBeGreaterThan(3);
      if (row.removedIn) expect(parseKubernetesVersion(row.removedIn)).toBeDefined();
      if (row.removedIn && row.deprecatedIn) expect(atOrAfter(row.removedIn, row.deprecatedIn)).toBe(true);
      expect(Boolean(row.removedIn) !== Boolean(row.project)).toBe(true); // built-in rows have a release, CRD rows a project
    }
  });

  it('is listed by `mllint explain deprecated-api`', () => {
    const doc = renderRuleDoc(rule);
    expect(doc).toContain('## Reference');
    for (const row of [...BUILTIN_API_CHANGES, ...CRD_API_CHANGES]) expect(doc).toContain(`\`${row.apiVersion}\``);
  });

  it('reads versions as kubectl prints them', () => {
    expect(parseKubernetesVersion('v1.33.2')).toEqual([1, 33]);
    expect(parseKubernetesVersion('1.9')).toEqual([1, 9]);
    expect(parseKubernetesVersion('latest')).toBeUndefined();
    expect(atOrAfter('1.10', '1.9')).toBe(true);
  });
});
