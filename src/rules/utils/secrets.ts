/**
 * Heuristics for "this looks like a credential": by variable name and by value. Tuned against false
 * positives that are common in ML manifests (MAX_TOKENS, TOKENIZERS_PARALLELISM, TOKEN_TTL=3600,
 * SECRET_NAME=feature-store, DB_PASSWORD_FILE=/run/secrets/db).
 */

/** Name words that mark a credential, as sequences of name tokens. */
export const DEFAULT_CREDENTIAL_WORDS = [
  'PASSWORD', 'PASSWD', 'PASS', 'PASSPHRASE', 'SECRET', 'TOKEN', 'APIKEY', 'API_KEY', 'ACCESS_KEY', 'ACCESSKEY',
  'SECRET_KEY', 'SECRETKEY', 'PRIVATE_KEY', 'PRIVATEKEY', 'ENCRYPTION_KEY', 'SIGNING_KEY', 'MASTER_KEY',
  'LICENSE_KEY', 'CREDENTIAL', 'CREDENTIALS', 'CLIENT_SECRET', 'STORAGE_KEY', 'ACCOUNT_KEY', 'KEY',
];

/**
 * Words before a final KEY that make it a lookup key, not a credential (CACHE_KEY, PARTITION_KEY, LABEL_KEY);
 * a bare `…_KEY` is a credential only when its value also looks like one (see `looksLikeKeyMaterial`).
 */
const LOOKUP_KEY_WORDS = new Set([
  'SORT', 'PARTITION', 'CACHE', 'ROUTING', 'LABEL', 'OBJECT', 'HASH', 'SHARD', 'LOOKUP', 'PUBLIC', 'ANNOTATION',
  'NODE', 'TOPOLOGY', 'PRIMARY', 'FOREIGN', 'GROUP', 'ENTITY', 'FEATURE', 'JOIN', 'INDEX', 'DEDUP', 'METRIC', 'CONFIG',
  'S3', 'BLOB', 'GCS', 'PATH', 'FILE', 'REDIS', 'QUEUE', 'TOPIC', 'MESSAGE', 'EVENT', 'SESSION', 'MODEL', 'RESULT',
]);

/** Name tokens that turn a credential word into configuration about the credential (TOKEN_TTL, SECRET_NAME). */
const QUALIFIERS = new Set([
  'TTL', 'EXPIRY', 'EXPIRES', 'EXPIRATION', 'LIFETIME', 'TIMEOUT', 'INTERVAL', 'SECONDS', 'MINUTES', 'HOURS', 'DAYS',
  'PERIOD', 'LENGTH', 'LEN', 'SIZE', 'MAX', 'MIN', 'COUNT', 'LIMIT', 'PATH', 'FILE', 'DIR', 'DIRECTORY',
  'MOUNT', 'LOCATION', 'NAME', 'REF', 'ID', 'URL', 'URI', 'ENDPOINT', 'HOST', 'PORT', 'ENABLED', 'DISABLED', 'ENABLE',
  'DISABLE', 'REQUIRED', 'HEADER', 'TYPE', 'KIND', 'FORMAT', 'ALGORITHM', 'ALG', 'ISSUER', 'AUDIENCE', 'VERSION',
  'FIELD', 'PARAM', 'SOURCE', 'PROVIDER', 'STORE', 'MANAGER', 'MODE', 'POLICY', 'ROTATION', 'USER', 'USERNAME',
  'PREFIX', 'SUFFIX', 'KEYS',
]);

/** Name tokens before a credential word that make it a count or limit (MAX_TOKEN, NUM_SECRETS). */
const PRE_QUALIFIERS = new Set(['MAX', 'MIN', 'NUM', 'COUNT']);

/** Splits an env name into upper-case tokens: `dbPassword_file` → DB, PASSWORD, FILE; `DB_PASSWORD2` → DB, PASSWORD, 2. */
export function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Za-z])(\d)/g, '$1_$2')
    .split(/[^A-Za-z0-9]+/)
    .filter((t) => t !== '')
    .map((t) => t.toUpperCase());
}

/** The credential word a variable name contains (e.g. `API_KEY`), or undefined when it is not a credential name. */
export function credentialWordIn(name: string, words: readonly string[] = DEFAULT_CREDENTIAL_WORDS): string | undefined {
  const tokens = nameTokens(name);
  let found: string | undefined;
  for (const word of words) {
    const parts = word.toUpperCase().split('_');
    for (let i = 0; i + parts.length <= tokens.length; i++) {
      if (!parts.every((p, j) => tokens[i + j] === p)) continue;
      const end = i + parts.length;
      // A trailing number is an index (DB_PASSWORD2): the word still ends the name.
      const last = tokens.length - (/^\d+$/.test(tokens[tokens.length - 1] ?? '') ? 1 : 0);
      // PASS and KEY alone are too common words (PASS_THROUGH, KEY_COLUMN); only as the last token (DB_PASS, STORAGE_KEY).
      if ((word === 'PASS' || word === 'KEY') && end !== last && end !== tokens.length) continue;
      if (word === 'KEY' && i > 0 && LOOKUP_KEY_WORDS.has(tokens[i - 1])) continue;
      // TOKEN_TTL, SECRET_NAME, DB_PASSWORD_FILE: about the credential; MAX_TOKEN: not one.
      if (tokens.slice(end).some((t) => QUALIFIERS.has(t)) || tokens.slice(0, i).some((t) => PRE_QUALIFIERS.has(t))) continue;
      if (!found || word.length > found.length) found = word;
    }
  }
  return found;
}

/**
 * Whether a value could be key material (for names that end in a bare KEY): at least 16 characters without
 * spaces, mixing letters and digits, and not a path or dotted/dashed identifier (`models/v3`, `user-id`).
 */
export function looksLikeKeyMaterial(value: string): boolean {
  const v = value.trim();
  if (v.length < 16 || /\s/.test(v)) return false;
  if (!/[A-Za-z]/.test(v) || !/\d/.test(v)) return false;
  if (/^[a-z0-9]+([._/-][a-z0-9]+)+$/.test(v)) return false;
  return true;
}

/**
 * Values that are configuration, not credentials, whatever the name says. `name` (optional) is the variable's
 * name: a value that only repeats it (`HF_TOKEN: "HF_TOKEN"`) is a placeholder.
 */
export function isObviouslyNotSecret(value: string, name?: string): boolean {
  const v = value.trim();
  if (v === '') return true;
  if (name !== undefined && name !== '' && v.toUpperCase() === name.toUpperCase()) return true;
  if (/^(true|false|yes|no|on|off|enabled|disabled|none|null|n\/a)$/i.test(v)) return true;
  if (/^-?\d+(\.\d+)?$/.test(v)) return true; // numbers: TTLs, lengths, ports
  if (/^\d+(\.\d+)?(ns|us|ms|s|m|h|d)$/.test(v)) return true; // durations
  if (/^(\/|\.\/|~\/)[^\s]*$/.test(v)) return true; // file paths (a mounted secret file)
  // A reference to another variable: $(VAR) (Kubernetes), ${VAR} or $VAR (envsubst, a shell step before apply).
  if (/^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(v) || /^\$\{[^}]+\}$/.test(v) || /^\$[A-Z_][A-Z0-9_]*$/.test(v)) return true;
  // Placeholders filled in by a later step (envsubst, a templating tool, a human): not a credential yet.
  if (/^<[^<>]+>$/.test(v) || /^\{\{.*\}\}$/.test(v) || /^(\*+|x{3,}|replace[_-]?me|to[_-]?be[_-]?replaced|placeholder|redacted)$/i.test(v)) return true;
  // Stand-in keys for servers that check none: vLLM's OpenAI-compatible server documents api_key="EMPTY"
  // (docs.vllm.ai, OpenAI-Compatible Server), clients of local servers are given "dummy", "not-needed", "no-key".
  if (/^(dummy|fake|empty|none|null|unused|not[_-]?(needed|used|required|set)|no[_-]?key([_-]?required)?|sk-no-key-required)$/i.test(v)) return true;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v) && urlPassword(v) === undefined) return true; // a URL without a password
  return false;
}

/** What a value looks like when it is a credential by its shape, whatever its name; undefined otherwise. */
export function credentialShapeOf(value: string): string | undefined {
  if (/-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/.test(value)) return 'a PEM private key';
  if (/(^|[^A-Z0-9])(AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}([^A-Z0-9]|$)/.test(value)) return 'an AWS access key id';
  if (/(^|[^A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/.test(value)) return 'a JSON Web Token';
  if (/(^|[^A-Za-z0-9_])(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}/.test(value) || /github_pat_[A-Za-z0-9_]{40,}/.test(value)) return 'a GitHub token';
  if (/(^|[^A-Za-z0-9])glpat-[A-Za-z0-9_-]{20,}/.test(value)) return 'a GitLab token';
  if (/(^|[^A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}/.test(value)) return 'a Slack token';
  if (/(^|[^A-Za-z0-9_])hf_[A-Za-z0-9]{30,}/.test(value)) return 'a Hugging Face token';
  if (/(^|[^A-Za-z0-9])AIza[0-9A-Za-z_-]{35}/.test(value)) return 'a Google API key';
  if (/(^|[^A-Za-z0-9])sk-(proj-)?[A-Za-z0-9_-]{32,}/.test(value)) return 'an OpenAI-style secret key';
  if (/(^|[^A-Za-z0-9])(sk|rk)_live_[A-Za-z0-9]{20,}/.test(value)) return 'a Stripe secret key';
  if (/(^|;)\s*(AccountKey|SharedAccessKey)\s*=\s*[A-Za-z0-9+/]{16,}/i.test(value)) return 'an Azure connection string with an account key';
  if (urlPassword(value) !== undefined) return 'a URL with a password';
  return undefined;
}

/** The password of `scheme://user:password@host…` when it is written literally (not a `$(VAR)` reference). */
function urlPassword(value: string): string | undefined {
  // The first `scheme://user:password@` (scheme: a run of [a-z0-9+.-] holding a letter), found in one
  // pass: the regex /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:([^/\s@]+)@/i backtracks quadratically on long values.
  let password: string | undefined;
  for (let from = 0; password === undefined; ) {
    const at = value.indexOf('://', from);
    if (at === -1) return undefined;
    from = at + 3;
    let letter = false;
    for (let k = at - 1; k >= 0 && /[a-z0-9+.-]/i.test(value[k]); k--) if (/[a-z]/i.test(value[k])) letter = true;
    if (!letter) continue;
    let end = from;
    while (end < value.length && value[end] !== '/' && value[end] !== '@' && !/\s/.test(value[end])) end++;
    if (value[end] !== '@') continue;
    const userinfo = value.slice(from, end);
    const colon = userinfo.indexOf(':');
    if (colon !== -1 && colon < userinfo.length - 1) password = userinfo.slice(colon + 1);
  }
  if (/^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(password) || /^\$\{[^}]+\}$/.test(password)) return undefined;
  return password;
}
