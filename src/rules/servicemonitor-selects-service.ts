import { defineRule, type Report } from './define-rule.js';
import { namespaceOf, type ResourceIndex, type Workload } from '../engine/context.js';
import { getAt } from '../engine/extract.js';
import { isEmptySelector, namesLabelValue, selectorValues, toLabelSelector, type LabelSelector, type Labels } from '../engine/selector.js';
import { isPlainObject } from '../loaders/objects.js';
import type { LoadedObject, Path } from '../types.js';
import { describeObject, describeObjects, describeObjectWithNamespace } from './utils/objects.js';
import {
  containerPortsOf,
  describeContainerPorts,
  describePortRef,
  hasContainerPort,
  servicePortsOf,
  toPortRef,
  type ContainerPort,
  type PortRef,
} from './utils/ports.js';
import { describeSelector, HINT_CANDIDATES, nearestSelectorMiss } from './utils/selector-hints.js';
import { operatorMayCreate } from './utils/operator-made.js';

export type ServiceMonitorSelectsServiceOptions = Record<string, never>;

const STACK = `apiVersion: apps/v1
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
          ports: [{ name: metrics, containerPort: 9090 }]
---
apiVersion: v1
kind: Service
metadata:
  name: fraud-scorer
  namespace: ml
  labels: { app: fraud-scorer }
spec:
  selector: { app: fraud-scorer }
  ports: [{ name: metrics, port: 9090, targetPort: metrics }]
`;

const labelsOfObject = (o: LoadedObject): Labels => (isPlainObject(o.object.metadata?.labels) ? (o.object.metadata!.labels as Labels) : {});
const labelsOfWorkload = (w: Workload): Labels => w.template.labels;

interface Scope {
  namespaces: string[];
  where: string;
  any: boolean;
}

export default defineRule<ServiceMonitorSelectsServiceOptions>({
  meta: {
    id: 'servicemonitor-selects-service',
    severity: 'error',
    recommended: true,
    description: 'A ServiceMonitor must select a Service and name its ports; a PodMonitor must select pods and their ports',
    kinds: ['ServiceMonitor', 'PodMonitor'],
    remediation: 'Make the monitor selector match the Service labels (metadata.labels) and its endpoint port a named Service port.',
    docs: {
      why:
        'Prometheus Operator turns a ServiceMonitor into scrape targets only for Services whose own labels match its ' +
        'selector, in the namespaces its namespaceSelector allows, and only on Service ports whose name equals the ' +
        'endpoint `port`. A selector copied from the pod labels, a ServiceMonitor in the `monitoring` namespace ' +
        'without a namespaceSelector, or a port named `http-metrics` instead of `metrics` all produce the same ' +
        'result: no targets, no error, and dashboards and alerts on model latency and drift that silently go flat.',
      checks:
        'ServiceMonitor (`monitoring.coreos.com/v1`): `spec.selector` (matchLabels and matchExpressions; an empty ' +
        'selector selects every Service) must match the labels of at least one Service in the namespaces of ' +
        '`spec.namespaceSelector` (`any: true`: every namespace; `matchNames`; default: the monitor\'s own; namespaces ' +
        'where the linted tree has no Service at all — no workload, for a PodMonitor — are managed elsewhere and not ' +
        'reported). Each ' +
        '`endpoints[].port` must be the name of a port of a selected Service; each `endpoints[].targetPort` must be ' +
        'a container port (name or number) of the pods those Services select. PodMonitor: the selector must match ' +
        'the pod template labels of a workload in those namespaces, and each `podMetricsEndpoints[].port` ' +
        '(a container port name), `portNumber` or `targetPort` must be a container port of the selected pods. ' +
        'Findings are reported on the monitor, at the selector value or endpoint port that is off, naming the ' +
        'closest candidate. ' +
        'Not judged when a custom resource in scope may make the pods (mllint cannot see what an operator it does not ' +
        'model creates): a label map inside its `spec` carries one of the selected labels (an aibrix RayClusterFleet\'s ' +
        'nested template), or a selected key lives in its API domain (`cnpg.io/cluster` and a CloudNativePG Cluster), or a selected key names its kind (`storm-service-name`, `redisfailovers-role`). ' +
        'Nor when nothing matches and a file next to it was not linted — a Go or `${…}` template whose text has every selected value, or an unrendered Helm chart whose name is in one — in its directory or, below the top level, anywhere under the parent directory: that file may define what is missing (mllint reports the skipped file itself).',
      fix:
        'Label the Service (not only its pods) with what the selector asks for, add the Service namespace to ' +
        '`namespaceSelector.matchNames`, and name the metrics port of the Service as the endpoint `port` says.',
      examples: {
        incorrect: `${STACK}---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: { name: fraud-scorer, namespace: ml }
spec:
  selector:
    matchLabels: { app: fraud-scorer }
  endpoints:
    - port: http-metrics
`,
        correct: `${STACK}---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: { name: fraud-scorer, namespace: ml }
spec:
  selector:
    matchLabels: { app: fraud-scorer }
  endpoints:
    - port: metrics
`,
      },
    },
    optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
    defaultOptions: {},
    messages: {
      noTarget: 'selector {{selector}} matches no linted {{target}} in {{where}}; unless it comes from elsewhere, Prometheus scrapes nothing',
      valueDiffers: 'selector {{key}}={{expected}} matches no {{target}} in {{where}}; closest: {{candidate}} has {{key}}={{actual}}',
      labelMissing: 'selector {{selector}} matches no {{target}} in {{where}}; closest: {{candidate}}, which lacks the label {{key}}={{expected}}',
      otherNamespace: 'selector {{selector}} matches no {{target}} in {{where}}, only {{candidate}}; namespaceSelector does not include its namespace',
      podLabelsOnly:
        'selector {{selector}} matches no Service in {{where}}, only the pods of {{candidate}}; a ServiceMonitor selects Services by their own metadata.labels',
      portMissing: 'endpoint port "{{port}}" is not a port name of the selected {{services}} (ports: {{declared}}); the endpoint is never scraped',
      targetPortMissing: 'endpoint targetPort {{port}} is not a container port of the pods behind {{services}} (ports: {{declared}})',
      podPortMissing: 'endpoint {{field}} {{port}} is not a container port of the selected pods of {{workloads}} (ports: {{declared}})',
    },
  },

  check({ object, index }) {
    if (!object.apiVersion.startsWith('monitoring.coreos.com/')) return [];
    const rawSelector = getAt(object.object, ['spec', 'selector']);
    if (!isPlainObject(rawSelector)) return []; // a required field: schema-valid's finding
    const selector = toLabelSelector(rawSelector);
    const scope = scopeOf(object, index);
    const reports = object.kind === 'ServiceMonitor'
      ? checkServiceMonitor(object, index, selector, scope)
      : checkPodMonitor(object, index, selector, scope);
    // Nothing selected, and a template or unrendered chart nearby was not linted: it may define the targets.
    return index.unlintedNear(object, selectorValues(selector)) !== undefined ? reports.filter((r) => r.messageId !== 'noTarget') : reports;
  },
});

/**
 * The targets nearest to a monitor that looks in its own namespace (see ResourceIndex.nearest: without a
 * namespace, the same file, then the same folder, before the rest of the tree); others as matched.
 */
function nearestInScope<T>(monitor: LoadedObject, index: ResourceIndex, scope: Scope, items: T[], objectOf: (item: T) => LoadedObject): T[] {
  return !scope.any && scope.namespaces.length === 1 && scope.namespaces[0] === namespaceOf(monitor) ? index.nearest(monitor, items, objectOf) : items;
}

/** An object named for a message about a scope: with its namespace unless the scope is that one namespace. */
function describeIn(object: LoadedObject, scope: Scope): string {
  return !scope.any && scope.namespaces.length === 1 ? describeObject(object, scope.namespaces[0]) : describeObjectWithNamespace(object);
}

/** The namespaces a monitor looks in: `any: true`, `matchNames`, or its own namespace. */
function scopeOf(monitor: LoadedObject, index: ResourceIndex): Scope {
  const own = namespaceOf(monitor);
  const nsSelector = getAt(monitor.object, ['spec', 'namespaceSelector']);
  if (isPlainObject(nsSelector) && nsSelector.any === true) {
    const namespaces = monitor.kind === 'ServiceMonitor' ? index.namespacesWith('Service') : index.workloadNamespaces();
    return { namespaces, where: 'any namespace', any: true };
  }
  if (isPlainObject(nsSelector) && Array.isArray(nsSelector.matchNames)) {
    const names = [...new Set(nsSelector.matchNames.filter((n): n is string => typeof n === 'string' && n !== ''))];
    if (names.length > 0) {
      return { namespaces: names, where: names.length === 1 ? `namespace "${names[0]}"` : `namespaces ${names.map((n) => `"${n}"`).join(', ')}`, any: false };
    }
  }
  return { namespaces: [own], where: `namespace "${own}"`, any: false };
}

/** How a monitor finds its targets (Services or pod templates): lookups in its scope and, for hints, beyond. */
interface Lookups<T> {
  target: string;
  /** Targets in scope matching a selector (an empty selector: every target in scope), at most `limit`. */
  matching(selector: LabelSelector, limit?: number): T[];
  /** Targets in scope whose label `key` is about one typo from `value`. */
  near(key: string, value: string): readonly T[];
  /** Targets of any namespace matching a (non-empty) selector, at most `limit`. */
  anywhere(selector: LabelSelector, limit: number): T[];
  labelsOf(item: T): Labels;
  objectOf(item: T): LoadedObject;
}

function serviceLookups(index: ResourceIndex, scope: Scope): Lookups<LoadedObject> {
  return {
    target: 'Service',
    matching: (s, limit = Infinity) =>
      isEmptySelector(s)
        ? scope.namespaces.flatMap((ns) => index.inNamespace('Service', ns))
        : scope.any
          ? index.objectsMatchingAnywhere('Service', s, limit)
          : scope.namespaces.flatMap((ns) => index.objectsMatching('Service', ns, s, limit)).slice(0, limit),
    near: (key, value) =>
      scope.any
        ? index.objectsWithLabelNear('Service', undefined, key, value)
        : scope.namespaces.flatMap((ns) => index.objectsWithLabelNear('Service', ns, key, value)),
    anywhere: (s, limit) => index.objectsMatchingAnywhere('Service', s, limit),
    labelsOf: labelsOfObject,
    objectOf: (o) => o,
  };
}

function podLookups(index: ResourceIndex, scope: Scope): Lookups<Workload> {
  return {
    target: 'pod',
    matching: (s, limit = Infinity) =>
      isEmptySelector(s)
        ? scope.namespaces.flatMap((ns) => index.workloadsInNamespace(ns))
        : scope.any
          ? index.workloadsMatchingAnywhere(s, limit)
          : scope.namespaces.flatMap((ns) => index.workloadsMatching(ns, s, limit)).slice(0, limit),
    near: (key, value) =>
      scope.any
        ? index.workloadsWithLabelNearAnywhere(key, value)
        : scope.namespaces.flatMap((ns) => index.workloadsWithLabelNear(ns, key, value)),
    anywhere: (s, limit) => index.workloadsMatchingAnywhere(s, limit),
    labelsOf: labelsOfWorkload,
    objectOf: (w) => w.object,
  };
}

function checkServiceMonitor(monitor: LoadedObject, index: ResourceIndex, selector: LabelSelector, scope: Scope): Report[] {
  const lookups = serviceLookups(index, scope);
  const services = nearestInScope(monitor, index, scope, lookups.matching(selector), (s) => s);
  if (services.length === 0) {
    const podsOnly = podLookups(index, scope).matching(selector, 1)[0];
    if (podsOnly && !isEmptySelector(selector)) {
      return [{
        messageId: 'podLabelsOnly',
        data: { selector: describeSelector(selector), where: scope.where, candidate: describeIn(podsOnly.object, scope) },
        path: ['spec', 'selector'],
        fix: 'Add the selector labels to the metadata.labels of the Service that fronts these pods.',
      }];
    }
    if (operatorMayCreate(index, scope.any ? undefined : scope.namespaces, selector, monitor)) return [];
    return selectorMissReports(selector, scope, lookups);
  }

  const reports: Report[] = [];
  const endpoints = getAt(monitor.object, ['spec', 'endpoints']);
  if (!Array.isArray(endpoints)) return reports;
  // Services tied to the monitor only by the rest of the tree (no namespace, another folder): no evidence about ports.
  if (services.every((s) => index.isRemote(monitor, s))) return reports;
  const servicesText = describeObjects(services);
  let pods: { workloads: Workload[]; ports: ContainerPort[] } | undefined;
  endpoints.forEach((endpoint, i) => {
    if (!isPlainObject(endpoint)) return;
    if (typeof endpoint.port === 'string' && endpoint.port !== '') {
      const port = endpoint.port;
      const ports = services.flatMap((s) => servicePortsOf(s));
      // A Service a controller creates (KubeRay, Knative, KServe…) has ports mllint cannot see.
      if (!services.some((s) => s.createdBy) && !ports.some((p) => p.name === port)) {
        const names = [...new Set(ports.map((p) => p.name).filter((n): n is string => n !== undefined))];
        reports.push({
          messageId: 'portMissing',
          data: { port, services: servicesText, declared: names.length > 0 ? names.join(', ') : 'no named ports' },
          path: ['spec', 'endpoints', i, 'port'],
        });
      }
    }
    const target = toPortRef(endpoint.targetPort);
    if (target !== undefined) {
      pods ??= podsBehind(services, index);
      if (pods.workloads.length > 0 && !hasContainerPort(pods.ports, target)) {
        reports.push({
          messageId: 'targetPortMissing',
          data: { port: describePortRef(target), services: servicesText, declared: describeContainerPorts(pods.ports) },
          path: ['spec', 'endpoints', i, 'targetPort'],
        });
      }
    }
  });
  return reports;
}

function podsBehind(services: readonly LoadedObject[], index: ResourceIndex): { workloads: Workload[]; ports: ContainerPort[] } {
  const seen = new Set<string>();
  const workloads: Workload[] = [];
  for (const service of services) {
    for (const w of index.workloadsForService(service)) {
      if (index.isRemote(service, w.object)) continue;
      const key = `${w.object.id}:${w.template.index}`;
      if (seen.has(key)) continue;
      seen.add(key);
      workloads.push(w);
    }
  }
  return { workloads, ports: workloads.flatMap((w) => containerPortsOf(w)) };
}

function checkPodMonitor(monitor: LoadedObject, index: ResourceIndex, selector: LabelSelector, scope: Scope): Report[] {
  const lookups = podLookups(index, scope);
  const workloads = nearestInScope(monitor, index, scope, lookups.matching(selector), (w) => w.object);
  if (workloads.length === 0) {
    // Pods an operator makes from a custom resource in scope (see utils/operator-made.ts).
    if (operatorMayCreate(index, scope.any ? undefined : scope.namespaces, selector, monitor)) return [];
    return selectorMissReports(selector, scope, lookups);
  }
  const reports: Report[] = [];
  if (workloads.every((w) => index.isRemote(monitor, w.object))) return reports;
  const endpoints = getAt(monitor.object, ['spec', 'podMetricsEndpoints']);
  if (!Array.isArray(endpoints)) return reports;
  const ports = workloads.flatMap((w) => containerPortsOf(w));
  const workloadsText = describeObjects(workloads.map((w) => w.object));
  endpoints.forEach((endpoint, i) => {
    if (!isPlainObject(endpoint)) return;
    const fields: Array<[string, PortRef | undefined]> = [
      ['port', typeof endpoint.port === 'string' && endpoint.port !== '' ? endpoint.port : undefined],
      ['portNumber', typeof endpoint.portNumber === 'number' ? endpoint.portNumber : undefined],
      ['targetPort', toPortRef(endpoint.targetPort)],
    ];
    for (const [field, ref] of fields) {
      if (ref === undefined || hasContainerPort(ports, ref)) continue;
      reports.push({
        messageId: 'podPortMissing',
        data: { field, port: describePortRef(ref), workloads: workloadsText, declared: describeContainerPorts(ports) },
        path: ['spec', 'podMetricsEndpoints', i, field],
      });
    }
  });
  return reports;
}

/** Why a monitor selector matched nothing: the closest near miss, a match outside its namespaces, or nothing. */
function selectorMissReports<T>(selector: LabelSelector, scope: Scope, lookups: Lookups<T>): Report[] {
  const text = describeSelector(selector);
  const target = lookups.target;
  const miss = nearestSelectorMiss(selector, (s) => lookups.matching(s, HINT_CANDIDATES), lookups.labelsOf, lookups.near);
  if (miss) {
    const candidate = describeIn(lookups.objectOf(miss.item), scope);
    const path: Path = ['spec', 'selector', 'matchLabels', miss.key];
    return miss.actual !== undefined
      ? [{ messageId: 'valueDiffers', data: { key: miss.key, expected: miss.expected, actual: miss.actual, target, where: scope.where, candidate }, path }]
      : [{ messageId: 'labelMissing', data: { selector: text, key: miss.key, expected: miss.expected, target, where: scope.where, candidate }, path }];
  }
  // Nothing matched in scope, so any match is outside it. Only a selector that names a label value is evidence
  // of where it was aimed (an Exists-only selector also matches the pods of unrelated namespaces).
  const found = !scope.any && namesLabelValue(selector) ? lookups.anywhere(selector, 1)[0] : undefined;
  if (found) {
    const object = lookups.objectOf(found);
    return [{
      messageId: 'otherNamespace',
      data: { selector: text, target, where: scope.where, candidate: describeObjectWithNamespace(object) },
      path: ['spec', 'namespaceSelector'],
      fix: `Add "${namespaceOf(object)}" to spec.namespaceSelector.matchNames.`,
    }];
  }
  // Namespaces where the linted tree has no target at all (ingress-nginx, an operator's namespace) are managed
  // elsewhere: nothing says the targets are missing.
  if (!scope.any && lookups.matching({}, 1).length === 0) return [];
  return [{ messageId: 'noTarget', data: { selector: text || '{}', target, where: scope.where }, path: ['spec', 'selector'], maxSeverity: 'warning' }];
}
