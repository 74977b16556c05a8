/**
 * The API server's static validation (the rules of `src/knowledge/api-validation.ts`) applied to one
 * object: its metadata, its selector, its pod template (through the engine's pod-template accessor), and
 * the kind-specific rules of Services and PodDisruptionBudgets. Pure: object in, issues out.
 */
import {
  API_CHECKS, BUILTIN_GROUPS, BUILTIN_POD_KINDS, NAME_FORMATS, POD_RESTART_POLICIES, SELECTOR_KINDS,
  isExtendedResource, isHugePages, isNativeResource, type ApiCheckId,
} from '../../knowledge/api-validation.js';
import { CONTAINER_TYPE_LABEL, getAt, type ContainerRef, type PodTemplate } from '../../engine/extract.js';
import { selectorMatches, stringMap, toLabelSelector, isEmptySelector } from '../../engine/selector.js';
import { isPlainObject } from '../../loaders/objects.js';
import type { K8sObject, Path } from '../../types.js';
import { parseQuantity } from './quantity.js';
import { isDns1035Label, isDns1123Label, isDns1123Subdomain, isQualifiedName, isValidLabelValue, isValidPortName, isValidPortNum } from './k8s-names.js';

export interface ApiIssue {
  check: ApiCheckId;
  severity: 'error' | 'warning';
  path: Path;
  message: string;
  /** Point at the key rather than the value (label and annotation keys). */
  atKey?: boolean;
}

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;

/**
 * A value still holding a template placeholder (`${VAR}` for envsubst, `$(var)` for kustomize vars, `{{ }}` for
 * Helm/Jinja) is not what will be applied: its syntax is not judged.
 */
function isTemplated(value: string): boolean {
  return value.includes('${') || value.includes('$(') || value.includes('{{');
}
const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;

/** Every static-validation issue of an object; `templates` are its pod templates (engine accessor). */
export function apiValidationIssues(object: K8sObject, templates: readonly PodTemplate[]): ApiIssue[] {
  const issues: ApiIssue[] = [];
  const add = (check: ApiCheckId, path: Path, message: string, atKey = false) =>
    issues.push({ check, severity: API_CHECKS[check].severity, path, message, ...(atKey ? { atKey } : {}) });
  const group = typeof object.apiVersion === 'string' && object.apiVersion.includes('/') ? object.apiVersion.slice(0, object.apiVersion.indexOf('/')) : '';
  const builtin = BUILTIN_GROUPS.has(group);

  // Metadata: every kind's labels and annotations; names and namespaces of the kinds we know.
  if (isPlainObject(object.metadata)) checkMetadata(object.metadata, ['metadata'], add, builtin ? object.kind : undefined);

  // Pod templates of every workload kind (the engine's table: built-in kinds, LWS, Ray, JobSet, …): the pods
  // they become are validated as pods when their controller creates them. Partial templates (overlays merged
  // into a controller's own pod spec) are not whole pods and are left alone.
  for (const template of templates) {
    if (template.partial) continue;
    if (template.metadataPath.length > 1) {
      const metadata = getAt(object, template.metadataPath);
      if (isPlainObject(metadata)) checkMetadata(metadata, template.metadataPath, add, undefined);
    }
    checkPodSpec(builtin && BUILTIN_POD_KINDS.has(object.kind) ? object.kind : undefined, template, add);
  }
  if (!builtin) return issues; // the rest of a custom resource is its CRD's business
  checkSelector(object, add);
  for (const field of ['replicas'] as const) {
    const replicas = getAt(object, ['spec', field]);
    if (['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController'].includes(object.kind) && typeof replicas === 'number' && replicas < 0) {
      add('replicas-nonnegative', ['spec', field], `replicas ${replicas} must be greater than or equal to 0`);
    }
  }
  if (object.kind === 'Service') checkService(object, add);
  if (object.kind === 'PodDisruptionBudget') checkPdb(object, add);
  return issues;
}

type Add = (check: ApiCheckId, path: Path, message: string, atKey?: boolean) => void;

function checkMetadata(metadata: Record<string, unknown>, at: Path, add: Add, kind: string | undefined): void {
  if (kind !== undefined) {
    const format = NAME_FORMATS[kind];
    if (format && typeof metadata.name === 'string' && metadata.name !== '' && !isTemplated(metadata.name)) {
      const name = metadata.name;
      const problems = format.format === 'dns1035-label' ? isDns1035Label(name) : format.format === 'dns1123-label' ? isDns1123Label(name) : isDns1123Subdomain(name);
      if (format.maxLength !== undefined && name.length > format.maxLength && !problems.some((p) => p.startsWith('must be no more'))) {
        problems.unshift(`must be no more than ${format.maxLength} characters (${format.why ?? 'for this kind'})`);
      }
      if (problems.length > 0) add('object-name', [...at, 'name'], `${kind} name "${name}" ${problems.join('; ')}`);
    }
    if (typeof metadata.namespace === 'string' && metadata.namespace !== '' && !isTemplated(metadata.namespace)) {
      const problems = isDns1123Label(metadata.namespace);
      if (problems.length > 0) add('namespace-name', [...at, 'namespace'], `namespace "${metadata.namespace}" ${problems.join('; ')}`);
    }
  }
  if (isPlainObject(metadata.labels)) {
    for (const [key, value] of Object.entries(metadata.labels)) {
      if (isTemplated(key) || (typeof value === 'string' && isTemplated(value))) continue;
      const keyProblems = isQualifiedName(key);
      if (keyProblems.length > 0) add('label-key', [...at, 'labels', key], `label key "${key}": ${keyProblems.join('; ')}`, true);
      if (typeof value === 'string') {
        const valueProblems = isValidLabelValue(value);
        if (valueProblems.length > 0) add('label-value', [...at, 'labels', key], `label ${key}: value "${truncate(value)}" ${valueProblems.join('; ')}`);
      }
    }
  }
  if (isPlainObject(metadata.annotations)) {
    let size = 0;
    for (const [key, value] of Object.entries(metadata.annotations)) {
      size += Buffer.byteLength(key) + (typeof value === 'string' ? Buffer.byteLength(value) : 0);
      const problems = isTemplated(key) ? [] : isQualifiedName(key.toLowerCase());
      if (problems.length > 0) add('annotation-key', [...at, 'annotations', key], `annotation key "${key}": ${problems.join('; ')}`, true);
    }
    if (size > 262144) add('annotation-size', [...at, 'annotations'], `annotations total ${size} bytes; they may not exceed 262144 bytes`);
  }
}

function checkSelector(object: K8sObject, add: Add): void {
  const shape = SELECTOR_KINDS[object.kind];
  if (!shape) return;
  if (shape.onlyWithManualSelector && getAt(object, ['spec', 'manualSelector']) !== true) return;
  if (!isPlainObject(getAt(object, ['spec', 'template']))) return; // no template: the schema reports it
  const raw = getAt(object, shape.path);
  const templateMeta = getAt(object, ['spec', 'template', 'metadata']);
  const labels = stringMap(isPlainObject(templateMeta) ? templateMeta.labels : undefined);
  if (shape.form === 'map') {
    // A ReplicationController without a selector takes the template's labels.
    if (!isPlainObject(raw) || Object.keys(raw).length === 0) return;
    const selector = stringMap(raw);
    if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) {
      add('selector-matches-template', ['spec', 'template', 'metadata', 'labels'], `selector ${formatMap(selector)} does not match the template labels ${formatMap(labels)}; the API server rejects it`);
    }
    return;
  }
  if (!isPlainObject(raw)) return; // a missing selector is a schema error
  for (const [key, value] of Object.entries(isPlainObject(raw.matchLabels) ? raw.matchLabels : {})) {
    if (isTemplated(key) || (typeof value === 'string' && isTemplated(value))) continue;
    const keyProblems = isQualifiedName(key);
    if (keyProblems.length > 0) add('label-key', [...shape.path, 'matchLabels', key], `selector key "${key}": ${keyProblems.join('; ')}`, true);
    if (typeof value === 'string' && isValidLabelValue(value).length > 0) add('label-value', [...shape.path, 'matchLabels', key], `selector ${key}: value "${truncate(value)}" ${isValidLabelValue(value).join('; ')}`);
  }
  const selector = toLabelSelector(raw);
  if (isEmptySelector(selector)) {
    if (shape.requireNonEmpty) add('selector-not-empty', shape.path, `an empty selector is invalid for ${object.kind}: it would select every pod in the namespace`);
    return;
  }
  if (!selectorMatches(selector, labels)) {
    const path: Path = isPlainObject(templateMeta) && isPlainObject(templateMeta.labels) ? ['spec', 'template', 'metadata', 'labels'] : ['spec', 'template'];
    add('selector-matches-template', path, `\`selector\` does not match template \`labels\`: ${object.kind} selector ${describeSelector(raw)} does not select its own pods (labels ${formatMap(labels)}); the API server rejects it`);
  }
}

/** `kind`: the built-in kind whose pod restartPolicy rule applies (undefined for custom resources). */
function checkPodSpec(kind: string | undefined, template: PodTemplate, add: Add): void {
  const spec = template.podSpec;
  const specPath = template.podSpecPath;
  // Pod restartPolicy for the kind (unset = Always).
  const allowed = kind === undefined ? undefined : POD_RESTART_POLICIES[kind];
  if (allowed) {
    const policy = typeof spec.restartPolicy === 'string' ? spec.restartPolicy : 'Always';
    if (!allowed.includes(policy)) {
      const at = spec.restartPolicy === undefined ? specPath : [...specPath, 'restartPolicy'];
      add('pod-restart-policy', at, `${kind} pods must have restartPolicy ${allowed.map((p) => `"${p}"`).join(' or ')}, not "${policy}"${spec.restartPolicy === undefined ? ' (unset means Always)' : ''}; the API server rejects it`);
    }
  }
  const names = new Map<string, ContainerRef>();
  const ports = new Map<string, Path>();
  for (const ref of template.containers) {
    const c = ref.container;
    const label = `${CONTAINER_TYPE_LABEL[ref.type]} "${ref.name}"`;
    // Names: unique across every container list, DNS-1123 labels.
    if (typeof c.name === 'string' && c.name !== '' && !isTemplated(c.name)) {
      const earlier = names.get(c.name);
      if (earlier) add('container-name-unique', [...ref.path, 'name'], `${label}: the name is already used by ${CONTAINER_TYPE_LABEL[earlier.type]} #${String(earlier.path[earlier.path.length - 1])}; container names must be unique in a pod`);
      else names.set(c.name, ref);
      const problems = isDns1123Label(c.name);
      if (problems.length > 0) add('container-name-format', [...ref.path, 'name'], `container name "${c.name}" ${problems.join('; ')}`);
    }
    // Image. A model-server spec outside the container lists (KServe `predictor.model`, `sklearn`, …) gets its
    // image from the serving runtime. (Malformed digests are image-pinned's.)
    const listed = ['containers', 'initContainers', 'ephemeralContainers'].includes(String(ref.path[template.podSpecPath.length]));
    if (listed && (c.image === undefined || c.image === null || (typeof c.image === 'string' && c.image.trim() === ''))) {
      add('image-required', c.image === undefined ? ref.path : [...ref.path, 'image'], `${label} has no image; the API server rejects the pod`);
    }
    // Container restartPolicy: only "Always", only on init containers.
    if (c.restartPolicy !== undefined && c.restartPolicy !== null) {
      if (ref.type !== 'initContainer') add('container-restart-policy', [...ref.path, 'restartPolicy'], `${label}: restartPolicy may not be set for non-init containers`);
      else if (c.restartPolicy !== 'Always') add('container-restart-policy', [...ref.path, 'restartPolicy'], `${label}: restartPolicy "${String(c.restartPolicy)}" is not supported; only "Always" (a sidecar)`);
    }
    const sidecar = ref.type === 'initContainer' && c.restartPolicy === 'Always';
    // Probes.
    for (const probe of PROBES) {
      const value = c[probe];
      if (value === undefined || value === null) continue;
      if (ref.type === 'initContainer' && !sidecar) {
        add('init-container-probes', [...ref.path, probe], `${label}: ${probe} may not be set for init containers without restartPolicy=Always`);
        continue;
      }
      if (!isPlainObject(value)) continue;
      const handlers = PROBE_HANDLERS.filter((h) => value[h] !== undefined && value[h] !== null);
      if (handlers.length === 0) add('probe-handler', [...ref.path, probe], `${label}: ${probe} must specify a handler type (exec, httpGet, tcpSocket or grpc)`);
      else if (handlers.length > 1) add('probe-handler', [...ref.path, probe, handlers[1]], `${label}: ${probe} may not specify more than 1 handler type (it has ${handlers.join(' and ')})`);
      if (probe !== 'readinessProbe' && typeof value.successThreshold === 'number' && value.successThreshold !== 1) {
        add('probe-success-threshold', [...ref.path, probe, 'successThreshold'], `${label}: ${probe}.successThreshold must be 1`);
      }
      for (const handler of ['httpGet', 'tcpSocket'] as const) {
        const action = value[handler];
        if (isPlainObject(action)) checkPortRef(action.port, [...ref.path, probe, handler, 'port'], `${label}: ${probe} port`, add);
      }
    }
    // Ports.
    const portNames = new Set<string>();
    if (Array.isArray(c.ports)) {
      c.ports.forEach((port, i) => {
        if (!isPlainObject(port)) return;
        const at = [...ref.path, 'ports', i];
        if (typeof port.name === 'string' && port.name !== '' && !isTemplated(port.name)) {
          const problems = isValidPortName(port.name);
          if (problems.length > 0) add('port-name', [...at, 'name'], `${label}: port name "${port.name}" ${problems.join('; ')}`);
          else if (portNames.has(port.name)) add('port-name-unique', [...at, 'name'], `${label}: port name "${port.name}" is used twice in the container`);
          portNames.add(port.name);
        }
        for (const field of ['containerPort', 'hostPort'] as const) {
          const n = port[field];
          if (typeof n !== 'number' || (field === 'hostPort' && n === 0)) continue;
          if (isValidPortNum(n).length > 0) add('port-number', [...at, field], `${label}: ${field} ${n} must be between 1 and 65535, inclusive`);
        }
        if (typeof port.containerPort === 'number') {
          const key = `${port.containerPort}/${typeof port.protocol === 'string' ? port.protocol : 'TCP'}/${String(port.hostIP ?? '')}/${String(port.hostPort ?? 0)}`;
          const earlier = ports.get(key);
          if (earlier) add('port-duplicate', at, `${label}: port ${port.containerPort}/${typeof port.protocol === 'string' ? port.protocol : 'TCP'} is defined twice in the pod (the API server warns: duplicate port definition)`);
          else ports.set(key, at);
        }
      });
    }
    // Resources.
    if (isPlainObject(c.resources)) checkResources(c.resources, [...ref.path, 'resources'], label, add);
    // Env: a later entry hiding an earlier one (the API server warns).
    if (Array.isArray(c.env) && c.env.length > 1) {
      const seen = new Set<string>();
      c.env.forEach((entry, i) => {
        if (!isPlainObject(entry) || typeof entry.name !== 'string') return;
        if (!seen.has(entry.name)) {
          seen.add(entry.name);
          return;
        }
        const ref$ = `$(${entry.name})`;
        const value = typeof entry.value === 'string' ? entry.value : '';
        const hides = entry.valueFrom !== undefined || value === ref$ || !value.includes(ref$);
        if (hides) add('env-duplicate', [...ref.path, 'env', i, 'name'], `${label}: env ${entry.name} hides a previous definition of "${entry.name}", which may be dropped when using apply`);
      });
    }
  }
}

function checkPortRef(port: unknown, at: Path, what: string, add: Add): void {
  if (typeof port === 'number') {
    if (isValidPortNum(port).length > 0) add('port-number', at, `${what} ${port} must be between 1 and 65535, inclusive`);
  } else if (typeof port === 'string' && port !== '' && !/^\d+$/.test(port) && !isTemplated(port)) {
    const problems = isValidPortName(port);
    if (problems.length > 0) add('port-name', at, `${what} "${port}" ${problems.join('; ')}`);
  }
}

function checkResources(resources: Record<string, unknown>, at: Path, label: string, add: Add): void {
  const requests = isPlainObject(resources.requests) ? resources.requests : {};
  const limits = isPlainObject(resources.limits) ? resources.limits : {};
  for (const [where, map] of [['requests', requests], ['limits', limits]] as const) {
    for (const [name, value] of Object.entries(map)) {
      if (!isExtendedResource(name)) continue;
      const q = parseQuantity(value);
      if (q !== undefined && !Number.isInteger(q)) add('extended-resource', [...at, where, name], `${label}: ${where} ${name} "${String(value)}" must be an integer (extended resources are whole devices)`);
    }
  }
  for (const [name, rawRequest] of Object.entries(requests)) {
    const request = parseQuantity(rawRequest);
    if (request === undefined) continue;
    const overcommit = isNativeResource(name) && !isHugePages(name);
    if (!Object.prototype.hasOwnProperty.call(limits, name)) {
      if (!overcommit && !name.startsWith('requests.')) {
        add('extended-resource', [...at, 'requests', name], `${label}: requests ${name} ${String(rawRequest)} has no limit; a limit must be set for non overcommitable resources (set limits ${name}: ${String(rawRequest)})`);
      }
      continue;
    }
    const limit = parseQuantity(limits[name]);
    if (limit === undefined) continue;
    if (!overcommit && !name.startsWith('requests.') && request !== limit) {
      add('extended-resource', [...at, 'requests', name], `${label}: requests ${name} ${String(rawRequest)} must be equal to the ${name} limit of ${String(limits[name])} (it cannot be overcommitted)`);
    } else if (request > limit) {
      add('requests-within-limits', [...at, 'requests', name], `${label}: requests ${name} ${String(rawRequest)} must be less than or equal to the ${name} limit of ${String(limits[name])}; the API server rejects the pod`);
    }
  }
}

function checkService(object: K8sObject, add: Add): void {
  const spec = isPlainObject(object.spec) ? object.spec : undefined;
  if (!spec || !Array.isArray(spec.ports)) return;
  const names = new Set<string>();
  const seen = new Set<string>();
  const several = spec.ports.length > 1;
  spec.ports.forEach((port, i) => {
    if (!isPlainObject(port)) return;
    const at: Path = ['spec', 'ports', i];
    if (typeof port.name === 'string' && port.name !== '' && !isTemplated(port.name)) {
      const problems = isDns1123Label(port.name);
      if (problems.length > 0) add('service-port-name', [...at, 'name'], `Service port name "${port.name}" ${problems.join('; ')}`);
      else if (names.has(port.name)) add('service-port-name', [...at, 'name'], `Service port name "${port.name}" is used twice`);
      names.add(port.name);
    } else if (several) {
      add('service-port-name', at, `Service port ${typeof port.port === 'number' ? port.port : `#${i}`} has no name; every port of a Service with several ports needs one`);
    }
    if (typeof port.port === 'number') {
      if (isValidPortNum(port.port).length > 0) add('port-number', [...at, 'port'], `Service port ${port.port} must be between 1 and 65535, inclusive`);
      const key = `${port.port}/${typeof port.protocol === 'string' ? port.protocol : 'TCP'}`;
      if (seen.has(key)) add('service-port-duplicate', [...at, 'port'], `Service port ${key} is defined twice`);
      seen.add(key);
    }
    checkPortRef(port.targetPort, [...at, 'targetPort'], 'Service targetPort', add);
  });
}

function checkPdb(object: K8sObject, add: Add): void {
  const spec = isPlainObject(object.spec) ? object.spec : undefined;
  if (!spec) return;
  const present = (['minAvailable', 'maxUnavailable'] as const).filter((f) => spec[f] !== undefined && spec[f] !== null);
  if (present.length === 2) add('pdb-one-of', ['spec', 'maxUnavailable'], 'minAvailable and maxUnavailable cannot be both set; the API server rejects the budget');
  for (const field of present) {
    const value = spec[field];
    const at: Path = ['spec', field];
    if (typeof value === 'number') {
      if (value < 0) add('pdb-int-or-percent', at, `${field} ${value} must be greater than or equal to 0`);
    } else if (typeof value === 'string') {
      const m = /^([0-9]+)%$/.exec(value);
      if (!m) add('pdb-int-or-percent', at, `${field} "${value}" must be an integer or a percentage such as "50%"`);
      else if (Number(m[1]) > 100) add('pdb-int-or-percent', at, `${field} "${value}" must not be greater than 100%`);
    }
  }
}

function formatMap(map: Record<string, string>): string {
  const entries = Object.entries(map);
  return entries.length === 0 ? '(none)' : entries.map(([k, v]) => `${k}=${v}`).join(',');
}

function describeSelector(raw: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(stringMap(raw.matchLabels))) parts.push(`${k}=${v}`);
  if (Array.isArray(raw.matchExpressions)) {
    for (const e of raw.matchExpressions) {
      if (!isPlainObject(e)) continue;
      const values = Array.isArray(e.values) ? ` (${e.values.map(String).join(',')})` : '';
      parts.push(`${String(e.key)} ${String(e.operator)}${values}`);
    }
  }
  return parts.join(',');
}

function truncate(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}
