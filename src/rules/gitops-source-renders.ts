import { defineRule } from './define-rule.js';

/**
 * Reported by the GitOps render stage (src/render/), not by `check`: what an Argo CD Application, a Flux
 * Kustomization or HelmRelease, or a chart in the tree points at cannot be rendered from this tree.
 */
export default defineRule<Record<string, never>>({
  meta: {
    id: 'gitops-source-renders',
    severity: 'error',
    recommended: true,
    description: 'An Argo CD Application, Flux Kustomization/HelmRelease or Helm chart in the tree that cannot be rendered: missing path or values file, a template error, a chart linking out of the repository',
    kinds: [],
    remediation: 'Fix the path, values file or chart at the reported line; `helm template` or `kustomize build` on the directory shows the same error.',
    docs: {
      why:
        'When the directory an Application points at is gone, a values file it names is missing, or the chart does ' +
        'not render, the controller cannot generate manifests: the Application goes to `ComparisonError`/`Unknown` ' +
        'and nothing in it is deployed or updated, including the fix the pull request was meant to ship.',
      checks:
        'For every Argo CD Application (and each Application an ApplicationSet list or git (directories, files) generator ' +
        'makes), Flux Kustomization and HelmRelease whose source is this repository (`repository.url` in the ' +
        "config or git's `origin`; without either, a source whose path exists here): the path exists, each " +
        "`valueFiles` entry exists and is YAML, and the chart renders with the real `helm template` (unvendored dependencies are `gitops-not-rendered`: " +
        'the controller builds them). Charts nothing points at are rendered with `helm.charts` values from the config, else their ' +
        'own values.yaml. A missing path or values file is an error when the Application deploys this tree (`HEAD`, no ' +
        'revision, the checked-out branch, or `GITHUB_BASE_REF` in a pull request), else a warning: a tag, commit or ' +
        'other branch may differ from the linted tree.',
      fix: 'Correct `spec.source.path` or the values file name, or fix the template error Helm reports.',
    },
    optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
    defaultOptions: {},
    messages: {},
  },
  check: () => [],
});
