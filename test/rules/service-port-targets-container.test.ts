import rule from '../../src/rules/service-port-targets-container.js';
import { ruleTester } from '../rule-tester.js';

const deployment = (ports: string, name = 'fraud-scorer', extraContainers = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ml-serving-prod
spec:
  selector:
    matchLabels: { app: fraud-scorer }
  template:
    metadata:
      labels: { app: fraud-scorer, track: ${name} }
    spec:
      containers:
        - name: scorer
          image: fraud-scorer:3.0.1
          ports: ${ports}
${extraContainers}`;

const service = (ports: string) => `apiVersion: v1
kind: Service
metadata:
  name: fraud-scorer
  namespace: ml-serving-prod
spec:
  selector:
    app: fraud-scorer
  ports:
${ports}`;

const HTTP_AND_METRICS = '[{ name: http, containerPort: 8080 }, { name: metrics, containerPort: 9090 }]';

/** A samples-monorepo app without a namespace: the Service's `targetPort:` is on line 23. */
const sampleApp = (name: string, portName: string, target: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: server-${name}
spec:
  selector: { matchLabels: { app: demo } }
  template:
    metadata: { labels: { app: demo } }
    spec:
      containers:
        - name: s
          image: example.org/${name}:1.0.0
          ports: [{ name: ${portName}, containerPort: 8000 }]
---
apiVersion: v1
kind: Service
metadata:
  name: demo-${name}
spec:
  selector: { app: demo }
  ports:
    - port: 80
      targetPort: ${target}
`;

ruleTester(rule, {
  valid: [
    {
      name: 'no namespace: two sample folders with the same labels each keep their own pods',
      files: { 'samples/a/app.yaml': sampleApp('a', 'http', 'http'), 'samples/b/app.yaml': sampleApp('b', 'web', 'web') },
    },
    {
      name: 'copies of the Deployment in older release bundles do not stand for the one next to the Service',
      files: {
        'charts/scorer/files/resources.yaml': `${deployment(HTTP_AND_METRICS)}---\n${service('    - port: 80\n      targetPort: http\n')}`,
        'install/v0.1/bundle.yaml': deployment('[{ name: web, containerPort: 8080 }]'),
        'install/v0.2/bundle.yaml': deployment('[{ name: web, containerPort: 8080 }]'),
      },
    },
    {
      name: 'a targetPort that is no valid port name (a PORT placeholder) is left to schema-valid',
      yaml: `${deployment('[{ containerPort: PORT }]')}---\n${service('    - port: 80\n      targetPort: PORT\n')}`,
    },
    {
      name: 'no namespace: pods only in other folders are no evidence about the port',
      files: {
        'samples/a/app.yaml': sampleApp('a', 'http', 'http'),
        'samples/c/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata: { name: demo-c }\nspec:\n  selector: { app: demo }\n  ports: [{ port: 80, targetPort: grpc }]\n',
      },
    },
    {
      name: 'named targetPort, across directories',
      files: {
        'apps/fraud/deployment.yaml': deployment(HTTP_AND_METRICS),
        'net/service.yaml': service('    - name: http\n      port: 80\n      targetPort: http\n    - name: metrics\n      port: 9090\n      targetPort: metrics\n'),
      },
    },
    { name: 'numeric targetPort', yaml: `${deployment(HTTP_AND_METRICS)}---\n${service('    - port: 80\n      targetPort: 8080\n')}` },
    { name: 'targetPort defaults to port', yaml: `${deployment(HTTP_AND_METRICS)}---\n${service('    - port: 8080\n')}` },
    { name: 'numeric string targetPort', yaml: `${deployment(HTTP_AND_METRICS)}---\n${service('    - port: 80\n      targetPort: "8080"\n')}` },
    {
      name: 'undeclared number allowed (the default: kube-proxy forwards it)',
      yaml: `${deployment('[]')}---\n${service('    - port: 80\n      targetPort: 8080\n')}`,
    },
    { name: 'Service selecting nothing is service-selects-pods\' finding', yaml: service('    - port: 80\n      targetPort: http\n') },
    {
      name: 'port on a native sidecar (init container with restartPolicy Always)',
      yaml: `${deployment('[{ name: http, containerPort: 8080 }]', 'fraud-scorer', `      initContainers:
        - name: envoy
          image: envoyproxy/envoy:v1.31.0
          restartPolicy: Always
          ports: [{ name: https, containerPort: 8443 }]
`)}---\n${service('    - port: 443\n      targetPort: https\n')}`,
    },
    {
      name: 'UDP on both sides',
      yaml: `${deployment('[{ name: statsd, containerPort: 8125, protocol: UDP }]')}---\n${service('    - port: 8125\n      protocol: UDP\n      targetPort: statsd\n')}`,
    },
    { name: 'ports is not a list', yaml: `${deployment(HTTP_AND_METRICS)}---\n${service('    http\n')}` },
  ],
  invalid: [
    {
      name: 'no namespace: a typo in the named port is judged against the pods of its own file only',
      files: { 'samples/a/app.yaml': sampleApp('a', 'http', 'htttp'), 'samples/b/app.yaml': sampleApp('b', 'htttp', 'htttp') },
      errors: [{ messageId: 'notExposed', severity: 'error', file: 'samples/a/app.yaml', line: 23, message: /^targetPort "htttp" of Service port 80 is not a container port of Deployment "server-a" \(its ports/ }],
    },
    {
      name: 'named targetPort that no container declares, across directories',
      files: {
        'apps/fraud/deployment.yaml': deployment(HTTP_AND_METRICS),
        'net/service.yaml': service('    - name: http\n      port: 80\n      targetPort: web\n'),
      },
      errors: [{
        messageId: 'notExposed',
        file: 'net/service.yaml',
        line: 12,
        column: 19,
        path: 'spec.ports[0].targetPort',
        message: 'targetPort "web" of Service port "http" (80) is not a container port of Deployment "fraud-scorer" (its ports: http (8080), metrics (9090)); traffic to it fails',
      }],
    },
    {
      name: 'allowUndeclaredNumbers: false: targetPort omitted defaults to port 80, points at port',
      yaml: `${deployment(HTTP_AND_METRICS)}---\n${service('    - name: http\n      port: 80\n')}`,
      options: { allowUndeclaredNumbers: false },
      errors: [{ messageId: 'defaultNotExposed', line: 28, column: 13, path: 'spec.ports[0].port', message: /has no targetPort, so it targets port 80/ }],
    },
    {
      name: 'allowUndeclaredNumbers: false: second port wrong, numeric',
      yaml: `${deployment(HTTP_AND_METRICS)}---\n${service('    - name: http\n      port: 80\n      targetPort: http\n    - name: metrics\n      port: 9090\n      targetPort: 9091\n')}`,
      options: { allowUndeclaredNumbers: false },
      errors: [{ messageId: 'notExposed', line: 32, path: 'spec.ports[1].targetPort', message: /^targetPort 9091 of Service port "metrics" \(9090\)/ }],
    },
    {
      name: 'allowUndeclaredNumbers: false: container declares no ports',
      yaml: `${deployment('[]')}---\n${service('    - port: 80\n      targetPort: 8080\n')}`,
      options: { allowUndeclaredNumbers: false },
      errors: [{ messageId: 'notExposed', line: 28, message: /\(its ports: none\)/ }],
    },
    {
      name: 'numeric targetPort the pods declare only as UDP, by default',
      yaml: `${deployment('[{ name: statsd, containerPort: 8125, protocol: UDP }]')}---\n${service('    - port: 8125\n      targetPort: 8125\n')}`,
      errors: [{ messageId: 'protocolMismatch', line: 27, path: 'spec.ports[0].protocol' }],
    },
    {
      name: 'one of two selected workloads lacks the port (canary)',
      files: {
        'apps/stable.yaml': deployment(HTTP_AND_METRICS, 'stable'),
        'apps/canary.yaml': deployment('[{ name: web, containerPort: 8080 }]', 'canary'),
        'net/service.yaml': service('    - port: 80\n      targetPort: http\n'),
      },
      errors: [{
        messageId: 'partlyExposed',
        severity: 'warning',
        file: 'net/service.yaml',
        line: 11,
        message: /Deployment "canary" \(its ports: web \(8080\)\), though other selected workloads declare it; those pods are left out/,
      }],
    },
    {
      name: 'no selected workload declares the named port: still an error, naming the others',
      files: {
        'apps/stable.yaml': deployment('[{ name: web, containerPort: 8080 }]', 'stable'),
        'apps/canary.yaml': deployment('[{ name: web, containerPort: 8080 }]', 'canary'),
        'net/service.yaml': service('    - port: 80\n      targetPort: http\n'),
      },
      errors: [{ messageId: 'notExposed', severity: 'error', file: 'net/service.yaml', line: 11, message: /and 1 other selected workload\(s\).*traffic to it fails$/ }],
    },
    {
      name: 'protocol mismatch',
      yaml: `${deployment('[{ name: statsd, containerPort: 8125, protocol: UDP }]')}---\n${service('    - port: 8125\n      targetPort: statsd\n')}`,
      errors: [{ messageId: 'protocolMismatch', line: 27, path: 'spec.ports[0].protocol', message: /uses TCP/ }],
    },
    {
      name: 'option does not excuse a named port',
      yaml: `${deployment('[]')}---\n${service('    - port: 80\n      targetPort: http\n')}`,
      options: { allowUndeclaredNumbers: true },
      errors: [{ messageId: 'notExposed', line: 28 }],
    },
    {
      name: 'an ordinary init container\'s port does not count',
      yaml: `${deployment('[{ name: http, containerPort: 8080 }]', 'fraud-scorer', `      initContainers:
        - name: fetch-model
          image: fetcher:1.0
          ports: [{ name: debug, containerPort: 5000 }]
`)}---\n${service('    - port: 5000\n      targetPort: debug\n')}`,
      errors: [{ messageId: 'notExposed', line: 32 }],
    },
  ],
});
