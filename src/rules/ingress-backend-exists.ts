import { defineRule, type Report } from './define-rule.js';
import { namespaceOf, type ResourceIndex } from '../engine/context.js';
import { getAt } from '../engine/extract.js';
import { isPlainObject } from '../loaders/objects.js';
import type { LoadedObject, Path } from '../types.js';
import { describePortRef, describeServicePorts, servicePortsOf, toPortRef, type PortRef } from './utils/ports.js';
import { closestString } from './utils/strings.js';

export type IngressBackendExistsOptions = Record<string, never>;

interface BackendRef {
  name: string;
  namePath: Path;
  port: PortRef | undefined;
  portPath: Path;
}

const SERVICE = `apiVersion: v1
kind: Service
metadata: { name: fraud-scorer, namespace: ml }
spec:
  selector: { app: fraud-scorer }
  ports: [{ name: http, port: 80, targetPort: 8080 }]
`;

export default defineRule<IngressBackendExistsOptions>({
  meta: {
    id: 'ingress-backend-exists',
    severity: 'error',
    recommended: true,
    description: 'Every Ingress backend must name an existing Service in its namespace and a port of that Service',
    kinds: ['Ingress'],
    remediation: 'Point the backend at a Service of the Ingress namespace and at one of its ports, by name or number.',
    docs: {
      why:
        'An Ingress backend naming a Service that does not exist, or a port the Service does not have, makes the ' +
        'ingress controller answer 503 (or drop the route) for that host and path. The Ingress itself applies ' +
        'cleanly, so the broken link between the public endpoint and the model server is only seen by callers.',
      checks:
        '`spec.defaultBackend` and every `spec.rules[].http.paths[].backend` of a `networking.k8s.io/v1` Ingress ' +
        '(and `serviceName`/`servicePort` of the older v1beta1 API): the Service must exist in the Ingress ' +
        'namespace, anywhere in the linted tree (a namespace where the tree has no Service at all is managed ' +
        'elsewhere: no finding without a near miss), and `port.number` must be one of its `ports[].port`, `port.name` ' +
        'one of its `ports[].name`. Resource backends are skipped; an ExternalName Service without ports accepts any port. ' +
        'A missing Service with no near-miss name is not reported when a file next to the Ingress was not linted — a Go ' +
        'or `${…}` template whose text has the Service name, or an unrendered Helm chart whose name is in it — in its directory or, below the top ' +
        'level, anywhere under the parent directory: that file may define it (mllint reports the skipped file itself).',
      fix: 'Correct the Service name or port (a port name such as `http` survives port renumbering), or add the missing Service.',
      examples: {
        incorrect: `${SERVICE}---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: fraud, namespace: ml }
spec:
  rules:
    - host: fraud.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: fraud-scorer
                port: { number: 8080 }
`,
        correct: `${SERVICE}---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: fraud, namespace: ml }
spec:
  rules:
    - host: fraud.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: fraud-scorer
                port: { name: http }
`,
      },
    },
    optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
    defaultOptions: {},
    messages: {
      serviceMissing: 'backend Service "{{service}}" is not among the linted objects of namespace "{{namespace}}"{{hint}}',
      portMissing: 'backend port {{port}} is not a port of Service "{{service}}" (its ports: {{declared}})',
    },
  },

  check({ object, index }) {
    const namespace = namespaceOf(object);
    const reports: Report[] = [];
    for (const backend of backendsOf(object.object)) {
      const service = index.findFor(object, 'Service', backend.name);
      if (!service) {
        const { hint, certain } = missingServiceHint(object, backend.name, namespace, index);
        // A namespace where the linted tree has no Service at all (istio-system, an operator's namespace) is
        // managed elsewhere: without a hint, nothing says the Service is missing.
        if (hint === '' && index.inNamespace('Service', namespace).length === 0) continue;
        // No near miss, and a template or unrendered chart nearby was not linted: it may define the Service.
        if (hint === '' && index.unlintedNear(object, [backend.name]) !== undefined) continue;
        reports.push({
          messageId: 'serviceMissing',
          data: { service: backend.name, namespace, hint },
          path: backend.namePath,
          // Without a near miss in the same file, render or named namespace, the Service may be created
          // elsewhere (an operator, another repository, another sample of the folder).
          ...(certain ? {} : { maxSeverity: 'warning' as const }),
        });
        continue;
      }
      if (backend.port === undefined) continue; // a missing port is schema-valid's finding
      if (service.createdBy) continue; // created by a controller (KubeRay head Service…): its ports are not in the tree
      if (index.isRemote(object, service)) continue; // tied only by the rest of the tree: no evidence about its ports
      const ports = servicePortsOf(service);
      if (ports.length === 0 && getAt(service.object, ['spec', 'type']) === 'ExternalName') continue;
      const port = backend.port;
      const found = ports.some((p) => (typeof port === 'number' ? p.port === port : p.name === port));
      if (!found) {
        reports.push({
          messageId: 'portMissing',
          data: { port: describePortRef(port), service: backend.name, declared: describeServicePorts(ports) },
          path: backend.portPath,
        });
      }
    }
    return reports;
  },
});

/**
 * The hint for a missing backend Service, and whether it makes the finding certain: a near miss in the same
 * file, render or named namespace (see `ResourceIndex.isClose`), or a Service of that name in another named
 * namespace. A near miss found only in the same directory is a hint, not proof (a folder of samples).
 */
function missingServiceHint(ingress: LoadedObject, name: string, namespace: string, index: ResourceIndex): { hint: string; certain: boolean } {
  // Names of Services near the Ingress (not from an unrelated folder when it has no namespace); a small
  // namespace compared name by name, a large one through the typo index (bounded cost per backend).
  const close = closestString(name, index.namesNearFor(ingress, 'Service', name));
  if (close !== undefined) return { hint: `; did you mean "${close}"?`, certain: index.hasCloseNamed(ingress, 'Service', close) };
  const elsewhere = index.findAnywhere('Service', name).find((s) => namespaceOf(s) !== namespace);
  return elsewhere
    ? { hint: `; a Service "${name}" exists in namespace "${namespaceOf(elsewhere)}", but an Ingress routes only to Services of its own namespace`, certain: true }
    : { hint: '', certain: false };
}

/** The Service backends of an Ingress (v1 and the older v1beta1 shape), with the paths of their fields. */
function backendsOf(ingress: Record<string, unknown>): BackendRef[] {
  const out: BackendRef[] = [];
  const read = (backendPath: Path) => {
    const backend = getAt(ingress, backendPath);
    if (!isPlainObject(backend)) return;
    if (isPlainObject(backend.service)) {
      const service = backend.service;
      if (typeof service.name !== 'string' || service.name === '') return;
      const port = isPlainObject(service.port) ? service.port : {};
      const byNumber = toPortRef(port.number);
      const byName = typeof port.name === 'string' && port.name !== '' ? port.name : undefined;
      out.push({
        name: service.name,
        namePath: [...backendPath, 'service', 'name'],
        port: byName !== undefined && byNumber === undefined ? byName : byNumber,
        portPath: [...backendPath, 'service', 'port', byName !== undefined && byNumber === undefined ? 'name' : 'number'],
      });
    } else if (typeof backend.serviceName === 'string' && backend.serviceName !== '') {
      out.push({
        name: backend.serviceName,
        namePath: [...backendPath, 'serviceName'],
        port: toPortRef(backend.servicePort),
        portPath: [...backendPath, 'servicePort'],
      });
    }
    // `resource` backends (e.g. a storage bucket) are not Services: skipped.
  };
  read(['spec', 'defaultBackend']);
  read(['spec', 'backend']);
  const rules = getAt(ingress, ['spec', 'rules']);
  if (Array.isArray(rules)) {
    rules.forEach((_, i) => {
      const paths = getAt(ingress, ['spec', 'rules', i, 'http', 'paths']);
      if (Array.isArray(paths)) paths.forEach((__, j) => read(['spec', 'rules', i, 'http', 'paths', j, 'backend']));
    });
  }
  return out;
}
