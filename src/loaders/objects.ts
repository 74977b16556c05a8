/**
 * File text → Kubernetes objects as plain data, plus problems as values (never exceptions).
 * This is the unit of work a parser worker can run: text in, structured-clonable data out.
 */
import type { K8sObject, Path } from '../types.js';
import { parseYamlDocuments, type ParsedDocument, type YamlProblem } from './yaml.js';
import { fastParseDocuments, rememberParsedFast, textDigest } from './fast-yaml.js';
import { isToolConfigDocument, isToolPodTemplate } from '../knowledge/tool-config-kinds.js';
import { internStrings, type StringPool } from './intern.js';

export interface ExtractedObject {
  docIndex: number;
  basePath: Path;
  object: K8sObject;
}

export interface LoadedText {
  objects: ExtractedObject[];
  /** Broken documents, as `parse-error` findings. */
  problems: YamlProblem[];
}

export function isK8sObject(value: unknown): value is K8sObject {
  if (!isPlainObject(value)) return false;
  return typeof value.apiVersion === 'string' && value.apiVersion !== '' && typeof value.kind === 'string' && value.kind !== '';
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Kustomizations, skaffold and kind configs, kubeconfigs, Spark pod templates, …: see knowledge/tool-config-kinds.ts. */
function isToolConfig(object: K8sObject): boolean {
  return isToolConfigDocument(object.apiVersion, object.kind) || isToolPodTemplate(object);
}

export function loadText(text: string): LoadedText {
  return loadTextWithDigest(text).loaded;
}

/**
 * `loadText`, plus the digest of the text when the fast path parsed it (see fast-yaml.ts). With a `pool`,
 * the objects' strings are the pool's (see intern.ts).
 */
export function loadTextWithDigest(text: string, pool?: StringPool): { loaded: LoadedText; fastDigest?: string } {
  // `replicas: {{.Replicas}}` parses (as a flow mapping) but is a template value, not a manifest's.
  const templateLine = unquotedTemplateLine(text);
  // (A file that does not parse and has template action lines is caught below, after parsing.)
  if (templateLine !== undefined) return { loaded: asTemplate({ objects: [], problems: [{ message: '', line: templateLine, column: 1, endLine: templateLine, endColumn: 1 }] }, GO_TEMPLATE_MESSAGE, text) };
  // The js-yaml fast path gives the same data as `yaml` for plain manifests (see fast-yaml.ts); anything
  // else, including every broken document and every half object (which needs its line), goes to `yaml`.
  const fast = fastParseDocuments(text);
  if (fast) {
    const loaded = loadValues(fast);
    if (loaded.problems.length === 0) {
      const fastDigest = textDigest(text);
      rememberParsedFast(fastDigest);
      // js-yaml's documents are trees (the fast path takes no anchors): no node is reached twice.
      if (pool) for (const extracted of loaded.objects) internStrings(extracted.object, pool, { tree: true });
      return { loaded, fastDigest };
    }
  }
  const loaded = fromDocuments(parseYamlDocuments(text));
  if (pool) for (const extracted of loaded.objects) internStrings(extracted.object, pool);
  if (loaded.problems.length === 0) return { loaded };
  if (text.includes('{{') && TEMPLATE_ACTION_LINE.test(text)) return { loaded: asTemplate(loaded, GO_TEMPLATE_MESSAGE, text) };
  if (text.includes('${') && INTERPOLATION_LINE.test(text)) return { loaded: asTemplate(loaded, INTERPOLATION_MESSAGE, text) };
  if (text.includes('%{') && DIRECTIVE_LINE.test(text)) return { loaded: asTemplate(loaded, INTERPOLATION_MESSAGE, text) };
  return { loaded };
}

/**
 * A line that is nothing but one `${ … }` interpolation (`${indent(4, yamlencode(labels))}`, `${EXTRA_ARGS}`):
 * a Terraform `templatefile()` or envsubst template that splices YAML text in, so the file is YAML only once
 * rendered. Source: developer.hashicorp.com/terraform/language/functions/templatefile (string templates:
 * interpolation `${ … }`, directives `%{ if … }`/`%{ for … }`/`%{ endif }`).
 */
const INTERPOLATION_LINE = /^[ \t]*(?:-[ \t]+)?\$\{[^}\n]*\}[ \t]*$/m;
/** A Terraform template directive line (`%{ if x }`, `%{~ for k, v in m ~}`, `%{ endfor }`). */
const DIRECTIVE_LINE = /^[ \t]*(?:-[ \t]+)?%\{~?[ \t]*(?:if|else|endif|for|endfor)\b/m;

const GO_TEMPLATE_MESSAGE = 'a Go template ({{ … }} actions), not YAML as written: not linted; lint what it renders to (helm template … | mllint check -)';
const INTERPOLATION_MESSAGE = 'a template (${ … } lines that splice YAML in, as Terraform templatefile or envsubst do), not YAML as written: not linted; lint what it renders to';

/**
 * A line that is a Go template action (`{{- with .Values.x }}`, `{{ toYaml . | nindent 4 }}`, `- {{ .X }}`): Helm
 * files kept outside a chart's `templates/` (`files/*-patch.yaml`), goreleaser and krew manifests. Actions inside
 * quoted values (`"{{ $labels.instance }}"`) and placeholders such as `{{model_name}}` do not count.
 */
const TEMPLATE_ACTION_LINE = /^[ \t]*(?:-[ \t]+)?\{\{-?[ \t]*(?:[.$]|(?:if|else|end|with|range|include|template|define|block|toYaml|tpl|printf|default|quote|indent|nindent)\b|\/\*)/m;

/** A Go template action written as a plain (unquoted) YAML value: `key: {{ .X }}` or `- {{ .X }}`. */
const UNQUOTED_TEMPLATE_VALUE = /^[ \t]*(?:-[ \t]+|[^\s#'"-][^#\n]*?:[ \t]+)\{\{-?[ \t]*(?:[.$]|(?:if|with|range|include|template|toYaml)\b)/m;

/** Helm's built-in objects in an action (`PREFIX{{ .Values.replicas }}`, `"{{ .Release.Namespace }}"`): only a Helm template says that. */
const HELM_OBJECT = /\{\{-?[^}\n]{0,200}?\.(?:Values|Release|Chart|Capabilities)\b/;

/**
 * The 1-based line of the first Go template action used as a plain YAML value, or naming Helm's objects, if any. YAML reads
 * `{{.Replicas}}` as a nested flow mapping, which no manifest means: the file is a template (clusterloader2,
 * goreleaser, Helm) even when it parses. Quoted actions (`"{{ $labels.instance }}"` in alert annotations,
 * Argo Workflows parameters) are values and do not count.
 */
function unquotedTemplateLine(text: string): number | undefined {
  if (!text.includes('{{')) return undefined;
  const match = UNQUOTED_TEMPLATE_VALUE.exec(text) ?? HELM_OBJECT.exec(text);
  if (!match) return undefined;
  let line = 1;
  for (let i = 0; i < match.index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * A file that does not parse and contains Go template actions (or whole-line `${ … }` interpolations, Terraform
 * directives) is a template, not a manifest: one `info`
 * problem instead of a parse error per broken document, and none of its documents is linted (those that
 * happen to parse hold template text, not values).
 */
/** (A template keeps at most 64 KiB of its text, copied so that a large file's text is not kept alive by a slice.) */
function asTemplate(loaded: LoadedText, message: string, text: string): LoadedText {
  const line = loaded.problems[0].line;
  return {
    objects: [],
    problems: [{
      message,
      line, column: 1, endLine: line, endColumn: 1, maxSeverity: 'info', template: true, templateText: text.length > 64 * 1024 ? Buffer.from(text.slice(0, 64 * 1024)).toString() : text,
    }],
  };
}

/** Already parsed documents (e.g. rendered output), as `loadText` would take them in. */
export function loadValues(values: unknown[]): LoadedText {
  return fromDocuments(values.map((value, index) => ({ index, value, errors: [], line: 0 })));
}

function fromDocuments(docs: Iterable<ParsedDocument>): LoadedText {
  const objects: ExtractedObject[] = [];
  const problems: YamlProblem[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      problems.push(...doc.errors);
      continue;
    }
    const value = doc.value;
    if (!isPlainObject(value)) continue; // empty, comment-only or scalar documents
    const halfObject = describeHalfObject(value);
    if (halfObject) {
      problems.push({ message: halfObject, line: doc.line, column: 1, endLine: doc.line, endColumn: 1 });
      continue;
    }
    if (!isK8sObject(value) || isToolConfig(value)) continue; // CI workflows, values.yaml, kustomizations
    if (isListKind(value)) {
      const items = (value as { items?: unknown }).items;
      if (!Array.isArray(items)) continue;
      items.forEach((item, i) => {
        if (isK8sObject(item)) objects.push({ docIndex: doc.index, basePath: ['items', i], object: item });
      });
      continue;
    }
    objects.push({ docIndex: doc.index, basePath: [], object: value });
  }
  return { objects, problems };
}

/** `kind: List`, `kind: DeploymentList`, … — what `kubectl get -o yaml` prints. */
export function isListKind(object: K8sObject): boolean {
  return object.kind.endsWith('List') && Array.isArray((object as { items?: unknown }).items);
}

/**
 * A document that is clearly meant as a Kubernetes object (it has `metadata`) but lacks `apiVersion`
 * or `kind` would be rejected by kubectl; anything else without them is simply not ours to lint.
 */
function describeHalfObject(value: Record<string, unknown>): string | undefined {
  if (!isPlainObject(value.metadata)) return undefined;
  const hasApiVersion = typeof value.apiVersion === 'string' && value.apiVersion !== '';
  const hasKind = typeof value.kind === 'string' && value.kind !== '';
  if (hasApiVersion && !hasKind) return 'object has apiVersion and metadata but no kind; kubectl would reject it';
  if (hasKind && !hasApiVersion) return 'object has kind and metadata but no apiVersion; kubectl would reject it';
  return undefined;
}
