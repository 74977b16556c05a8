import { defineRule, type Report } from './define-rule.js';
import { CONTAINER_TYPE_LABEL, WORKLOAD_KINDS } from '../engine/extract.js';
import { isPlainObject } from '../loaders/objects.js';
import { credentialShapeOf, credentialWordIn, DEFAULT_CREDENTIAL_WORDS, isObviouslyNotSecret, looksLikeKeyMaterial } from './utils/secrets.js';

export interface NoSecretLiteralsInEnvOptions {
  credentialWords: string[];
  ignoreNames: string[];
  checkValues: boolean;
}

export default defineRule<NoSecretLiteralsInEnvOptions>({
  meta: {
    id: 'no-secret-literals-in-env',
    severity: 'warning',
    recommended: true,
    description: 'Credentials must come from a Secret (valueFrom.secretKeyRef), not literal env values',
    kinds: WORKLOAD_KINDS,
    partialTemplates: true,
    remediation: 'Store the value in a Secret and reference it with env[].valueFrom.secretKeyRef (or envFrom.secretRef); rotate the exposed credential.',
    docs: {
      why:
        'A password, API token or private key written into a manifest is in the Git history forever, readable by ' +
        'everyone with access to the GitOps repository, printed by `kubectl describe pod`, and copied into every ' +
        'fork and CI log. Model servers and training jobs are frequent offenders: feature-store passwords, Hugging ' +
        'Face tokens, object-store keys and database URLs with the password inline.',
      checks:
        'Every `env` entry with a literal `value` in every container, init container and ephemeral container of every ' +
        'workload kind. It fires when the variable name contains a credential word (`credentialWords`: PASSWORD, ' +
        'SECRET, TOKEN, API_KEY, ACCESS_KEY, PRIVATE_KEY, CREDENTIALS, …; matched as whole name parts, so ' +
        '`MAX_TOKENS` and `TOKENIZERS_PARALLELISM` do not match) and the value is not obviously configuration: empty ' +
        'values, booleans, numbers, durations, file paths, `$(VAR)`/`${VAR}`/`$VAR` references, the variable\'s own name, placeholders (`<…>`, `{{ … }}`, ' +
        '`****`, `REPLACE_ME`), stand-in keys for servers that check none (`EMPTY` as vLLM documents, `dummy`, `not-needed`) and URLs without a password are ' +
        'accepted, as are names where a part such as TTL, FILE, PATH, NAME, URL, ID or ENABLED follows the word ' +
        '(`TOKEN_TTL`, `DB_PASSWORD_FILE`, `SECRET_NAME`) or MAX/MIN/NUM precedes it (`MAX_TOKEN`). A trailing ' +
        'index still counts (`DB_PASSWORD2`). A name ending in a bare `KEY` (`AZURE_STORAGE_KEY`) counts when the ' +
        'value also looks like key material (16+ characters mixing letters and digits, not a path or identifier) ' +
        'and the word before it is not a lookup-key word (`CACHE_KEY`, `PARTITION_KEY`). With `checkValues` it also fires on any variable ' +
        'whose value has the shape of a credential: a PEM private key, an AWS access key id, a JSON Web Token, GitHub/' +
        'GitLab/Slack/Hugging Face/Google/OpenAI/Stripe tokens, an Azure connection string with `AccountKey=` or ' +
        '`SharedAccessKey=`, or a URL with a password (`scheme://user:pass@host`). ' +
        '`valueFrom` and `envFrom` are always fine. Messages never print the value. Secrets in `args`/`command` or ' +
        'ConfigMaps are not checked.',
      fix:
        'Create a Secret (ideally through sealed-secrets, external-secrets or your vault integration) and reference it ' +
        'with `valueFrom.secretKeyRef`; then rotate the credential, since it is in the Git history.',
      examples: {
        incorrect: `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml }
spec:
  selector: { matchLabels: { app: scorer } }
  template:
    metadata: { labels: { app: scorer } }
    spec:
      containers:
        - name: scorer
          image: fraud-scorer:3.0.1
          env:
            - name: FEATURE_STORE_PASSWORD
              value: hunter2
`,
        correct: `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml }
spec:
  selector: { matchLabels: { app: scorer } }
  template:
    metadata: { labels: { app: scorer } }
    spec:
      containers:
        - name: scorer
          image: fraud-scorer:3.0.1
          env:
            - name: FEATURE_STORE_PASSWORD
              valueFrom:
                secretKeyRef: { name: feature-store, key: password }
            - name: TOKEN_TTL
              value: "3600"
`,
      },
    },
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        credentialWords: {
          type: 'array',
          items: { type: 'string', pattern: '^[A-Za-z0-9]+(_[A-Za-z0-9]+)*$' },
          description: 'Name parts that mark a credential, `_`-separated for several parts (e.g. `API_KEY`); replaces the default list.',
        },
        ignoreNames: {
          type: 'array',
          items: { type: 'string' },
          description: 'Variable names never reported (exact, case-sensitive), e.g. a public `RECAPTCHA_SITE_TOKEN`.',
        },
        checkValues: {
          type: 'boolean',
          description: 'Also report values shaped like credentials (private keys, AWS keys, JWTs, known token formats, URLs with a password) whatever the name.',
        },
      },
    },
    defaultOptions: { credentialWords: DEFAULT_CREDENTIAL_WORDS, ignoreNames: [], checkValues: true },
    messages: {
      secretName:
        'env "{{env}}" of {{type}} "{{container}}" has a credential-like name ({{word}}) and a literal value; reference a Secret with valueFrom.secretKeyRef',
      secretValue:
        'env "{{env}}" of {{type}} "{{container}}" has a literal value that looks like {{shape}}; reference a Secret with valueFrom.secretKeyRef',
    },
  },

  check({ template, options }) {
    if (!template) return [];
    const reports: Report[] = [];
    const ignored = new Set(options.ignoreNames);
    for (const ref of template.containers) {
      const env = ref.container.env;
      if (!Array.isArray(env)) continue;
      env.forEach((entry, i) => {
        if (!isPlainObject(entry)) return;
        const name = typeof entry.name === 'string' ? entry.name : '';
        const value = entry.value;
        if (typeof value !== 'string' || ignored.has(name)) return; // valueFrom, or a number schema-valid reports
        const data = { env: name || `#${i}`, type: CONTAINER_TYPE_LABEL[ref.type], container: ref.name };
        const path = [...ref.path, 'env', i, 'value'];
        const shape = options.checkValues ? credentialShapeOf(value) : undefined;
        if (shape) {
          reports.push({ messageId: 'secretValue', data: { ...data, shape }, path });
          return;
        }
        const word = credentialWordIn(name, options.credentialWords);
        if (word === 'KEY' && !looksLikeKeyMaterial(value)) return;
        if (word && !isObviouslyNotSecret(value, name)) reports.push({ messageId: 'secretName', data: { ...data, word }, path });
      });
    }
    return reports;
  },
});
