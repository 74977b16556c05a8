import { defineRule } from './define-rule.js';

export interface SuppressionValidOptions {
  /** Every `mllint.io/ignore` must come with `mllint.io/ignore-reason`. */
  requireReason: boolean;
}

/**
 * Reported by the engine, not by `check`: it needs every rule's results on the object. It checks the
 * `mllint.io/ignore` annotation itself — ids that name no rule (a typo silences nothing and says nothing),
 * ids that silenced nothing on the object, and (option) a missing `mllint.io/ignore-reason`.
 */
export default defineRule<SuppressionValidOptions>({
  meta: {
    id: 'suppression-valid',
    severity: 'warning',
    recommended: true,
    description: 'A mllint.io/ignore annotation names an unknown rule, silences nothing, or (option) gives no reason',
    kinds: [],
    remediation: 'Correct the rule id (`mllint rules` lists them), or remove the id the object no longer needs silenced.',
    docs: {
      why:
        '`mllint.io/ignore: "image-pined"` silences nothing — the typo hides that the real finding is still ' +
        'there, or will come back unnoticed. An id that once silenced a finding and no longer does (the ' +
        'object was fixed) keeps an exception alive that nobody needs, and would hide the next regression.',
      checks:
        'For every object (or pod template) with `mllint.io/ignore`: each id that is not a rule or a ' +
        'custom policy of the run is a warning at the annotation, with the closest id; each id whose rule ran ' +
        'on the object and reported nothing there is an `info` (unused suppression; `all` counts as used when ' +
        'it silenced anything). With `requireReason: true`, an `mllint.io/ignore` without ' +
        '`mllint.io/ignore-reason` beside it is a finding too.',
      fix:
        'Fix the id, or delete the ids that silence nothing. Say why a rule is silenced in ' +
        '`mllint.io/ignore-reason: "sandbox image, rebuilt on every push"`.',
    },
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: { requireReason: { type: 'boolean', description: 'Require mllint.io/ignore-reason beside every mllint.io/ignore.' } },
    },
    defaultOptions: { requireReason: false },
    messages: {
      unknownRule: 'mllint.io/ignore names "{{id}}", which is no rule or policy{{hint}}: it silences nothing',
      unused: 'mllint.io/ignore: "{{id}}" silenced nothing on this object; remove it',
      noReason: 'mllint.io/ignore without mllint.io/ignore-reason: say why {{ids}} is silenced here',
    },
  },
  check: () => [],
});
