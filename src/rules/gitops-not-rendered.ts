import { defineRule } from './define-rule.js';

/**
 * Reported by the GitOps render stage (src/render/), not by `check`: a source or setting that mllint
 * does not render (remote charts, other ApplicationSet generators, plugins, Secret values).
 */
export default defineRule<Record<string, never>>({
  meta: {
    id: 'gitops-not-rendered',
    severity: 'info',
    recommended: true,
    description: 'Part of what an Argo CD Application, ApplicationSet or Flux object deploys that mllint does not render (remote chart, other generators, plugins, values from Secrets)',
    kinds: [],
    remediation: 'Nothing to fix in the manifest; lint what is not rendered separately (e.g. `helm template … | mllint check -`), or turn this rule off.',
    docs: {
      why:
        'mllint lints what the controller will apply, but it never uses the network nor runs plugins: a chart from ' +
        'a Helm repository, an ApplicationSet generator that asks a cluster or an SCM provider, a config ' +
        'management plugin or values from a Secret are not rendered. This says so, once per place, so that a ' +
        'clean run is not read as "everything was checked".',
      checks:
        'Argo CD sources with `chart:` (a Helm repository), `plugin`, remote values files, `helm.fileParameters`, ' +
        'Application `kustomize.components` and `commonAnnotationsEnvsubst`, a `namePrefix`/`nameSuffix` that would replace the ' +
        "kustomization's own, kustomize overrides when kustomize rendering is off or the kustomization cannot be rendered, " +
        'ApplicationSet generators other than `list` and ' +
        '`git` (directories, files), Flux HelmRelease charts from a HelmRepository or `chartRef`, `valuesFrom` Secrets or ' +
        'ConfigMaps not in the tree, Flux Kustomization `postBuild`/`commonMetadata`/`components` (and `images`/`patches` ' +
        'on a folder without a kustomization), a missing `helm` program, and a chart ' +
        'whose dependencies are not vendored in `charts/` (mllint never runs `helm dependency update`; reported at `dependencies:`).',
      fix: 'Informational. Set `rules: { gitops-not-rendered: "off" }` to hide it.',
    },
    optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
    defaultOptions: {},
    messages: {},
  },
  check: () => [],
});
