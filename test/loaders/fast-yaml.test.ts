/**
 * The js-yaml fast path must give exactly what the `yaml` parser gives (YAML 1.1 as kubectl reads it),
 * or step aside. Differential tests: whenever `fastParseDocuments` returns documents, `yaml` must parse
 * the same text without errors to the same values (types, key order, NaN, dates) at the same indices.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'yaml';
import jsyaml from 'js-yaml';
import { fastParseDocuments, needsFullParser } from '../../src/loaders/fast-yaml.js';
import { parseYamlDocuments } from '../../src/loaders/yaml.js';
import { loadText } from '../../src/loaders/objects.js';
import { sharedExtra } from '../shared-extras.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CONFORMANCE = sharedExtra('conformance/kubeconform-fixtures', 'fast-yaml agreement on the kubeconform fixtures') ?? path.join(ROOT, 'no-shared-dir');

/** A canonical rendering that tells apart what JSON would merge: NaN, ±Infinity, -0, dates, key order. */
function canon(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) return `Date(${value.getTime()})`;
  if (Array.isArray(value)) return `[${value.map(canon).join(',')}]`;
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    const tag = proto === Object.prototype ? '' : proto === null ? 'null-proto' : proto?.constructor?.name ?? '?';
    return `${tag}{${Object.keys(value).map((k) => `${JSON.stringify(k)}:${canon((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return `?${String(value)}`;
}

/** The property: the fast path either steps aside or agrees with `yaml` document by document. */
function assertAgrees(text: string): boolean {
  const fast = fastParseDocuments(text);
  if (fast === undefined) return false;
  const slow = parseYamlDocuments(text);
  const errors = slow.flatMap((d) => d.errors.map((e) => e.message));
  expect(errors, `yaml reports errors the fast path missed in ${JSON.stringify(text)}`).toEqual([]);
  // Trailing empty documents may differ (js-yaml yields one for a comment-only stream); they hold nothing.
  const trim = (values: unknown[]) => {
    const out = [...values];
    while (out.length > 0 && (out[out.length - 1] === null || out[out.length - 1] === undefined)) out.pop();
    return out;
  };
  expect(canon(trim(fast)), `values differ for ${JSON.stringify(text)}`).toBe(canon(trim(slow.map((d) => d.value))));
  return true;
}

function yamlFilesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFilesUnder(p));
    else if (/\.(ya?ml|json)$/.test(entry.name)) out.push(p);
  }
  return out.sort();
}

const TRICKY_SCALARS = [
  'yes', 'Yes', 'YES', 'no', 'on', 'On', 'off', 'OFF', 'y', 'n', 'Y', 'N', 'true', 'False', 'TRUE', '~', 'null', 'Null', 'NULL',
  '0777', '0o777', '0x1F', '0b101', '-0b11', '1_000', '+12', '-0', '09', '012', '1:20', '190:20:30', '1:20.5', '.inf', '-.Inf', '.NaN',
  '.5', '1.', '1.0', '1e3', '1.5E-2', '6.02e+23', '12345678901234567890123', '0.1', '-1.5', '2001-12-14', '2001-12-14t21:59:43.10-05:00',
  '2001-12-14 21:59:43.10 -5', '2002-12-14T00:00:00Z', '1.0.0', 'v1', 'apps/v1', 'nginx:1.25', 'latest', 'a b', '"quoted"', "'single'",
  '"yes"', "'0777'", '"1.0"', '-', '--', '+', '.', '0', '00', '1Gi', '500m', '100Mi', '10%', '*/5 * * * *', 'http://x/?a=b', 'x#y',
  '"multi\\nline"', '"\\u00e9"', '""', "''", 'Ñandú', '日本語', '😀', 'a: b', '"a: b"', '"-"', 'O', 'o', 'NaN', 'Infinity',
];

const SIGNIFICANT = ['\r\n', ':', '-', ' ', '  ', '\n', '#', '[', ']', '{', '}', ',', '"', "'", '|', '>', '&', '*', '!', '?', '%', '@', '`', '\t', '---', '...', '<<', '~', 'yes', '0', '\\'];

/** A CRD whose descriptions and CEL rules hold YAML indicators (`&&`, `!has`, `? :`, `{…}`, `[…]`) as text. */
const CRD_WITH_PROSE = [
    'apiVersion: apiextensions.k8s.io/v1',
    'kind: CustomResourceDefinition',
    'metadata:',
    '  name: things.example.com',
    'spec:',
    '  versions:',
    '  - name: v1',
    '    schema:',
    '      openAPIV3Schema:',
    '        description: MatchLabels holds {key,value} pairs & more! See [docs].',
    '        x-kubernetes-validations:',
    "        - rule: '!has(self.a) || self.b != 1 && self.c >= 2'",
    "          message: must not contain '#' when set",
    "        - rule: 'self.type == ''Exact'' ? has(self.port)",
    '            : true && !has(self.x)',
    "            ? {a: 1} : [b, c]'",
    '        - rule: "self.x.all(k, k != \\"#\\")',
    '            && !self.y"',
    '          messageExpression: |-',
    '            {"art": {"image": "x"}, "list": [1, 2]}',
    '            ? key: &anchor !tag [x]: y',
    '',
    '            - [a: 1]',
    '          type: object',
    '        properties:',
    '          type:',
    '            description: |',
    '              Type is one of',
    "              ['Exact', 'PathPrefix']",
    '            type: string',
    '            enum:',
    '            - [Exact]',
    '',
  ].join('\n');

describe('fast-yaml: agreement with the yaml parser', () => {
  it('agrees on the conformance fixtures, the examples and a generated corpus sample', () => {
    const examples = yamlFilesUnder(path.join(ROOT, 'examples'));
    const files = [...yamlFilesUnder(CONFORMANCE), ...examples, ...yamlFilesUnder(path.join(ROOT, 'test', 'fixtures'))];
    expect(files.length).toBeGreaterThan(10);
    let fastCount = 0;
    let fastExamples = 0;
    for (const file of files) {
      if (assertAgrees(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''))) {
        fastCount++;
        if (examples.includes(file)) fastExamples++;
      }
    }
    // The fast path must actually be taken for ordinary manifests, or it is worth nothing.
    expect(fastCount).toBeGreaterThan(files.length / 4);
    expect(fastExamples).toBeGreaterThan(examples.length / 4);
  }, 120_000);

  it('resolves every YAML 1.1 scalar form as yaml does, as values and as keys', () => {
    for (const scalar of TRICKY_SCALARS) {
      assertAgrees(`value: ${scalar}\n`);
      assertAgrees(`${scalar}: value\n`);
      assertAgrees(`list:\n  - ${scalar}\n  - [${scalar}]\n`);
      assertAgrees(`a:\n  ${scalar}: 1\n  other: ${scalar}\n`);
      assertAgrees(`${scalar}\n`);
    }
    expect(fastParseDocuments('enabled: on\nmode: 0644\nsize: 1_000\n')).toEqual([{ enabled: true, mode: 420, size: 1000 }]);
  });

  it('steps aside for anchors, merge keys, tags, directives, tabs and null keys', () => {
    for (const text of ['a: &x 1\nb: *x\n', 'a: {x: 1}\nb:\n  <<: {y: 2}\n', 'a: !!str 1\n', '%YAML 1.2\n---\na: 1\n', 'a:\tb\n', '~: 1\n', ': 1\n', '? a\n: 1\n']) {
      expect(needsFullParser(text), text).toBe(true);
    }
    expect(needsFullParser('apiVersion: v1\nkind: Pod\nmetadata: {}\nspec:\n  containers: []\n')).toBe(false);
  });

  it('steps aside where js-yaml and yaml differ: a lone CR, under-indented quoted lines, anchors and tags js-yaml sees', () => {
    for (const text of ['a: 1\rb: 2\n', "x:\n  - a: 'q\n    r'\n", '[a,\n b]: 1\n']) {
      expect(needsFullParser(text), text).toBe(true);
    }
    // Found by js-yaml while it parses, whatever the text looks like.
    for (const text of ['a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: ! 1\n', '- &x\n  b: 1\n', 'a:\n  !t\n  b\n', 'a: [!!int 1]\n', '&a k: v\n', '!\n---\na: 1\n']) {
      expect(fastParseDocuments(text), text).toBeUndefined();
    }
  });

  it('keeps CRDs with CEL rules on the fast path: tags, anchors and complex keys are looked for outside scalars', () => {
    const cel = `spec:
  versions:
    - name: v1
      schema:
        openAPIV3Schema:
          x-kubernetes-validations:
            - rule: '(self.type in [''Exact'',''PathPrefix'']) ? !self.value.contains(''#'') : true'
              message: must not contain '#' when type one of ['Exact', 'PathPrefix']
            - rule: "size(self.a) == 0 && !has(self.b) ? true : self.c > 0"
              message: a && b ? c
            - rule: '!has(self.keda) || size(self.keda.triggers) > 0'
`;
    expect(needsFullParser(cel)).toBe(false);
    expect(assertAgrees(cel)).toBe(true);
    // What still needs the full parser, inside or around quoted and plain scalars:
    for (const text of [
      'a: "b"#c\n', "a: 'b'#c\n", "a: 'p\n  k: q'#c\n", 'a: "p\n  k: q"#c\n', "a: '''p\n  k: q'#c\n",
      'a: &y x\n', '- !t a\n', "a: ['x', &y z]\n", "a: 'x' \nb: !t y\n", 'a: x\n? b\n: c\n',
    ]) {
      expect(needsFullParser(text), text).toBe(true);
    }
    for (const text of ["a: it's #x\n", 'a: x &y\n', "k: must contain '#' ok\n", "a: 'x ? !y &z'\n", 'a: "q ? !r"\n']) {
      expect(needsFullParser(text), text).toBe(false);
      expect(assertAgrees(text)).toBe(true);
    }
  });

  it('takes CRDs whose descriptions and CEL rules hold YAML indicators as text, and agrees', () => {
    const crd = CRD_WITH_PROSE;
    const glued = crd.replace("message: must not contain '#' when set", 'message: plain text').replace('\\"#\\"', '\\"x\\"');
    expect(assertAgrees(crd)).toBe(true);
    expect(assertAgrees(glued)).toBe(true);
    // `'#` on a continuation line of a plain scalar is text in an emitter's output (kustomize's).
    const prose = 'a:\n  description: one\n    line with \'#\' in it\n';
    expect(fastParseDocuments(prose)).toBeUndefined();
    expect(canon(fastParseDocuments(prose, { emitted: true }))).toBe(canon(parseYamlDocuments(prose).map((d) => d.value)));
    const slow = parseYamlDocuments(crd);
    expect(slow.flatMap((d) => d.errors)).toEqual([]);
    expect(canon(fastParseDocuments(crd, { emitted: true }))).toBe(canon(slow.map((d) => d.value)));
    // A real anchor, tag or complex key outside those scalars is still seen.
    for (const [from, to] of [['          type: object', '          type: &t object'], ['          type: object', '          type: !!str object'], ['        properties:', '        ? properties\n        :']]) {
      expect(fastParseDocuments(glued.replace(from, to), { emitted: true }), to).toBeUndefined();
    }
    // Content less indented than the block scalar's first line ends it; what follows is checked again.
    expect(needsFullParser('a: |\n    x\n  {b: 1}\n')).toBe(true);
    expect(fastParseDocuments('a: |\n    x\n  &y b\n')).toBeUndefined();
    expect(needsFullParser('a: |\n  x\n? b\n: 1\n')).toBe(true);
    expect(needsFullParser("a: 'x\n  y'#c\n")).toBe(true);
    expect(needsFullParser("a: 'x\n---\n  y'\n")).toBe(true);
  });

  it('takes long one-line quoted scalars and escaped quotes (release bundles: ConfigMap examples, shell scripts in args), and agrees', () => {
    const script = `#!/bin/sh\\nif [ \\"$MODE\\" = \\"x\\" ]; then\\n  echo \\"# not a comment & no anchor !tag\\" \\n${'  echo \\"step\\"; # more\\n'.repeat(80)}fi\\n`;
    const bundle = [
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n',
      `  _example: "${'#'.repeat(40)}\\n# EXAMPLE\\n${'# key: value, {a: b} & *x !y\\n'.repeat(60)}"\n`,
      `  quoted: 'it''s ${'long: text # '.repeat(120)}'   # a comment\n`,
      '---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: i\n    args:\n',
      `    - "${script}"\n`,
      `    - "short \\"quoted\\" #1 &a !b"\n`,
      '    env:\n    - name: X\n      value: |\n', `        ${'long block content: # & ! '.repeat(80)}\n`,
    ].join('');
    expect(bundle.split('\n').some((line) => line.length > 2000)).toBe(true);
    expect(needsFullParser(bundle)).toBe(false);
    expect(assertAgrees(bundle)).toBe(true);
    // Still for `yaml`: a long line where a key could end past 1024 characters, or with more after the quote.
    const long = 'x'.repeat(1100);
    for (const text of [
      `"${long}": 1\n`, `- "${long}": 1\n`, `a:\n  - '${long}' : 1\n`, `${long}: 1\n`, `a: b\n${long}\n`,
      `a: "${long}" b\n`, `a: "${long}"#c\n`, `a: ["${long}", b]\n`, `a: "${long}\n`, `a: "b\\"c"\nd: &e f\n`, `- "b\\" #"\n- !t x\n`,
    ]) {
      expect(needsFullParser(text), text.slice(0, 40)).toBe(true);
    }
  });

  it('agrees on generated documents dumped in many styles', () => {
    const key = fc.oneof(fc.constantFrom(...TRICKY_SCALARS), fc.string({ maxLength: 8 }), fc.constantFrom('apiVersion', 'kind', 'metadata', 'name', 'image'));
    const leaf = fc.oneof(fc.constantFrom(...TRICKY_SCALARS), fc.string({ maxLength: 12 }), fc.integer(), fc.double({ noNaN: false }), fc.boolean(), fc.constant(null));
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
      array: fc.array(tie('node'), { maxLength: 4 }),
      object: fc.dictionary(key, tie('node'), { maxKeys: 5 }),
    })).node;
    fc.assert(
      fc.property(fc.array(tree, { minLength: 1, maxLength: 3 }), fc.nat(5), (docs, style) => {
        const texts = [
          docs.map((d) => stringify(d, { version: '1.1' })).join('---\n'),
          docs.map((d) => jsyaml.dump(d, { flowLevel: style === 0 ? 1 : -1, quotingType: style % 2 ? '"' : "'", lineWidth: style === 3 ? 20 : 80 })).join('---\n'),
        ];
        for (const text of texts) {
          try {
            assertAgrees(text);
          } catch (err) {
            throw new Error(`${(err as Error).message}\n--- text:\n${text}`);
          }
        }
      }),
      { numRuns: 300, seed: 42 },
    );
  }, 120_000);

  it('agrees on mutated, truncated and garbled manifests', () => {
    const bases = [...yamlFilesUnder(path.join(ROOT, 'examples')), ...yamlFilesUnder(CONFORMANCE)]
      .map((f) => fs.readFileSync(f, 'utf8'))
      .filter((t) => t.length < 20000)
      .concat([CRD_WITH_PROSE, `x:\n  - a: 'q\n    r'\n    b: |\n      {z}\n      ? y\n---\n${CRD_WITH_PROSE}`]);
    const edit = fc.record({
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      kind: fc.constantFrom('insert', 'delete', 'replace', 'truncate', 'dupline', 'indent'),
      piece: fc.constantFrom(...SIGNIFICANT),
      length: fc.integer({ min: 1, max: 6 }),
    });
    fc.assert(
      fc.property(fc.constantFrom(...bases), fc.array(edit, { minLength: 1, maxLength: 4 }), (base, edits) => {
        let text = base;
        for (const e of edits) {
          const at = Math.floor(e.at * text.length);
          if (e.kind === 'insert') text = text.slice(0, at) + e.piece + text.slice(at);
          else if (e.kind === 'delete') text = text.slice(0, at) + text.slice(at + e.length);
          else if (e.kind === 'replace') text = text.slice(0, at) + e.piece + text.slice(at + e.length);
          else if (e.kind === 'truncate') text = text.slice(0, at);
          else if (e.kind === 'dupline') {
            const start = text.lastIndexOf('\n', at) + 1;
            const end = text.indexOf('\n', at);
            const line = text.slice(start, end === -1 ? text.length : end + 1);
            text = text.slice(0, start) + line + text.slice(start);
          } else {
            const start = text.lastIndexOf('\n', at) + 1;
            text = text.slice(0, start) + ' '.repeat(e.length) + text.slice(start);
          }
        }
        try {
          assertAgrees(text);
        } catch (err) {
          throw new Error(`${(err as Error).message}\n--- text:\n${text}`);
        }
      }),
      { numRuns: 600, seed: 7 },
    );
  }, 120_000);

  it('loadText gives the same objects and problems with and without the fast path', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: { a: "1" }\n---\nkind: List\napiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: s}\n';
    const loaded = loadText(text);
    expect(loaded.objects.map((o) => [o.docIndex, o.basePath, o.object.kind])).toEqual([
      [0, [], 'Pod'],
      [1, ['items', 0], 'Service'],
    ]);
  });
});
