import { defineRule, type Report } from './define-rule.js';
import { BUILTIN_API_CHANGES, CRD_API_CHANGES, DEFAULT_KUBERNETES_VERSION, apiVersionChange, atOrAfter, type ApiVersionChange } from '../knowledge/api-versions.js';
import { crdFor } from './utils/crds.js';

export type DeprecatedApiOptions = Record<string, never>;

export default defineRule<DeprecatedApiOptions>({
  meta: {
    id: 'deprecated-api',
    severity: 'error',
    recommended: true,
    description: 'apiVersions removed (error) or deprecated (warning) in the configured kubernetesVersion',
    remediation: 'Move the object to the replacement apiVersion named in the message (check the migration notes of the deprecation guide for changed fields).',
    docs: {
      why:
        'A Kubernetes release stops serving old API versions: after an upgrade to 1.25, `kubectl apply` of a ' +
        '`policy/v1beta1` PodDisruptionBudget or a `batch/v1beta1` CronJob fails with "no matches for kind", and a ' +
        'GitOps sync of the whole application stops on it. Deprecated versions still work, until the release that ' +
        'removes them. Operators do the same with their CRDs: KServe 0.7 stopped serving `serving.kubeflow.org`.',
      checks:
        'The `apiVersion` and `kind` of every object against the table below (from the Kubernetes Deprecated API ' +
        'Migration Guide, and the release notes of KServe, KubeRay, KEDA and cert-manager), for the Kubernetes release ' +
        `set by \`kubernetesVersion\` in the config or \`--kubernetes-version\` (default ${DEFAULT_KUBERNETES_VERSION}). ` +
        'A built-in apiVersion removed in or before that release is an error naming the release that removed it and ' +
        'the replacement; one deprecated but still served is a warning with its removal release. A custom resource ' +
        'version an operator replaced is a warning (mllint does not know which operator release the cluster runs). ' +
        'When the linted tree contains the CustomResourceDefinition, its own word counts: a version it marks ' +
        '`deprecated: true` is a warning with its `deprecationWarning`, a version it defines with `served: false`, ' +
        'or does not define at all, is an error.',
      fix:
        'Change `apiVersion` to the replacement and adapt the fields the new version changed (e.g. `autoscaling/v2` ' +
        'HPA metrics, `networking.k8s.io/v1` Ingress backends). `kubectl convert` can rewrite a manifest.',
      reference: renderTable(),
      examples: {
        incorrect: `apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: { name: scorer, namespace: ml }
spec:
  maxUnavailable: 1
  selector: { matchLabels: { app: scorer } }
`,
        correct: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: scorer, namespace: ml }
spec:
  maxUnavailable: 1
  selector: { matchLabels: { app: scorer } }
`,
      },
    },
    optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
    defaultOptions: {},
    messages: {
      removed: '{{kind}} "{{apiVersion}}" is no longer served since Kubernetes {{removedIn}} (kubernetesVersion is {{version}}); use {{replacement}}',
      deprecated: '{{kind}} "{{apiVersion}}" is deprecated since Kubernetes {{deprecatedIn}} and removed in {{removedIn}}; use {{replacement}}',
      crdReplaced: '{{kind}} "{{apiVersion}}" was replaced by {{replacement}} in {{project}}; a cluster running it rejects this object',
      crdDeprecated: '{{kind}} "{{apiVersion}}" is deprecated in {{project}}; use {{replacement}}',
      crdMarkedDeprecated: '{{kind}} "{{apiVersion}}" is deprecated by its CustomResourceDefinition {{crd}} ({{file}}): {{warning}}',
      crdNotServed: 'CustomResourceDefinition {{crd}} ({{file}}) does not serve version "{{version}}"{{served}}; the API server rejects {{kind}} "{{apiVersion}}"',
    },
  },

  check({ object, settings, index }) {
    const { apiVersion, kind } = object;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') return [];
    const version = settings.kubernetesVersion;
    const reports: Report[] = [];
    const at = ['apiVersion'];
    const change = apiVersionChange(apiVersion, kind);
    if (change?.removedIn !== undefined) {
      const data = { kind, apiVersion, version, removedIn: change.removedIn, replacement: change.replacement, deprecatedIn: change.deprecatedIn ?? '?' };
      if (atOrAfter(version, change.removedIn)) reports.push({ messageId: 'removed', data, path: at });
      else if (change.deprecatedIn && atOrAfter(version, change.deprecatedIn)) reports.push({ messageId: 'deprecated', data, path: at, maxSeverity: 'warning' });
      return reports;
    }
    const crd = crdFor(index, apiVersion, kind);
    if (crd.found === 'version') {
      const v = crd.version;
      const data = { kind, apiVersion, crd: v.name, file: index.fileOf(v.crd), version: String(v.entry.name) };
      if (!v.served) return [{ messageId: 'crdNotServed', data: { ...data, served: ' (served: false)' }, path: at }];
      if (v.deprecated) {
        return [{ messageId: 'crdMarkedDeprecated', data: { ...data, warning: v.deprecationWarning ?? 'no replacement given' }, path: at, maxSeverity: 'warning' }];
      }
      return [];
    }
    if (crd.found === 'noVersion') {
      const first = crd.crds[0];
      const slash = apiVersion.indexOf('/');
      const served = crd.versions.length > 0 ? ` (it defines ${crd.versions.map((n) => `"${n}"`).join(', ')})` : '';
      return [{ messageId: 'crdNotServed', data: { kind, apiVersion, crd: String(first.object.metadata?.name ?? first.name), file: index.fileOf(first), version: apiVersion.slice(slash + 1), served }, path: at }];
    }
    if (change?.project) {
      const project = `${change.project.name}${change.project.removedIn ? ` ${change.project.removedIn}` : ''}`;
      if (change.project.removedIn) reports.push({ messageId: 'crdReplaced', data: { kind, apiVersion, replacement: change.replacement, project }, path: at, maxSeverity: 'warning' });
      else reports.push({ messageId: 'crdDeprecated', data: { kind, apiVersion, replacement: change.replacement, project: `${change.project.name}${change.project.deprecatedIn ? ` ${change.project.deprecatedIn}` : ''}` }, path: at, maxSeverity: 'warning' });
    }
    return reports;
  },
});

/** The knowledge table as markdown, for `mllint explain deprecated-api` and docs/rules.md. */
function renderTable(): string {
  const row = (c: ApiVersionChange) =>
    `| \`${c.apiVersion}\` | ${c.kinds.join(', ')} | ${c.deprecatedIn ?? c.project?.deprecatedIn ?? ''} | ${c.removedIn ?? (c.project?.removedIn ? `${c.project.name} ${c.project.removedIn}` : '')} | ${c.replacement} | ${c.source} |`;
  return [
    'Built-in APIs (Kubernetes release that deprecated and removed each):',
    '',
    '| apiVersion | kinds | deprecated | removed | use instead | source |',
    '|---|---|---|---|---|---|',
    ...BUILTIN_API_CHANGES.map(row),
    '',
    'Custom resources (project release; reported as warnings):',
    '',
    '| apiVersion | kinds | deprecated | removed | use instead | source |',
    '|---|---|---|---|---|---|',
    ...CRD_API_CHANGES.map(row),
  ].join('\n');
}
