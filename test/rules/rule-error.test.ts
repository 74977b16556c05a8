import { describe, expect, it } from 'vitest';
import { lint } from '../../src/engine/run.js';
import { RULES } from '../../src/rules/index.js';
import type { RuleSettings } from '../../src/config/resolve.js';

describe('rule-error', () => {
  it('turns a rule that throws into a finding at the object, and the run goes on', () => {
    const imagePinned = RULES.find((r) => r.meta.id === 'image-pinned')!;
    const original = imagePinned.check;
    imagePinned.check = (ctx) => {
      if (ctx.object.name === 'boom') throw new Error('unexpected shape');
      return original(ctx);
    };
    try {
      const settings: RuleSettings = {
        enabledSomewhere: () => ['image-pinned'],
        settingFor: (id) => ({ severity: id === 'image-pinned' || id === 'rule-error' ? 'error' : 'off', options: { ...imagePinned.meta.defaultOptions } }),
      };
      const yaml = 'apiVersion: v1\nkind: Pod\nmetadata: { name: boom }\nspec:\n  containers: [{ name: a, image: a }]\n---\napiVersion: v1\nkind: Pod\nmetadata: { name: fine }\nspec:\n  containers: [{ name: b, image: b }]\n';
      const result = lint({ sources: [{ display: 'x.yaml', text: yaml }], ruleSettings: settings, onlyRules: new Set(['image-pinned']) });
      expect(result.findings.map((f) => [f.ruleId, f.line])).toEqual([
        ['rule-error', 1],
        ['image-pinned', 11],
      ]);
      expect(result.findings[0].message).toBe('rule "image-pinned" failed on this object: unexpected shape');
    } finally {
      imagePinned.check = original;
    }
  });
});
