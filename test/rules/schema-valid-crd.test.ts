/**
 * schema-valid on custom resources against a CRD in the tree: structural defaults before `required`,
 * pruned nulls, CEL rules, several copies of one CRD.
 */
import { describe, expect, it } from 'vitest';
import rule from '../../src/rules/schema-valid.js';
import { ruleTester } from '../rule-tester.js';
import { safeRegExp } from '../../src/rules/utils/safe-regexp.js';

const crd = (schema: string, name = 'servers.ml.example.org', versions = '') => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: ${name} }
spec:
  group: ml.example.org
  scope: Namespaced
  names: { kind: Server, plural: servers }
  versions:
${versions}    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
${schema.replace(/^/gm, '          ')}
`;

const SCHEMA = `type: object
properties:
  spec:
    type: object
    required: [rollout]
    properties:
      rollout:
        type: object
        default: {}
        required: [strategy]
        properties:
          strategy: { type: string, default: Rolling, enum: [Rolling, Recreate] }
      replicas: { type: integer, minimum: 0 }
      maxReplicas: { type: integer }
      note: { type: string }
      shards: { type: integer, nullable: true }
    x-kubernetes-validations:
      - rule: "!has(self.maxReplicas) || self.replicas <= self.maxReplicas"
        message: replicas must not exceed maxReplicas
      - rule: "self.replicas == oldSelf.replicas"`;

/** Rules mllint does not evaluate: a regular expression and a Kubernetes CEL library function. */
const UNEVALUATED = `
      - rule: "self.note.matches('^[a-z]+$')"
      - rule: "quantity('1Gi').isGreaterThan(quantity('1Mi'))"`;

const server = (spec: string, name = 'a') => `apiVersion: ml.example.org/v1
kind: Server
metadata: { name: ${name}, namespace: ml }
spec:
${spec}`;

ruleTester(rule, {
  valid: [
    {
      name: 'defaults fill required fields (rollout defaults to {}, whose strategy defaults to Rolling); null in a non-nullable field is pruned; nullable null is fine',
      files: { 'crd.yaml': crd(SCHEMA), 'a.yaml': server('  replicas: 2\n  maxReplicas: 3\n  note: abc\n  shards: null\n  replicas2: ~\n'.replace('  replicas2: ~\n', '')) },
    },
  ],
  invalid: [
    {
      name: 'a field only the newer copy of a CRD defines is not an error, whichever copy loads first (the differing copies are one info)',
      files: {
        'charts/files/runtime.yaml': server('  priority: 1\n'),
        'archive/v0.10/crd.yaml': crd('type: object\nproperties:\n  spec:\n    type: object\n    properties:\n      replicas: { type: integer }'),
        'config/crd/crd.yaml': crd('type: object\nproperties:\n  spec:\n    type: object\n    properties:\n      priority: { type: integer }'),
      },
      errors: [{ messageId: 'crdCopiesDisagree', file: 'config/crd/crd.yaml', line: 8, severity: 'info' }],
    },
    {
      name: 'a CEL rule that evaluates to false is an error with its message; rules mllint cannot evaluate: one info per CRD; transition rules are not run on create',
      files: {
        'crd.yaml': crd(SCHEMA + UNEVALUATED),
        'servers.yaml': `${server('  replicas: 5\n  maxReplicas: 3\n  note: x\n')}---\n${server('  replicas: 1\n  note: abc\n', 'b')}`,
      },
      errors: [
        { messageId: 'celSkipped', file: 'servers.yaml', line: 2, severity: 'info', message: '2 x-kubernetes-validations rule(s) of CustomResourceDefinition servers.ml.example.org use CEL that mllint cannot evaluate (Kubernetes CEL libraries, regular expressions, or too costly); they were not checked' },
        { messageId: 'invalid', file: 'servers.yaml', line: 4, path: 'spec', message: 'spec replicas must not exceed maxReplicas' },
      ],
    },
    {
      name: 'nested comprehensions multiply: three over a 1,000-item list (10⁹ steps, a hang) are skipped with the info; one over the same list still runs',
      files: {
        'crd.yaml': crd(`type: object
properties:
  spec:
    type: object
    properties:
      l: { type: array, items: { type: integer } }
    x-kubernetes-validations:
      - rule: "self.l.all(x, self.l.all(y, self.l.all(z, x + y + z >= 0)))"
      - rule: "self.l.all(x, x < 999)"
        message: every item is below 999`),
        'a.yaml': server(`  l: [${Array.from({ length: 1000 }, (_, i) => i).join(', ')}]\n`),
      },
      errors: [
        { messageId: 'celSkipped', file: 'a.yaml', line: 2, severity: 'info', message: '1 x-kubernetes-validations rule(s) of CustomResourceDefinition servers.ml.example.org use CEL that mllint cannot evaluate (Kubernetes CEL libraries, regular expressions, or too costly); they were not checked' },
        { messageId: 'invalid', file: 'a.yaml', line: 4, path: 'spec', message: 'spec every item is below 999' },
      ],
    },
    {
      name: 'required without a default is still required; wrong types after pruning',
      files: {
        'crd.yaml': crd(SCHEMA.replace('        default: {}\n', '')),
        'a.yaml': server('  replicas: "2"\n'),
      },
      errors: [
        { messageId: 'required', file: 'a.yaml', line: 4, path: 'spec.rollout', message: 'spec is missing the required field "rollout"' },
        { messageId: 'invalid', file: 'a.yaml', line: 5, path: 'spec.replicas', message: 'spec.replicas must be integer' },
      ],
    },
    {
      name: 'copies of a CRD from two releases side by side: only what every copy rejects is an error, naming the copies; differing copies are one info on the later one',
      files: {
        'install/v1/crd.yaml': crd('type: object\nproperties:\n  spec:\n    type: object\n    properties:\n      replicas: { type: integer }'),
        'install/v2/crd.yaml': crd('type: object\nproperties:\n  spec:\n    type: object\n    properties:\n      replicas: { type: integer, maximum: 3 }\n      priority: { type: integer }'),
        // replicas 5: only v2 rejects it; priority: only v1 lacks it; replica: both reject it.
        'a.yaml': server('  replicas: 5\n  priority: 1\n  replica: 1\n'),
      },
      errors: [
        { messageId: 'unknownField', file: 'a.yaml', line: 7, message: 'unknown field "replica" in spec (did you mean "replicas"?); the API rejects it, or drops it when unknown fields are pruned (every copy of CustomResourceDefinition servers.ml.example.org in the tree rejects it: install/v1/crd.yaml, install/v2/crd.yaml)' },
        { messageId: 'crdCopiesDisagree', file: 'install/v2/crd.yaml', line: 8, severity: 'info', message: /^the 2 copies of CustomResourceDefinition servers\.ml\.example\.org .*checked against every copy that serves their version, and only what all of them reject is reported$/ },
      ],
    },
    {
      name: 'four copies, three schemas (release bundles side by side): one info for the CRD, on the first copy that differs',
      files: {
        'install/v1/crd.yaml': crd('type: object\nproperties:\n  spec: { type: object, properties: { replicas: { type: integer } } }'),
        'install/v2/crd.yaml': crd('type: object\nproperties:\n  spec: { type: object, properties: { replicas: { type: integer } } }'),
        'install/v3/crd.yaml': crd('type: object\nproperties:\n  spec: { type: object, properties: { replicas: { type: integer }, shards: { type: integer } } }'),
        'install/v4/crd.yaml': crd('type: object\nproperties:\n  spec: { type: object, properties: { replicas: { type: integer }, shards: { type: string } } }'),
      },
      errors: [
        { messageId: 'crdCopiesDisagree', file: 'install/v3/crd.yaml', line: 8, severity: 'info', message: /^the 4 copies of CustomResourceDefinition servers\.ml\.example\.org .*\(this one and install\/v1\/crd\.yaml differ for version v1\)/ },
      ],
    },
    {
      name: 'the copy that serves the version wins over an earlier copy that does not',
      files: {
        'a/crd.yaml': crd('type: object\nproperties:\n  spec: { type: object, properties: { replicas: { type: string } } }').replace('served: true', 'served: false'),
        'b/crd.yaml': crd('type: object\nproperties:\n  spec: { type: object, properties: { replicas: { type: integer } } }'),
        'x.yaml': server('  replicas: two\n'),
      },
      errors: [
        { messageId: 'crdCopiesDisagree', file: 'b/crd.yaml', line: 8, severity: 'info' },
        { messageId: 'invalid', file: 'x.yaml', line: 5, message: 'spec.replicas must be integer (schema of CustomResourceDefinition servers.ml.example.org in b/crd.yaml)' },
      ],
    },
  ],
});

describe('CRD patterns', () => {
  it('run in linear time with RE2, and a pattern RE2 cannot compile is not checked', () => {
    const evil = safeRegExp('^(a+)+$');
    expect(evil?.test(`${'a'.repeat(5000)}b`)).toBe(false);
    expect(safeRegExp('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')?.test('my-name')).toBe(true);
    expect(safeRegExp('(a)\\1')).toBeUndefined();
  });
});
