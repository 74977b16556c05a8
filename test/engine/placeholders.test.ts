/**
 * Template placeholders (`${VAR}`, `${VAR:-default}`, `$(VAR)`) are unknown values: no finding is built on
 * one (issue 11). A literal value next to them is still checked.
 */
import { describe, expect, it } from 'vitest';
import { hasPlaceholder, isPlaceholderValue } from '../../src/knowledge/placeholders.js';
import { lint } from '../../src/engine/run.js';
import type { RuleSettings } from '../../src/config/resolve.js';
import { RULES } from '../../src/rules/index.js';

function lintAll(text: string) {
  const ruleSettings: RuleSettings = {
    enabledSomewhere: () => RULES.map((r) => r.meta.id),
    settingFor: (id) => ({ severity: RULES.find((r) => r.meta.id === id)?.meta.severity ?? 'error', options: { ...(RULES.find((r) => r.meta.id === id)?.meta.defaultOptions as object) } }),
  };
  return lint({ sources: [{ display: 'sample.yaml', text }], ruleSettings }).findings;
}

// Line numbers matter: replicas 7, image 17, pull policy 18, probe ports 23 and 26, sidecar image 28, type 41, targetPort 45.
const TEMPLATED = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: epp
  namespace: ml
spec:
  replicas: \${REPLICAS:-1}
  selector:
    matchLabels: { app: epp }
  template:
    metadata:
      labels: { app: epp }
    spec:
      containers:
        - name: epp
          # placeholders filled by envsubst before kubectl apply
          image: \${IMAGE}
          imagePullPolicy: \${PULL_POLICY:-Always}
          ports: [{ name: grpc, containerPort: 9002 }]
          resources: { requests: { cpu: 500m, memory: 1Gi }, limits: { memory: 1Gi } }
          readinessProbe:
            grpc:
              port: \${HEALTH_PORT:-9003}
          livenessProbe:
            grpc:
              port: \${HEALTH_PORT:-9003}
        - name: sidecar
          image: busybox
          command: ["sh", "-c", "echo $(POD_NAME)"]
          resources: { requests: { cpu: 100m, memory: 64Mi }, limits: { memory: 64Mi } }
          readinessProbe: { exec: { command: [true] } }
          livenessProbe: { exec: { command: [true] } }
---
apiVersion: v1
kind: Service
metadata:
  name: epp
  namespace: ml
spec:
  selector: { app: epp }
  type: \${SERVICE_TYPE:-ClusterIP}
  ports:
    - name: grpc
      port: 9002
      targetPort: \$(EPP_PORT_NAME)
`;

describe('template placeholders', () => {
  it('recognises envsubst and $(VAR) forms, not escapes or plain dollars', () => {
    for (const text of ['${IMAGE}', 'repo/app:${TAG}', '${N:-1}', '${X:=y}', '${X:?unset}', '${X-y}', '$(PORT)', 'a $$(X) and $(Y)']) expect(hasPlaceholder(text), text).toBe(true);
    for (const text of ['$$(PORT)', 'price: $5', '${}', '$ {X}', 'pa$$word', '${1abc}', 'plain']) expect(hasPlaceholder(text), text).toBe(false);
  });

  it('recognises template actions (Helm/Go, Jinja, Argo Workflows) anywhere in a value', () => {
    for (const text of ['{{ .Values.replicas }}', 'KEEP_{{ .Values.server.replicas }}', '{{- toJson .Values.podSpec }}', '{{inputs.parameters.count}}', 'img:{{ tag }}']) expect(hasPlaceholder(text), text).toBe(true);
    for (const text of ['{ a: 1 }', '{{ unterminated', 'json {"a":{"b":1}}', '}} {{']) expect(hasPlaceholder(text), text).toBe(false);
  });

  it('whole values that are placeholders by their shape: CAPS_WITH_UNDERSCORE tokens, unquoted {{NAME}} and {name}', () => {
    expect(isPlaceholderValue('PVC_NAME', ['metadata', 'name'])).toBe(true);
    expect(isPlaceholderValue('FILESTORE_CAPACITY', ['spec', 'resources', 'requests', 'storage'])).toBe(true);
    expect(isPlaceholderValue('IMAGE_NAME', ['spec', 'containers', 0, 'image'])).toBe(true);
    // An env name or a capability is a real value in capitals.
    expect(isPlaceholderValue('MODEL_VERSION', ['spec', 'containers', 0, 'env', 1, 'name'])).toBe(false);
    expect(isPlaceholderValue('NET_ADMIN', ['spec', 'containers', 0, 'securityContext', 'capabilities', 'add', 0])).toBe(false);
    for (const v of [{ '{ HF_TOKEN }': null }, { 'volume-id': null }, { PROJECT_ID: null }]) expect(isPlaceholderValue(v), JSON.stringify(v)).toBe(true);
    for (const v of ['PORT', 'TCP', 'ml-serving', { app: null }, { 'volume-id': 'x' }, { a: null, b: null }, ['A_B'], 5, null]) expect(isPlaceholderValue(v, ['metadata', 'name']), JSON.stringify(v)).toBe(false);
    // Line numbers matter: PVC name 4, storage request 9 (a token), secret value 15 (unquoted {{…}}); the literal `2Gix` on 20 is still judged.
    const findings = lintAll(`apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: PVC_NAME
  namespace: ml
spec:
  resources:
    requests:
      storage: FILESTORE_CAPACITY
---
apiVersion: v1
kind: Secret
metadata: { name: hf, namespace: ml }
stringData:
  token: {{HF_TOKEN}}
---
apiVersion: v1
kind: LimitRange
metadata: { name: l, namespace: ml }
spec: { limits: [{ type: Container, default: { memory: 2Gix } }] }
`);
    expect(findings.filter((f) => [4, 9, 15].includes(f.line)).map((f) => `${f.line} ${f.ruleId} ${f.message}`)).toEqual([]);
    expect(findings.filter((f) => f.ruleId === 'schema-valid').map((f) => f.line)).toEqual([20]);
  });

  it('values holding template actions (Jinja/Ansible, Argo parameters, Helm text rendered by kustomize) get no finding', () => {
    // Line numbers matter: replicas 7, minReadySeconds 8, image 17, memory 20; the literal `busybox` on 22 is still judged.
    const findings = lintAll(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: server
  namespace: ml
spec:
  replicas: "KEEP_{{ server_replicas }}"
  minReadySeconds: "{{ min_ready }}"
  selector:
    matchLabels: { app: server }
  template:
    metadata:
      labels: { app: server }
    spec:
      containers:
        - name: server
          image: "{{ server_image }}"
          resources:
            limits:
              memory: "{{ server_memory }}"
        - name: helper
          image: busybox
`);
    expect(findings.filter((f) => [7, 8, 17, 20].includes(f.line)).map((f) => `${f.line} ${f.ruleId} ${f.message}`)).toEqual([]);
    expect(findings.filter((f) => f.ruleId === 'image-pinned').map((f) => f.line)).toEqual([22]);
  });

  it('takes a bare $VAR for a placeholder only when it is the whole value', () => {
    for (const text of ['$HF_TOKEN', ' $IMG ', '$_X1']) expect(hasPlaceholder(text), text).toBe(true);
    // A value that starts with `$` and has small letters is a value (a password), not a reference.
    for (const text of ['$1', '$', 'echo $HOME', 'repo/app:$TAG', '$HF_TOKEN extra', '^/api/(.*)$', '$ecretPassw0rd']) expect(hasPlaceholder(text), text).toBe(false);
  });

  it('a Secret whose data value is one bare envsubst reference is not reported as invalid base64; a literal one still is', () => {
    const secret = (value: string) => `apiVersion: v1\nkind: Secret\nmetadata: { name: hub-token, namespace: ml }\ndata:\n  token: ${value}\n`;
    expect(lintAll(secret('$HUB_TOKEN')).filter((f) => f.severity === 'error')).toEqual([]);
    expect(lintAll(secret('"not base64!"')).filter((f) => f.ruleId === 'schema-valid').map((f) => `${f.line} ${f.severity}`)).toEqual(['5 error']);
  });

  it('reports nothing built on a placeholder, and still checks the literal values beside them', () => {
    const findings = lintAll(TEMPLATED);
    const onPlaceholderLines = findings.filter((f) => [7, 17, 18, 23, 26, 41, 45].includes(f.line));
    expect(onPlaceholderLines.map((f) => `${f.line} ${f.ruleId} ${f.message}`)).toEqual([]);
    // The sidecar's literal `busybox` (no tag) is still reported where it is written.
    expect(findings.filter((f) => f.ruleId === 'image-pinned').map((f) => f.line)).toEqual([28]);
  });
});
