import rule from '../../src/rules/argocd-revision-pinned.js';
import { ruleTester } from '../rule-tester.js';

/** `targetRevision:` is on line 9 when given; the source starts on line 6. */
const app = (revision: string | undefined, namespace = 'ml-prod', destExtra = '') => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: fraud-scorer, namespace: argocd }
spec:
  project: default
  source:
    repoURL: https://github.com/acme/ml-gitops.git
    path: apps/fraud-scorer
${revision === undefined ? '' : `    targetRevision: ${revision}\n`}  destination:
    namespace: ${namespace}
${destExtra}`;

const chartApp = (version: string) => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: vllm, namespace: argocd }
spec:
  sources:
    - repoURL: https://github.com/acme/ml-gitops.git
      targetRevision: v1.0.0
      ref: values
    - repoURL: https://charts.example.org
      chart: vllm-stack
      targetRevision: "${version}"
      helm: { valueFiles: [$values/vllm/values-prod.yaml] }
  destination: { name: prod-eu-1, namespace: llm }
`;

ruleTester(rule, {
  valid: [
    { name: 'a version tag', yaml: app('v2.3.0') },
    { name: 'a short version', yaml: app('1.4') },
    { name: 'a commit SHA', yaml: app('9f1c2ab77de0c0c8b1f3b0e4a2d5c6e7f8a9b0c1') },
    { name: 'a tag ref', yaml: app('refs/tags/release-7') },
    { name: 'a branch, but staging', yaml: app('main', 'ml-staging') },
    { name: '"product" is not "prod"', yaml: app('main', 'product-search') },
    { name: 'an exact chart version to a production cluster', yaml: chartApp('0.4.2') },
    { name: 'an unexpanded template', yaml: app('"{{ .revision }}"') },
    { name: 'production namespace configured away', yaml: app('main'), options: { productionNamespaces: ['live-*'], productionClusters: [] } },
    { name: 'not an Argo CD Application', yaml: 'apiVersion: app.k8s.io/v1beta1\nkind: Application\nmetadata: { name: x, namespace: prod }\nspec:\n  source: { targetRevision: main }\n  destination: { namespace: prod }\n' },
  ],
  invalid: [
    { name: 'HEAD to production', yaml: app('HEAD'), errors: [{ messageId: 'head', line: 9, severity: 'warning', message: /^deploys HEAD of https:\/\/github.com\/acme\/ml-gitops.git to production \(namespace ml-prod\)/ }] },
    { name: 'no targetRevision: HEAD, at the source', yaml: app(undefined), errors: [{ messageId: 'head', line: 6 }] },
    { name: 'a branch', yaml: app('main'), errors: [{ messageId: 'branch', line: 9, message: /^targetRevision "main" is not a version tag or commit SHA but the destination is production \(namespace ml-prod\)/ }] },
    { name: 'production by cluster server host', yaml: app('main', 'ml', '    server: https://prod-eu.k8s.acme.internal:6443\n'), errors: [{ messageId: 'branch', line: 9, message: /cluster https:\/\/prod-eu/ }] },
    { name: 'configured production namespaces', yaml: app('release', 'live-eu'), options: { productionNamespaces: ['live-*'] }, errors: [{ messageId: 'branch', line: 9 }] },
    { name: 'a chart version range', yaml: chartApp('0.4.*'), errors: [{ messageId: 'chartRange', line: 11, message: /^chart vllm-stack version "0\.4\.\*" is not an exact version but the destination is production \(cluster prod-eu-1\)/ }] },
  ],
});
