/**
 * schema-valid: the API server's static validation rules (src/knowledge/api-validation.ts), on real YAML,
 * with the line of each finding. Values follow the Kubernetes validation functions named in the table.
 */
import rule from '../../src/rules/schema-valid.js';
import { ruleTester } from '../rule-tester.js';

const pod = (spec: string, kind = 'Deployment', extra = '') => `apiVersion: ${kind === 'Job' ? 'batch/v1' : 'apps/v1'}
kind: ${kind}
metadata: { name: scorer, namespace: ml }
spec:
${kind === 'Job' ? '' : '  selector: { matchLabels: { app: scorer } }\n'}${extra}  template:
    metadata: { labels: { app: scorer } }
    spec:
${spec}`;

ruleTester(rule, {
  valid: [
    {
      name: 'Spark pod templates (containers named spark-kubernetes-driver/executor, or no containers at all) are completed by Spark, not applied',
      files: {
        'spark/executor-template.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: { name: exec-tpl }\nspec:\n  nodeSelector: { pool: gpu }\n  containers:\n    - name: spark-kubernetes-executor\n      volumeMounts: [{ name: scratch, mountPath: /scratch }]\n  volumes: [{ name: scratch, emptyDir: {} }]\n',
        'spark/driver-template.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: { name: driver-tpl }\nspec:\n  nodeSelector: { pool: cpu }\n  tolerations: [{ key: dedicated, operator: Exists }]\n',
      },
    },
    {
      name: 'a native sidecar (init container with restartPolicy Always) may have probes; GPU limit alone; env that extends itself',
      yaml: pod(`      initContainers:
        - name: proxy
          image: proxy:1.0.0
          restartPolicy: Always
          readinessProbe: { tcpSocket: { port: 15000 } }
      containers:
        - name: scorer
          image: scorer:1.0.0@sha256:${'a'.repeat(64)}
          ports: [{ name: http, containerPort: 8080 }, { name: metrics, containerPort: 9090 }]
          env: [{ name: PATH, value: /opt/bin }, { name: PATH, value: "$(PATH):/usr/bin" }]
          resources: { requests: { cpu: "1", memory: 1Gi }, limits: { memory: 1Gi, nvidia.com/gpu: 1 } }
          livenessProbe: { httpGet: { path: /live, port: http }, successThreshold: 1 }
`),
    },
    {
      name: 'Jobs: OnFailure, generated selectors; matchExpressions that match',
      yaml: `${pod(`      restartPolicy: OnFailure
      containers: [{ name: eval, image: eval:1.0.0 }]
`, 'Job')}---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: ml }
spec:
  serviceName: db
  selector: { matchExpressions: [{ key: app, operator: In, values: [db, cache] }] }
  template:
    metadata: { labels: { app: db } }
    spec: { containers: [{ name: db, image: db:1.0.0 }] }
`,
    },
    {
      name: 'PDB at 100%, Service with one unnamed port and a named targetPort',
      yaml: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: scorer, namespace: ml }
spec: { maxUnavailable: "100%", selector: { matchLabels: { app: scorer } } }
---
apiVersion: v1
kind: Service
metadata: { name: scorer, namespace: ml }
spec: { selector: { app: scorer }, ports: [{ port: 80, targetPort: http }] }
`,
    },
    {
      name: 'values that still hold a template placeholder (envsubst, kustomize vars, Helm) are not judged',
      yaml: `apiVersion: v1
kind: Service
metadata:
  name: \${SERVICE_NAME}
  namespace: $(kfp-namespace)
  labels: { app: "{{ .Values.app }}" }
spec: { selector: { app: scorer }, ports: [{ port: 80, targetPort: "\${PORT_NAME:-http}" }] }
`,
    },
    {
      name: 'a custom resource\'s own fields are not judged by built-in rules',
      yaml: `apiVersion: example.org/v1
kind: Deployment
metadata: { name: Not_A_DNS_Name, namespace: ml }
spec: { selector: { matchLabels: { app: a } }, template: { metadata: { labels: { app: b } } } }
`,
      options: { reportUnknownKinds: false },
    },
  ],
  invalid: [
    {
      name: 'a Pod with an ordinary container and no image is still rejected',
      yaml: 'apiVersion: v1\nkind: Pod\nmetadata: { name: p, namespace: ml }\nspec:\n  containers:\n    - name: worker\n      command: ["run"]\n',
      errors: [{ messageId: 'apiRule', line: 6, severity: 'error', message: 'container "worker" has no image; the API server rejects the pod' }],
    },
    {
      name: 'selector that does not select the template',
      yaml: pod(`      containers: [{ name: scorer, image: scorer:1.0.0 }]
`).replace('labels: { app: scorer } }\n    spec', 'labels: { app: scorer-v2 } }\n    spec'),
      errors: [{ messageId: 'apiRule', line: 7, path: 'spec.template.metadata.labels', message: /^`selector` does not match template `labels`: Deployment selector app=scorer does not select its own pods \(labels app=scorer-v2\)/ }],
    },
    {
      name: 'Deployment pods must restart Always; Job pods must not (unset is Always)',
      yaml: `${pod(`      restartPolicy: OnFailure
      containers: [{ name: scorer, image: scorer:1.0.0 }]
`)}---
${pod(`      containers: [{ name: eval, image: eval:1.0.0 }]
`, 'Job')}`,
      errors: [
        { messageId: 'apiRule', line: 9, path: 'spec.template.spec.restartPolicy', message: 'Deployment pods must have restartPolicy "Always", not "OnFailure"; the API server rejects it' },
        { messageId: 'apiRule', line: 18, path: 'spec.template.spec', message: /Job pods must have restartPolicy "OnFailure" or "Never", not "Always" \(unset means Always\)/ },
      ],
    },
    {
      name: 'containers: duplicate name, bad name, no image, restartPolicy on a container, probes on a plain init container',
      yaml: pod(`      initContainers:
        - name: fetch
          image: fetch:1.0.0
          readinessProbe: { exec: { command: ["true"] } }
      containers:
        - name: fetch
          image: scorer@sha256:9f86d08
          restartPolicy: Always
        - name: Side_Car
`),
      errors: [
        { messageId: 'apiRule', line: 12, message: /init container "fetch": readinessProbe may not be set for init containers without restartPolicy=Always/ },
        { messageId: 'apiRule', line: 14, path: 'spec.template.spec.containers[0].name', message: /already used by init container #0/ },
        { messageId: 'apiRule', line: 16, message: /restartPolicy may not be set for non-init containers/ },
        { messageId: 'apiRule', line: 17, path: 'spec.template.spec.containers[1]', message: 'container "Side_Car" has no image; the API server rejects the pod' },
        { messageId: 'apiRule', line: 17, path: 'spec.template.spec.containers[1].name', message: /container name "Side_Car" must be a lowercase RFC 1123 label/ },
      ],
    },
    {
      name: 'ports: range, IANA name, duplicate name (error) and duplicate port across containers (warning)',
      yaml: pod(`      containers:
        - name: a
          image: a:1.0.0
          ports: [{ name: http-inference-api, containerPort: 80800 }, { name: web, containerPort: 8080 }, { name: web, containerPort: 8081 }]
        - name: b
          image: b:1.0.0
          ports: [{ containerPort: 8080 }]
`),
      errors: [
        { messageId: 'apiRule', line: 12, path: 'spec.template.spec.containers[0].ports[0].name', message: 'container "a": port name "http-inference-api" must be no more than 15 characters' },
        { messageId: 'apiRule', line: 12, path: 'spec.template.spec.containers[0].ports[0].containerPort', message: 'container "a": containerPort 80800 must be between 1 and 65535, inclusive' },
        { messageId: 'apiRule', line: 12, path: 'spec.template.spec.containers[0].ports[2].name', message: 'container "a": port name "web" is used twice in the container' },
        { messageId: 'apiRule', line: 15, severity: 'warning', message: /port 8080\/TCP is defined twice in the pod/ },
      ],
    },
    {
      name: 'resources: request above limit, GPU request without limit, fractional GPU, hugepages request below limit',
      yaml: pod(`      containers:
        - name: a
          image: a:1.0.0
          resources:
            requests: { memory: 4Gi, nvidia.com/gpu: 1, hugepages-2Mi: 64Mi }
            limits: { memory: 2Gi, amd.com/gpu: "0.5", hugepages-2Mi: 128Mi }
`),
      errors: [
        { messageId: 'apiRule', line: 13, path: 'spec.template.spec.containers[0].resources.requests.memory', message: 'container "a": requests memory 4Gi must be less than or equal to the memory limit of 2Gi; the API server rejects the pod' },
        { messageId: 'apiRule', line: 13, message: /requests nvidia.com\/gpu 1 has no limit; a limit must be set for non overcommitable resources/ },
        { messageId: 'apiRule', line: 13, message: /must be equal to the hugepages-2Mi limit of 128Mi/ },
        { messageId: 'apiRule', line: 14, message: /limits amd.com\/gpu "0.5" must be an integer/ },
      ],
    },
    {
      name: 'probes: no handler, two handlers, liveness successThreshold, probe port out of range',
      yaml: pod(`      containers:
        - name: a
          image: a:1.0.0
          readinessProbe: { periodSeconds: 5 }
          livenessProbe: { exec: { command: ["true"] }, tcpSocket: { port: 0 }, successThreshold: 2 }
`),
      errors: [
        { messageId: 'apiRule', line: 12, message: 'container "a": readinessProbe must specify a handler type (exec, httpGet, tcpSocket or grpc)' },
        { messageId: 'apiRule', line: 13, path: 'spec.template.spec.containers[0].livenessProbe.tcpSocket', message: /may not specify more than 1 handler type \(it has exec and tcpSocket\)/ },
        { messageId: 'apiRule', line: 13, path: 'spec.template.spec.containers[0].livenessProbe.tcpSocket.port', message: /livenessProbe port 0 must be between 1 and 65535/ },
        { messageId: 'apiRule', line: 13, path: 'spec.template.spec.containers[0].livenessProbe.successThreshold', message: /livenessProbe.successThreshold must be 1/ },
      ],
    },
    {
      name: 'env: a second definition that hides the first is a warning',
      yaml: pod(`      containers:
        - name: a
          image: a:1.0.0
          env: [{ name: MODEL_VERSION, value: "3" }, { name: MODEL_VERSION, value: "4" }]
`),
      errors: [{ messageId: 'apiRule', line: 12, severity: 'warning', message: /env MODEL_VERSION hides a previous definition of "MODEL_VERSION", which may be dropped when using apply/ }],
    },
    {
      name: 'Service: targetPort out of range, unnamed port among several, duplicate port; Service name is a DNS-1035 label',
      yaml: `apiVersion: v1
kind: Service
metadata: { name: 1-ranker, namespace: ml }
spec:
  selector: { app: ranker }
  ports:
    - { name: http, port: 80, targetPort: 123456 }
    - { port: 80 }
`,
      errors: [
        { messageId: 'apiRule', line: 3, path: 'metadata.name', message: /Service name "1-ranker" must be a DNS-1035 label/ },
        { messageId: 'apiRule', line: 7, message: 'Service targetPort 123456 must be between 1 and 65535, inclusive' },
        { messageId: 'apiRule', line: 8, message: /Service port 80 has no name/ },
        { messageId: 'apiRule', line: 8, message: 'Service port 80/TCP is defined twice' },
      ],
    },
    {
      name: 'PDB: percentage above 100%, both fields set, not a percentage',
      yaml: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: ranker, namespace: ml }
spec:
  minAvailable: "120%"
  maxUnavailable: "one"
  selector: { matchLabels: { app: ranker } }
`,
      errors: [
        { messageId: 'apiRule', line: 5, message: 'minAvailable "120%" must not be greater than 100%' },
        { messageId: 'apiRule', line: 6, message: 'maxUnavailable "one" must be an integer or a percentage such as "50%"' },
        { messageId: 'apiRule', line: 6, message: /minAvailable and maxUnavailable cannot be both set/ },
      ],
    },
    {
      name: 'metadata: label key and value syntax, annotation key, CronJob name length, namespace name',
      yaml: `apiVersion: batch/v1
kind: CronJob
metadata:
  name: ${'nightly-retraining-of-the-fraud-detector-model-abcdefg'}
  namespace: ML_Prod
  labels: { "team/owner/x": a, tier: "-bad-" }
  annotations: { "bad key": x }
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{ name: t, image: t:1.0.0 }]
`,
      errors: [
        { messageId: 'apiRule', line: 4, message: /CronJob name "nightly-retraining-of-the-fraud-detector-model-abcdefg" must be no more than 52 characters \(the controller appends 11 characters/ },
        { messageId: 'apiRule', line: 5, message: /namespace "ML_Prod" must be a lowercase RFC 1123 label/ },
        { messageId: 'apiRule', line: 6, message: /label key "team\/owner\/x": a qualified name/ },
        { messageId: 'apiRule', line: 6, message: /label tier: value "-bad-"/ },
        { messageId: 'apiRule', line: 7, message: /annotation key "bad key"/ },
      ],
    },
  ],
});
