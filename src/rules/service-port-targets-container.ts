import { defineRule, type Report } from './define-rule.js';
import { isValidPortName } from './utils/k8s-names.js';
import { describeObject } from './utils/objects.js';
import {
  containerPortsOf,
  describeContainerPorts,
  describePortRef,
  hasContainerPort,
  servicePortsOf,
  type ServicePort,
} from './utils/ports.js';

export interface ServicePortTargetsContainerOptions {
  allowUndeclaredNumbers: boolean;
}

const WORKLOAD = `apiVersion: apps/v1
kind: Deployment
metadata: { name: fraud-scorer, namespace: ml }
spec:
  selector: { matchLabels: { app: fraud-scorer } }
  template:
    metadata: { labels: { app: fraud-scorer } }
    spec:
      containers:
        - name: scorer
          image: fraud-scorer:3.0.1
          ports: [{ name: http, containerPort: 8080 }]
`;

export default defineRule<ServicePortTargetsContainerOptions>({
  meta: {
    id: 'service-port-targets-container',
    severity: 'error',
    recommended: true,
    description: 'Each Service port must target a port that the selected containers expose',
    kinds: ['Service'],
    remediation: 'Set targetPort to a containerPort name or number of the selected pods (it defaults to the Service port).',
    docs: {
      why:
        'A Service port forwards to its `targetPort` on the selected pods. A named targetPort that no container ' +
        'declares leaves the pod out of the Endpoints, and a TCP port that the pods serve only over UDP is ' +
        'refused. Either way the Service exists, the pods are Ready, and requests fail. Numbers are forwarded ' +
        'whether or not a container declares them, so an undeclared number is no evidence of a fault.',
      checks:
        'For every Service that selects pods (see `service-selects-pods`), each entry of `spec.ports`: a named ' +
        '`targetPort` must be the `name` of a container port, with the same protocol, in the containers (and ' +
        'native sidecars) of every workload the Service selects (an error when no selected workload declares it; a ' +
        'warning when only some do, since traffic still reaches those). A numeric `targetPort` (default: `port`) is ' +
        'reported only when the pods declare that number with another protocol alone (or, with ' +
        '`allowUndeclaredNumbers: false`, when they do not declare it at all). Services that select nothing are ' +
        'left to `service-selects-pods`.',
      fix: 'Point `targetPort` at a declared container port, preferably by name (`targetPort: http`), or declare the port on the container.',
      examples: {
        incorrect: `${WORKLOAD}---
apiVersion: v1
kind: Service
metadata: { name: fraud-scorer, namespace: ml }
spec:
  selector: { app: fraud-scorer }
  ports:
    - port: 80
      targetPort: web
`,
        correct: `${WORKLOAD}---
apiVersion: v1
kind: Service
metadata: { name: fraud-scorer, namespace: ml }
spec:
  selector: { app: fraud-scorer }
  ports:
    - port: 80
      targetPort: http
`,
      },
    },
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        allowUndeclaredNumbers: {
          type: 'boolean',
          description:
            'Accept a numeric targetPort that no container declares (the default: kube-proxy forwards to undeclared ' +
            'ports too, and declaring a containerPort is informational); `false` reports undeclared numbers as well. ' +
            'Named targetPorts must always be declared.',
        },
      },
    },
    defaultOptions: { allowUndeclaredNumbers: true },
    messages: {
      notExposed:
        'targetPort {{target}} of Service port {{port}} is not a container port of {{workload}}{{more}} (its ports: {{declared}}); traffic to it fails',
      defaultNotExposed:
        'Service port {{port}} has no targetPort, so it targets port {{target}}, which is not a container port of {{workload}}{{more}} (its ports: {{declared}})',
      partlyExposed:
        'targetPort {{target}} of Service port {{port}} is not a container port of {{workload}}{{more}} (its ports: {{declared}}), ' +
        'though other selected workloads declare it; those pods are left out of the Service\'s endpoints and get no traffic on it',
      protocolMismatch:
        'targetPort {{target}} of Service port {{port}} uses {{protocol}}, but {{workload}} declares that port with another protocol',
    },
  },

  check({ object, index, options }) {
    // Pods tied to the Service only by the rest of the tree (no namespace, another folder) are no evidence.
    const workloads = index.workloadsForService(object).filter((w) => !index.isRemote(object, w.object));
    if (workloads.length === 0) return [];
    const exposed = workloads.map((w) => ({ workload: w, ports: containerPortsOf(w) }));
    const reports: Report[] = [];
    for (const sp of servicePortsOf(object)) {
      const target = sp.targetPort;
      if (target === undefined) continue;
      // A name the API server refuses (`PORT`, a placeholder to replace) is schema-valid's finding, not a missing port.
      if (typeof target === 'string' && isValidPortName(target).length > 0) continue;
      const path = sp.targetPortWritten ? [...sp.path, 'targetPort'] : [...sp.path, 'port'];
      // kube-proxy forwards a number whether or not a container declares it: with the option, only a number
      // declared with another protocol (and not this one) is reported.
      const lacking = exposed.filter((e) =>
        typeof target === 'number' && options.allowUndeclaredNumbers
          ? hasContainerPort(e.ports, target) && !hasContainerPort(e.ports, target, sp.protocol)
          : !hasContainerPort(e.ports, target, sp.protocol),
      );
      if (lacking.length === 0) continue;
      const first = lacking[0];
      const data = {
        target: describePortRef(target),
        port: describeServicePort(sp),
        protocol: sp.protocol,
        workload: describeObject(first.workload.object),
        more: lacking.length > 1 ? ` and ${lacking.length - 1} other selected workload(s)` : '',
        declared: describeContainerPorts(first.ports),
      };
      if (hasContainerPort(first.ports, target)) {
        reports.push({ messageId: 'protocolMismatch', data, path: [...sp.path, 'protocol'] });
      } else if (lacking.length < exposed.length && sp.targetPortWritten) {
        // Some selected pods serve the port: traffic reaches them, the others are only left out of the
        // Endpoints (a canary without the port, or a selector that also catches unrelated pods).
        reports.push({ messageId: 'partlyExposed', data, path, maxSeverity: 'warning' });
      } else {
        reports.push({ messageId: sp.targetPortWritten ? 'notExposed' : 'defaultNotExposed', data, path });
      }
    }
    return reports;
  },
});

function describeServicePort(sp: ServicePort): string {
  if (sp.name !== undefined) return `"${sp.name}" (${sp.port ?? '?'})`;
  return String(sp.port ?? `#${sp.index}`);
}
