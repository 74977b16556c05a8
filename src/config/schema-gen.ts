/**
 * The config JSON Schema, generated from the rule registry so an editor knows what mllint knows: the rule
 * ids (a typo such as `image-pined` is an unknown property), each rule's own options schema (`safetyFactr`
 * is an unknown option), the built-in packs `extends` accepts. The hand-written rest (registry, cluster,
 * policies, overrides…) is `config-schema.base.json` in this folder. `npm run docs` writes the result to
 * schemas/config.schema.json, which mllint itself validates configs with; a test keeps the file current.
 */
import type { Rule } from '../rules/define-rule.js';
import { ruleDocsUrl } from '../formatters/common.js';

type Schema = Record<string, unknown>;

/**
 * Where a schema file of this version is published: the raw file at the release tag
 * (`https://raw.githubusercontent.com/OWNER/REPO/vX.Y.Z/schemas/FILE`). The tag is what a release is cut
 * from, so the URL resolves as soon as the version is tagged (before or without an npm publish), and it
 * describes exactly the rules of that version, unlike a file on a moving branch.
 * `repositoryUrl`: package.json's repository URL (`git+https://github.com/OWNER/REPO.git`).
 */
export function schemaUrl(repositoryUrl: string, version: string, file: string): string {
  const m = /github\.com[/:]([^/]+)\/([^/.]+)/.exec(repositoryUrl);
  if (!m) throw new Error(`package.json repository is not a GitHub URL: ${repositoryUrl}`);
  return `https://raw.githubusercontent.com/${m[1]}/${m[2]}/v${version}/schemas/${file}`;
}

/** A rule's options schema with each option's default (from `defaultOptions`) shown to the editor. */
function optionsWithDefaults(rule: Rule<any>): Schema {
  const schema = structuredClone(rule.meta.optionsSchema) as Schema & { properties?: Record<string, Schema> };
  const defaults = (rule.meta.defaultOptions ?? {}) as Record<string, unknown>;
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    if (defaults[key] !== undefined && prop.default === undefined) prop.default = defaults[key];
  }
  return schema;
}

/**
 * The full config schema. `base` is the hand-written part (not modified); `rules` the registry; `packs` the
 * built-in pack names (`mllint:recommended`…); `id` the published URL ({@link schemaUrl}).
 */
export function generateConfigSchema(base: Schema, rules: ReadonlyArray<Rule<any>>, packs: readonly string[], id: string): Schema {
  const schema = structuredClone(base) as Schema & { properties: Record<string, Schema>; definitions: Record<string, Schema> };
  const properties: Record<string, Schema> = {};
  for (const rule of [...rules].sort((a, b) => a.meta.id.localeCompare(b.meta.id))) {
    const severity = rule.meta.recommended ? rule.meta.severity : 'off';
    properties[rule.meta.id] = {
      description: `${rule.meta.description.replace(/[^.!?]$/, '$&.')} Default: ${severity}. ${ruleDocsUrl(rule.meta.id)}`,
      anyOf: [
        { $ref: '#/definitions/severity' },
        {
          type: 'object',
          additionalProperties: false,
          properties: { severity: { $ref: '#/definitions/severity' }, options: optionsWithDefaults(rule) },
        },
      ],
    };
  }
  schema.definitions.ruleSettings = {
    description: 'Rule id → severity (off, info, warning, error), or { severity, options }. Only built-in rules; a custom policy\'s severity is set in `policies` (an entry with only id and severity) or in an override\'s `policies`.',
    type: 'object',
    additionalProperties: false,
    properties,
  };
  schema.properties.extends = {
    ...schema.properties.extends,
    items: { anyOf: [{ enum: [...packs] }, { type: 'string', not: { pattern: '^mllint:' } }] },
  };
  return { $schema: schema.$schema, $id: id, ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema' && k !== '$id')) };
}
