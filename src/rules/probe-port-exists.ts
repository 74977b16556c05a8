import { defineRule, type Report } from './define-rule.js';
import { CONTAINER_TYPE_LABEL, WORKLOAD_KINDS, type ContainerRef } from '../engine/extract.js';
import { isPlainObject } from '../loaders/objects.js';

export type ProbePortExistsOptions = Record<string, never>;

const PROBES = ['startupProbe', 'readinessProbe', 'livenessProbe'] as const;
const HANDLERS = ['httpGet', 'tcpSocket', 'grpc'] as const;

interface DeclaredPort {
  name?: string;
  number?: number;
  /** `TCP` (the default), `UDP` or `SCTP`. */
  protocol: string;
}

function declaredPorts(ref: ContainerRef): DeclaredPort[] {
  const ports = ref.container.ports;
  if (!Array.isArray(ports)) return [];
  return ports.filter(isPlainObject).map((p) => ({
    name: typeof p.name === 'string' && p.name !== '' ? p.name : undefined,
    number: portNumber(p.containerPort),
    protocol: typeof p.protocol === 'string' ? p.protocol.toUpperCase() : 'TCP',
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
    description: "A probe's named port must be declared by its container, and no probe may target a UDP-only port",
    kinds: WORKLOAD_KINDS,
    remediation: "Point the probe at a port the container declares (by name, e.g. `port: http`), or declare the port under `ports`.",
    docs: {
      why:
        'A probe whose port names no declared container port can never succeed: the kubelet cannot resolve the ' +
        'name, the readiness probe keeps the pod out of its Service forever and the liveness probe restarts it in ' +
        'a loop (CrashLoopBackOff). `httpGet`, `tcpSocket` and `grpc` probes connect over TCP, so a probe on a ' +
        'port the pod declares only as `protocol: UDP` fails the same way. A probe on an undeclared port *number* ' +
        'is not reported: the kubelet connects to the pod IP, and declaring a containerPort is informational.',
      checks:
        'For every container and init container (sidecars can have probes) of every workload, the `port` of the ' +
        '`httpGet`, `tcpSocket` and `grpc` handlers of its `startupProbe`, `readinessProbe` and `livenessProbe`: a ' +
        'name must equal the `name` of one of that container\'s own `ports` (the kubelet resolves names in the ' +
        'probed container only) and that port must not be UDP or SCTP; a number (or a string of digits) is ' +
        'reported only when every container of the pod that declares that number declares it with a protocol ' +
        'other than TCP. Numbers nobody declares are accepted (every container of a pod shares one network ' +
        'namespace, and the server may listen on ports it does not list). A probe without a port is left to ' +
        'schema validation.',
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
          ports: [{ name: http, containerPort: 8000 }, { name: statsd, containerPort: 8125, protocol: UDP }]
          readinessProbe:
            tcpSocket: { port: statsd }
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
      notTcp:
        '{{probe}} of {{type}} "{{container}}" connects over TCP to port {{port}}, which the pod declares as {{protocol}} only; the probe can never succeed',
    },
  },

  check({ template }) {
    if (!template) return [];
    const reports: Report[] = [];
    // Every container of a pod shares one network namespace: a number is judged against all their ports.
    const podPorts = template.containers.filter((r) => r.type !== 'ephemeralContainer').flatMap(declaredPorts);
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
          const data = { probe: probeName, type: CONTAINER_TYPE_LABEL[ref.type], container: ref.name, port: String(port), declared: describePorts(ports), protocol: '' };
          const path = [...ref.path, probeName, handlerName, 'port'];
          const number = portNumber(port);
          if (number !== undefined) {
            const same = podPorts.filter((p) => p.number === number);
            if (same.length === 0 || same.some((p) => p.protocol === 'TCP')) continue;
            reports.push({ messageId: 'notTcp', data: { ...data, protocol: same[0].protocol }, path, fix: `Probe a TCP port of the server, or use an exec probe for a UDP-only server.` });
          } else if (typeof port === 'string') {
            const named = ports.find((p) => p.name === port);
            if (!named) {
              reports.push({ messageId: 'unknownPortName', data, path, fix: ports.length > 0 ? `Use one of the declared ports (${data.declared}), or name a containerPort "${port}".` : `Declare the port: ports: [{ name: ${port}, containerPort: … }].` });
            } else if (named.protocol !== 'TCP') {
              reports.push({ messageId: 'notTcp', data: { ...data, protocol: named.protocol }, path, fix: `Probe a TCP port of the server, or use an exec probe for a UDP-only server.` });
            }
          }
        }
      }
    }
    return reports;
  },
});
