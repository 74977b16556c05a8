/**
 * Placeholders that a tool fills in before the manifest is applied: a value holding one is not the value
 * the cluster will see, so no finding may be built on it.
 *
 * - envsubst / shell parameter expansion, as used by tutorials (`envsubst < x.yaml | kubectl apply -f -`):
 *   `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:=default}`, `${VAR:?message}`, `${VAR:+alt}`;
 *   and the bare form `$VAR` in capitals when it is the whole value (`image: $IMG`, `hf-token: $HF_TOKEN`): envsubst replaces
 *   `$VARIABLE` as well as `${VARIABLE}`. A bare `$VAR` inside a longer string is not taken for one: shell
 *   scripts in `args` and regexes use `$` too.
 *   Source: GNU gettext manual, "envsubst Invocation"; POSIX Shell Command Language §2.6.2 "Parameter Expansion".
 * - `$(VAR)`: kustomize `vars:` substitution (any string field), Kubernetes dependent environment
 *   variables in `command`, `args` and `env[].value` (resolved by the kubelet from the container's
 *   environment, which mllint does not evaluate).
 *   Sources: kubectl.docs.kubernetes.io/references/kustomize/kustomization/vars/;
 *   kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/.
 */
/** A whole value that is one bare envsubst reference in capitals (`$HF_TOKEN`; `$ecretPassw0rd` is a value). */
const BARE_WHOLE = /^\s*\$[A-Z_][A-Z0-9_]*\s*$/;
const PLACEHOLDER = /\$\{[A-Za-z_][A-Za-z0-9_]*(?:(?::?[-=?+])[^}]*)?\}|\$\([A-Za-z_][A-Za-z0-9_]*\)/;

/**
 * A template action: Go templates (Helm `{{ .Values.x }}`, `{{- toYaml … }}`), Jinja and Argo Workflows
 * (`{{inputs.parameters.x}}`). A manifest holding one is a template some tool renders first (a kustomize
 * tree that generates a Helm chart's templates, a workflow step's resource), so the value is not final.
 * Sources: pkg.go.dev/text/template ("Actions"); helm.sh/docs/chart_template_guide/;
 * argo-workflows.readthedocs.io/en/latest/variables/.
 */
const TEMPLATE_ACTION = /\{\{[^{}]*\}\}/;

/** Whether a string holds a placeholder of one of the forms above (`$${…}`/`$$(…)` escapes excluded). */
export function hasPlaceholder(text: string): boolean {
  if (TEMPLATE_ACTION.test(text)) return true;
  if (BARE_WHOLE.test(text)) return true;
  const m = PLACEHOLDER.exec(text);
  if (!m) return false;
  // `$$(VAR)` is the Kubernetes escape for a literal `$(VAR)`; look for an unescaped one further on.
  if (m.index > 0 && text[m.index - 1] === '$') return hasPlaceholder(text.slice(m.index + m[0].length));
  return true;
}

/**
 * Whole values that are placeholders by their shape, for the value a finding rests on (not for message data:
 * env names such as `AWS_SECRET_ACCESS_KEY` look the same):
 * - an upper-case token with an underscore (`PVC_NAME`, `IMAGE_NAME`) in a field that can never hold one —
 *   an object's name or namespace (lower-case DNS names), an image, a port, a resource quantity: the
 *   "replace PVC_NAME with …" convention of tutorials (e.g. the Google Cloud documentation's code samples),
 *   filled in by hand or `sed` before applying. Elsewhere such a token is a real value (env names,
 *   capabilities such as NET_ADMIN);
 * - an unquoted `{{NAME}}` or `{name}` (mustache, or a docs placeholder such as `{volume-id}`), which YAML
 *   reads as a one-key flow mapping with a null value (`{{X}}` as a mapping whose key is a mapping).
 */
const CAPS_TOKEN = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;

/** Fields whose value is a lower-case DNS name, an image (repository names are lower case), a port number or a quantity (last path segment). */
const NO_CAPS_FIELDS = new Set(['image', 'port', 'targetPort', 'containerPort', 'hostPort', 'nodePort', 'storage', 'cpu', 'memory', 'ephemeral-storage']);

/**
 * Whether a parsed value, found at `path`, is a placeholder by its shape (see above). `path` is where the value
 * sits in its object (e.g. ['metadata', 'name']).
 */
export function isPlaceholderValue(value: unknown, path: ReadonlyArray<string | number> = []): boolean {
  if (typeof value === 'string') {
    const last = path[path.length - 1];
    const noCapsField = (path.length === 2 && path[0] === 'metadata' && (last === 'name' || last === 'namespace')) || (typeof last === 'string' && NO_CAPS_FIELDS.has(last));
    return noCapsField && CAPS_TOKEN.test(value.trim());
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length !== 1 || entries[0][1] !== null) return false;
  const key = entries[0][0].trim();
  // `{{X}}` (its key is a stringified mapping), or `{volume-id}` / `{PROJECT_ID}`: a word with a separator or in
  // capitals, never a plain label key such as `{app: }`.
  return /^\{.*\}$/.test(key) || /^(?:[a-z][a-z0-9]*(?:[-_][a-z0-9]+)+|[A-Z][A-Z0-9_]*)$/.test(key);
}

