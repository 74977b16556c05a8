import rule from '../../src/rules/image-pinned.js';
import { describe, expect, it } from 'vitest';
import { ruleTester, runRule } from '../rule-tester.js';

const deployment = (image: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: scorer
  namespace: ml-serving-prod
spec:
  selector:
    matchLabels: { app: scorer }
  template:
    metadata:
      labels: { app: scorer }
    spec:
      containers:
        - name: scorer
          image: ${image}
${extra}`;

ruleTester(rule, {
  valid: [
    { name: 'version tag', yaml: deployment('registry.example.com/ml/fraud-scorer:3.0.1') },
    { name: 'digest', yaml: deployment('fraud-scorer@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef') },
    { name: 'registry with port and tag', yaml: deployment('localhost:5000/ml/scorer:1.2') },
    { name: 'digest required and present', yaml: deployment('scorer:1.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'), options: { requireDigest: true } },
    { name: 'latest allowed by option', yaml: deployment('scorer:latest'), options: { allowedMutableTags: ['latest'] } },
    { name: 'not a workload', yaml: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata:\n  image: nginx\n' },
    { name: 'non-Kubernetes YAML', yaml: 'name: ci\non: [push]\njobs:\n  build:\n    container: nginx\n' },
  ],
  invalid: [
    {
      name: 'a truncated or malformed digest is not a pin, and the kubelet refuses it',
      yaml: deployment('registry.example.com/ml/embedder@sha256:9f86d08'),
      errors: [{ messageId: 'badDigest', line: 15, message: /not a valid sha256 digest \(64 hex digits\).*InvalidImageName/ }],
    },
    {
      name: 'uppercase hex and a tag with a short digest',
      yaml: deployment('embedder:1.0@sha256:9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08'),
      errors: [{ messageId: 'badDigest', line: 15 }],
    },
    {
      name: ':latest, pointing at the image value',
      yaml: deployment('fraud-scorer:latest'),
      errors: [{ messageId: 'mutableTag', line: 15, column: 18, endLine: 15, endColumn: 37, path: 'spec.template.spec.containers[0].image',
        message: 'container "scorer" uses image "fraud-scorer:latest"; pin a version tag or digest' }],
    },
    {
      name: 'no tag; registry port is not a tag',
      yaml: deployment('localhost:5000/ml/scorer'),
      errors: [{ messageId: 'noTag', line: 15 }],
    },
    {
      name: 'init container, and a second document',
      yaml: `${deployment('scorer:1.0', `      initContainers:
        - name: fetch-model
          image: "busybox"
`)}---
apiVersion: v1
kind: Pod
metadata: { name: debug }
spec:
  containers:
    - { name: shell, image: "alpine:latest" }
`,
      errors: [
        { messageId: 'noTag', line: 18, column: 18, message: /^init container "fetch-model"/ },
        { messageId: 'mutableTag', line: 25, column: 29 },
      ],
    },
    {
      name: 'CronJob containers',
      yaml: `apiVersion: batch/v1
kind: CronJob
metadata: { name: retrain, namespace: ml-training }
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: train
              image: trainer:latest
`,
      errors: [{ line: 13, path: 'spec.jobTemplate.spec.template.spec.containers[0].image' }],
    },
    {
      name: 'mutable tags option',
      yaml: deployment('scorer:main'),
      options: { mutableTags: ['latest', 'main'] },
      errors: [{ messageId: 'mutableTag', line: 15 }],
    },
    {
      name: 'requireDigest',
      yaml: deployment('scorer:3.0.1'),
      options: { requireDigest: true },
      errors: [{ messageId: 'noDigest', line: 15 }],
    },
    {
      name: 'List items keep their own positions',
      yaml: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: { name: a }
    spec:
      containers: [{ name: a, image: "a:1" }]
  - apiVersion: v1
    kind: Pod
    metadata: { name: b }
    spec:
      containers:
        - name: b
          image: b
`,
      errors: [{ line: 15, column: 18, path: 'spec.containers[0].image' }],
    },
    {
      name: 'image through a YAML anchor',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: { name: a }
spec:
  template:
    spec:
      containers:
        - &base
          name: main
          image: model-server:latest
        - <<: *base
          name: sidecar
`,
      errors: [
        { line: 10, column: 18, message: /^container "main"/ },
        { line: 10, column: 18, message: /^container "sidecar"/ },
      ],
    },
    {
      name: 'CRLF with a BOM',
      yaml: '\uFEFFapiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: p\r\nspec:\r\n  containers:\r\n    - name: c\r\n      image: c:latest\r\n',
      errors: [{ line: 8, column: 14, endColumn: 22 }],
    },
    {
      name: 'KServe InferenceService predictor container',
      yaml: `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: { name: sentiment, namespace: ml-serving-prod }
spec:
  predictor:
    containers:
      - name: kserve-container
        image: ghcr.io/acme/sentiment:latest
`,
      errors: [{ line: 8, path: 'spec.predictor.containers[0].image' }],
    },
  ],
});

describe('image-pinned fix text', () => {
  it('keeps the registry and namespace of the image (vllm-openai:1.2.3 would pull another image)', () => {
    const fixes = (image: string) => runRule(rule, { yaml: deployment(image) }).map((f) => f.fix);
    expect(fixes('vllm/vllm-openai:latest')).toEqual(['Use an immutable reference such as vllm/vllm-openai:1.2.3 or vllm/vllm-openai@sha256:…']);
    expect(fixes('localhost:5000/ml/scorer')).toEqual(['Use an immutable reference such as localhost:5000/ml/scorer:1.2.3 or localhost:5000/ml/scorer@sha256:…']);
    expect(fixes('nginx')).toEqual(['Use an immutable reference such as nginx:1.2.3 or nginx@sha256:…']);
  });
});
