import rule from '../../src/rules/image-pinned.js';
import { describe, expect, it } from 'vitest';
import { ruleTester, runRule } from '../rule-tester.js';
import { makeTree, removeTree, runCli } from '../helpers.js';

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
      errors: [{ messageId: 'badDigest', line: 15, severity: 'error', message: /not a valid sha256 digest \(64 lowercase hex digits\).*InvalidImageName/ }],
    },
    {
      name: 'uppercase hex and a tag with a short digest',
      yaml: deployment('embedder:1.0@sha256:9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08'),
      errors: [{ messageId: 'badDigest', line: 15 }],
    },
    {
      name: ':latest, pointing at the image value',
      yaml: deployment('fraud-scorer:latest'),
      errors: [{ messageId: 'mutableTag', line: 15, column: 18, endLine: 15, endColumn: 37, path: 'spec.template.spec.containers[0].image', severity: 'warning',
        message: 'container "scorer" uses image "fraud-scorer:latest"; pin a version tag or digest' }],
    },
    {
      name: 'no tag; registry port is not a tag',
      yaml: deployment('localhost:5000/ml/scorer'),
      errors: [{ messageId: 'noTag', line: 15, severity: 'warning' }],
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
      errors: [{ messageId: 'noDigest', line: 15, severity: 'warning' }],
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

describe('image-pinned severities per kind of finding', () => {
  const FULL = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
  const pod = `apiVersion: v1
kind: Pod
metadata: { name: p, namespace: ml }
spec:
  containers:
    - { name: a, image: "scorer:latest" }
    - { name: b, image: "scorer@sha256:9f86d08" }
    - { name: c, image: "scorer@sha256:${FULL}" }
`;
  const severities = async (files: Record<string, string>, args: string[] = []) => {
    const dir = makeTree({ 'pod.yaml': pod, ...files });
    try {
      const r = await runCli(['check', '--no-cache', '-f', 'json', '--include', 'image-pinned', ...args, 'pod.yaml'], { cwd: dir });
      return { code: r.code, found: JSON.parse(r.stdout).findings.map((f: { line: number; severity: string }) => [f.line, f.severity]) };
    } finally {
      removeTree(dir);
    }
  };
  it('by default a mutable tag is a warning and an unparsable digest an error', async () => {
    expect(await severities({})).toEqual({ code: 1, found: [[6, 'warning'], [7, 'error']] });
    expect(await severities({ '.mllint.yaml': 'extends: ["mllint:recommended"]\n' })).toEqual({ code: 1, found: [[6, 'warning'], [7, 'error']] });
    expect(await severities({ '.mllint.yaml': 'rules:\n  image-pinned: { options: { mutableTags: [latest] } }\n' })).toEqual({ code: 1, found: [[6, 'warning'], [7, 'error']] });
  });
  it('a severity the user sets applies to every finding of the rule (gate on :latest)', async () => {
    expect(await severities({ '.mllint.yaml': 'rules:\n  image-pinned: error\n' })).toEqual({ code: 1, found: [[6, 'error'], [7, 'error']] });
    expect(await severities({ '.mllint.yaml': 'extends: ["mllint:recommended"]\nrules:\n  image-pinned: error\n' })).toEqual({ code: 1, found: [[6, 'error'], [7, 'error']] });
    expect(await severities({}, ['--rule', 'image-pinned=error'])).toEqual({ code: 1, found: [[6, 'error'], [7, 'error']] });
    expect(await severities({ '.mllint.yaml': 'extends: ["mllint:strict"]\n' })).toMatchObject({ found: expect.arrayContaining([[6, 'error'], [7, 'error']]) });
    expect(await severities({ '.mllint.yaml': 'rules:\n  image-pinned: warning\n' })).toEqual({ code: 0, found: [[6, 'warning'], [7, 'warning']] });
  });
  it('a version tag and a full digest get no finding', async () => {
    const dir = makeTree({ 'pod.yaml': pod.replace('scorer:latest', 'scorer:1.0.0').replace('sha256:9f86d08', `sha256:${FULL}`) });
    try {
      const r = await runCli(['check', '--no-cache', '-f', 'json', '--include', 'image-pinned', 'pod.yaml'], { cwd: dir });
      expect(JSON.parse(r.stdout).findings).toEqual([]);
    } finally {
      removeTree(dir);
    }
  });
});
