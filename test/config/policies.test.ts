/** Declarative policies, overrides and policy packs, through the CLI with real config files. */
import { describe, expect, it } from 'vitest';
import { runCli, treesRemovedAfterAll } from '../helpers.js';

const tree = treesRemovedAfterAll();

const deployment = (name: string, namespace: string, container: string, labels = 'app: x') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  replicas: 1
  selector:
    matchLabels: { ${labels} }
  template:
    metadata:
      labels: { ${labels} }
    spec:
      containers:
        - name: server
          image: registry.example.com/ml/server:1.0.0
${container}`;

const PULL_POLICY = `policies:
  - id: prod-pull-policy
    description: Production serving containers pull only when the image is missing
    severity: error
    remediation: Set imagePullPolicy to IfNotPresent.
    match:
      kinds: [Deployment, StatefulSet]
      namespaces: ["ml-serving-*"]
      labels: { tier: scoring }
      target: container
    schema:
      required: [imagePullPolicy]
      properties:
        imagePullPolicy: { const: IfNotPresent }
`;

async function check(files: Record<string, string>, args: string[] = []) {
  const dir = tree(files);
  const r = await runCli(['check', '-f', 'json', ...args], { cwd: dir });
  if (r.code === 2) return { code: r.code, stderr: r.stderr, findings: [] as Finding[] };
  const findings = (JSON.parse(r.stdout).findings as Finding[]).filter((f) => !['probes-present', 'memory-limit-fits-model', 'cpu-limit-throttling', 'pdb-present', 'schema-valid'].includes(f.ruleId));
  return { code: r.code, stderr: r.stderr, findings };
}
interface Finding { ruleId: string; severity: string; message: string; file: string; line: number; column: number; path?: string }

describe('custom policies', () => {
  it('fire at the exact line for a wrong value, a missing field and a wrong type', async () => {
    const { findings, code } = await check({
      'rules.config.yaml': PULL_POLICY,
      'apps/wrong.yaml': deployment('wrong', 'ml-serving-prod', '          imagePullPolicy: Always\n', 'tier: scoring'),
      'apps/missing.yaml': deployment('missing', 'ml-serving-prod', '', 'tier: scoring'),
      'apps/type.yaml': deployment('type', 'ml-serving-prod', '          imagePullPolicy: 3\n', 'tier: scoring'),
    });
    expect(code).toBe(1);
    const policy = findings.filter((f) => f.ruleId === 'prod-pull-policy');
    expect(policy.map((f) => [f.file, f.line, f.column, f.path])).toEqual([
      ['apps/missing.yaml', 15, 11, 'spec.template.spec.containers[0]'],
      ['apps/type.yaml', 17, 28, 'spec.template.spec.containers[0].imagePullPolicy'],
      ['apps/wrong.yaml', 17, 28, 'spec.template.spec.containers[0].imagePullPolicy'],
    ]);
    expect(policy[0].message).toBe('Production serving containers pull only when the image is missing: container "server" is missing the required key "imagePullPolicy"');
    expect(policy[2].message).toBe('Production serving containers pull only when the image is missing: container "server": imagePullPolicy must be "IfNotPresent"');
    expect(policy[0].severity).toBe('error');
  });

  it('are scoped by kind, namespace glob and label selector', async () => {
    const { findings } = await check({
      'rules.config.yaml': PULL_POLICY,
      'a.yaml': deployment('other-ns', 'ml-training', '', 'tier: scoring'),
      'b.yaml': deployment('other-labels', 'ml-serving-prod', '', 'tier: batch'),
      'c.yaml': deployment('in-scope', 'ml-serving-staging', '', 'tier: scoring'),
      'd.yaml': 'apiVersion: batch/v1\nkind: Job\nmetadata: { name: j, namespace: ml-serving-prod, labels: { tier: scoring } }\nspec:\n  template:\n    spec:\n      containers: [{ name: j, image: "j:1" }]\n',
    });
    expect(findings.filter((f) => f.ruleId === 'prod-pull-policy').map((f) => f.file)).toEqual(['c.yaml']);
  });

  it('target initContainer and object; matchExpressions selectors', async () => {
    const config = `policies:
  - id: init-limits
    description: Init containers set a memory limit
    severity: warning
    match: { kinds: [Deployment], target: initContainer, labels: { matchExpressions: [{ key: app, operator: In, values: [x] }] } }
    schema: { required: [resources], properties: { resources: { required: [limits] } } }
  - id: has-team-label
    description: Every object names its owning team
    severity: info
    match: { target: object }
    schema: { properties: { metadata: { required: [labels], properties: { labels: { required: [team] } } } } }
`;
    const yaml = deployment('d', 'ml', '      initContainers:\n        - name: fetch\n          image: fetch:1\n');
    const { findings } = await check({ 'rules.config.yaml': config, 'd.yaml': yaml });
    expect(findings.map((f) => [f.ruleId, f.severity, f.line])).toEqual([
      ['has-team-label', 'info', 3],
      ['init-limits', 'warning', 18],
    ]);
  });

  it('are listed by `mllint rules` and documented by `mllint explain`', async () => {
    const dir = tree({ 'rules.config.yaml': PULL_POLICY });
    const rules = await runCli(['rules'], { cwd: dir });
    expect(rules.stdout).toMatch(/^prod-pull-policy\s+error\s+Production serving containers pull only when the image is missing \(policy\)$/m);
    const explain = await runCli(['explain', 'prod-pull-policy'], { cwd: dir });
    expect(explain.code).toBe(0);
    expect(explain.stdout).toContain('"const": "IfNotPresent"');
    expect(explain.stdout).toContain('Set imagePullPolicy to IfNotPresent.');
  });

  it('a broken schema, a clashing id or an unknown key is exit 2 with the position in the config', async () => {
    const broken = PULL_POLICY.replace('imagePullPolicy: { const: IfNotPresent }', 'imagePullPolicy: { type: strnig }');
    let r = await check({ 'rules.config.yaml': broken, 'a.yaml': '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('mllint: config error: rules.config.yaml:14:34: policy "prod-pull-policy": invalid JSON Schema: "type" must be equal to one of the allowed values\n');
    r = await check({ 'rules.config.yaml': PULL_POLICY.replace('id: prod-pull-policy', 'id: image-pinned'), 'a.yaml': '' });
    expect(r.stderr).toBe('mllint: config error: rules.config.yaml:2:9: policy id "image-pinned" clashes with a built-in rule\n');
    r = await check({ 'rules.config.yaml': PULL_POLICY.replace('    severity: error\n', '    severity: error\n    sevrity: warning\n'), 'a.yaml': '' });
    expect(r.stderr).toBe('mllint: config error: rules.config.yaml:5:5: unknown key "sevrity" in policies.0\n');
  });
});

describe('policy schemas from a pull request take bounded time', () => {
  const policy = (schema: string) => `policies:
  - id: p
    description: checked
    severity: error
    match: { kinds: [ConfigMap], target: object }
    schema:
${schema}`;
  const configMap = (body: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: ns }\n${body}`;

  it('a recursive $ref, a $ref out of the schema, $id and a schema that $refs expand past the cap are config errors at their line', async () => {
    // Each level tries both branches on the same value: 2^depth evaluations (14 deep took 2m44s before).
    let r = await check({
      'rules.config.yaml': policy('      oneOf: [{ properties: { a: { $ref: "#" } } }, { properties: { a: { $ref: "#" } }, required: [a] }]\n'),
      'c.yaml': configMap(`a: ${'{a: '.repeat(30)}1${'}'.repeat(30)}\n`),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('mllint: config error: rules.config.yaml:7:42: policy "p": invalid JSON Schema: a $ref leads back to a schema it is inside (recursive schemas are not supported in policies)\n');
    // No recursion, but each definition refers to the one below twice: 2^40 nodes.
    const defs = Array.from({ length: 40 }, (_, i) => `        d${i + 1}: { allOf: [{ $ref: "#/definitions/d${i}" }, { $ref: "#/definitions/d${i}" }] }\n`).join('');
    r = await check({
      'rules.config.yaml': policy(`      definitions:\n        d0: { type: object }\n${defs}      properties: { data: { $ref: "#/definitions/d40" } }\n`),
      'c.yaml': configMap('data: { a: "1" }\n'),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^mllint: config error: rules\.config\.yaml:\d+:\d+: policy "p": invalid JSON Schema: the schema expands to more than 20000 schema nodes once its \$refs are followed; simplify it\n$/);
    r = await check({ 'rules.config.yaml': policy('      properties: { data: { $ref: "http://json-schema.org/draft-07/schema#" } }\n'), 'c.yaml': configMap('') });
    expect(r.stderr).toBe('mllint: config error: rules.config.yaml:7:35: policy "p": invalid JSON Schema: $ref "http://json-schema.org/draft-07/schema#" does not point into the policy\'s own schema (use "#/definitions/NAME")\n');
    r = await check({ 'rules.config.yaml': policy('      properties: { data: { $id: "https://example.com/s", $ref: "#" } }\n'), 'c.yaml': configMap('') });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"$id" is not supported in policies');
  });

  it('shared definitions and uniqueItems still work; uniqueItems is linear (40,000 items)', async () => {
    const items = Array.from({ length: 40_000 }, (_, i) => `  - { a: ${i}, b: [x] }\n`).join('');
    const config = policy('      definitions: { s: { type: string } }\n      properties:\n        data: { additionalProperties: { $ref: "#/definitions/s" } }\n        list: { uniqueItems: true }\n');
    const started = process.cpuUsage();
    const { findings } = await check({ 'rules.config.yaml': config, 'c.yaml': configMap(`data: { a: "1", b: 2 }\nlist:\n  - { b: [x], a: 0 }\n${items}`) });
    const cpu = process.cpuUsage(started);
    expect(findings.filter((f) => f.ruleId === 'p').map((f) => [f.line, f.path, f.message])).toEqual([
      [4, 'data.b', 'checked: ConfigMap "c": data.b must be of type string'],
      [5, 'list', 'checked: ConfigMap "c": list must NOT have duplicate items (items ## 0 and 1 are identical)'],
    ]);
    // ajv compares pairs from the end, so a duplicate at the start costs n² comparisons: 22 s of CPU here; linear is well under 10 s even on a loaded machine.
    expect((cpu.user + cpu.system) / 1e6).toBeLessThan(10);
  }, 120_000);
});

describe('overrides', () => {
  it('change severity and options per path and per namespace, in order', async () => {
    const latest = (ns: string) => deployment('d', ns, '').replace('server:1.0.0', 'server:latest');
    const config = `rules:
  image-pinned: error
overrides:
  - files: ["experiments/**"]
    rules: { image-pinned: warning }
  - files: ["experiments/sandbox/**"]
    rules: { image-pinned: "off" }
  - namespaces: ["ml-serving-prod"]
    rules: { image-pinned: { options: { requireDigest: true } } }
`;
    const { findings } = await check({
      'gitops/rules.config.yaml': config,
      'gitops/apps/a.yaml': latest('ml'),
      'gitops/experiments/b.yaml': latest('ml'),
      'gitops/experiments/sandbox/c.yaml': latest('ml'),
      'gitops/prod/d.yaml': deployment('d', 'ml-serving-prod', ''),
    }, ['--config', 'gitops/rules.config.yaml', 'gitops']);
    expect(findings.filter((f) => f.ruleId === 'image-pinned').map((f) => [f.file, f.severity, f.message.includes('digest') && !f.message.includes('pin a version')])).toEqual([
      ['gitops/apps/a.yaml', 'error', false],
      ['gitops/experiments/b.yaml', 'warning', false],
      ['gitops/prod/d.yaml', 'error', true],
    ]);
  });

  it('set policy severities; unknown ids are config errors', async () => {
    const config = `${PULL_POLICY}overrides:
  - namespaces: ["ml-serving-staging"]
    policies: { prod-pull-policy: "off" }
`;
    const { findings } = await check({
      'rules.config.yaml': config,
      'a.yaml': deployment('a', 'ml-serving-staging', '', 'tier: scoring'),
      'b.yaml': deployment('b', 'ml-serving-prod', '', 'tier: scoring'),
    });
    expect(findings.filter((f) => f.ruleId === 'prod-pull-policy').map((f) => f.file)).toEqual(['b.yaml']);
    const bad = await check({ 'rules.config.yaml': `${PULL_POLICY}overrides:\n  - files: ["x/**"]\n    policies: { nope: error }\n`, 'a.yaml': '' });
    expect(bad.stderr).toBe('mllint: config error: rules.config.yaml:17:17: unknown policy "nope"\n');
  });
});

describe('extends (policy packs)', () => {
  it('merges packs in order, then the file itself; paths are relative to each file', async () => {
    const { findings } = await check({
      'policies/base.yaml': `rules:\n  image-pinned: warning\n${PULL_POLICY}`,
      'policies/team.yaml': 'rules:\n  image-pinned: info\n',
      'rules.config.yaml': 'extends: ["mllint:recommended", "./policies/base.yaml", "policies/team.yaml"]\n',
      'a.yaml': deployment('a', 'ml-serving-prod', '', 'tier: scoring').replace('server:1.0.0', 'server:latest'),
    });
    expect(findings.map((f) => [f.ruleId, f.severity])).toEqual([
      ['prod-pull-policy', 'error'],
      ['image-pinned', 'info'],
    ]);
  });

  it('reports cycles and missing packs with their position', async () => {
    let r = await check({ 'a.yaml': 'extends: ["./b.yaml"]\n', 'b.yaml': 'extends: ["./a.yaml"]\n' }, ['--config', 'a.yaml', 'a.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('mllint: config error: b.yaml:1:11: extends cycle: a.yaml → b.yaml → a.yaml\n');
    r = await check({ 'rules.config.yaml': 'extends:\n  - ./nope.yaml\n', 'x.yaml': '' });
    expect(r.stderr).toBe('mllint: config error: rules.config.yaml:2:5: policy pack not found: ./nope.yaml\n');
    r = await check({ 'rules.config.yaml': 'extends: ["mllint:lax"]\n', 'x.yaml': '' });
    expect(r.stderr).toContain('unknown built-in pack "mllint:lax"');
  });

  it('mllint:strict requires digests and forbids CPU limits', async () => {
    const { findings } = await check({
      'rules.config.yaml': 'extends: ["mllint:strict"]\n',
      'a.yaml': deployment('a', 'ml', '          resources:\n            limits: { cpu: "2" }\n'),
    });
    const ids = findings.map((f) => f.ruleId);
    expect(ids).toContain('strict-no-cpu-limits');
    expect(findings.find((f) => f.ruleId === 'image-pinned')?.message).toContain('without a digest');
  });
});
