import { defineRule, type Report } from './define-rule.js';
import { CONTAINER_TYPE_LABEL, WORKLOAD_KINDS, getAt, type ContainerRef } from '../engine/extract.js';
import type { NodePool, Taint } from '../engine/settings.js';
import { isPlainObject } from '../loaders/objects.js';
import { GKE_NODE_LABEL_PREFIXES } from '../knowledge/platform-defaults.js';
import type { Path } from '../types.js';
import { formatBytes, formatCpu, parseQuantity } from './utils/quantity.js';
import {
  containerRequest,
  describeRequirement,
  describeTaint,
  isExtendedResource,
  nodeRequirementMatches,
  podRequests,
  tolerationsOf,
  toleratesTaint,
  type NodeRequirement,
  type ResourceRequest,
  type Toleration,
} from './utils/scheduling.js';

export interface TolerationsMatchNodeSelectorOptions {
  assumedLabels: Record<string, string>;
  ignoredLabelKeys: string[];
  gpuResources: string[];
  extendedResourceToleration: boolean;
}

interface Requirement extends NodeRequirement {
  path: Path;
}

/** Taints the node lifecycle controller sets and removes on its own (not-ready, cordoned, pressure…). */
const CONDITION_TAINT_PREFIXES = ['node.kubernetes.io/', 'node.cloudprovider.kubernetes.io/'];
const MAX_LISTED = 5;

export default defineRule<TolerationsMatchNodeSelectorOptions>({
  meta: {
    id: 'tolerations-match-node-selector',
    severity: 'error',
    recommended: true,
    description: 'Pods must be able to schedule: node selection matches a pool, its taints are tolerated, requests fit',
    kinds: WORKLOAD_KINDS,
    remediation: 'Make the nodeSelector/affinity, tolerations and requests agree with a node pool the cluster has.',
    docs: {
      why:
        'A pod whose nodeSelector names a label no node has, that does not tolerate the taint of the only pool it ' +
        'selects, or that requests more GPUs or memory than any such node has, is accepted by the API server and ' +
        'then stays `Pending` forever. For GPU model servers this is the classic failed rollout: the new ReplicaSet ' +
        'never becomes ready, and nobody notices until traffic shifts or the old pods are evicted. GPU nodes are ' +
        'usually tainted (`nvidia.com/gpu:NoSchedule`) so that only GPU pods use them; forgetting the toleration is ' +
        'the most common cause.',
      checks:
        'With node pools (config `cluster.nodePools`) and/or Node objects (config `cluster.nodesFile` or `--nodes`, ' +
        'e.g. `kubectl get nodes -o yaml`; every Node is a pool with its labels, `spec.taints` and ' +
        '`status.allocatable`), for every workload (including a KServe InferenceService predictor): ' +
        '(1) the pool must match the pod\'s `nodeSelector` and its required node affinity (`nodeSelectorTerms`: ' +
        'any term, all `matchExpressions` of it, operators In, NotIn, Exists, DoesNotExist, Gt, Lt; `matchFields` ' +
        'are not checked); (2) at least one matching pool must have all its `NoSchedule` and `NoExecute` taints ' +
        'tolerated (operators Equal and Exists, an empty key with Exists tolerates everything, an empty effect ' +
        'matches every effect; condition taints `node.kubernetes.io/*` are ignored); (3) the pod\'s requests (the ' +
        'sum over its containers, or the largest init container when larger, plus `overhead`; a missing request ' +
        'defaults to the limit) must fit the allocatable of one such pool: extended resources such as ' +
        '`nvidia.com/gpu` that a pool does not list count as 0, `cpu`/`memory` it does not list are not checked. ' +
        'Config pools often omit well-known labels: `assumedLabels` are added to every pool that does not set ' +
        'them, and requirements on `ignoredLabelKeys` are not checked against a pool without that label.\n\n' +
        'Without any pool information, a container that requests a GPU resource (`gpuResources`) while the pod ' +
        'has no toleration for a taint with that key is reported as `info` (whether GPU nodes are tainted ' +
        'depends on the cluster: EKS managed node groups and AKS node pools are not tainted by default). Pods with `spec.nodeName` bypass the scheduler and are not checked. On ' +
        'clusters with the `ExtendedResourceToleration` admission plugin (GKE enables it), pods requesting an ' +
        'extended resource get a toleration for it automatically: set `extendedResourceToleration: true` there. ' +
        'A pod that selects a GKE-only node label (`cloud.google.com/gke-accelerator`, `cloud.google.com/gke-…`, ' +
        '`cloud.google.com/compute-class`) is taken to run on GKE and is not reported without pools.',
      fix:
        'Select a label the intended pool has, add the toleration for its taint (e.g. `{ key: nvidia.com/gpu, ' +
        'operator: Exists, effect: NoSchedule }`), or lower the requests to what one node of the pool can give.',
      examples: {
        incorrect: `apiVersion: apps/v1
kind: Deployment
metadata: { name: llm, namespace: ml-serving-prod }
spec:
  selector: { matchLabels: { app: llm } }
  template:
    metadata: { labels: { app: llm } }
    spec:
      containers:
        - name: server
          image: registry.example.com/ml/llm-server:7.2.0
          resources:
            limits: { nvidia.com/gpu: "1" }
`,
        correct: `apiVersion: apps/v1
kind: Deployment
metadata: { name: llm, namespace: ml-serving-prod }
spec:
  selector: { matchLabels: { app: llm } }
  template:
    metadata: { labels: { app: llm } }
    spec:
      tolerations:
        - { key: nvidia.com/gpu, operator: Exists, effect: NoSchedule }
      containers:
        - name: server
          image: registry.example.com/ml/llm-server:7.2.0
          resources:
            limits: { nvidia.com/gpu: "1" }
`,
      },
    },
    needs: ['nodePools'],
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        assumedLabels: {
          type: 'object',
          additionalProperties: { type: 'string' },
          description: 'Labels every node pool is assumed to have when it does not set them itself (config pools rarely list well-known labels).',
        },
        ignoredLabelKeys: {
          type: 'array',
          items: { type: 'string' },
          description: 'Label keys whose requirements are not checked against a pool that lacks the label (per-node or per-zone labels).',
        },
        gpuResources: {
          type: 'array',
          items: { type: 'string' },
          description: 'GPU resources whose request needs a toleration for a taint of the same key when no node pools are known.',
        },
        extendedResourceToleration: {
          type: 'boolean',
          description:
            'The cluster runs the ExtendedResourceToleration admission plugin (GKE does): a pod requesting an extended resource such as nvidia.com/gpu tolerates taints with that key.',
        },
      },
    },
    defaultOptions: {
      assumedLabels: { 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' },
      ignoredLabelKeys: ['kubernetes.io/hostname', 'topology.kubernetes.io/zone', 'topology.kubernetes.io/region'],
      gpuResources: ['nvidia.com/gpu', 'amd.com/gpu'],
      extendedResourceToleration: false,
    },
    messages: {
      selectorMatchesNoPool: 'nodeSelector {{requirement}} matches no node pool: {{pools}}',
      selectorCombinationMatchesNoPool: 'no node pool has all the nodeSelector labels {{requirements}} (pools: {{pools}})',
      affinityMatchesNoPool: 'required node affinity matches no node pool{{reason}} (pools: {{pools}})',
      taintNotTolerated: 'the pod tolerates no node pool it selects: {{reasons}}',
      resourceNotOffered: 'the pod requests {{amount}} {{resource}}, but no node pool it can run on has {{resource}} ({{pools}})',
      requestTooLarge: 'the pod requests {{amount}} {{resource}}, but the largest node pool it can run on ({{pool}}) has {{allocatable}} allocatable',
      requestsDoNotFitTogether: 'no single node pool the pod can run on fits all its requests ({{requests}}; pools: {{pools}})',
      gpuWithoutToleration:
        '{{type}} "{{container}}" requests {{resource}}, but the pod has no toleration for a "{{resource}}" taint; where GPU nodes carry that taint and no admission plugin (ExtendedResourceToleration) adds the toleration, the pod may stay Pending',
    },
  },

  check({ template, options, settings }) {
    if (!template) return [];
    const podSpec = template.podSpec;
    if (typeof podSpec.nodeName === 'string' && podSpec.nodeName !== '') return [];
    const base = template.podSpecPath;
    const tolerations = tolerationsOf(podSpec);
    const requests = podRequests(template);
    if (options.extendedResourceToleration) {
      for (const resource of requests.keys()) {
        if (isExtendedResource(resource)) tolerations.push({ key: resource, operator: 'Exists', value: '', effect: '' });
      }
    }
    const pools = settings.nodePools;
    if (pools.length === 0) {
      // On GKE (the pod selects a GKE-only node label) the admission plugin adds the GPU toleration itself.
      if (selectsGkeNodes(podSpec)) return [];
      return gpuWithoutToleration(template.containers, tolerations, options.gpuResources);
    }

    const prepared = preparePools(pools, options.assumedLabels);
    const labelsOf = (pool: NodePool) => prepared.get(pool)!.labels;
    const holds = (req: NodeRequirement, pool: NodePool) =>
      options.ignoredLabelKeys.includes(req.key) && !Object.prototype.hasOwnProperty.call(pool.labels, req.key)
        ? true
        : nodeRequirementMatches(req, labelsOf(pool));

    // 1. Node selection: nodeSelector (all pairs) and required node affinity (any term, all expressions).
    const selector = nodeSelectorRequirements(podSpec.nodeSelector, [...base, 'nodeSelector']);
    const termsPath: Path = [...base, 'affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms'];
    const terms = affinityTerms(getAt(podSpec, termsPath.slice(base.length)), termsPath);
    const selectorOk = (pool: NodePool) => selector.every((req) => holds(req, pool));
    const affinityOk = (pool: NodePool) => terms.length === 0 || terms.some((term) => term.every((req) => holds(req, pool)));
    const matching = pools.filter((pool) => selectorOk(pool) && affinityOk(pool));
    if (matching.length === 0) return [selectionReport(pools, selector, terms, termsPath, holds, labelsOf)];

    // 2. Taints: at least one matching pool's NoSchedule/NoExecute taints must all be tolerated.
    const untolerated = (pool: NodePool) => prepared.get(pool)!.taints.find((taint) => !tolerations.some((t) => toleratesTaint(t, taint)));
    const runnable = matching.filter((pool) => untolerated(pool) === undefined);
    if (runnable.length === 0) {
      // Pools blocked by the same taint are named together: "pools a, b and 40 more have taint …".
      const byTaint = new Map<string, string[]>();
      for (const pool of matching) {
        const taint = describeTaint(untolerated(pool)!);
        const names = byTaint.get(taint);
        if (names) names.push(pool.name);
        else byTaint.set(taint, [pool.name]);
      }
      const reasons = [...byTaint].map(([taint, names]) =>
        names.length === 1 ? `pool ${names[0]} has taint ${taint}` : `pools ${listed(names)} have taint ${taint}`,
      );
      return [{ messageId: 'taintNotTolerated', data: { reasons: listed(reasons, '; ') }, path: [...base, 'tolerations'] }];
    }

    // 3. Requests must fit a runnable pool's allocatable (one pool for all resources together).
    const reports: Report[] = [];
    const fitsIn = (pool: NodePool, resource: string, request: ResourceRequest) => {
      const offered = allocatableOf(pool, resource);
      return offered === undefined || offered >= request.amount;
    };
    for (const [resource, request] of requests) {
      if (runnable.some((pool) => fitsIn(pool, resource, request))) continue;
      const amount = formatAmount(resource, request.amount);
      let largest: { pool: NodePool; offered: number } | undefined;
      for (const pool of runnable) {
        const offered = allocatableOf(pool, resource) ?? 0;
        if (!largest || offered > largest.offered) largest = { pool, offered };
      }
      if (!largest || largest.offered <= 0) {
        reports.push({ messageId: 'resourceNotOffered', data: { amount, resource, pools: listed(runnable.map((p) => p.name)) }, path: request.path });
      } else {
        reports.push({
          messageId: 'requestTooLarge',
          data: { amount, resource, pool: largest.pool.name, allocatable: formatAmount(resource, largest.offered) },
          path: request.path,
        });
      }
    }
    if (reports.length > 0 || requests.size < 2) return reports;
    if (!runnable.some((pool) => [...requests].every(([resource, request]) => fitsIn(pool, resource, request)))) {
      const described = [...requests].map(([resource, request]) => `${resource} ${formatAmount(resource, request.amount)}`).join(', ');
      const first = [...requests.values()][0];
      reports.push({ messageId: 'requestsDoNotFitTogether', data: { requests: described, pools: listed(runnable.map((p) => p.name)) }, path: first.path });
    }
    return reports;
  },
});

function nodeSelectorRequirements(value: unknown, path: Path): Requirement[] {
  if (!isPlainObject(value)) return [];
  return Object.entries(value)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .map(([key, v]) => ({ key, operator: 'In', values: [String(v)], path: [...path, key] }));
}

/**
 * `nodeSelectorTerms` as lists of requirements. A term without `matchExpressions` (only `matchFields`,
 * which name nodes) cannot be checked against pools and is treated as matching every pool.
 */
function affinityTerms(value: unknown, path: Path): Requirement[][] {
  if (!Array.isArray(value)) return [];
  const terms: Requirement[][] = [];
  value.forEach((term, i) => {
    const expressions = isPlainObject(term) ? term.matchExpressions : undefined;
    if (!Array.isArray(expressions)) {
      terms.push([]);
      return;
    }
    terms.push(
      expressions.flatMap((e, j) =>
        isPlainObject(e) && typeof e.key === 'string'
          ? [{ key: e.key, operator: String(e.operator ?? ''), values: Array.isArray(e.values) ? e.values.map(String) : [], path: [...path, i, 'matchExpressions', j] }]
          : [],
      ),
    );
  });
  return terms;
}

function selectionReport(
  pools: readonly NodePool[],
  selector: Requirement[],
  terms: Requirement[][],
  termsPath: Path,
  holds: (req: NodeRequirement, pool: NodePool) => boolean,
  labelsOf: (pool: NodePool) => Record<string, string>,
): Report {
  const bySelector = pools.filter((pool) => selector.every((req) => holds(req, pool)));
  if (bySelector.length === 0) {
    const impossible = selector.find((req) => !pools.some((pool) => holds(req, pool)));
    if (impossible) {
      const seen = listed(pools.map((pool) => {
        const labels = labelsOf(pool);
        return Object.prototype.hasOwnProperty.call(labels, impossible.key)
          ? `${pool.name} has ${impossible.key}=${labels[impossible.key]}`
          : `${pool.name} has no ${impossible.key} label`;
      }), '; ');
      return { messageId: 'selectorMatchesNoPool', data: { requirement: describeRequirement(impossible), pools: seen }, path: impossible.path };
    }
    return {
      messageId: 'selectorCombinationMatchesNoPool',
      data: { requirements: selector.map(describeRequirement).join(', '), pools: listed(pools.map((p) => p.name)) },
      path: selector[0].path.slice(0, -1),
    };
  }
  // The nodeSelector leaves some pools; the affinity rules them all out.
  const candidates = bySelector;
  let reason = '';
  let path: Path = termsPath;
  const unsatisfiable = terms.map((term) => term.find((req) => !candidates.some((pool) => holds(req, pool))));
  if (terms.length === 1 && unsatisfiable[0]) {
    reason = `: no pool has ${describeRequirement(unsatisfiable[0])}`;
    path = unsatisfiable[0].path;
  } else if (unsatisfiable.every((req) => req !== undefined)) {
    reason = `: no pool has ${unsatisfiable.map((req) => describeRequirement(req!)).join(', nor ')}`;
  } else {
    reason = ': no pool satisfies every expression of a term';
  }
  return { messageId: 'affinityMatchesNoPool', data: { reason, pools: listed(candidates.map((p) => p.name)) }, path };
}

interface PreparedPool {
  /** The pool's labels over `assumedLabels`. */
  labels: Record<string, string>;
  /** Its NoSchedule/NoExecute taints, condition taints left out. */
  taints: Taint[];
}

/** Per-pool data computed once per run (pools and options are the same objects for every workload). */
const preparedCache = new WeakMap<readonly NodePool[], { assumed: Record<string, string>; pools: Map<NodePool, PreparedPool> }>();

function preparePools(pools: readonly NodePool[], assumed: Record<string, string>): Map<NodePool, PreparedPool> {
  const cached = preparedCache.get(pools);
  if (cached && cached.assumed === assumed) return cached.pools;
  const prepared = new Map<NodePool, PreparedPool>();
  for (const pool of pools) prepared.set(pool, { labels: { ...assumed, ...pool.labels }, taints: blockingTaints(pool) });
  preparedCache.set(pools, { assumed, pools: prepared });
  return prepared;
}

function blockingTaints(pool: NodePool): Taint[] {
  return pool.taints.filter(
    (taint) => (taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') && !CONDITION_TAINT_PREFIXES.some((prefix) => taint.key.startsWith(prefix)),
  );
}

/** A pool's allocatable amount; undefined when unknown (cpu/memory not listed, or not a quantity). */
function allocatableOf(pool: NodePool, resource: string): number | undefined {
  if (Object.prototype.hasOwnProperty.call(pool.allocatable, resource)) return parseQuantity(pool.allocatable[resource]);
  return isExtendedResource(resource) ? 0 : undefined;
}

function formatAmount(resource: string, amount: number): string {
  if (resource === 'cpu') return formatCpu(amount);
  if (resource === 'memory' || resource === 'ephemeral-storage' || resource.startsWith('hugepages-')) return formatBytes(amount);
  return String(Math.round(amount * 1000) / 1000);
}

function listed(items: string[], separator = ', '): string {
  if (items.length <= MAX_LISTED) return items.join(separator);
  return `${items.slice(0, MAX_LISTED).join(separator)}${separator}and ${items.length - MAX_LISTED} more`;
}

/** Without pool information: a GPU request with no toleration for a taint of that key. */
/** Whether the pod selects a node label only GKE nodes have (nodeSelector keys or required node affinity keys). */
function selectsGkeNodes(podSpec: Record<string, unknown>): boolean {
  const isGke = (key: string) => GKE_NODE_LABEL_PREFIXES.some((prefix) => key.startsWith(prefix));
  if (isPlainObject(podSpec.nodeSelector) && Object.keys(podSpec.nodeSelector).some(isGke)) return true;
  const terms = getAt(podSpec, ['affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms']);
  return Array.isArray(terms) && terms.some((term) =>
    isPlainObject(term) && Array.isArray(term.matchExpressions) && term.matchExpressions.some((e) => isPlainObject(e) && typeof e.key === 'string' && isGke(e.key)));
}

function gpuWithoutToleration(containers: readonly ContainerRef[], tolerations: Toleration[], gpuResources: string[]): Report[] {
  const reports: Report[] = [];
  for (const ref of containers) {
    if (ref.type === 'ephemeralContainer') continue;
    for (const resource of gpuResources) {
      const request = containerRequest(ref, resource);
      if (!request || request.amount <= 0) continue;
      const tolerated = tolerations.some(
        (t) => (t.effect === '' || t.effect === 'NoSchedule') && (t.key === '' ? t.operator === 'Exists' : t.key === resource),
      );
      if (!tolerated) {
        // Without node pools the taint is an assumption: many clusters do not taint their GPU nodes (EKS managed node groups, AKS
        // node pools by default), and GKE, which does, adds the toleration at admission (ExtendedResourceToleration).
        reports.push({ messageId: 'gpuWithoutToleration', data: { type: CONTAINER_TYPE_LABEL[ref.type], container: ref.name, resource }, path: request.path, maxSeverity: 'info' });
      }
    }
  }
  return reports;
}
