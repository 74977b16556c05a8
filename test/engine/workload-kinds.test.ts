/**
 * The workload-kind table on real YAML: every pod template of every kind is checked with findings at the
 * right line, controller labels and controller-created Services are known, and config `workloadKinds` adds
 * a user's CRD (validated by the config schema).
 */
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/engine/run.js';
import { EMPTY_SETTINGS, type RunSettings } from '../../src/engine/settings.js';
import type { RuleSettings } from '../../src/config/resolve.js';
import { podTemplatesOf } from '../../src/engine/extract.js';
import { loadText } from '../../src/loaders/objects.js';
import { WORKLOAD_KINDS_TABLE } from '../../src/knowledge/workload-kinds.js';
import { makeTree, removeTree, runCli } from '../helpers.js';

function findings(yaml: string, rules: string[], settings: Partial<RunSettings> = {}) {
  const ruleSettings: RuleSettings = {
    enabledSomewhere: () => rules,
    settingFor: (id) => (rules.includes(id) ? { severity: 'warning', options: {} } : { severity: 'off', options: {} }),
  };
  // Rule options come from each rule's defaults when the setting gives none.
  const result = lint({ sources: [{ display: 'test.yaml', text: yaml }], ruleSettings: withDefaults(ruleSettings), settings: { ...EMPTY_SETTINGS, ...settings }, onlyRules: new Set(rules) });
  return result.findings.map((f) => `${f.ruleId}:${f.line}:${f.resource?.kind ?? ''}`);
}

import { RULES } from '../../src/rules/index.js';
function withDefaults(base: RuleSettings): RuleSettings {
  return {
    enabledSomewhere: base.enabledSomewhere,
    settingFor: (id, scope) => {
      const s = base.settingFor(id, scope);
      const rule = RULES.find((r) => r.meta.id === id);
      return { severity: s.severity, options: { ...((rule?.meta.defaultOptions as object) ?? {}), ...s.options } };
    },
  };
}

const LWS = `apiVersion: leaderworkerset.x-k8s.io/v1
kind: LeaderWorkerSet
metadata: {name: llm, namespace: ml}
spec:
  replicas: 2
  leaderWorkerTemplate:
    size: 4
    leaderTemplate:
      metadata: {labels: {role: leader}}
      spec:
        containers:
          - name: leader
            image: example.org/vllm:latest
    workerTemplate:
      spec:
        containers:
          - name: worker
            image: example.org/vllm
`;

const RAY = `apiVersion: ray.io/v1
kind: RayCluster
metadata: {name: rc, namespace: ml}
spec:
  headGroupSpec:
    rayStartParams: {}
    template:
      spec:
        containers:
          - name: head
            image: rayproject/ray:latest
  workerGroupSpecs:
    - groupName: gpu
      replicas: 3
      rayStartParams: {}
      template:
        spec:
          containers:
            - name: w
              image: rayproject/ray:latest
    - groupName: cpu
      replicas: 2
      numOfHosts: 2
      rayStartParams: {}
      template:
        spec:
          containers:
            - name: w
              image: rayproject/ray
`;

describe('workload-kind table', () => {
  it('names a source for every row', () => {
    for (const def of WORKLOAD_KINDS_TABLE) expect(def.source.length, def.kind).toBeGreaterThan(10);
  });

  it('finds the leader and worker templates of a LeaderWorkerSet, with replicas and controller labels', () => {
    const templates = podTemplatesOf(loadText(LWS).objects[0].object);
    expect(templates.map((t) => [t.role, t.replicas, t.servesTraffic, t.labels['leaderworkerset.sigs.k8s.io/name'], t.labels.role])).toEqual([
      ['leader', 2, true, 'llm', 'leader'],
      ['worker', 6, false, 'llm', undefined],
    ]);
    expect(templates[1].podSpecPath).toEqual(['spec', 'leaderWorkerTemplate', 'workerTemplate', 'spec']);
  });

  it('finds every Ray group, named by groupName, with replicas × numOfHosts', () => {
    const templates = podTemplatesOf(loadText(RAY).objects[0].object);
    expect(templates.map((t) => [t.role, t.replicas, t.labels['ray.io/group'], t.labels['ray.io/node-type'], t.labels['ray.io/cluster']])).toEqual([
      ['Ray head', 1, 'headgroup', 'head', 'rc'],
      ['Ray worker group "gpu"', 3, 'gpu', 'worker', 'rc'],
      ['Ray worker group "cpu"', 4, 'cpu', 'worker', 'rc'],
    ]);
  });

  it('reports in every template at its own line (LWS leader and worker, every Ray group)', () => {
    expect(findings(LWS, ['image-pinned'])).toEqual(['image-pinned:13:LeaderWorkerSet', 'image-pinned:18:LeaderWorkerSet']);
    expect(findings(RAY, ['image-pinned'])).toEqual(['image-pinned:11:RayCluster', 'image-pinned:20:RayCluster', 'image-pinned:29:RayCluster']);
  });

  it('checks JobSet replicated jobs, Knative Services, Kaito Workspaces and RayService/RayJob nesting', () => {
    const yaml = `apiVersion: jobset.x-k8s.io/v1alpha2
kind: JobSet
metadata: {name: js, namespace: ml}
spec:
  replicatedJobs:
    - name: workers
      replicas: 2
      template:
        spec:
          template:
            spec:
              restartPolicy: Never
              containers: [{name: t, image: "trainer:latest"}]
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: kn, namespace: ml}
spec:
  template:
    spec:
      containers: [{image: "example.org/kn:latest"}]
---
apiVersion: kaito.sh/v1beta1
kind: Workspace
metadata: {name: ws, namespace: ml}
resource: {instanceType: Standard_NC24ads_A100_v4}
inference:
  template:
    spec:
      containers: [{name: c, image: "example.org/custom:latest"}]
---
apiVersion: ray.io/v1
kind: RayService
metadata: {name: rs, namespace: ml}
spec:
  rayClusterConfig:
    headGroupSpec:
      template:
        spec:
          containers: [{name: h, image: "rayproject/ray:latest"}]
---
apiVersion: ray.io/v1
kind: RayJob
metadata: {name: rj, namespace: ml}
spec:
  rayClusterSpec:
    headGroupSpec:
      template:
        spec:
          containers: [{name: h, image: "rayproject/ray:latest"}]
`;
    // A Kaito Workspace has no spec: inference.template is a top-level field.
    expect(findings(yaml, ['image-pinned'])).toEqual([
      'image-pinned:13:JobSet',
      'image-pinned:21:Service',
      'image-pinned:30:Workspace',
      'image-pinned:40:RayService',
      'image-pinned:50:RayJob',
    ]);
    const kaito = `apiVersion: kaito.sh/v1beta1
kind: Workspace
metadata: {name: ws, namespace: ml}
resource: {instanceType: Standard_NC24ads_A100_v4}
inference:
  template:
    spec:
      containers: [{name: c, image: "example.org/custom:latest"}]
`;
    expect(findings(kaito, ['image-pinned'])).toEqual(['image-pinned:8:Workspace']);
    // Its pods run on resource.instanceType: an A100 80GB size holds a 32B model, an NC T4 size does not.
    const withModel = kaito.replace('image: "example.org/custom:latest"', 'image: "vllm/vllm-openai:v0.10.0", args: ["--model", "Qwen/Qwen2.5-32B-Instruct"], resources: {limits: {nvidia.com/gpu: "1"}}');
    expect(findings(withModel, ['model-fits-gpu'])).toEqual([]);
    expect(findings(withModel.replace('Standard_NC24ads_A100_v4', 'Standard_NC8as_T4_v3'), ['model-fits-gpu'])).toEqual(['model-fits-gpu:8:Workspace']);
  });

  it('knows the labels controllers add and the Services they create', () => {
    const yaml = `${LWS}---
apiVersion: v1
kind: Service
metadata: {name: llm-leader, namespace: ml}
spec:
  selector: {leaderworkerset.sigs.k8s.io/name: llm, leaderworkerset.sigs.k8s.io/worker-index: "0"}
  ports: [{port: 80}]
---
${RAY}---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: dash, namespace: ml}
spec:
  defaultBackend: {service: {name: rc-head-svc, port: {number: 8265}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: typo, namespace: ml}
spec:
  defaultBackend: {service: {name: rc-head-svcc, port: {number: 8265}}}
`;
    expect(findings(yaml, ['service-selects-pods', 'ingress-backend-exists'])).toEqual(['ingress-backend-exists:67:Ingress']);
  });

  it('does not treat a Knative Service as a core Service', () => {
    const yaml = `apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: kn, namespace: ml}
spec:
  template:
    spec:
      containers: [{image: "example.org/kn:1.0.0"}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: kn, namespace: ml}
spec:
  defaultBackend: {service: {name: kn, port: {number: 80}}}
`;
    expect(findings(yaml, ['service-selects-pods', 'ingress-backend-exists', 'service-port-targets-container'])).toEqual([]);
  });

  it('gives an Argo Rollout HPA floors and PDB checks like a Deployment', () => {
    const yaml = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: r, namespace: ml}
spec:
  replicas: 3
  selector: {matchLabels: {app: r}}
  template:
    metadata: {labels: {app: r}}
    spec:
      containers: [{name: c, image: "r:1.0.0"}]
`;
    expect(findings(yaml, ['pdb-present', 'probes-present'])).toEqual(['pdb-present:5:Rollout', 'probes-present:10:Rollout']);
  });

  it('skips absence checks on partial templates (Seldon Server podSpec) but judges what they write', () => {
    const yaml = `apiVersion: mlops.seldon.io/v1alpha1
kind: Server
metadata: {name: mlserver, namespace: ml}
spec:
  serverConfig: mlserver
  replicas: 3
  podSpec:
    containers:
      - name: mlserver
        image: example.org/mlserver:latest
`;
    expect(findings(yaml, ['image-pinned', 'probes-present', 'memory-limit-fits-model', 'cpu-limit-throttling'])).toEqual(['image-pinned:10:Server']);
  });
});

describe('config workloadKinds', () => {
  it('adds a CRD whose pod templates every rule then checks', async () => {
    const dir = makeTree({
      '.mllint.yaml': `workloadKinds:
  - apiVersion: example.org/v1
    kind: ModelServer
    podTemplates: [spec.template, "spec.shards[*].template"]
    replicas: spec.replicas
    services: ["{name}-svc"]
`,
      'm.yaml': `apiVersion: example.org/v1
kind: ModelServer
metadata: {name: ms, namespace: ml}
spec:
  replicas: 2
  template:
    spec:
      containers: [{name: a, image: "srv:latest"}]
  shards:
    - template:
        spec:
          containers: [{name: b, image: "srv:latest"}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ms, namespace: ml}
spec:
  defaultBackend: {service: {name: ms-svc, port: {number: 80}}}
`,
    });
    try {
      const out = await runCli(['check', '.', '--format', 'json', '--no-cache'], { cwd: dir });
      const json = JSON.parse(out.stdout) as { findings: Array<{ ruleId: string; line: number }> };
      const picked = json.findings.filter((f) => f.ruleId === 'image-pinned' || f.ruleId === 'ingress-backend-exists');
      expect(picked.map((f) => `${f.ruleId}:${f.line}`)).toEqual(['image-pinned:8', 'image-pinned:12']);
    } finally {
      removeTree(dir);
    }
  });

  it('rejects a malformed entry with its position (exit 2)', async () => {
    const dir = makeTree({ '.mllint.yaml': 'workloadKinds:\n  - kind: ModelServer\n    podTemplates: []\n', 'm.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n' });
    try {
      const out = await runCli(['check', '.'], { cwd: dir });
      expect(out.code).toBe(2);
      expect(out.stderr).toMatch(/\.mllint\.yaml:2/);
      expect(out.stderr).not.toMatch(/at .*\.ts:\d+/);
    } finally {
      removeTree(dir);
    }
  });
});
