#!/usr/bin/env node
/**
 * Cross-resource rules stay linear: builds the resource index and runs the rules over generated trees of
 * growing size (in memory, parsing excluded), and prints the time per document for each size. The time
 * per document must not grow with the tree (DESIGN §7: lookups, never all-pairs scans).
 *
 *   npm run build && node scripts/bench-rules.mjs            sizes 2.5k, 5k, 10k, 20k documents
 *   node scripts/bench-rules.mjs --sizes 1000,10000,40000
 *   node scripts/bench-rules.mjs --rules service-selects-pods,ingress-backend-exists
 *
 * Two layouts per size: apps spread over 50 namespaces, and all in one namespace (the worst case for
 * per-namespace lookups). In the "broken" variant one app in ten has a selector with a typo, a wrong
 * targetPort, an Ingress backend and monitors that name nothing, so the hint lookups run too.
 * Exits 1 when the time per document at the largest size is more than 3× that at the smallest.
 */
import { loadText } from '../dist/loaders/objects.js';
import { ResourceIndex } from '../dist/engine/context.js';
import { RULES, ENGINE_RULE_IDS } from '../dist/rules/index.js';
import { EMPTY_SETTINGS } from '../dist/engine/settings.js';

const args = process.argv.slice(2);
const arg = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const sizes = (arg('--sizes') ?? '2500,5000,10000,20000').split(',').map(Number);
const only = arg('--rules')?.split(',');
const rules = RULES.filter((r) => !ENGINE_RULE_IDS.has(r.meta.id) && (!only || only.includes(r.meta.id)));
const DOCS_PER_APP = 8;

function app(i, namespaces, broken) {
  const ns = `team-${i % namespaces}`;
  const name = `model-${i}`;
  const bad = broken && i % 10 === 0;
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${ns}, labels: { app: ${name} } }
spec:
  replicas: 3
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name}, tier: serving } }
    spec:
      containers:
        - name: server
          image: registry.example.com/ml/${name}:1.0.${i}
          ports: [{ name: http, containerPort: 8080 }, { name: metrics, containerPort: 9090 }]
          resources: { requests: { cpu: "1", memory: 2Gi }, limits: { memory: 2Gi } }
---
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${ns}, labels: { app: ${name}, tier: serving } }
spec:
  selector: { app: ${bad ? `${name}x` : name}, tier: serving }
  ports: [{ name: http, port: 80, targetPort: ${bad ? 'web' : 'http'} }, { name: metrics, port: 9090, targetPort: metrics }]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: ${name}, namespace: ${ns} }
spec:
  rules:
    - http:
        paths:
          - { path: /, pathType: Prefix, backend: { service: { name: ${bad ? `${name}y` : name}, port: { name: http } } } }
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: { name: ${name}, namespace: monitoring }
spec:
  selector: { matchLabels: { app: ${bad ? `${name}z` : name} } }
  namespaceSelector: { ${i % 2 ? 'any: true' : `matchNames: [${ns}]`} }
  endpoints: [{ port: metrics }]
---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: { name: ${name}, namespace: ${ns} }
spec:
  selector: { matchLabels: { app: ${name} } }
  podMetricsEndpoints: [{ port: ${bad ? 'prom' : 'metrics'} }]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: ${name}, namespace: ${ns} }
spec:
  maxUnavailable: 1
  selector: { matchLabels: { app: ${bad ? `${name}w` : name} } }
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: ${name}, namespace: ${ns} }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: ${bad ? `${name}v` : name} }
  minReplicas: 3
  maxReplicas: 10
---
apiVersion: v1
kind: ConfigMap
metadata: { name: ${name}, namespace: ${ns} }
data: { MODEL_NAME: ${name} }
`;
}

function objectsFor(docs, namespaces, broken) {
  const objects = [];
  for (let i = 0; i < Math.ceil(docs / DOCS_PER_APP); i++) {
    for (const extracted of loadText(app(i, namespaces, broken)).objects) {
      const metadata = extracted.object.metadata ?? {};
      objects.push({
        id: objects.length,
        apiVersion: extracted.object.apiVersion,
        kind: extracted.object.kind,
        name: metadata.name,
        namespace: metadata.namespace,
        object: extracted.object,
        source: { fileIndex: i, docIndex: extracted.docIndex, basePath: extracted.basePath },
      });
    }
  }
  return objects;
}

function timeRules(objects) {
  let best = Infinity;
  let findings = 0;
  for (let rep = 0; rep < 3; rep++) {
    const t0 = performance.now();
    const index = new ResourceIndex(objects);
    findings = 0;
    for (const rule of rules) {
      const targets = rule.meta.kinds ? rule.meta.kinds.flatMap((k) => index.byKind(k)) : objects;
      for (const object of targets) {
        findings += rule.check({ object, template: index.podTemplateOf(object), options: rule.meta.defaultOptions, index, settings: EMPTY_SETTINGS }).length;
      }
    }
    best = Math.min(best, performance.now() - t0);
  }
  return { ms: best, findings };
}

let failed = false;
console.log(`rules: ${rules.map((r) => r.meta.id).join(', ')}`);
timeRules(objectsFor(sizes[0], 50, true)); // warm-up, so the first size is not measured cold
for (const [label, namespaces] of [['50 namespaces', 50], ['1 namespace', 1]]) {
  for (const broken of [false, true]) {
    const perDoc = [];
    for (const size of sizes) {
      const objects = objectsFor(size, namespaces, broken);
      const { ms, findings } = timeRules(objects);
      perDoc.push((1000 * ms) / objects.length);
      console.log(
        `${label.padEnd(13)} ${broken ? 'broken' : 'clean '} docs=${String(objects.length).padStart(6)} findings=${String(findings).padStart(5)} ` +
          `index+rules=${ms.toFixed(0).padStart(5)} ms  ${perDoc.at(-1).toFixed(1).padStart(6)} µs/doc`,
      );
    }
    const growth = perDoc.at(-1) / perDoc[0];
    if (growth > 3) {
      failed = true;
      console.log(`  time per document grew ${growth.toFixed(1)}× from ${sizes[0]} to ${sizes.at(-1)} documents: not linear`);
    }
  }
}
process.exitCode = failed ? 1 : 0;
