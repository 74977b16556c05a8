import rule from '../../src/rules/no-secret-literals-in-env.js';
import { ruleTester } from '../rule-tester.js';

/** A Deployment whose container has the given env entries (YAML list items indented under `env:`). */
const deployment = (env: string, init = '') => `apiVersion: apps/v1
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
${init}      containers:
        - name: scorer
          image: fraud-scorer:3.0.1
          env:
${env}`;
const entry = (name: string, value: string) => `            - name: ${name}\n              value: ${JSON.stringify(value)}\n`;

// Strings assembled at run time so that secret scanners do not flag this test file.
const AWS_KEY_ID = ['AKIA', 'IOSFODNN7', 'EXAMPLE'].join('');
const JWT = ['eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiJtbC1zZXJ2aW5nIn0', 'c2lnbmF0dXJlLWJ5dGVzLWhlcmU'].join('.');
const PEM = ['-----BEGIN', 'RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA', 'PRIVATE KEY-----'].join(' ');
const HF = `hf_${'a1B2c3D4e5'.repeat(3)}x`;

ruleTester(rule, {
  valid: [
    {
      name: 'valueFrom secretKeyRef and envFrom',
      yaml: deployment(`            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef: { name: db, key: password }
          envFrom:
            - secretRef: { name: api-tokens }
`),
    },
    {
      name: 'configuration about credentials, not credentials',
      yaml: deployment(
        entry('TOKEN_TTL', '3600') +
          entry('SECRET_NAME', 'feature-store') +
          entry('DB_PASSWORD_FILE', '/run/secrets/db/password') +
          entry('JWT_SECRET_ROTATION_DAYS', '30') +
          entry('OAUTH_TOKEN_URL', 'https://auth.example.com/oauth/token') +
          entry('AWS_ACCESS_KEY_ID_PATH', '/var/run/aws/key-id') +
          entry('PASSWORD_MIN_LENGTH', '12'),
      ),
    },
    {
      name: 'lookup keys and identifiers under *_KEY names are not credentials',
      yaml: deployment(
        entry('CACHE_KEY', 'ranker-v3-embeddings-2024') + entry('S3_KEY', 'models/ranker/v3/model.bin') + entry('PARTITION_KEY', 'customer_id12345678') +
          entry('SIGNING_KEY_VERSION', '3') + entry('KEY', 'short'),
      ),
    },
    {
      name: 'ML words that contain TOKEN but are not credentials',
      yaml: deployment(entry('MAX_TOKENS', '512') + entry('TOKENIZERS_PARALLELISM', 'false') + entry('MAX_NEW_TOKENS', '256') + entry('TOKENIZER', 'bert-base-uncased')),
    },
    {
      name: 'obvious non-secret values under credential names',
      yaml: deployment(
        entry('API_KEY', '') + entry('AUTH_TOKEN', 'true') + entry('SECRET', '${SECRET}') + entry('DB_PASSWORD', '$(PG_PASSWORD)') + entry('API_TOKEN', '30s'),
      ),
    },
    {
      name: 'URLs with a user but no password, or a password reference',
      yaml: deployment(entry('DATABASE_URL', 'postgres://scorer@db:5432/features') + entry('MLFLOW_TRACKING_URI', 'https://$(MLFLOW_USER):$(MLFLOW_PASSWORD)@mlflow.example.com')),
    },
    {
      name: 'placeholders filled in later',
      yaml: deployment(entry('DB_PASSWORD', '<set-by-vault-agent>') + entry('API_TOKEN', '{{ .Values.token }}') + entry('SECRET', '********') + entry('HF_TOKEN', 'REPLACE_ME')),
    },
    {
      name: 'stand-in keys for a local OpenAI-compatible server that checks none',
      yaml: deployment(entry('OPENAI_API_KEY', 'EMPTY') + entry('LLM_API_KEY', 'dummy') + entry('EMBEDDINGS_API_KEY', 'not-needed')),
    },
    {
      name: 'envsubst-style $VAR and the variable\'s own name as the value (sample manifests)',
      yaml: deployment(entry('HF_TOKEN', '$HF_TOKEN') + entry('NGC_API_KEY', '${NGC_API_KEY}') + entry('API_TOKEN', 'api_token')),
    },
    { name: 'ignoreNames', yaml: deployment(entry('RECAPTCHA_SITE_TOKEN', 'public-site-token')), options: { ignoreNames: ['RECAPTCHA_SITE_TOKEN'] } },
    { name: 'checkValues off', yaml: deployment(entry('BOOTSTRAP', AWS_KEY_ID)), options: { checkValues: false } },
    { name: 'a ConfigMap is not a workload', yaml: `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: ml }\ndata:\n  DB_PASSWORD: hunter2\n` },
  ],
  invalid: [
    {
      name: 'credential names glued to an index, bare *_KEY names with key material, Azure connection strings',
      yaml: deployment(
        entry('FEATURE_DB_PASSWORD2', 'n0t-a-placeholder-9f3k') + entry('AZURE_STORAGE_KEY', 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3A=') +
          entry('ARTIFACTS_CONNECTION', 'DefaultEndpointsProtocol=https;AccountName=ml;AccountKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==;EndpointSuffix=core.windows.net') +
          entry('WEBHOOK_KEY', 'a8f3k29dk3lq0x7z') + entry('ADMIN_PASSWORD', 'changeme'),
      ),
      errors: [
        { messageId: 'secretName', line: 18, message: /\(PASSWORD\)/ },
        { messageId: 'secretName', line: 20, message: /\(STORAGE_KEY\)/ },
        { messageId: 'secretValue', line: 22, message: /an Azure connection string with an account key/ },
        { messageId: 'secretName', line: 24, message: /\(KEY\)/ },
        // A weak default password is a real credential, not a stand-in.
        { messageId: 'secretName', line: 26, message: /"ADMIN_PASSWORD"/ },
      ],
    },
    {
      name: 'password by name, pointing at the value; the message never prints it',
      yaml: deployment(entry('FEATURE_STORE_PASSWORD', 'hunter2')),
      errors: [{
        messageId: 'secretName', line: 18, column: 22, path: 'spec.template.spec.containers[0].env[0].value',
        message: 'env "FEATURE_STORE_PASSWORD" of container "scorer" has a credential-like name (PASSWORD) and a literal value; reference a Secret with valueFrom.secretKeyRef',
      }],
    },
    {
      name: 'credential words in several spellings',
      yaml: deployment(entry('HF_TOKEN', 'abc123abc123') + entry('openaiApiKey', 'sk-short') + entry('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG') + entry('DB_PASS', 'changeme') + entry('GCS_CREDENTIALS', '{"type":"service_account"}')),
      errors: [
        { messageId: 'secretName', line: 18, message: /\(TOKEN\)/ },
        { messageId: 'secretName', line: 20, message: /\(API_KEY\)/ },
        { messageId: 'secretName', line: 22, message: /\(SECRET_KEY|ACCESS_KEY\)/ },
        { messageId: 'secretName', line: 24, message: /\(PASS\)/ },
        { messageId: 'secretName', line: 26, message: /\(CREDENTIALS\)/ },
      ],
    },
    {
      name: 'a $-prefixed value that is not an upper-case variable reference, or another variable\'s name, still counts',
      yaml: deployment(entry('DB_PASSWORD', '$ecretPassw0rd') + entry('HF_TOKEN', 'HF_TOKEN_2024_abc')),
      errors: [
        { messageId: 'secretName', line: 18, message: /\(PASSWORD\)/ },
        { messageId: 'secretName', line: 20, message: /\(TOKEN\)/ },
      ],
    },
    {
      name: 'credential shapes whatever the name',
      yaml: deployment(entry('BOOTSTRAP_ID', AWS_KEY_ID) + entry('DEBUG_HEADER', `Bearer ${JWT}`) + entry('TLS_MATERIAL', PEM) + entry('HUB', HF) + entry('FEATURE_DB', 'postgresql://scorer:s3cr3t@db:5432/features')),
      errors: [
        { messageId: 'secretValue', line: 18, message: /an AWS access key id/ },
        { messageId: 'secretValue', line: 20, message: /a JSON Web Token/ },
        { messageId: 'secretValue', line: 22, message: /a PEM private key/ },
        { messageId: 'secretValue', line: 24, message: /a Hugging Face token/ },
        { messageId: 'secretValue', line: 26, message: /a URL with a password/ },
      ],
    },
    {
      name: 'init containers and CronJobs in other files',
      files: {
        'serving/deploy.yaml': deployment(entry('MODEL_NAME', 'fraud-detector'), `      initContainers:
        - name: fetch-model
          image: fetcher:1.0.0
          env:
            - name: S3_SECRET_KEY
              value: abcdEFGHijkl
`),
        'training/cron.yaml': `apiVersion: batch/v1
kind: CronJob
metadata: { name: retrain, namespace: ml-training }
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: train
              image: trainer:1.0.0
              env:
                - { name: WANDB_API_KEY, value: 0123456789abcdef }
`,
      },
      errors: [
        { messageId: 'secretName', line: 18, file: 'serving/deploy.yaml', message: /^env "S3_SECRET_KEY" of init container "fetch-model"/ },
        { messageId: 'secretName', line: 15, file: 'training/cron.yaml', path: 'spec.jobTemplate.spec.template.spec.containers[0].env[0].value' },
      ],
    },
    {
      name: 'credentialWords option replaces the list',
      yaml: deployment(entry('LICENSE', 'XXXX-YYYY') + entry('DB_PASSWORD', 'hunter2')),
      options: { credentialWords: ['LICENSE'] },
      errors: [{ messageId: 'secretName', line: 18 }],
    },
  ],
});
