import { defineRule, type Report } from './define-rule.js';
import { CONTAINER_TYPE_LABEL, WORKLOAD_KINDS, type ContainerRef } from '../engine/extract.js';
import { isPlainObject } from '../loaders/objects.js';

export type ProbePortExistsOptions = Record<string, never>;

const PROBES = ['startupProbe', 'readinessProbe', 'livenessProbe'] as const;
const HANDLERS = ['httpGet', 'tcpSocket', 'grpc'] as const;
/** The port KServe/Knative give a model server that declares none. */
const KSERVE_DEFAULT_PORT = 8080;

interface DeclaredPort {
  name?: string;
  number?: number;
}

function declaredPorts(ref: ContainerRef): DeclaredPort[] {
  const ports = ref.container.ports;
  if (!Array.isArray(ports)) return [];
  return ports.filter(isPlainObject).map((p) => ({
    name: typeof p.name === 'string' && p.name !== '' ? p.name : undefined,
    number: portNumber(p.containerPort),
  }));
}

function portNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

function describePorts(ports: DeclaredPort[]): string {
  if (ports.length === 0) return 'none';
  return ports.map((p) => (p.name && p.number !== undefined ? `${p.name}/${p.number}` : (p.name ?? String(p.number ?? '?')))).join(', ');
}

export default defineRule<ProbePortExistsOptions>({
  meta: {
    id: 'probe-port-exists',
    severity: 'error',
    recommended: true,
    description: "A probe's port, by name or number, must be a containerPort the container declares",
    kinds: WORKLOAD_KINDS,
    remediation: "Point the probe at a port the container declares (by name, e.g. `port: http`), or declare the port under `ports`.",
    docs: {
      why:
        'A probe whose port names no declared container port can never succeed: the kubelet cannot resolve the ' +
        'name, the readiness probe keeps the pod out of its Service forever and the liveness probe restarts it in ' +
        'a loop (CrashLoopBackOff). A probe on a port number the container does not declare is the usual trace of ' +
        'a server moved to another port (8080 → 8000) with the probe left behind, which fails the same way.',
      checks:
        'For every container and init container (sidecars can have probes) of every workload, the `port` of the ' +
        '`httpGet`, `tcpSocket` and `grpc` handlers of its `startupProbe`, `readinessProbe` and `livenessProbe`: a ' +
        'name must equal the `name` of one of that container\'s `ports`, a number (or a string of digits) its ' +
        '`containerPort`. Only the container\'s own ports count: a port of another container in the pod is not ' +
        'probed by this one. A KServe `InferenceService` model server that declares no ports listens on 8080 (the ' +
        'KServe default), and its probes may omit the port (Knative fills it in). A probe without a port elsewhere ' +
        'is left to schema validation.',
      fix:
        'Name the container port (`ports: [{ name: http, containerPort: 8080 }]`) and refer to it by name in every ' +
        'probe (`port: http`), so that the next port change updates probes, Services and monitors together.',
      examples: {
        incorrect: `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml }
spec:
  selector: { matchLabels: { app: scorer } }
  template:
    metadata: { labels: { app: scorer } }
    spec:
      containers:
        - name: scorer
          image: registry.example.com/ml/fraud-scorer:3.0.1
          ports: [{ name: http, containerPort: 8000 }]
          readinessProbe:
            httpGet: { path: /ready, port: 8080 }
          livenessProbe:
            httpGet: { path: /healthz, port: web }
`,
        correct: `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml }
spec:
  selector: { matchLabels: { app: scorer } }
  template:
    metadata: { labels: { app: scorer } }
    spec:
      containers:
        - name: scorer
          image: registry.example.com/ml/fraud-scorer:3.0.1
          ports: [{ name: http, containerPort: 8000 }]
          readinessProbe:
            httpGet: { path: /ready, port: 8000 }
          livenessProbe:
            httpGet: { path: /healthz, port: http }
`,
      },
    },
    optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
    defaultOptions: {},
    messages: {
      unknownPortName:
        '{{probe}} of {{type}} "{{container}}" uses port "{{port}}", but the container declares no port of that name (declared: {{declared}}); the probe can never succeed',
      undeclaredPortNumber:
        '{{probe}} of {{type}} "{{container}}" checks port {{port}}, which the container does not declare (declared: {{declared}}); the probe fails unless the server listens there',
    },
  },

  check({ object, template }) {
    if (!template) return [];
    const reports: Report[] = [];
    const isKServe = object.kind === 'InferenceService';
    for (const ref of template.containers) {
      if (ref.type === 'ephemeralContainer') continue;
      const ports = declaredPorts(ref);
      for (const probeName of PROBES) {
        const probe = ref.container[probeName];
        if (!isPlainObject(probe)) continue;
        for (const handlerName of HANDLERS) {
          const handler = probe[handlerName];
          if (!isPlainObject(handler)) continue;
          const port = handler.port;
          if (port === undefined || port === null || port === '') continue;
          const data = { probe: probeName, type: CONTAINER_TYPE_LABEL[ref.type], container: ref.name, port: String(port), declared: describePorts(ports) };
          const path = [...ref.path, probeName, handlerName, 'port'];
          const number = portNumber(port);
          if (number !== undefined) {
            if (ports.some((p) => p.number === number)) continue;
            if (isKServe && ports.length === 0 && number === KSERVE_DEFAULT_PORT) continue;
            reports.push({ messageId: 'undeclaredPortNumber', data, path, fix: ports.length > 0 ? `Probe one of the declared ports (${data.declared}), or declare containerPort ${number}.` : `Declare the port: ports: [{ name: http, containerPort: ${number} }].` });
          } else if (typeof port === 'string') {
            if (ports.some((p) => p.name === port)) continue;
            reports.push({ messageId: 'unknownPortName', data, path, fix: ports.length > 0 ? `Use one of the declared ports (${data.declared}), or name a containerPort "${port}".` : `Declare the port: ports: [{ name: ${port}, containerPort: … }].` });
          }
        }
      }
    }
    return reports;
  },
});
