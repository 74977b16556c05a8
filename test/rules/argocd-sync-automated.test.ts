import rule from '../../src/rules/argocd-sync-automated.js';
import { ruleTester } from '../rule-tester.js';

/** The sync policy starts on line 7. */
const app = (policy: string, namespace = 'ml-prod') => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: fraud-scorer, namespace: argocd }
spec:
  source: { repoURL: https://github.com/acme/ml-gitops.git, targetRevision: v1.0.0, path: apps/fraud-scorer }
  destination: { namespace: ${namespace} }
${policy}`;

ruleTester(rule, {
  valid: [
    { name: 'prune and selfHeal', yaml: app('  syncPolicy:\n    automated: { prune: true, selfHeal: true }\n') },
    { name: 'prune not required', yaml: app('  syncPolicy:\n    automated:\n      selfHeal: true\n'), options: { prune: false } },
    { name: 'only production required; this is staging', yaml: app('', 'ml-staging'), options: { namespaces: ['*-prod'] } },
  ],
  invalid: [
    { name: 'no sync policy: at spec', yaml: app(''), errors: [{ messageId: 'manual', line: 4, severity: 'warning' }] },
    { name: 'sync options only', yaml: app('  syncPolicy:\n    syncOptions: [CreateNamespace=true]\n'), errors: [{ messageId: 'manual', line: 7 }] },
    {
      name: 'automated without prune and with selfHeal false',
      yaml: app('  syncPolicy:\n    automated:\n      selfHeal: false\n'),
      errors: [
        { messageId: 'prune', line: 8, message: 'syncs automatically without prune: objects removed from Git keep running in the cluster' },
        { messageId: 'selfHeal', line: 9 },
      ],
    },
    { name: 'automated: {} (empty)', yaml: app('  syncPolicy:\n    automated: {}\n'), errors: [{ messageId: 'prune', line: 8 }, { messageId: 'selfHeal', line: 8 }] },
    { name: 'automated but disabled', yaml: app('  syncPolicy:\n    automated:\n      enabled: false\n      prune: true\n      selfHeal: true\n'), errors: [{ messageId: 'disabled', line: 9 }] },
    { name: 'required for production; this is production', yaml: app('', 'ml-prod'), options: { namespaces: ['*-prod'] }, errors: [{ messageId: 'manual', line: 4 }] },
  ],
});
