import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import rule from '../../src/rules/schema-valid.js';
import cronjobScheduleValid from '../../src/rules/cronjob-schedule-valid.js';
import cronjobSafeConcurrency from '../../src/rules/cronjob-safe-concurrency.js';
import noSecretLiteralsInEnv from '../../src/rules/no-secret-literals-in-env.js';
import namespaceSet from '../../src/rules/namespace-set.js';
import { ruleTester, runRule } from '../rule-tester.js';
import { sharedExtra } from '../shared-extras.js';
import type { Rule } from '../../src/rules/define-rule.js';

/** kubeconform's fixtures, read from the project's shared/ folder as CI provides it (absent in a user's clone). */
const fixtures = sharedExtra('conformance/kubeconform-fixtures', 'schema-valid on kubeconform fixtures');
const fixture = (name: string) => fs.readFileSync(path.join(fixtures!, name), 'utf8');
/** The cases built from kubeconform's fixtures, or none when shared/ is absent. */
const withFixtures = <T>(make: () => T[]): T[] => (fixtures ? make() : []);

const deployment = (spec: string, container = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: scorer
  namespace: ml-serving-prod
  labels: { app: scorer, "app.kubernetes.io/part-of": fraud }
  annotations: { mllint.io/model: fraud-detector }
spec:
${spec}  selector:
    matchLabels: { app: scorer }
  template:
    metadata:
      labels: { app: scorer }
    spec:
      containers:
        - name: scorer
          image: fraud-scorer:3.0.1
          ports:
            - name: http
              containerPort: 8080
          resources:
            requests: { cpu: 500m, memory: 2Gi }
            limits: { memory: 2Gi, nvidia.com/gpu: 1 }
${container}`;

const serviceMonitor = (endpoint: string) => `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: scorer
  namespace: ml-serving-prod
spec:
  selector:
    matchLabels: { app: scorer }
  namespaceSelector:
    matchNames: [ml-serving-prod]
  endpoints:
    - port: metrics
${endpoint}`;

const trainingRunCrd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: trainingruns.ml.example.com }
spec:
  group: ml.example.com
  scope: Namespaced
  names: { kind: TrainingRun, plural: trainingruns }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          description: A training run.
          required: [spec]
          properties:
            spec:
              type: object
              required: [model]
              properties:
                model: { type: string, pattern: "^[a-z0-9-]+$" }
                epochs: { type: integer, minimum: 1, format: int32 }
                gpus: { x-kubernetes-int-or-string: true }
                optimizer: { type: string, enum: [adam, sgd] }
                schedule: { type: string, nullable: true }
                hyperparameters:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
                labels:
                  type: object
                  additionalProperties: { type: string }
            status:
              type: object
              x-kubernetes-preserve-unknown-fields: true
`;

ruleTester(rule, {
  valid: [
    {
      name: 'Secret data in base64 wrapped over lines (Go base64 skips line breaks)',
      yaml: 'apiVersion: v1\nkind: Secret\nmetadata: { name: ca, namespace: ml }\ndata:\n  ca.crt: |\n    aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd29y\n    bGQ=\n',
    },
    { name: 'a complete Deployment with int-or-string and quantities', yaml: deployment('  replicas: 3\n  strategy:\n    rollingUpdate: { maxSurge: 25%, maxUnavailable: 0 }\n', '          livenessProbe:\n            httpGet: { path: /healthz, port: http }\n          readinessProbe:\n            tcpSocket: { port: 8080 }\n') },
    ...withFixtures(() => [
      { name: 'kubeconform valid.yaml', yaml: fixture('valid.yaml') },
      { name: 'kubeconform multi_valid.yaml', yaml: fixture('multi_valid.yaml') },
      { name: 'kubeconform list_valid.yaml', yaml: fixture('list_valid.yaml') },
      { name: 'kubeconform int_or_string.yaml', yaml: fixture('int_or_string.yaml') },
      { name: 'kubeconform quantity.yaml', yaml: fixture('quantity.yaml') },
      { name: 'kubeconform null_string.yaml (nulls and status)', yaml: fixture('null_string.yaml') },
      { name: 'kubeconform null_array.yaml', yaml: fixture('null_array.yaml') },
      { name: 'kubeconform unconventional_keys.yaml', yaml: fixture('unconventional_keys.yaml') },
      { name: 'kubeconform generate_name.yaml', yaml: fixture('generate_name.yaml') },
    ]),
    { name: 'ServiceMonitor', yaml: serviceMonitor('      interval: 30s\n      path: /metrics\n      relabelings:\n        - { sourceLabels: [__meta_kubernetes_pod_name], targetLabel: pod }\n') },
    {
      name: 'PodMonitor and PrometheusRule (annotations are a free map)',
      yaml: `apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: { name: trainer, namespace: ml-training }
spec:
  selector: { matchLabels: { app: trainer } }
  podMetricsEndpoints:
    - port: metrics
      interval: 1m
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: { name: scorer, namespace: ml-serving-prod }
spec:
  groups:
    - name: scorer
      rules:
        - alert: ScorerLatencyHigh
          expr: histogram_quantile(0.99, rate(request_seconds_bucket[5m])) > 0.2
          for: 10m
          labels: { severity: page }
          annotations: { summary: p99 latency above 200ms, runbook: "https://runbooks.example.com/scorer" }
`,
    },
    {
      name: 'KServe InferenceService',
      yaml: `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: { name: sentiment, namespace: ml-serving-prod }
spec:
  predictor:
    minReplicas: 1
    model:
      modelFormat: { name: sklearn }
      storageUri: gs://models/sentiment/3
`,
    },
    {
      name: 'fields the generator drops (description, x-kubernetes-*) and free-form CRD schemas',
      yaml: `apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: { name: ml-serving-gpu }
value: 100000
description: GPU model servers preempt batch pods.
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: trainingruns.ml.example.com }
spec:
  group: ml.example.com
  scope: Namespaced
  names: { kind: TrainingRun, plural: trainingruns }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          description: A training run.
          properties:
            spec:
              type: object
              x-kubernetes-preserve-unknown-fields: true
`,
    },
    {
      name: 'ignoreKinds skips unknown kinds silently',
      yaml: 'apiVersion: ml.example.com/v1\nkind: TrainingRun\nmetadata: { name: r }\nspec: { epochs: 3 }\n',
      options: { ignoreKinds: ['TrainingRun'] },
    },
    {
      name: 'unknown kinds not reported when reportUnknownKinds is off',
      yaml: 'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: { name: r }\n',
      options: { reportUnknownKinds: false },
    },
    { name: 'unknown fields not reported when unknownFields is off', yaml: deployment('  replicaz: 3\n'), options: { unknownFields: false } },
    { name: 'non-Kubernetes YAML', yaml: 'name: ci\non: [push]\njobs: {}\n' },
    {
      name: 'a custom resource valid against its CRD in another directory',
      files: {
        'crds/trainingrun.yaml': trainingRunCrd,
        'training/run.yaml': `apiVersion: ml.example.com/v1
kind: TrainingRun
metadata: { name: fraud-retrain, namespace: ml-training, labels: { team: fraud } }
spec:
  model: fraud-detector
  epochs: 10
  gpus: "2"
  schedule: null
  hyperparameters: { lr: 0.001, layers: [64, 32] }
  labels: { stage: prod }
`,
      },
    },
  ],
  invalid: [
    {
      name: 'one finding per field: a bad quantity says so once (not "must be number" too), a fractional port once (not the port range too)',
      yaml: `apiVersion: v1
kind: Pod
metadata: { name: p, namespace: ml }
spec:
  containers:
    - name: c
      image: x:1
      ports: [{ containerPort: 8080.5 }]
      resources:
        requests: { memory: 2GB, cpu: "1" }
        limits: { memory: "2 Gi", cpu: true }
`,
      errors: [
        { messageId: 'invalid', line: 8, path: 'spec.containers[0].ports[0].containerPort', message: 'spec.containers[0].ports[0].containerPort must be integer' },
        { messageId: 'invalid', line: 10, path: 'spec.containers[0].resources.requests.memory', message: 'spec.containers[0].resources.requests.memory is "2GB", which is not a Kubernetes quantity (such as 500m, 1.5, 2Gi or 2G)' },
        { messageId: 'invalid', line: 11, path: 'spec.containers[0].resources.limits.memory', message: /is "2 Gi", which is not a Kubernetes quantity/ },
        { messageId: 'invalid', line: 11, path: 'spec.containers[0].resources.limits.cpu', message: 'spec.containers[0].resources.limits.cpu must be number or string' },
      ],
    },
    {
      name: 'Service targetPort 1.5: the schema error only; an out-of-range whole number: the API rule',
      yaml: `apiVersion: v1
kind: Service
metadata: { name: s, namespace: ml }
spec:
  selector: { app: a }
  ports:
    - { name: a, port: 80, targetPort: 1.5 }
    - { name: b, port: 81, targetPort: 70000 }
`,
      errors: [
        { messageId: 'invalid', line: 7, path: 'spec.ports[0].targetPort' },
        { messageId: 'apiRule', line: 8, path: 'spec.ports[1].targetPort', message: /70000 must be between 1 and 65535/ },
      ],
    },
    {
      name: 'Secret data that is not base64 even unwrapped',
      yaml: 'apiVersion: v1\nkind: Secret\nmetadata: { name: ca, namespace: ml }\ndata:\n  ca.crt: |\n    not base64 at all!\n',
      errors: [{ line: 5, message: /format "byte"/ }],
    },
    {
      name: 'a pod template without a pod spec: the API server requires its containers',
      yaml: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: f, namespace: ml }\nspec:\n  selector: { matchLabels: { app: f } }\n  template:\n    metadata: { labels: { app: f } }\n',
      errors: [{ messageId: 'required', line: 6, path: 'spec.template.spec', message: /spec\.template.*"spec"|spec/ }],
    },
    {
      name: 'a typo of a spec field, pointing at the key, with a suggestion',
      yaml: deployment('  replicaz: 3\n'),
      errors: [{
        messageId: 'unknownField', line: 9, column: 3, endColumn: 11, path: 'spec.replicaz',
        message: 'unknown field "replicaz" in spec (did you mean "replicas"?); the API rejects it, or drops it when unknown fields are pruned',
      }],
    },
    {
      name: 'a typo in a container',
      yaml: deployment('', '          livenesProbe:\n            httpGet: { path: /healthz, port: http }\n'),
      errors: [{ messageId: 'unknownField', line: 24, column: 11, path: 'spec.template.spec.containers[0].livenesProbe', message: /did you mean "livenessProbe"/ }],
    },
    {
      name: 'wrong type and wrong enum value',
      yaml: deployment('  replicas: "3"\n', '          imagePullPolicy: Sometimes\n'),
      errors: [
        { messageId: 'invalid', line: 9, column: 13, path: 'spec.replicas', message: 'spec.replicas must be integer' },
        { messageId: 'invalid', line: 25, path: 'spec.template.spec.containers[0].imagePullPolicy', message: 'spec.template.spec.containers[0].imagePullPolicy must be one of "Always", "IfNotPresent", "Never"' },
      ],
    },
    {
      name: 'int-or-string: one finding, not one per branch',
      yaml: deployment('  strategy:\n    rollingUpdate:\n      maxSurge: [1]\n'),
      errors: [{ messageId: 'invalid', line: 11, path: 'spec.strategy.rollingUpdate.maxSurge', message: /maxSurge must be (integer or string|string or integer)/ }],
    },
    {
      name: 'a missing required field points at its parent',
      yaml: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: d, namespace: ml }\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers: [{ name: a, image: "a:1" }]\n',
      errors: [{ messageId: 'required', line: 4, path: 'spec.selector', message: 'spec is missing the required field "selector"' }],
    },
    {
      name: 'ServiceMonitor endpoint typo',
      yaml: serviceMonitor('      intervall: 30s\n'),
      errors: [{ messageId: 'unknownField', line: 13, path: 'spec.endpoints[0].intervall', message: /did you mean "interval"/ }],
    },
    {
      name: 'InferenceService without a predictor, and a model without a format',
      yaml: `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: { name: a, namespace: ml }
spec:
  transformer: {}
---
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: { name: b, namespace: ml }
spec:
  predictor:
    minReplicas: -1
    model:
      storageUri: gs://models/b/1
`,
      errors: [
        { messageId: 'required', line: 4, path: 'spec.predictor' },
        { messageId: 'invalid', line: 12, path: 'spec.predictor.minReplicas' },
        { messageId: 'required', line: 13, path: 'spec.predictor.model.modelFormat' },
      ],
    },
    {
      name: 'unknown kinds: one info per apiVersion and kind, on its first object, across files',
      files: {
        'a/rollouts.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: { name: one }\n---\napiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: { name: two }\n',
        'b/more.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: { name: three }\n---\napiVersion: ml.example.com/v1\nkind: TrainingRun\nmetadata: { name: x }\n',
      },
      errors: [
        { messageId: 'unknownKind', line: 2, file: 'a/rollouts.yaml', severity: 'info', message: 'no schema is known for Rollout (argoproj.io/v1alpha1); objects of this kind are not schema-checked' },
        { messageId: 'unknownKind', line: 6, file: 'b/more.yaml', severity: 'info' },
      ],
    },
    {
      name: 'a built-in kind under the wrong apiVersion, and a misspelt kind',
      yaml: `apiVersion: apps/v1
kind: Ingress
metadata: { name: scorer, namespace: ml }
---
apiVersion: apps/v1
kind: Deploymnet
metadata: { name: scorer, namespace: ml }
---
apiVersion: v2
kind: Service
metadata: { name: scorer, namespace: ml }
`,
      errors: [
        { messageId: 'wrongApiVersion', line: 1, column: 13, path: 'apiVersion', severity: 'error', message: 'Ingress is not served as "apps/v1"; use "networking.k8s.io/v1"' },
        { messageId: 'unknownKindInGroup', line: 6, path: 'kind', message: '"apps/v1" has no kind "Deploymnet" (did you mean "Deployment"?); the API server rejects the object' },
        { messageId: 'wrongApiVersion', line: 9, message: /use "v1"$/ },
      ],
    },
    {
      name: 'a CRD group of its own with a built-in kind name is not confused with the built-in one',
      yaml: 'apiVersion: batch.volcano.sh/v1alpha1\nkind: Job\nmetadata: { name: train, namespace: ml }\nspec: { minAvailable: 2 }\n',
      errors: [{ messageId: 'unknownKind', line: 2, severity: 'info' }],
    },
    {
      name: 'a wrong type does not also report the enum',
      yaml: deployment('', '          imagePullPolicy: [Always]\n'),
      errors: [{ messageId: 'invalid', line: 24, message: /imagePullPolicy must be string$/ }],
    },
    {
      name: 'a custom resource checked against its CRD: unknown field, type, enum, pattern, required',
      files: {
        'crds/trainingrun.yaml': trainingRunCrd,
        'training/run.yaml': `apiVersion: ml.example.com/v1
kind: TrainingRun
metadata: { name: fraud-retrain, namespace: ml-training }
spec:
  model: Fraud_Detector
  epoch: 10
  gpus: [2]
  optimizer: adamw
---
apiVersion: ml.example.com/v1
kind: TrainingRun
metadata: { name: empty, namespace: ml-training }
spec: {}
---
apiVersion: ml.example.com/v2
kind: TrainingRun
metadata: { name: newer, namespace: ml-training }
`,
      },
      errors: [
        { messageId: 'invalid', line: 5, file: 'training/run.yaml', path: 'spec.model', message: /spec.model must match pattern/ },
        { messageId: 'unknownField', line: 6, column: 3, path: 'spec.epoch', message: 'unknown field "epoch" in spec (did you mean "epochs"?); the API rejects it, or drops it when unknown fields are pruned' },
        { messageId: 'invalid', line: 7, path: 'spec.gpus', message: /spec.gpus must be (integer or string|string or integer)/ },
        { messageId: 'invalid', line: 8, path: 'spec.optimizer', message: 'spec.optimizer must be one of "adam", "sgd"' },
        { messageId: 'required', line: 13, path: 'spec.model' },
        // ml.example.com/v2 is not defined by the CRD in the tree: deprecated-api's error, not an info here.
      ],
    },
    ...withFixtures(() => [
      {
        name: 'kubeconform invalid.yaml',
        yaml: fixture('invalid.yaml'),
        errors: [
          { messageId: 'invalid', line: 6, path: 'spec.replicas' },
          { messageId: 'unknownField', line: 9, path: 'spec.templates', message: /did you mean "template"/ },
        ],
      },
      {
        name: 'kubeconform extra_property.yaml: a DaemonSet has no replicas (and its template lacks the selector\'s label)',
        yaml: fixture('extra_property.yaml'),
        errors: [
          { messageId: 'unknownField', line: 7, path: 'spec.replicas' },
          // The API server also rejects this fixture: the template has no labels, so the selector does not match it.
          { messageId: 'apiRule', line: 11, path: 'spec.template', message: /`selector` does not match template `labels`/ },
        ],
      },
      {
        name: 'kubeconform multi_invalid.yaml',
        yaml: fixture('multi_invalid.yaml'),
        errors: [{ messageId: 'invalid', line: 12, path: 'spec.ports[0].port' }],
      },
    ]),
  ],
});

describe.skipIf(!fixtures)('schema-valid on every kubeconform fixture', () => {
  it('never throws, and reports only schema findings', () => {
    const files = fs.readdirSync(fixtures!).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const findings = runRule(rule, { yaml: fixture(file) });
      for (const f of findings) expect(Object.keys(rule.meta.messages)).toContain(f.messageId);
    }
  });
});

describe('heavy modules load lazily', () => {
  const dist = path.resolve(__dirname, '..', '..', 'dist', 'api.js');
  it.skipIf(!fs.existsSync(dist))('schemas and the cron parser load only when an object needs them (built dist, as `npm test` builds it)', async () => {
    const { execFileSync } = await import('node:child_process');
    const script = `
      import { createRequire } from 'node:module';
      const req = createRequire(import.meta.url);
      const { lintText } = await import(${JSON.stringify(dist)});
      const loaded = (name) => Object.keys(req.cache).some((k) => k.includes(name));
      const out = [];
      lintText('apiVersion: ml.example.com/v1\\nkind: TrainingRun\\nmetadata: { name: r, namespace: ml }\\n');
      out.push(loaded('kubernetes-models'), loaded('cron-parser'));
      lintText('apiVersion: batch/v1\\nkind: CronJob\\nmetadata: { name: c, namespace: ml }\\nspec:\\n  schedule: "0 3 * * *"\\n  jobTemplate: {}\\n');
      out.push(loaded('kubernetes-models'), loaded('cron-parser'));
      console.log(JSON.stringify(out));`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual([false, false, true, true]);
  });
});

describe('robustness of the issue-4 rules on malformed objects', () => {
  it('never throw on arbitrary values at any place of a CronJob or Deployment', async () => {
    const fc = (await import('fast-check')).default;
    const others = [cronjobScheduleValid, cronjobSafeConcurrency, noSecretLiteralsInEnv, namespaceSet];
    const base = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'c', namespace: 'ml', labels: { a: 'b' } },
      spec: {
        schedule: '0 3 * * *',
        timeZone: 'UTC',
        jobTemplate: { spec: { backoffLimit: 1, template: { spec: { containers: [{ name: 'a', image: 'a:1', env: [{ name: 'A_TOKEN', value: 'x' }], ports: [{ containerPort: 80 }] }] } } } },
      },
    };
    const places = [[], ['metadata'], ['spec'], ['spec', 'schedule'], ['spec', 'timeZone'], ['spec', 'jobTemplate'], ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
      ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers'], ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers', 0],
      ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers', 0, 'env'], ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers', 0, 'env', 0]];
    fc.assert(
      fc.property(fc.constantFrom(...places), fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), fc.constantFrom('CronJob', 'Deployment', 'Pod'), (place, key, value, kind) => {
        const object = structuredClone(base) as Record<string, any>;
        object.kind = kind;
        if (kind !== 'CronJob') object.apiVersion = kind === 'Pod' ? 'v1' : 'apps/v1';
        let target: any = object;
        for (const segment of place) target = target?.[segment];
        if (target && typeof target === 'object') target[Array.isArray(target) ? 0 : key] = value;
        const yaml = JSON.stringify(object);
        for (const r of [rule, ...others] as Array<Rule<any>>) runRule(r, { yaml }); // throws on a rule-error
      }),
      { numRuns: 150, seed: 4 },
    );
  });
});
