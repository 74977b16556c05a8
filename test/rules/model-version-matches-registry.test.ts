import rule from '../../src/rules/model-version-matches-registry.js';
import type { ModelRegistry } from '../../src/engine/settings.js';
import { ruleTester } from '../rule-tester.js';

const registry: ModelRegistry = {
  file: 'model-registry.yaml',
  models: {
    'fraud-detector': {
      stages: { production: '3', staging: '4' },
      versions: {
        '2': { footprint: '1Gi' },
        '3': { footprint: '1536Mi', loadSeconds: 45, image: 'registry.example.com/ml/fraud-scorer:3.0.1' },
        '4': { footprint: '2Gi', image: 'registry.example.com/ml/fraud-scorer:4.0.0-rc1' },
      },
    },
    'pinned-by-digest': {
      stages: { production: '1' },
      versions: { '1': { image: 'registry.example.com/ml/digest-model@sha256:aaaa' } },
    },
    'llm-summarizer': { stages: { production: '7' }, versions: { '7': { image: 'registry.example.com/ml/llm-server:7.2.0' } } },
  },
};
const withRegistry = { registry };
/** The same registry with MLflow aliases, and namespaces mapped to aliases. */
const withAliases = {
  registry: { ...registry, models: { ...registry.models, 'fraud-detector': { ...registry.models['fraud-detector'], aliases: { champion: '4', challenger: '3' } } } },
  aliasByNamespace: { 'ml-serving-prod': 'champion', 'ml-canary': 'canary' },
};
const isvcStorage = (uri: string) => `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: fraud
  namespace: ml-serving-prod
spec:
  predictor:
    model:
      modelFormat: { name: mlflow }
      storageUri: ${uri}
`;

/** A Deployment with the model declared by annotations on the pod template (lines 13–14). */
const annotated = (namespace: string, version: string | null, image = 'registry.example.com/ml/fraud-scorer:3.0.1', model = 'fraud-detector') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: scorer
  namespace: ${namespace}
spec:
  selector:
    matchLabels: { app: scorer }
  template:
    metadata:
      labels: { app: scorer }
      annotations:
        mllint.io/model: ${model}
${version === null ? '' : `        mllint.io/model-version: "${version}"\n`}    spec:
      containers:
        - name: scorer
          image: ${image}
`;

/** A Deployment with the model declared by env (MODEL_NAME / MODEL_VERSION / MODEL_URI). */
const withEnv = (env: Record<string, string>, namespace = 'ml-serving-prod', image = 'registry.example.com/ml/fraud-scorer:3.0.1') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: scorer
  namespace: ${namespace}
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
          env:
${Object.entries(env).map(([k, v]) => `            - name: ${k}\n              value: "${v}"`).join('\n')}
`;

const inferenceService = (version: string, image: string) => `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: summarizer
  namespace: ml-serving-prod
  annotations:
    mllint.io/model: llm-summarizer
    mllint.io/model-version: "${version}"
spec:
  predictor:
    minReplicas: 1
    containers:
      - name: kserve-container
        image: ${image}
`;

/** A Deployment running `mlflow models serve` with the model URI in its args (line 15) or a shell script (line 14). */
const served = (uri: string, shell = false) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: scorer
  namespace: ml-serving-prod
spec:
  selector: { matchLabels: { app: scorer } }
  template:
    metadata: { labels: { app: scorer } }
    spec:
      containers:
        - name: scorer
          image: registry.example.com/ml/fraud-scorer:3.0.1
${shell ? `          command: ["sh", "-c", "exec mlflow models serve --model-uri=${uri} -p 8080"]` : `          command: [mlflow, models, serve]
          args: ["-m", "${uri}", "-p", "8080"]`}
`;
const RUN_A = 'a'.repeat(32);
const RUN_B = 'b'.repeat(32);
/** Versions with their MLflow source and run (as MLflow or an export gives them). */
const withSources = {
  registry: {
    file: 'model-registry.yaml',
    models: {
      churn: {
        stages: { production: '2' },
        versions: {
          '1': { source: `mlflow-artifacts:/1/${RUN_A}/artifacts/model`, runId: RUN_A },
          '2': { source: `s3://mlflow/1/${RUN_B}/artifacts/model`, runId: RUN_B },
          '3': { source: 'models:/m-0123456789abcdef', runId: RUN_A },
          '4': { source: 'models:/m-fedcba9876543210', runId: RUN_B },
        },
      },
    },
  } as ModelRegistry,
};

ruleTester(rule, {
  valid: [
    { name: 'server args: the stage\'s version', yaml: served('models:/fraud-detector/3'), settings: withRegistry },
    { name: 'server args: a word that only looks like a URI names no model', yaml: served('models-dir/fraud/2'), settings: withRegistry },
    { name: 'artifact URI of the stage\'s version (a store URI of the MLflow run layout)', yaml: isvcStorage(`s3://mlflow/1/${RUN_B}/artifacts/model`), settings: withSources },
    { name: 'runs:/ URI whose run registered two versions: narrowed by the artifact path to the stage\'s version', yaml: isvcStorage(`runs:/${RUN_B}/model`), settings: withSources },
    { name: 'runs:/ URI with a path no version of the run was registered from: not judged', yaml: isvcStorage(`runs:/${RUN_A}/other`), settings: withSources },
    { name: 'an artifact URI no version was registered from: not judged', yaml: isvcStorage(`runs:/${'c'.repeat(32)}/model`), settings: withSources },
    { name: 'an artifact URI without a registry: not judged', yaml: isvcStorage(`runs:/${RUN_A}/model`), settings: {} },
    { name: 'alias target: the version the alias points at', yaml: withEnv({ MODEL_URI: 'models:/fraud-detector/4' }, 'ml-serving-prod', 'registry.example.com/ml/fraud-scorer:4.0.0-rc1'), settings: withAliases },
    { name: 'KServe storageUri with the stage\'s version', yaml: isvcStorage('models:/fraud-detector/3'), settings: withRegistry },
    { name: 'a storageUri that is not a models:/ URI names no model', yaml: isvcStorage('s3://bucket/fraud/3'), settings: withRegistry },
    { name: 'production version and image', yaml: annotated('ml-serving-prod', '3'), settings: withRegistry },
    { name: 'staging namespace serves the staging version', yaml: annotated('ml-serving-staging', '4', 'registry.example.com/ml/fraud-scorer:4.0.0-rc1'), settings: withRegistry },
    {
      name: 'stageByNamespace maps a namespace to staging',
      yaml: annotated('ml-canary', '4', 'registry.example.com/ml/fraud-scorer:4.0.0-rc1'),
      settings: { registry, stageByNamespace: { 'ml-canary': 'staging' } },
    },
    { name: 'env MODEL_NAME + MODEL_VERSION', yaml: withEnv({ MODEL_NAME: 'fraud-detector', MODEL_VERSION: '3' }), settings: withRegistry },
    { name: 'MODEL_URI with a version', yaml: withEnv({ MODEL_URI: 'models:/fraud-detector/3' }), settings: withRegistry },
    { name: 'no version declared, but exactly the image registered for the stage version', yaml: annotated('ml-serving-prod', null), settings: withRegistry },
    { name: 'version written as v3', yaml: annotated('ml-serving-prod', 'v3'), settings: withRegistry },
    { name: 'no registry: a version mismatch cannot be known', yaml: annotated('ml-serving-prod', '9') },
    { name: 'no model declared', yaml: annotated('ml-serving-prod', '3').replace(/ {8}mllint\.io\/model.*\n/g, '').replace('      annotations:\n', ''), settings: withRegistry },
    {
      name: 'other images in the pod are not compared',
      yaml: annotated('ml-serving-prod', '3').replace('          image: registry.example.com/ml/fraud-scorer:3.0.1\n', '          image: registry.example.com/ml/fraud-scorer:3.0.1\n        - name: proxy\n          image: envoyproxy/envoy:v1.31.0\n'),
      settings: withRegistry,
    },
    { name: 'image pinned by digest only: cannot be checked, accepted', yaml: annotated('ml-serving-prod', '3', 'registry.example.com/ml/fraud-scorer@sha256:0123'), settings: withRegistry },
    { name: 'registered by digest, same digest', yaml: annotated('ml-serving-prod', '1', 'registry.example.com/ml/digest-model:1.0@sha256:aaaa', 'pinned-by-digest'), settings: withRegistry },
    { name: 'unknown model, reporting off', yaml: annotated('ml-serving-prod', '1', 'x:1', 'nobody-knows'), settings: withRegistry, options: { reportUnknownModels: false } },
    { name: 'alias, reporting off', yaml: withEnv({ MODEL_URI: 'models:/fraud-detector@champion', MODEL_VERSION: '3' }), settings: withRegistry, options: { reportMutableReferences: false } },
    { name: 'KServe InferenceService with the registered version and image', yaml: inferenceService('7', 'registry.example.com/ml/llm-server:7.2.0'), settings: withRegistry },
    {
      name: 'malformed fields are read defensively',
      yaml: withEnv({ MODEL_NAME: 'fraud-detector', MODEL_VERSION: '3' }).replace('          image: registry.example.com/ml/fraud-scorer:3.0.1\n', '          image: { name: x }\n        - null\n        - name: other\n          image: 42\n'),
      settings: withRegistry,
    },
    { name: 'not a workload', yaml: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations: { mllint.io/model: fraud-detector }\n', settings: withRegistry },
  ],
  invalid: [
    {
      name: 'alias target: another version, at the line of the version',
      yaml: withEnv({ MODEL_URI: 'models:/fraud-detector/3' }),
      settings: withAliases,
      errors: [{ messageId: 'aliasMismatch', line: 18, message: 'serves model "fraud-detector" version 3, but fraud-detector@champion is version 4 in model-registry.yaml (namespace "ml-serving-prod" deploys alias champion)' }],
    },
    {
      name: 'alias target the registry lacks: a warning',
      yaml: withEnv({ MODEL_URI: 'models:/fraud-detector/3' }, 'ml-canary'),
      settings: withAliases,
      errors: [{ messageId: 'aliasNotInRegistry', line: 18, severity: 'warning' }],
    },
    {
      name: 'alias-pinned URI: the warning names the version it resolves to now',
      yaml: withEnv({ MODEL_URI: 'models:/fraud-detector@champion' }, 'ml-serving-prod', 'registry.example.com/ml/fraud-scorer:4.0.0-rc1'),
      settings: withAliases,
      errors: [{ messageId: 'mutableReferenceResolved', line: 18, severity: 'warning', message: 'MODEL_URI "models:/fraud-detector@champion" names the alias "champion" instead of a version; the model served changes whenever the registry moves it (it is version 4 now in model-registry.yaml)' }],
    },
    {
      name: 'KServe storageUri with another version, at the storageUri line',
      yaml: isvcStorage('models:/fraud-detector/2'),
      settings: withRegistry,
      errors: [{ messageId: 'versionMismatch', line: 10 }],
    },
    {
      name: 'MLFLOW_MODEL_URI is a model URI too',
      yaml: withEnv({ MLFLOW_MODEL_URI: 'models:/fraud-detector@champion' }),
      errors: [{ messageId: 'mutableReference', line: 18, message: /^MLFLOW_MODEL_URI "models:\/fraud-detector@champion" names the alias/ }],
      name: 'MODEL_VERSION listed twice: the kubelet keeps the last entry, and so does mllint',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml-serving-prod }
spec:
  selector: { matchLabels: { app: scorer } }
  template:
    metadata: { labels: { app: scorer } }
    spec:
      containers:
        - name: scorer
          image: registry.example.com/ml/fraud-scorer:3.0.1
          env:
            - { name: MODEL_NAME, value: fraud-detector }
            - { name: MODEL_VERSION, value: "3" }
            - { name: MODEL_VERSION, value: "2" }
`,
      settings: withRegistry,
      errors: [{ messageId: 'versionMismatch', line: 15, message: /version 2, but the registry's production version is 3/ }],
    },
    {
      name: 'staging version in production',
      yaml: annotated('ml-serving-prod', '4', 'registry.example.com/ml/fraud-scorer:4.0.0-rc1'),
      settings: withRegistry,
      errors: [{
        messageId: 'versionMismatch', line: 14, column: 34, severity: 'error', path: 'spec.template.metadata.annotations["mllint.io/model-version"]',
        message: 'serves model "fraud-detector" version 4, but the registry\'s production version is 3 (namespace "ml-serving-prod" deploys stage production)',
      }],
    },
    {
      name: 'version right, image of another version',
      yaml: annotated('ml-serving-prod', '3', 'registry.example.com/ml/fraud-scorer:4.0.0-rc1'),
      settings: withRegistry,
      errors: [{
        messageId: 'imageMismatch', line: 18, column: 18, path: 'spec.template.spec.containers[0].image',
        message: 'container "scorer" runs image "registry.example.com/ml/fraud-scorer:4.0.0-rc1", but the registry\'s image for model "fraud-detector" version 3 is "registry.example.com/ml/fraud-scorer:3.0.1"',
      }],
    },
    {
      name: 'no version declared; image checked against the stage version',
      yaml: annotated('ml-serving-staging', null, 'registry.example.com/ml/fraud-scorer:3.0.1'),
      settings: withRegistry,
      errors: [
        { messageId: 'versionMissing', line: 13, path: 'spec.template.metadata.annotations["mllint.io/model"]' },
        { messageId: 'imageMismatch', line: 17 },
      ],
    },
    {
      name: 'MODEL_VERSION in env is wrong',
      yaml: withEnv({ MODEL_NAME: 'fraud-detector', MODEL_VERSION: '2' }),
      settings: withRegistry,
      errors: [{ messageId: 'versionMismatch', line: 20, path: 'spec.template.spec.containers[0].env[1].value' }],
    },
    {
      name: 'MODEL_URI version contradicts the declared MODEL_VERSION',
      yaml: withEnv({ MODEL_VERSION: '3', MODEL_URI: 'models:/fraud-detector/2' }),
      settings: withRegistry,
      errors: [{ messageId: 'versionMismatch', line: 20, message: /version 2, but/ }],
    },
    {
      name: 'MODEL_URI alias: a warning, also without a registry',
      yaml: withEnv({ MODEL_URI: 'models:/fraud-detector@champion' }),
      errors: [{
        messageId: 'mutableReference', line: 18, column: 22, severity: 'warning',
        message: 'MODEL_URI "models:/fraud-detector@champion" names the alias "champion" instead of a version; the model served changes whenever the registry moves it',
      }],
    },
    {
      name: 'MODEL_URI stage with a registry: only the warning (no second finding about the version)',
      yaml: withEnv({ MODEL_URI: 'models:/fraud-detector/Production' }),
      settings: withRegistry,
      errors: [{ messageId: 'mutableReferenceResolved', line: 18, severity: 'warning', message: /names the stage "Production" .*\(it is version \d+ now in model-registry\.yaml\)$/ }],
    },
    {
      name: 'unknown model: a warning at the model name',
      yaml: annotated('ml-serving-prod', '1', 'x:1', 'churn-model'),
      settings: withRegistry,
      errors: [{ messageId: 'unknownModel', line: 13, severity: 'warning', message: 'serves model "churn-model", which the model registry (model-registry.yaml) does not know' }],
    },
    {
      name: 'the registry has no version for the stage',
      yaml: annotated('ml-serving-staging', '7', 'registry.example.com/ml/llm-server:7.2.0', 'llm-summarizer'),
      settings: withRegistry,
      errors: [{ messageId: 'stageNotInRegistry', line: 13, severity: 'warning' }],
    },
    {
      name: 'server args: another version, at the argument',
      yaml: served('models:/fraud-detector/4'),
      settings: withRegistry,
      errors: [
        { messageId: 'imageMismatch', line: 13 },
        { messageId: 'versionMismatch', line: 15, path: 'spec.template.spec.containers[0].args[1]' },
      ],
    },
    {
      name: 'a shell script that serves an alias: the mutable-reference warning at the command',
      yaml: served('models:/fraud-detector@champion', true),
      settings: withAliases,
      errors: [{ messageId: 'imageMismatch', line: 13 }, { messageId: 'mutableReferenceResolved', line: 14, severity: 'warning', message: 'command "models:/fraud-detector@champion" names the alias "champion" instead of a version; the model served changes whenever the registry moves it (it is version 4 now in model-registry.yaml)' }],
    },
    {
      name: 'mlflow-artifacts: URI of an older version: the version registered from it, at the URI',
      yaml: isvcStorage(`mlflow-artifacts:/1/${RUN_A}/artifacts/model`),
      settings: withSources,
      errors: [{ messageId: 'versionMismatch', line: 10, message: `serves model "churn" version 1 (the version registered from storageUri "mlflow-artifacts:/1/${RUN_A}/artifacts/model"), but the registry's production version is 2 (namespace "ml-serving-prod" deploys stage production)` }],
    },
    {
      name: 'a logged model (models:/m-…) and its mlflow-artifacts location',
      yaml: isvcStorage('models:/m-0123456789abcdef') + '---\n' + isvcStorage('mlflow-artifacts:/1/models/m-fedcba9876543210/artifacts/').replace('name: fraud', 'name: fraud-b'),
      settings: withSources,
      errors: [
        { messageId: 'versionMismatch', line: 10, message: /^serves model "churn" version 3 \(the version registered from storageUri "models:\/m-0123456789abcdef"\), but/ },
        { messageId: 'versionMismatch', line: 21, message: /^serves model "churn" version 4 \(the version registered from storageUri "mlflow-artifacts:\/1\/models\/m-fedcba9876543210\/artifacts"\), but/ },
      ],
    },
    {
      name: 'registered by digest, image has only a tag',
      yaml: annotated('ml-serving-prod', '1', 'registry.example.com/ml/digest-model:1.0', 'pinned-by-digest'),
      settings: withRegistry,
      errors: [{ messageId: 'imageMismatch', line: 18 }],
    },
    {
      name: 'KServe InferenceService: wrong version and wrong image, findings inside the InferenceService',
      yaml: inferenceService('6', 'registry.example.com/ml/llm-server:6.0.0') + '---\n' + inferenceService('7', 'registry.example.com/ml/llm-server:7.1.0').replace('name: summarizer', 'name: summarizer-b'),
      settings: withRegistry,
      errors: [
        { messageId: 'versionMismatch', line: 8, path: 'metadata.annotations["mllint.io/model-version"]' },
        { messageId: 'imageMismatch', line: 29, path: 'spec.predictor.containers[0].image' },
      ],
    },
  ],
});
