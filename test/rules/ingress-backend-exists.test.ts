import rule from '../../src/rules/ingress-backend-exists.js';
import { ruleTester } from '../rule-tester.js';

const service = (name = 'fraud-scorer', namespace = 'ml-serving-prod') => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  selector: { app: ${name} }
  ports:
    - name: http
      port: 80
      targetPort: http
`;

const ingress = (backend: string, namespace = 'ml-serving-prod') => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: fraud-scorer
  namespace: ${namespace}
spec:
  ingressClassName: nginx
  rules:
    - host: fraud.ml.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
${backend}`;

const backend = (name: string, port: string) => `              service:
                name: ${name}
                port:
                  ${port}
`;

/** The same text without its `namespace:` line (a samples monorepo). */
const bare = (yaml: string) => yaml.replace(/^  namespace: .*\n/m, '');

/** A RayService in ml-serving-prod; `head` is inserted under headGroupSpec. */
const rayService = (head: string) => `apiVersion: ray.io/v1
kind: RayService
metadata: { name: summarizer, namespace: ml-serving-prod }
spec:
  rayClusterConfig:
    headGroupSpec:
${head}      template:
        spec: { containers: [{ name: ray-head, image: "rayproject/ray:2.40.0" }] }
`;

ruleTester(rule, {
  valid: [
    {
      name: 'a blueprint folder whose app is a template mllint skipped: the Service the Ingress routes to may be defined there',
      files: {
        'blueprints/search/ingress/ingress.yaml': ingress(backend('search-api', 'number: 80')),
        'blueprints/search/ui/service.yaml': service('catalog-frontend'),
        'blueprints/search/api/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: search-api\n{{- with .Values.service.annotations }}\n  annotations:\n    {{- toYaml . | nindent 4 }}\n{{- end }}\n',
      },
    },
    {
      name: 'the head Service KubeRay creates for a RayService cluster takes the name given in headService.metadata.name',
      yaml: `${rayService('      headService:\n        metadata: { name: summarizer-head }\n')}---\n${ingress(backend('summarizer-head', 'number: 8265'))}`,
    },
    {
      name: 'the default Services of a RayService: <name>-head-svc and <name>-serve-svc',
      yaml: `${rayService('')}---\n${ingress(backend('summarizer-head-svc', 'number: 8265'))}---\n${ingress(backend('summarizer-serve-svc', 'number: 8000'))}`,
    },
    {
      name: 'no namespace: a Service of that name only in another sample folder says nothing about its ports',
      files: { 'samples/a/ingress.yaml': bare(ingress(backend('fraud-scorer', 'name: grpc'))), 'samples/b/service.yaml': bare(service()) },
    },
    {
      name: 'port by name, Service in another directory',
      files: { 'apps/fraud/service.yaml': service(), 'ingress/fraud.yaml': ingress(backend('fraud-scorer', 'name: http')) },
    },
    {
      name: 'no Service at all in the Ingress namespace (istio-system, an operator\'s namespace): it is managed elsewhere',
      files: { 'a/service.yaml': service('other', 'apps'), 'b/ingress.yaml': ingress(backend('istio-ingressgateway', 'number: 80'), 'istio-system') },
    },
    { name: 'port by number', yaml: `${service()}---\n${ingress(backend('fraud-scorer', 'number: 80'))}` },
    {
      name: 'defaultBackend and a resource backend',
      yaml: `${service()}---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: models, namespace: ml-serving-prod }
spec:
  defaultBackend:
    service: { name: fraud-scorer, port: { name: http } }
  rules:
    - http:
        paths:
          - path: /artifacts
            pathType: Prefix
            backend:
              resource: { apiGroup: k8s.example.com, kind: StorageBucket, name: model-artifacts }
`,
    },
    {
      name: 'ExternalName Service without ports',
      yaml: `apiVersion: v1
kind: Service
metadata: { name: legacy, namespace: ml-serving-prod }
spec: { type: ExternalName, externalName: legacy.example.com }
---
${ingress(backend('legacy', 'number: 443'))}`,
    },
    {
      name: 'older extensions/v1beta1 shape',
      yaml: `${service()}---
apiVersion: extensions/v1beta1
kind: Ingress
metadata: { name: old, namespace: ml-serving-prod }
spec:
  backend: { serviceName: fraud-scorer, servicePort: http }
`,
    },
    { name: 'rules without http', yaml: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: { name: x }\nspec:\n  rules: [{ host: a.example.com }, null]\n' },
  ],
  invalid: [
    {
      name: 'a template next door that does not name the Service is no excuse: still reported',
      files: {
        'blueprints/search/ingress/ingress.yaml': ingress(backend('search-api', 'number: 80')),
        'blueprints/search/ui/service.yaml': service('catalog-frontend'),
        'blueprints/search/worker/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: indexer\n{{- with .Values.extra }}\n  {{- toYaml . | nindent 2 }}\n{{- end }}\n',
      },
      errors: [{ messageId: 'serviceMissing', file: 'blueprints/search/ingress/ingress.yaml', line: 16, severity: 'warning' }],
    },
    {
      name: 'a chart values file with a repeated key next door defines no Service: the missing backend is still reported',
      files: {
        'blueprints/search/ingress/ingress.yaml': ingress(backend('search-api', 'number: 80')),
        'blueprints/search/ui/service.yaml': service('catalog-frontend'),
        'blueprints/search/helm/values.yaml': 'replicaCount: 1\nservice:\n  port: 80\nservice:\n  port: 8080\n',
      },
      errors: [{ messageId: 'serviceMissing', file: 'blueprints/search/ingress/ingress.yaml', line: 16, severity: 'warning' }],
    },
    {
      name: 'without headService.metadata.name, a RayService creates no Service named after the RayService itself',
      yaml: `${rayService('')}---\n${ingress(backend('summarizer', 'number: 8265'))}`,
      errors: [{ messageId: 'serviceMissing', line: 25 }],
    },
    {
      name: 'no namespace: a near Service name in another sample folder is no hint (the finding stays a warning)',
      files: { 'samples/a/ingress.yaml': bare(ingress(backend('web-svc', 'number: 80'))), 'samples/b/service.yaml': bare(service('webb-svc')) },
      errors: [{ messageId: 'serviceMissing', severity: 'warning', file: 'samples/a/ingress.yaml', line: 15, message: /namespace "default"$/ }],
    },
    {
      name: 'no namespace: a near Service name in another file of the same folder is a hint, not proof (a folder of samples)',
      files: { 'samples/a/ingress.yaml': bare(ingress(backend('web-svc', 'number: 80'))), 'samples/a/service.yaml': bare(service('webb-svc')) },
      errors: [{ messageId: 'serviceMissing', severity: 'warning', file: 'samples/a/ingress.yaml', line: 15, message: /did you mean "webb-svc"\?$/ }],
    },
    {
      name: 'no namespace: a near Service name in the same file is a typo (error)',
      files: { 'samples/a/app.yaml': `${bare(service('webb-svc'))}---\n${bare(ingress(backend('web-svc', 'number: 80')))}` },
      errors: [{ messageId: 'serviceMissing', severity: 'error', file: 'samples/a/app.yaml', line: 26, message: /did you mean "webb-svc"\?$/ }],
    },
    {
      name: 'no namespace: a near name in the same folder, among many sample files, stays a warning',
      files: {
        ...Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`samples/sample-${i}.yaml`, bare(service(`cluster-${i}-head-svc`))])),
        'samples/ingress.yaml': bare(ingress(backend('cluster-1-head', 'number: 8265'))),
      },
      errors: [{ messageId: 'serviceMissing', severity: 'warning', file: 'samples/ingress.yaml', line: 15 }],
    },
    {
      name: 'no namespace: of two Services named alike, the one in the same folder is checked',
      files: {
        'samples/a/ingress.yaml': bare(ingress(backend('fraud-scorer', 'name: grpc'))),
        'samples/a/service.yaml': bare(service()),
        'samples/b/service.yaml': bare(service()).replace('name: http', 'name: grpc'),
      },
      errors: [{ messageId: 'portMissing', file: 'samples/a/ingress.yaml', line: 17, message: /backend port "grpc" is not a port of Service "fraud-scorer"/ }],
    },
    {
      name: 'Service missing, with a did-you-mean, across directories',
      files: { 'apps/fraud/service.yaml': service(), 'ingress/fraud.yaml': ingress(backend('fraud-scoring', 'name: http')) },
      errors: [{
        messageId: 'serviceMissing',
        file: 'ingress/fraud.yaml',
        line: 16,
        column: 23,
        path: 'spec.rules[0].http.paths[0].backend.service.name',
        message: 'backend Service "fraud-scoring" is not among the linted objects of namespace "ml-serving-prod"; did you mean "fraud-scorer"?',
      }],
    },
    {
      name: 'did-you-mean among many Services of a namespace (typo index)',
      files: {
        'apps/services.yaml': Array.from({ length: 80 }, (_, i) => service(`model-${i}`)).join('---\n'),
        'ingress/fraud.yaml': ingress(backend('modle-57', 'name: http')),
      },
      errors: [{ messageId: 'serviceMissing', line: 16, message: /; did you mean "model-57"\?$/ }],
    },
    {
      name: 'Service in another namespace',
      files: { 'apps/fraud/service.yaml': service('fraud-scorer', 'ml-serving-staging'), 'ingress/fraud.yaml': ingress(backend('fraud-scorer', 'name: http')) },
      errors: [{ messageId: 'serviceMissing', line: 16, message: /exists in namespace "ml-serving-staging", but an Ingress routes only to Services of its own namespace$/ }],
    },
    {
      name: 'a Service missing from a namespace that has other Services in the tree',
      files: { 'a/service.yaml': service('feature-store'), 'b/ingress.yaml': ingress(backend('fraud-scorer', 'number: 80')) },
      errors: [{ messageId: 'serviceMissing', severity: 'warning', file: 'b/ingress.yaml', line: 16, message: 'backend Service "fraud-scorer" is not among the linted objects of namespace "ml-serving-prod"' }],
    },
    {
      name: 'port number is the container port, not the Service port',
      files: { 'a/service.yaml': service(), 'b/ingress.yaml': ingress(backend('fraud-scorer', 'number: 8080')) },
      errors: [{
        messageId: 'portMissing',
        line: 18,
        column: 27,
        path: 'spec.rules[0].http.paths[0].backend.service.port.number',
        message: 'backend port 8080 is not a port of Service "fraud-scorer" (its ports: http (80))',
      }],
    },
    {
      name: 'port name unknown',
      yaml: `${service()}---\n${ingress(backend('fraud-scorer', 'name: grpc'))}`,
      errors: [{ messageId: 'portMissing', line: 30, path: 'spec.rules[0].http.paths[0].backend.service.port.name' }],
    },
    {
      name: 'defaultBackend and a second path both broken',
      yaml: `${service()}---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: models, namespace: ml-serving-prod }
spec:
  defaultBackend:
    service: { name: fallback, port: { number: 80 } }
  rules:
    - http:
        paths:
          - path: /fraud
            pathType: Prefix
            backend: { service: { name: fraud-scorer, port: { name: http } } }
          - path: /llm
            pathType: Prefix
            backend: { service: { name: llm-summarizer, port: { name: grpc } } }
`,
      errors: [
        { messageId: 'serviceMissing', line: 18, path: 'spec.defaultBackend.service.name' },
        { messageId: 'serviceMissing', line: 27, path: 'spec.rules[0].http.paths[1].backend.service.name' },
      ],
    },
    {
      name: 'v1beta1 servicePort',
      yaml: `${service()}---
apiVersion: networking.k8s.io/v1beta1
kind: Ingress
metadata: { name: old, namespace: ml-serving-prod }
spec:
  backend:
    serviceName: fraud-scorer
    servicePort: 8080
`,
      errors: [{ messageId: 'portMissing', line: 19, path: 'spec.backend.servicePort' }],
    },
  ],
});
