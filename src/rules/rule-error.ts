import { defineRule } from './define-rule.js';

/** Reported by the engine when a rule throws: the run goes on, and the failure is visible. */
export default defineRule<Record<string, never>>({
  meta: {
    id: 'rule-error',
    severity: 'error',
    recommended: true,
    description: 'A rule failed on an object (a bug in mllint); the rest of the run went on',
    kinds: [],
    remediation: 'Report the object and the message to the mllint maintainers; silence it with `mllint.io/ignore` meanwhile.',
    docs: {
      why: 'One odd object must never stop a lint run, and a rule that silently skipped an object would hide findings.',
      checks: 'When a rule throws while checking an object, the error becomes a finding at that object instead of a crash.',
      fix: 'This is a defect in mllint. Report it with the object; meanwhile the annotation `mllint.io/ignore: RULE` on the object silences the failing rule.',
    },
    optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
    defaultOptions: {},
    messages: {},
  },
  check: () => [],
});
