import { defineRule, type Report } from './define-rule.js';
import type { PathSegment } from '../types.js';
import type { ResourceIndex } from '../engine/context.js';
import { renderPath } from '../engine/paths.js';
import { crdValidatorFor, explainMissingSchema, knownPropertiesAt, validateObject, validatorFor, type RawValidator, type SchemaError } from './utils/k8s-schemas.js';
import { isPlainObject } from '../loaders/objects.js';
import { closestString } from './utils/strings.js';

export interface SchemaValidOptions {
  unknownFields: boolean;
  ignoreKinds: string[];
  reportUnknownKinds: boolean;
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
        'API groups are checked against their CustomResourceDefinition when the linted tree contains it (the ' +
        'structural schema of the object\'s version: types, enums, required fields, patterns and unknown fields; ' +
        'not formats or CEL rules). Other kinds without a known schema (Argo, Istio, …) are skipped, with one `info` ' +
        'finding per apiVersion and kind (on its first object in load order; turn it off with `reportUnknownKinds`), ' +
        'and `ignoreKinds` skips kinds silently. Schemas load lazily: a kind\'s schema module is loaded when its first ' +
        'object is checked.',
      fix:
        'Correct the field as `kubectl explain <kind>.<field>` describes it: quote or unquote the value, fix the ' +
        'spelling of the key, add the required field. Check the apiVersion too: a field may exist only in a newer API version.',
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
        reportUnknownKinds: {
          type: 'boolean',
          description: 'Report once per apiVersion and kind, as `info`, that objects without a known schema were not checked.',
        },
      },
    },
    defaultOptions: { unknownFields: true, ignoreKinds: [], reportUnknownKinds: true },
    messages: {
      invalid: '{{field}} {{problem}}',
      required: '{{parent}} is missing the required field "{{field}}"',
      unknownField: 'unknown field "{{field}}" in {{parent}}{{hint}}; the API rejects it, or drops it when unknown fields are pruned',
      unknownKind: 'no schema is known for {{kind}} ({{apiVersion}}); objects of this kind are not schema-checked',
      wrongApiVersion: '{{kind}} is not served as "{{apiVersion}}"; use {{expected}}',
      unknownKindInGroup: '"{{apiVersion}}" has no kind "{{kind}}"{{hint}}; the API server rejects the object',
    },
  },

  check({ object, options, index }) {
    const { apiVersion, kind } = object;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || options.ignoreKinds.includes(kind)) return [];
    const validate = validatorFor(apiVersion, kind) ?? crdInTree(index, apiVersion, kind);
    if (!validate) {
      const missing = explainMissingSchema(apiVersion, kind);
      if (missing.type === 'wrongApiVersion') {
        const expected = missing.apiVersions.map((v) => `"${v}"`).join(' or ');
        return [{ messageId: 'wrongApiVersion', data: { kind, apiVersion, expected }, path: ['apiVersion'] }];
      }
      if (missing.type === 'unknownKind') {
        const close = closestString(kind, missing.kinds);
        return [{ messageId: 'unknownKindInGroup', data: { kind, apiVersion, hint: close ? ` (did you mean "${close}"?)` : '' }, path: ['kind'] }];
      }
      if (!options.reportUnknownKinds) return [];
      // One finding per apiVersion/kind: on the first object of it in load order.
      if (firstOfKind(index, apiVersion, kind) !== object.id) return [];
      return [{ messageId: 'unknownKind', data: { kind, apiVersion }, path: ['kind'], maxSeverity: 'info' }];
    }
    const { errors, unknownFields } = validateObject(validate, object.object, { unknownFields: options.unknownFields });
    const reports: Report[] = errorReports(errors, validate.schema);
    for (const unknown of unknownFields) {
      const close = closestString(unknown.field, unknown.known);
      reports.push({
        messageId: 'unknownField',
        data: { field: unknown.field, parent: where(unknown.path.slice(0, -1)), hint: close ? ` (did you mean "${close}"?)` : '' },
        path: unknown.path,
        atKey: true,
      });
    }
    return reports;
  },
});

/** Per run (per index): the CustomResourceDefinitions of the tree by group and kind. */
const crdsByIndex = new WeakMap<ResourceIndex, Map<string, Record<string, unknown>>>();

/** A validator from a CustomResourceDefinition in the linted tree that defines this group, kind and version. */
function crdInTree(index: ResourceIndex, apiVersion: string, kind: string): RawValidator | undefined {
  const slash = apiVersion.indexOf('/');
  if (slash === -1) return undefined;
  let crds = crdsByIndex.get(index);
  if (!crds) {
    crds = new Map();
    for (const crd of index.byKind('CustomResourceDefinition')) {
      const spec = crd.object.spec;
      if (!isPlainObject(spec) || !isPlainObject(spec.names)) continue;
      const key = `${String(spec.group)}\u0000${String(spec.names.kind)}`;
      if (!crds.has(key)) crds.set(key, crd.object);
    }
    crdsByIndex.set(index, crds);
  }
  const crd = crds.get(`${apiVersion.slice(0, slash)}\u0000${kind}`);
  return crd ? crdValidatorFor(crd, apiVersion.slice(slash + 1)) : undefined;
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

function where(path: readonly PathSegment[]): string {
  return path.length === 0 ? 'the object' : renderPath(path);
}

/**
 * ajv errors as reports: one per place. Where a value fails an `anyOf`/`oneOf` (int-or-string fields), the
 * branches' own type errors are folded into one "must be integer or string".
 */
function errorReports(errors: SchemaError[], schema: unknown): Report[] {
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
    for (const error of list) {
      if (types.length > 0 && error.keyword === 'enum') continue; // "must be string" says it already
      let report: Report;
      if (error.keyword === 'required') {
        const field = String(error.params.missingProperty);
        report = { messageId: 'required', data: { parent: where(error.path), field }, path: [...error.path, field] };
      } else if (combinator && error.keyword === 'type') {
        continue; // folded into the anyOf/oneOf report
      } else if (error.keyword === 'anyOf' || error.keyword === 'oneOf') {
        const problem = types.length > 0 ? `must be ${[...new Set(types)].join(' or ')}` : 'does not match any allowed form';
        report = { messageId: 'invalid', data: { field: where(error.path), problem }, path: error.path };
      } else if (error.keyword === 'enum' && Array.isArray(error.params.allowedValues)) {
        const allowed = (error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ');
        report = { messageId: 'invalid', data: { field: where(error.path), problem: `must be one of ${allowed}` }, path: error.path };
      } else if (error.keyword === 'additionalProperties' && typeof error.params.additionalProperty === 'string') {
        const field = error.params.additionalProperty;
        const close = closestString(field, knownPropertiesAt(schema, error.schemaPath));
        const hint = close ? ` (did you mean "${close}"?)` : '';
        report = { messageId: 'unknownField', data: { field, parent: where(error.path), hint }, path: [...error.path, field], atKey: true };
      } else {
        report = { messageId: 'invalid', data: { field: where(error.path), problem: error.message }, path: error.path };
      }
      const key = `${report.messageId}\u0000${JSON.stringify(report.data)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      reports.push(report);
    }
  }
  return reports;
}
