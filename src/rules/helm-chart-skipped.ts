import { defineRule } from './define-rule.js';

/** Reported by discovery, not by `check`: Helm templates are Go templates, not YAML. */
export default defineRule<Record<string, never>>({
  meta: {
    id: 'helm-chart-skipped',
    severity: 'info',
    recommended: true,
    description: "A Helm chart's templates/ directory was skipped; lint the rendered chart instead",
    kinds: [],
    remediation: 'Render the chart and lint the result: `helm template RELEASE CHART_DIR | mllint check -`.',
    docs: {
      why:
        'Files under a chart\'s `templates/` contain `{{ … }}` Go template code: parsing them as YAML gives ' +
        'errors or, worse, objects that are not the ones Helm will render. Linting the rendered output checks ' +
        'what the cluster will actually receive.',
      checks: 'A directory holding a `Chart.yaml` is a Helm chart; its `templates/` directory is skipped with one finding per chart.',
      fix: 'Pipe the rendered chart into mllint: `helm template my-release ./charts/model-server -f values-prod.yaml | mllint check -`.',
    },
    optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
    defaultOptions: {},
    messages: {},
  },
  check: () => [],
});
