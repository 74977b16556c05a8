import rule from '../../src/rules/parse-error.js';
import { ruleTester } from '../rule-tester.js';

const pod = `apiVersion: v1
kind: Pod
metadata: { name: ok }
spec:
  containers: [{ name: a, image: "a:1" }]
`;

ruleTester(rule, {
  valid: [
    { name: 'valid multi-document file', yaml: `${pod}---\n${pod.replace('ok', 'ok2')}` },
    { name: 'empty file', yaml: '' },
    { name: 'comment-only file', yaml: '# nothing here yet\n# still nothing\n' },
    { name: 'empty documents between separators', yaml: `---\n---\n${pod}---\n` },
    { name: 'YAML that is not a Kubernetes object', yaml: 'replicaCount: 2\nimage:\n  tag: 1.0\n' },
    { name: 'anchors and merge keys', yaml: 'x: &d { a: 1 }\ny:\n  <<: *d\n  b: 2\n' },
    { name: 'YAML 1.1 booleans and octals', yaml: 'enabled: yes\nmode: 0755\nflag: on\n' },
    { name: 'envsubst placeholders inside values that parse are no parse problem', yaml: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: "${NAME}" }\ndata:\n  model: ${MODEL_ID}\n' },
  ],
  invalid: [
    {
      name: 'a repeated key in YAML that is no Kubernetes object (chart values) is a warning; in a manifest it stays an error',
      files: {
        'deploy/values-prod.yaml': 'monitoring:\n  enabled: true\nreplicaCount: 2\nmonitoring:\n  enabled: false\n',
        'deploy/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n  containers: [{ name: a, image: "a:1" }]\nspec: {}\n',
      },
      errors: [
        { file: 'deploy/pod.yaml', line: 6, severity: 'error', message: /duplicate key/ },
        { file: 'deploy/values-prod.yaml', line: 4, severity: 'warning', message: /not a Kubernetes object; readers such as Helm keep only the last one/ },
      ],
    },
    {
      name: 'a quoted scalar continued on a line indented less than YAML 1.2 allows is a warning (lenient parsers read it); a quote never closed stays an error',
      files: {
        'deploy/launcher.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: { name: launcher }\nspec:\n  containers:\n    - name: server\n      image: server:1.0\n      command:\n        - sh\n        - -c\n        - "serve --port 8000 \\\n        --workers 2"\n',
        'deploy/unclosed.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: { name: unclosed }\nspec:\n  containers:\n    - name: server\n      image: "server:1.0\n',
      },
      errors: [
        { file: 'deploy/launcher.yaml', line: 11, severity: 'warning', message: /Missing closing "quote; a lenient YAML parser \(js-yaml\) reads this document/ },
        { file: 'deploy/unclosed.yaml', line: 7, severity: 'error', message: /^Missing closing "quote$/ },
      ],
    },
    {
      name: 'a syntax error may swallow the apiVersion and kind lines: it stays an error whatever keys were read',
      yaml: 'metadata:\n  name: [broken\napiVersion: v1\nkind: Pod\n',
      errors: [{ line: 3, severity: 'error' }],
    },
    {
      name: 'a Terraform templatefile (whole-line ${ … } interpolation, %{ } directives) that breaks YAML is one info, not an error',
      files: {
        'infra/cluster-values.yaml': 'head:\n  labels:\n    tier: head\n    ${indent(4, yamlencode(extra_labels))}\n  serviceAccount: ${sa_name}\n',
        'infra/pool.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: pool }\ndata:\n%{ for k, v in pools ~}\n  ${k}: ${v}\n%{ endfor ~}\n',
      },
      errors: [
        { file: 'infra/cluster-values.yaml', line: 4, severity: 'info', message: /a template \(\$\{ … \} lines/ },
        { file: 'infra/pool.yaml', line: 5, severity: 'info', message: /a template/ },
      ],
    },
    {
      name: 'a template whose actions happen to parse (replicas: {{.Replicas}} is a flow mapping) is one info too; quoted actions in values are not templates',
      files: {
        'k8s/helm-servers/patch.yaml': 'apiVersion: mlops.seldon.io/v1alpha1\nkind: Server\nmetadata: { name: mlserver }\nspec:\n  replicas: HACK_REMOVE_ME{{ .Values.mlserver.replicas }}\n',
        'perf/raycluster.yaml': 'apiVersion: ray.io/v1\nkind: RayCluster\nmetadata:\n  name: {{.Name}}\nspec:\n  workerGroupSpecs:\n  - replicas: {{.Replicas}}\n',
        'alerts.yaml': 'apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: { name: r }\nspec:\n  groups:\n  - name: g\n    rules:\n    - alert: Down\n      expr: up == 0\n      annotations:\n        summary: "{{ $labels.instance }} is down"\n  - [oops\n',
      },
      errors: [
        { file: 'alerts.yaml', line: 12, severity: 'error' },
        { file: 'k8s/helm-servers/patch.yaml', line: 5, severity: 'info', message: /Go template/ },
        { file: 'perf/raycluster.yaml', line: 4, severity: 'info', message: /Go template/ },
      ],
    },
    {
      name: 'a Helm patch kept outside templates/ (Go template actions) is one info, not an error per broken document; none of its documents is linted',
      files: {
        'charts/x/files/deployment-patch.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: manager
spec:
  template:
    spec:
      containers:
        - name: manager
          resources:
            {{- with .Values.manager.resources }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: manager
  annotations:
    {{- toYaml .Values.service.annotations | nindent 4 }}
`,
        'samples/model.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: "{{model_name}}" }\ndata:\n  a: [oops\n',
      },
      errors: [
        { file: 'charts/x/files/deployment-patch.yaml', line: 11, severity: 'info', message: /Go template/ },
        { file: 'samples/model.yaml', line: 5, severity: 'error' },
      ],
    },
    {
      name: 'a mis-indented document is one mistake: its first error only, the next document still reports its own',
      yaml: 'apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: x\n    spec:\n      replicas: 1\n---\nkind: [oops\n',
      errors: [{ line: 1, message: /Implicit keys need to be on a single line|mapping/i }, { line: 8 }],
    },
    {
      name: 'broken document among valid ones keeps the others',
      yaml: `${pod}---\nkind: [oops\n---\n${pod.replace('ok', 'ok2')}`,
      errors: [{ line: 7 }],
    },
    {
      name: 'duplicate key',
      yaml: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n',
      errors: [{ line: 5, column: 3, message: /duplicate key/ }],
    },
    {
      name: 'tab indentation',
      yaml: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: a\n',
      errors: [{ line: 4 }],
    },
    {
      name: 'alias to an unknown anchor',
      yaml: 'apiVersion: v1\nkind: ConfigMap\nmetadata: *nothing\n',
      errors: [{ line: 1 }],
    },
    {
      name: 'object with metadata but no kind',
      yaml: 'apiVersion: v1\nmetadata:\n  name: a\n',
      errors: [{ line: 1, message: /no kind/ }],
    },
    {
      name: 'alias bomb',
      yaml: `a: &a ["x","x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
`,
      // At the alias whose expansion passes a million nodes (before the 100-alias count is reached).
      errors: [{ line: 6, message: /aliases stand for more than 1,000,000 YAML nodes .*possible alias bomb/ }],
    },
    {
      name: 'alias bomb of few nodes but more than 100 aliases',
      yaml: `a: &a ["x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
`,
      errors: [{ line: 1, message: /too many aliases \(more than 100\)/ }],
    },
  ],
});
