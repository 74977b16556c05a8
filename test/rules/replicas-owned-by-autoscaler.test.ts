import rule from '../../src/rules/replicas-owned-by-autoscaler.js';
import { ruleTester } from '../rule-tester.js';

/** `replicas:` is on line 7 when set. */
const workload = (kind: string, name: string, replicas?: number, namespace = 'ml-serving-prod') => `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
${replicas === undefined ? '' : `  replicas: ${replicas}\n`}  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
        - name: server
          image: model-server:1.0.0
`;

const hpa = (kind: string, name: string, { min = 2, max = 10, namespace = 'ml-serving-prod' } = {}) => `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${name}-hpa
  namespace: ${namespace}
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: ${kind}, name: ${name} }
  minReplicas: ${min}
  maxReplicas: ${max}
`;

const scaledObject = (name: string, kindLine = '') => `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: ${name}-so
  namespace: ml-serving-prod
spec:
  scaleTargetRef:
    name: ${name}
${kindLine}  triggers:
    - type: prometheus
      metadata: { serverAddress: "http://prometheus:9090", query: "sum(rate(requests[1m]))", threshold: "50" }
`;

/** A sample without a namespace (as in a samples monorepo): `replicas:` is on line 6. */
const bare = (name: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers: [{ name: web, image: "example.org/web:1.0.0" }]
`;
const bareHpa = (target: string) => `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${target}-autoscaler
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: ${target} }
  minReplicas: 2
  maxReplicas: 8
`;

ruleTester(rule, {
  valid: [
    {
      name: 'no namespace: an HPA in another sample folder is no evidence',
      files: { 'examples/basic/web.yaml': bare('web', 3), 'examples/autoscaling/hpa.yaml': bareHpa('web') },
    },
    { name: 'no replicas written: the HPA owns them', yaml: `${workload('Deployment', 'scorer')}---\n${hpa('Deployment', 'scorer')}` },
    { name: 'no autoscaler', yaml: workload('Deployment', 'scorer', 3) },
    { name: 'HPA pinned to the same count (min = max = replicas)', yaml: `${workload('Deployment', 'scorer', 3)}---\n${hpa('Deployment', 'scorer', { min: 3, max: 3 })}` },
    { name: 'HPA in another namespace', yaml: `${workload('Deployment', 'scorer', 3)}---\n${hpa('Deployment', 'scorer', { namespace: 'other' })}` },
    { name: 'HPA for another kind of the same name', yaml: `${workload('Deployment', 'scorer', 3)}---\n${hpa('StatefulSet', 'scorer')}` },
    { name: 'KEDA ScaledObject targeting a StatefulSet, not this Deployment', yaml: `${workload('Deployment', 'scorer', 3)}---\n${scaledObject('scorer', '    kind: StatefulSet\n')}` },
    {
      name: 'HPA in another file, different name',
      files: { 'apps/deploy.yaml': workload('Deployment', 'scorer', 3), 'scaling/hpa.yaml': hpa('Deployment', 'ranker') },
    },
  ],
  invalid: [
    {
      name: 'no namespace: an HPA in the same folder counts, and the message says where it is',
      files: { 'examples/autoscaling/web.yaml': bare('web', 3), 'examples/autoscaling/hpa.yaml': bareHpa('web') },
      errors: [{ messageId: 'hpa', line: 6, file: 'examples/autoscaling/web.yaml', message: /HorizontalPodAutoscaler "web-autoscaler" \(in examples\/autoscaling\/hpa\.yaml\) scales/ }],
    },
    {
      name: 'no namespace: of two samples named alike, only the one next to the HPA is blamed',
      files: { 'examples/basic/web.yaml': bare('web', 1), 'examples/autoscaling/web.yaml': bare('web', 3), 'examples/autoscaling/hpa.yaml': bareHpa('web') },
      errors: [{ messageId: 'hpa', line: 6, file: 'examples/autoscaling/web.yaml' }],
    },
    {
      name: 'no namespace: the same file',
      yaml: `${bare('web', 3)}---\n${bareHpa('web')}`,
      errors: [{ messageId: 'hpa', line: 6, message: /HorizontalPodAutoscaler "web-autoscaler" scales this Deployment \(2–8\)/ }],
    },
    {
      name: 'Deployment with replicas and an HPA',
      yaml: `${workload('Deployment', 'scorer', 3)}---\n${hpa('Deployment', 'scorer')}`,
      errors: [{ messageId: 'hpa', line: 7, path: 'spec.replicas', message: /replicas: 3 while HorizontalPodAutoscaler "scorer-hpa" scales this Deployment \(2–10\)/ }],
    },
    {
      name: 'StatefulSet with replicas and an HPA in another file',
      files: { 'apps/sts.yaml': workload('StatefulSet', 'embedder', 2), 'scaling/hpa.yaml': hpa('StatefulSet', 'embedder', { min: 1, max: 4 }) },
      errors: [{ messageId: 'hpa', line: 7, file: 'apps/sts.yaml' }],
    },
    {
      name: 'KEDA ScaledObject (kind defaults to Deployment)',
      yaml: `${workload('Deployment', 'scorer', 1)}---\n${scaledObject('scorer')}`,
      errors: [{ messageId: 'keda', line: 7, message: /KEDA ScaledObject "scorer-so"/ }],
    },
    {
      name: 'replicas equal to minReplicas still reset a scaled-out service',
      yaml: `${workload('Deployment', 'scorer', 2)}---\n${hpa('Deployment', 'scorer', { min: 2, max: 6 })}`,
      errors: [{ messageId: 'hpa', line: 7 }],
    },
  ],
});
