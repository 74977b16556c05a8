import { defineRule, type Report } from './define-rule.js';
import { getAt } from '../engine/extract.js';
import { destinationOf, isArgoApplication, matchDestination } from './utils/argocd.js';

export interface ArgocdSyncAutomatedOptions {
  /** Require `automated.prune: true`. */
  prune: boolean;
  /** Require `automated.selfHeal: true`. */
  selfHeal: boolean;
  /** Globs of destination namespaces the requirement applies to; empty: every Application. */
  namespaces: string[];
  /** Globs of destination clusters (name, server host or URL) the requirement applies to; empty: every Application. */
  clusters: string[];
}

export default defineRule<ArgocdSyncAutomatedOptions>({
  meta: {
    id: 'argocd-sync-automated',
    severity: 'warning',
    recommended: false,
    description: 'For teams that deploy only through Git: an Argo CD Application must sync automatically, with prune and selfHeal (off unless enabled)',
    kinds: ['Application'],
    remediation: 'Set spec.syncPolicy.automated with prune: true and selfHeal: true.',
    docs: {
      why:
        'Where the team\'s rule is "Git is what runs", an Application without `syncPolicy.automated` leaves a merged ' +
        'change undeployed until someone presses Sync; without `prune` an object deleted from Git (an old model ' +
        'server, a stale HPA) keeps running; without `selfHeal` a hand edit in the cluster (`kubectl scale`, a patched ' +
        'image) stays until the next commit. Manual sync is a valid choice for some teams, so this rule is off ' +
        'unless the config enables it.',
      checks:
        'Every Argo CD Application (also generated or rendered ones) whose destination matches `namespaces` or ' +
        '`clusters` (both empty: every Application): `spec.syncPolicy.automated` must be set (and not `enabled: false`), ' +
        'with `prune: true` when the `prune` option is on and `selfHeal: true` when `selfHeal` is on (both on by default).',
      fix: 'Add `syncPolicy: { automated: { prune: true, selfHeal: true } }`, or narrow the rule to the destinations that need it.',
      examples: {
        incorrect: `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: fraud-scorer, namespace: argocd }
spec:
  project: default
  source: { repoURL: https://github.com/acme/ml-gitops.git, targetRevision: v2.3.0, path: apps/fraud-scorer }
  destination: { server: https://kubernetes.default.svc, namespace: ml-prod }
  syncPolicy:
    automated: { selfHeal: true }
`,
        correct: `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: fraud-scorer, namespace: argocd }
spec:
  project: default
  source: { repoURL: https://github.com/acme/ml-gitops.git, targetRevision: v2.3.0, path: apps/fraud-scorer }
  destination: { server: https://kubernetes.default.svc, namespace: ml-prod }
  syncPolicy:
    automated: { prune: true, selfHeal: true }
`,
      },
    },
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        prune: { type: 'boolean' },
        selfHeal: { type: 'boolean' },
        namespaces: { type: 'array', items: { type: 'string', minLength: 1 } },
        clusters: { type: 'array', items: { type: 'string', minLength: 1 } },
      },
    },
    defaultOptions: { prune: true, selfHeal: true, namespaces: [], clusters: [] },
    messages: {
      manual: 'has no automated sync policy: a change merged to Git is not deployed until someone syncs the Application',
      disabled: 'automated sync is disabled (enabled: false): a change merged to Git is not deployed until someone syncs the Application',
      prune: 'syncs automatically without prune: objects removed from Git keep running in the cluster',
      selfHeal: 'syncs automatically without selfHeal: changes made in the cluster by hand stay until the next commit',
    },
  },

  check({ object, options }) {
    if (!isArgoApplication(object)) return [];
    if (options.namespaces.length + options.clusters.length > 0 && !matchDestination(destinationOf(object), options.namespaces, options.clusters)) return [];
    const policy = getAt(object.object, ['spec', 'syncPolicy']);
    const automated = getAt(object.object, ['spec', 'syncPolicy', 'automated']);
    if (automated === undefined || automated === null) {
      return [{ messageId: 'manual', path: policy === undefined ? ['spec'] : ['spec', 'syncPolicy'] }];
    }
    const auto = typeof automated === 'object' && !Array.isArray(automated) ? (automated as Record<string, unknown>) : {};
    if (auto.enabled === false) return [{ messageId: 'disabled', path: ['spec', 'syncPolicy', 'automated', 'enabled'] }];
    const reports: Report[] = [];
    const at = (key: string) => (key in auto ? ['spec', 'syncPolicy', 'automated', key] : ['spec', 'syncPolicy', 'automated']);
    if (options.prune && auto.prune !== true) reports.push({ messageId: 'prune', path: at('prune') });
    if (options.selfHeal && auto.selfHeal !== true) reports.push({ messageId: 'selfHeal', path: at('selfHeal') });
    return reports;
  },
});
