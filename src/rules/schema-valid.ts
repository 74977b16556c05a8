import { defineRule, type Report } from './define-rule.js';
import type { PathSegment } from '../types.js';
import type { ResourceIndex } from '../engine/context.js';
import { renderPath } from '../engine/paths.js';
import { explainMissingSchema, validateObject, validatorFor, type SchemaError } from './utils/k8s-schemas.js';
import type { LoadedObject } from '../types.js';
import { apiValidationIssues } from './utils/api-validation.js';
import { API_CHECKS } from '../knowledge/api-validation.js';
import { crdFor, firstDisagreement, servingSchemas } from './utils/crds.js';
import { validateStructural } from './utils/structural-schema.js';
import { apiVersionChange, isRemovedIn } from '../knowledge/api-versions.js';
import { getAt } from '../engine/extract.js';
import { closestString } from './utils/strings.js';

export interface SchemaValidOptions {
  unknownFields: boolean;
  ignoreKinds: string[];
  reportUnknownKinds: boolean;
  apiServerRules: boolean;
}

export default defineRule<SchemaValidOptions>({
  meta: {
    id: 'schema-valid',
    severity: 'error',
    recommended: true,
    description: 'Objects must match the Kubernetes API schema (or a known CRD\'s), with no unknown fields',
    remediation: 'Fix the field named in the message: its type, allowed values or spelling, as `kubectl explain KIND.FIELD` documents it.',
    docs: {
      why:
        'The API server rejects an object with a wrong type (`containerPort: "8080"`), a missing required field ' +
        '(a Deployment without `selector`) or a value outside an enum, and with `kubectl apply`\'s default strict field ' +
        'validation also an unknown field. In GitOps that surfaces as a failed sync long after the merge. Worse, tools ' +
        'that prune unknown fields apply a typo such as `replicaz` or `livenesProbe` silently: the Deployment runs with ' +
        '1 replica and no liveness probe, and every other check looks at a field that does nothing.',
      checks:
        'Every object whose apiVersion and kind have a known schema: the built-in Kubernetes APIs (from the ' +
        '`kubernetes-models` package), the prometheus-operator CRDs `monitoring.coreos.com/v1` (ServiceMonitor, ' +
        'PodMonitor, PrometheusRule, Probe, …, from `@kubernetes-models/prometheus-operator`), and the required fields ' +
        'of KServe `serving.kserve.io/v1beta1` InferenceService (`spec.predictor`, `model.modelFormat.name`, replica ' +
        'counts; unknown fields are not checked there). Types, formats, enums, required fields and, with ' +
        '`unknownFields`, fields the schema does not define (free-form fields such as labels, annotations and CRD ' +
        'fields that preserve unknown fields are not judged). Findings point at the offending field; for a missing ' +
        'field at its parent. A kind that a built-in API group does not serve is an error: under the wrong ' +
        'apiVersion (`apps/v1` Ingress → use `networking.k8s.io/v1`) or misspelt (`Deploymnet`). Objects of other ' +
        'API groups are checked against their CustomResourceDefinition when the linted tree contains it, as the API ' +
        'server does: the structural schema of the object\'s version (types, enums, bounds, required fields, ' +
        'patterns that cannot backtrack badly, unknown fields), with `default`s applied before `required` and nulls ' +
        'in non-nullable fields pruned, and its `x-kubernetes-validations` CEL rules evaluated where mllint can (a ' +
        'rule that is false is an error with its message; rules using Kubernetes\' CEL libraries or regular ' +
        'expressions are skipped with one `info` per CRD; `format` is not checked). With several copies of one CRD ' +
        'in the tree (several releases kept side by side), the object is checked against every copy that serves its ' +
        'version and only what every copy rejects is reported, naming the copies; when their schemas differ, one ' +
        '`info` per CRD says so (on the first copy that differs). Besides the schema, the API server\'s static validation rules ' +
        '(option `apiServerRules`; the table below names each rule\'s source function): a selector must match its ' +
        'template\'s labels, pod `restartPolicy` per kind, container `restartPolicy` only `Always` on init containers, ' +
        'no probes on plain init containers, unique container names, an image per container, port numbers and ' +
        'IANA port names, requests within limits, extended resources (GPUs) whole and with request = limit, one ' +
        'handler per probe, PDB percentages up to 100%, label, annotation and name syntax per kind; duplicate env names and duplicate ports, which the API server only warns about, ' +
        'are warnings. The pod rules apply to the pod templates of every workload kind mllint knows (a custom ' +
        'resource\'s pods are validated when its controller creates them; templates merged into a controller\'s ' +
        'own pod spec, such as KServe predictors, are not judged), the kind rules (selectors, pod restartPolicy, ' +
        'Services, PDBs, names) to the built-in kinds. An apiVersion the configured `kubernetesVersion` no longer serves is left to `deprecated-api`. ' +
        'Other kinds without a known schema (Argo, Istio, …) are skipped, with one `info` ' +
        'finding per apiVersion and kind (on its first object in load order; turn it off with `reportUnknownKinds`), ' +
        'and `ignoreKinds` skips kinds silently. Schemas load lazily: a kind\'s schema module is loaded when its first ' +
        'object is checked.',
      fix:
        'Correct the field as `kubectl explain <kind>.<field>` describes it: quote or unquote the value, fix the ' +
        'spelling of the key, add the required field. Check the apiVersion too: a field may exist only in a newer API version.',
      reference: renderApiChecks(),
      examples: {
        incorrect: `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml }
spec:
  replicaz: 3
  selector: { matchLabels: { app: scorer } }
  template:
    metadata: { labels: { app: scorer } }
    spec:
      containers:
        - name: scorer
          image: fraud-scorer:3.0.1
          ports: [{ containerPort: "8080" }]
`,
        correct: `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml }
spec:
  replicas: 3
  selector: { matchLabels: { app: scorer } }
  template:
    metadata: { labels: { app: scorer } }
    spec:
      containers:
        - name: scorer
          image: fraud-scorer:3.0.1
          ports: [{ containerPort: 8080 }]
`,
      },
    },
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        unknownFields: { type: 'boolean', description: 'Report fields the schema does not define (typos such as `replicaz`).' },
        ignoreKinds: {
          type: 'array',
          items: { type: 'string' },
          description: 'Kinds never checked and never reported as unknown (e.g. CRDs of your own).',
        },
        apiServerRules: {
          type: 'boolean',
          description: 'Apply the API server\'s static validation rules (selectors, ports, resources, probes, names, …; see the reference table).',
        },
        reportUnknownKinds: {
          type: 'boolean',
          description: 'Report once per apiVersion and kind, as `info`, that objects without a known schema were not checked.',
        },
      },
    },
    defaultOptions: { unknownFields: true, ignoreKinds: [], reportUnknownKinds: true, apiServerRules: true },
    messages: {
      invalid: '{{field}} {{problem}}{{via}}',
      required: '{{parent}} is missing the required field "{{field}}"{{via}}',
      unknownField: 'unknown field "{{field}}" in {{parent}}{{hint}}; the API rejects it, or drops it when unknown fields are pruned{{via}}',
      apiRule: '{{message}}',
      celSkipped: '{{count}} x-kubernetes-validations rule(s) of CustomResourceDefinition {{crd}} use CEL that mllint cannot evaluate (Kubernetes CEL libraries, regular expressions, or too costly); they were not checked',
      crdCopiesDisagree: 'the {{copies}} copies of CustomResourceDefinition {{name}} in the linted files do not all have the same schema (this one and {{file}} differ for version {{version}}); custom resources are checked against every copy that serves their version, and only what all of them reject is reported',
      unknownKind: 'no schema is known for {{kind}} ({{apiVersion}}); objects of this kind are not schema-checked',
      wrongApiVersion: '{{kind}} is not served as "{{apiVersion}}"; use {{expected}}',
      unknownKindInGroup: '"{{apiVersion}}" has no kind "{{kind}}"{{hint}}; the API server rejects the object',
    },
  },

  check({ object, options, index, template, settings }) {
    const { apiVersion, kind } = object;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || options.ignoreKinds.includes(kind)) return [];
    // An apiVersion the configured Kubernetes release no longer serves is deprecated-api's finding.
    if (isRemovedIn(apiVersion, kind, settings.kubernetesVersion)) return [];
    const reports: Report[] = [];
    if (kind === 'CustomResourceDefinition') reports.push(...crdCopyReports(index, object));
    if (options.apiServerRules) {
      for (const issue of apiValidationIssues(object.object, index.podTemplatesOf(object))) {
        reports.push({
          messageId: 'apiRule',
          data: { message: issue.message },
          path: issue.path,
          ...(issue.severity === 'warning' ? { maxSeverity: 'warning' as const } : {}),
          ...(issue.atKey ? { atKey: true } : {}),
        });
      }
    }
    const validate = validatorFor(apiVersion, kind);
    if (validate) {
      const { errors, unknownFields } = validateObject(validate, object.object, { unknownFields: options.unknownFields });
      for (const report of errorReports(errors.filter((e) => !isWrappedBase64(e, object.object)), '', object.object)) reports.push(report); // not spread: a list of 100k wrong items
      // A pod template without a pod spec passes the OpenAPI schema (`spec` is optional there), but the API
      // server requires its containers.
      if (template && getAt(object.object, template.podSpecPath) === undefined) {
        reports.push({ messageId: 'required', data: { parent: where(template.podSpecPath.slice(0, -1)), field: 'spec', via: '' }, path: template.podSpecPath });
      }
      for (const unknown of unknownFields) {
        const close = closestString(unknown.field, unknown.known);
        reports.push({
          messageId: 'unknownField',
          data: { field: unknown.field, parent: where(unknown.path.slice(0, -1)), hint: close ? ` (did you mean "${close}"?)` : '', via: '' },
          path: unknown.path,
          atKey: true,
        });
      }
      return onePerField(reports);
    }
    const crd = crdFor(index, apiVersion, kind);
    if (crd.found === 'version') {
      // A version the CRD does not serve is deprecated-api's finding.
      if (!crd.version.served || !crd.version.schema) return reports;
      const result = validateStructural(crd.version.schema, object.object);
      const keep = (errors: SchemaError[]) => errors.filter((e) => options.unknownFields || e.keyword !== 'additionalProperties');
      let found = errorReports(keep(result.errors), '', object.object);
      // Copies of the CRD with other schemas (several releases side by side): the cluster runs whichever is
      // applied, so only what every copy rejects is certain.
      const schemas = servingSchemas(index, apiVersion, kind);
      for (const other of schemas.slice(1)) {
        if (found.length === 0) break;
        if (!other.schema) {
          found = [];
          break;
        }
        const theirs = new Set(errorReports(keep(validateStructural(other.schema, object.object).errors), '', object.object).map(reportKey));
        found = found.filter((r) => theirs.has(reportKey(r)));
      }
      let via = '';
      if (schemas.length > 1) {
        const files = schemas.map((v) => index.fileOf(v.crd));
        const shown = files.slice(0, 3).join(', ') + (files.length > 3 ? ` and ${files.length - 3} more` : '');
        via = ` (every copy of CustomResourceDefinition ${crd.version.name} in the tree rejects it: ${shown})`;
      } else if (crd.version.copies > 1) {
        via = ` (schema of CustomResourceDefinition ${crd.version.name} in ${index.fileOf(crd.version.crd)})`;
      }
      for (const r of found) reports.push({ ...r, data: { ...r.data, via } });
      if (result.celSkipped > 0 && firstCelSkip(index, crd.version.crd)) {
        reports.push({ messageId: 'celSkipped', data: { count: result.celSkipped, crd: crd.version.name }, path: ['kind'], maxSeverity: 'info' });
      }
      return reports;
    }
    if (crd.found === 'noVersion') return reports; // deprecated-api: the CRD does not define this version
    const missing = explainMissingSchema(apiVersion, kind);
    if (missing.type === 'wrongApiVersion') {
      const expected = missing.apiVersions.map((v) => `"${v}"`).join(' or ');
      return [...reports, { messageId: 'wrongApiVersion', data: { kind, apiVersion, expected }, path: ['apiVersion'] }];
    }
    if (missing.type === 'unknownKind') {
      const close = closestString(kind, missing.kinds);
      return [...reports, { messageId: 'unknownKindInGroup', data: { kind, apiVersion, hint: close ? ` (did you mean "${close}"?)` : '' }, path: ['kind'] }];
    }
    if (!options.reportUnknownKinds || apiVersionChange(apiVersion, kind)) return reports;
    // One finding per apiVersion/kind: on the first object of it in load order.
    if (firstOfKind(index, apiVersion, kind) !== object.id) return reports;
    return [...reports, { messageId: 'unknownKind', data: { kind, apiVersion }, path: ['kind'], maxSeverity: 'info' }];
  },
});

/** Per run: the CRDs whose unevaluated CEL rules were already reported (one info per CRD). */
const celReported = new WeakMap<ResourceIndex, Set<number>>();

function firstCelSkip(index: ResourceIndex, crd: LoadedObject): boolean {
  let seen = celReported.get(index);
  if (!seen) celReported.set(index, (seen = new Set()));
  if (seen.has(crd.id)) return false;
  seen.add(crd.id);
  return true;
}

/**
 * Copies of one CRD whose schemas differ: one `info` per CRD, on the first copy that differs from an earlier
 * one. Side-by-side release bundles (install/v0.10/, install/v0.15/) are never applied together, so the
 * difference is no fault of the manifests; it only says which copy mllint checks custom resources against.
 */
function crdCopyReports(index: ResourceIndex, crd: LoadedObject): Report[] {
  const conflict = firstDisagreement(index, crd);
  if (!conflict) return [];
  return [{
    messageId: 'crdCopiesDisagree',
    data: { name: crd.name, file: index.fileOf(conflict.other), version: conflict.version, copies: conflict.copies },
    path: ['spec', 'versions'],
    maxSeverity: 'info',
  }];
}

/** What a report says, without where the schema came from: equal keys are the same problem under two schemas. */
function reportKey(report: Report): string {
  const { via: _via, ...data } = (report.data ?? {}) as Record<string, unknown>;
  return `${report.messageId}\u0000${JSON.stringify(report.path)}\u0000${JSON.stringify(data)}`;
}

/** Per run (per index): the id of the first object of each apiVersion/kind, computed once per kind. */
const firstIds = new WeakMap<ResourceIndex, Map<string, number>>();

function firstOfKind(index: ResourceIndex, apiVersion: string, kind: string): number | undefined {
  let firsts = firstIds.get(index);
  if (!firsts) firstIds.set(index, (firsts = new Map()));
  if (!firsts.has(kind)) {
    for (const o of index.byKind(kind)) if (!firsts.has(`${o.apiVersion}\u0000${kind}`)) firsts.set(`${o.apiVersion}\u0000${kind}`, o.id);
    firsts.set(kind, -1);
  }
  return firsts.get(`${apiVersion}\u0000${kind}`);
}

/**
 * A `format: byte` error on a string that is base64 once line breaks are removed: the API server decodes
 * with Go's encoding/base64, which skips `\r` and `\n`, so wrapped base64 (PEM-style, 60/76 columns) is valid.
 */
function isWrappedBase64(error: SchemaError, object: unknown): boolean {
  if (error.keyword !== 'format' || error.params.format !== 'byte') return false;
  const value = getAt(object, error.path);
  if (typeof value !== 'string') return false;
  const joined = value.replace(/[\r\n]/g, '');
  return joined.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(joined);
}

/**
 * One finding per field: where the OpenAPI schema already rejects a value (a type or format the API server
 * cannot even decode, such as targetPort 1.5), the API server's validation rule on the same field is dropped.
 */
function onePerField(reports: Report[]): Report[] {
  const schemaRejected = new Set(reports.filter((r) => r.messageId === 'invalid').map((r) => JSON.stringify(r.path)));
  if (schemaRejected.size === 0) return reports;
  return reports.filter((r) => r.messageId !== 'apiRule' || !schemaRejected.has(JSON.stringify(r.path)));
}

/** Keywords that only say "no branch matched" (or that the value has another branch's type). */
const COMBINATOR_NOISE = new Set(['type', 'anyOf', 'oneOf']);

function where(path: readonly PathSegment[]): string {
  return path.length === 0 ? 'the object' : renderPath(path);
}

/**
 * ajv errors as reports: one per place. Where a value fails an `anyOf`/`oneOf` (int-or-string and quantity
 * fields), the branches' errors become one report: when the value has the type of a branch but fails that
 * branch's format, pattern or bounds (`"2GB"` for a quantity), that error; else "must be integer or string".
 */
function errorReports(errors: SchemaError[], via: string, root: unknown): Report[] {
  const byPlace = new Map<string, SchemaError[]>();
  for (const error of errors) {
    const key = JSON.stringify(error.path);
    const list = byPlace.get(key);
    if (list) list.push(error);
    else byPlace.set(key, [error]);
  }
  const reports: Report[] = [];
  const seen = new Set<string>();
  for (const list of byPlace.values()) {
    const combinator = list.some((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
    const types = list.filter((e) => e.keyword === 'type').map((e) => String(e.params.type));
    // Under a combinator, an error other than a type mismatch comes from the branch whose type the value has:
    // it says what is wrong; the other branches' type errors and the combinator's own error would only repeat it.
    const branchSpecific = combinator && list.some((e) => !COMBINATOR_NOISE.has(e.keyword));
    // Without a combinator, a value of the wrong type fails its format and bounds too: the type says it all.
    const wrongType = !combinator && types.length > 0;
    for (const error of list) {
      if (branchSpecific && COMBINATOR_NOISE.has(error.keyword)) continue;
      if (wrongType && error.keyword !== 'type') continue;
      if (types.length > 0 && error.keyword === 'enum') continue; // "must be string" says it already
      let report: Report;
      if (error.keyword === 'required') {
        const field = String(error.params.missingProperty);
        report = { messageId: 'required', data: { parent: where(error.path), field, via }, path: [...error.path, field] };
      } else if (combinator && error.keyword === 'type') {
        continue; // folded into the anyOf/oneOf report
      } else if (error.keyword === 'anyOf' || error.keyword === 'oneOf') {
        const problem = types.length > 0 ? `must be ${[...new Set(types)].join(' or ')}` : 'does not match any allowed form';
        report = { messageId: 'invalid', data: { field: where(error.path), problem, via }, path: error.path };
      } else if (error.keyword === 'enum' && Array.isArray(error.params.allowedValues)) {
        const allowed = (error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ');
        report = { messageId: 'invalid', data: { field: where(error.path), problem: `must be one of ${allowed}`, via }, path: error.path };
      } else if (error.keyword === 'additionalProperties' && typeof error.params.additionalProperty === 'string') {
        const field = error.params.additionalProperty;
        const known = Array.isArray(error.params.known) ? (error.params.known as string[]) : [];
        const close = closestString(field, known);
        const hint = close ? ` (did you mean "${close}"?)` : '';
        report = { messageId: 'unknownField', data: { field, parent: where(error.path), hint, via }, path: [...error.path, field], atKey: true };
      } else if (error.keyword === 'format' && (error.params.format === 'int32' || error.params.format === 'int64')) {
        report = { messageId: 'invalid', data: { field: where(error.path), problem: `must be a whole number (${String(error.params.format)})`, via }, path: error.path };
      } else if (error.keyword === 'format' && error.params.format === 'quantity') {
        const value = JSON.stringify(getAt(root, error.path));
        report = { messageId: 'invalid', data: { field: where(error.path), problem: `is ${value}, which is not a Kubernetes quantity (such as 500m, 1.5, 2Gi or 2G)`, via }, path: error.path };
      } else {
        report = { messageId: 'invalid', data: { field: where(error.path), problem: error.message, via }, path: error.path };
      }
      const key = `${report.messageId}\u0000${JSON.stringify(report.data)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      reports.push(report);
    }
  }
  return reports;
}

/** The API server rules as markdown, for `mllint explain schema-valid` and docs/rules.md. */
function renderApiChecks(): string {
  return [
    'The API server\'s static validation rules (kubernetes/kubernetes v1.34):',
    '',
    '| rule | severity | what | source |',
    '|---|---|---|---|',
    ...Object.entries(API_CHECKS).map(([id, c]) => `| \`${id}\` | ${c.severity} | ${c.rule.replace(/\|/g, '\\|')} | ${c.reference.replace(/\|/g, '\\|')} |`),
  ].join('\n');
}
