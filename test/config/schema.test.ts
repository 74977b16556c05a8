/**
 * The config JSON Schema is generated from the rule registry (rule ids, each rule's options, the built-in
 * packs), is current on disk, and agrees with mllint's own config validation: what an editor flags, mllint
 * refuses, and the other way round for the configs mllint ships and documents.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { RULES } from '../../src/rules/index.js';
import { BUILTIN_PACKS } from '../../src/config/load.js';
import { CONFIG_SCHEMA } from '../../src/config/schema.js';
import { generateConfigSchema, schemaUrl } from '../../src/config/schema-gen.js';
import { starterConfig } from '../../src/init.js';
import { makeTree, removeTree, runCli } from '../helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (...p: string[]) => fs.readFileSync(path.join(ROOT, ...p), 'utf8');
const pkg = JSON.parse(read('package.json'));
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeTree));

/** The schema as an editor sees it: a plain draft-07 validator, none of mllint's own settings. */
function editor(): (text: string) => string[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const addFormats = addFormatsModule as unknown as ((a: Ajv) => Ajv) & { default?: (a: Ajv) => Ajv };
  (addFormats.default ?? addFormats)(ajv);
  const validate = ajv.compile(JSON.parse(read('schemas', 'config.schema.json')));
  return (text) => (validate(parse(text)) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));
}

/** mllint's verdict on a config: its config error lines, or [] when it loads. */
async function mllint(config: string, extra: Record<string, string> = {}): Promise<string[]> {
  const dir = makeTree({ '.mllint.yaml': config, 'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: a }\n', ...extra });
  dirs.push(dir);
  const r = await runCli(['check', '--no-cache', '-f', 'json', '.'], { cwd: dir });
  if (r.code === 2) return r.stderr.trim().split('\n');
  expect(r.stderr).toBe('');
  return [];
}

describe('config schema generated from the rule registry', () => {
  it('is current on disk (run `npm run docs`) and is the schema mllint validates with', () => {
    const base = JSON.parse(read('src', 'config', 'config-schema.base.json'));
    const generated = generateConfigSchema(base, RULES, Object.keys(BUILTIN_PACKS), schemaUrl(pkg.repository.url, pkg.version, 'config.schema.json'));
    expect(read('schemas', 'config.schema.json')).toBe(`${JSON.stringify(generated, null, 2)}\n`);
    expect(CONFIG_SCHEMA).toEqual(generated);
  });

  it('lists every rule id with its own options schema and default, and the built-in packs', () => {
    const rules = (CONFIG_SCHEMA as any).definitions.ruleSettings;
    expect(rules.additionalProperties).toBe(false);
    expect(Object.keys(rules.properties).sort()).toEqual(RULES.map((r) => r.meta.id).sort());
    const liveness = rules.properties['liveness-survives-model-load'].anyOf[1].properties.options;
    expect(liveness.additionalProperties).toBe(false);
    expect(liveness.properties.safetyFactor.default).toBe(1);
    expect((CONFIG_SCHEMA as any).properties.extends.items.anyOf[0].enum).toEqual(['mllint:recommended', 'mllint:strict']);
  });

  it('an editor and mllint both reject a mistyped rule id and a mistyped option, at the top level and in overrides', async () => {
    const check = editor();
    const cases: Array<[string, RegExp]> = [
      ['rules:\n  image-pined: error\n', /2:3: unknown rule "image-pined" \(did you mean "image-pinned"\?\)/],
      ['rules:\n  liveness-survives-model-load:\n    options: { safetyFactr: 2 }\n', /3:16: rule "liveness-survives-model-load": unknown option "safetyFactr"/],
      ['overrides:\n  - files: ["x/**"]\n    rules: { image-pined: warning }\n', /3:14: unknown rule "image-pined"/],
      ['rules:\n  liveness-survives-model-load: { options: { safetyFactor: "2" } }\n', /option safetyFactor must be of type number/],
      ['extends: ["mllint:lax"]\n', /unknown built-in pack "mllint:lax"/],
    ];
    for (const [config, message] of cases) {
      expect(check(config), config).not.toEqual([]);
      const errors = await mllint(config);
      expect(errors.length, config).toBe(1);
      expect(errors[0]).toMatch(message);
    }
  });

  it('an editor and mllint both accept the configs mllint ships and documents', async () => {
    const check = editor();
    const readme = read('README.md');
    const configuration = readme.slice(readme.indexOf('## Configuration'));
    const example = /```yaml\n(rules:[\s\S]*?)```/.exec(configuration)![1];
    const shipped: Array<[string, string]> = [
      ['README Configuration example', example],
      ['packs/strict.yaml', read('packs', 'strict.yaml')],
      ['mllint init', starterConfig(makeTree({}), {})],
      ['examples/manifests/rules.config.yaml', read('examples', 'manifests', 'rules.config.yaml')],
    ];
    for (const [name, text] of shipped) expect(check(text), name).toEqual([]);
    expect(await mllint(example, { 'model-registry.yaml': 'models: {}\n', 'nodes.yaml': 'apiVersion: v1\nkind: NodeList\nitems:\n  - { apiVersion: v1, kind: Node, metadata: { name: node-1, labels: { pool: general } }, status: { allocatable: { cpu: "4", memory: 16Gi } } }\n' })).toEqual([]);
    expect(await mllint(read('packs', 'strict.yaml'))).toEqual([]);
  });

  it('every config snippet in the README is valid to an editor and to mllint (options named in the docs exist)', async () => {
    const check = editor();
    const keys = new Set(Object.keys((CONFIG_SCHEMA as any).properties));
    const blocks = [...read('README.md').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
    const registrySnapshot = new Ajv({ strict: false }).compile(JSON.parse(read('schemas', 'registry.schema.json')));
    const configs = blocks.filter((text) => {
      let value: unknown;
      try {
        value = parse(text);
      } catch {
        return false;
      }
      if (registrySnapshot(value)) return false; // a model registry file (`models:` with stages and versions)
      return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).every((k) => keys.has(k));
    });
    expect(configs.length).toBeGreaterThan(8);
    for (const text of configs) {
      expect(check(text), text).toEqual([]);
      // mllint's verdict on the rule settings (files the snippet names are not in this tree, so only rules).
      const rules = (parse(text) as { rules?: unknown }).rules;
      if (rules) expect(await mllint(JSON.stringify({ rules })), text).toEqual([]);
    }
  });

  it('a pack\'s policy changes severity with a policies entry of only id and severity; under rules it is refused by both', async () => {
    const check = editor();
    const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: s, namespace: a }\nspec:\n  selector: { matchLabels: { app: s } }\n  template:\n    metadata: { labels: { app: s } }\n    spec:\n      containers:\n        - name: s\n          image: r.example/s@sha256:' + 'a'.repeat(64) + '\n          resources: { requests: { cpu: "1", memory: 1Gi }, limits: { cpu: "1", memory: 1Gi } }\n';
    const off = 'extends: ["mllint:strict"]\npolicies:\n  - { id: strict-no-cpu-limits, severity: "off" }\n';
    expect(check(off)).toEqual([]);
    const dir = makeTree({ '.mllint.yaml': off, 'd.yaml': deployment });
    const strict = makeTree({ '.mllint.yaml': 'extends: ["mllint:strict"]\n', 'd.yaml': deployment });
    dirs.push(dir, strict);
    const ids = async (cwd: string) => JSON.parse((await runCli(['check', '--no-cache', '-f', 'json', '.'], { cwd })).stdout).findings.map((f: { ruleId: string }) => f.ruleId);
    expect(await ids(strict)).toContain('strict-no-cpu-limits');
    expect(await ids(dir)).not.toContain('strict-no-cpu-limits');

    const asRule = 'extends: ["mllint:strict"]\nrules:\n  strict-no-cpu-limits: "off"\n';
    expect(check(asRule)).not.toEqual([]);
    expect(await mllint(asRule)).toEqual(['mllint: config error: .mllint.yaml:3:3: "strict-no-cpu-limits" is a custom policy, not a rule: set its severity under policies (- { id: strict-no-cpu-limits, severity: warning }) or in an override\'s policies']);
    expect(await mllint('policies:\n  - { id: nope, severity: warning }\n')).toEqual([
      'mllint: config error: .mllint.yaml:2:11: no extended pack defines a policy "nope"; a new policy needs description, match and schema',
    ]);
    const half = 'policies:\n  - { id: half, severity: warning, description: d }\n';
    expect(check(half)).not.toEqual([]);
    expect((await mllint(half))[0]).toMatch(/is missing the required key "match"/);
  });

  it('mllint init writes the schema line with the published URL', () => {
    const dir = makeTree({});
    dirs.push(dir);
    expect(starterConfig(dir, {}).split('\n')[0]).toBe(`# yaml-language-server: $schema=${CONFIG_SCHEMA.$id as string}`);
    expect(CONFIG_SCHEMA.$id).toBe(`https://raw.githubusercontent.com/mllint/mllint/v${pkg.version}/schemas/config.schema.json`);
  });

  it('mllint registry export writes the registry schema\'s published URL', async () => {
    const { renderSnapshot } = await import('../../src/sources/export.js');
    const registry = JSON.parse(read('schemas', 'registry.schema.json'));
    expect(registry.$id).toBe(`https://raw.githubusercontent.com/mllint/mllint/v${pkg.version}/schemas/registry.schema.json`);
    expect(renderSnapshot({}, 'https://mlflow.example').split('\n')[0]).toBe(`# yaml-language-server: $schema=${registry.$id}`);
  });
});
