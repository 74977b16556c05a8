import { defineRule } from './define-rule.js';

/**
 * Reported by the loader, not by `check`: a file or document that is not valid YAML (or not text).
 * It is a rule so that it can be documented, listed and configured like any other.
 */
export default defineRule<Record<string, never>>({
  meta: {
    id: 'parse-error',
    severity: 'error',
    recommended: true,
    description: 'A file or document that is not valid YAML, or not text (reported, never crashes the run)',
    kinds: [],
    remediation: 'Fix the YAML syntax at the reported line; `kubectl apply --dry-run=client -f FILE` shows the same error.',
    docs: {
      why:
        'A manifest that does not parse is not applied at all: Argo CD or Flux stops syncing the whole ' +
        'application, and every other check on that file is blind. Duplicate keys are reported too: YAML ' +
        'keeps only one of them, so half of what was written silently does nothing.',
      checks:
        'Each YAML document of each file is parsed on its own, as kubectl does (YAML 1.1: `yes`/`on` are ' +
        'booleans, `<<` merges work). Syntax errors, duplicate keys, tabs used for indentation, unresolved or ' +
        `excessive aliases (alias bombs), binary or non-UTF-8 content and objects with \`metadata\` but no ` +
        '`kind` or `apiVersion` are findings at the line where the problem is. The other documents of the ' +
        'file, and all other files, are still checked. A kustomization that cannot be rendered (a missing or ' +
        'broken file, a missing tool, a remote resource) is reported here too, at the kustomization file. A file ' +
        'that does not parse and contains Go template actions (`{{ .Values.x }}`, `{{- with … }}`, `{{ end }}`: Helm ' +
        'files kept outside a chart\'s `templates/`, goreleaser or krew manifests) is a template, not a manifest: one ' +
        '`info` at its first broken line, and none of its documents is linted; so is a file with an unquoted action as a ' +
        'value (`replicas: {{.Replicas}}` parses as a nested mapping, which no manifest means), or one naming Helm\'s objects (`{{ .Values.x }}`, `{{ .Release.Namespace }}`). Other quoted actions ' +
        '(`"{{ $labels.instance }}"`) are values.',
      fix: 'Correct the syntax at the reported position. To lint a Helm chart, render it first: `helm template . | mllint check -`.',
    },
    optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
    defaultOptions: {},
    messages: {},
  },
  check: () => [],
});
