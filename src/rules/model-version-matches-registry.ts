import { defineRule, type Report } from './define-rule.js';
import { CONTAINER_TYPE_LABEL, WORKLOAD_KINDS } from '../engine/extract.js';
import { modelOf, registryVersionFor } from '../engine/models.js';
import { namespaceOf } from '../engine/context.js';
import { parseImageRef, type ImageRef } from './utils/image-ref.js';
import type { ImageFact } from '../engine/settings.js';

export interface ModelVersionMatchesRegistryOptions {
  reportMutableReferences: boolean;
  reportUnknownModels: boolean;
}

export default defineRule<ModelVersionMatchesRegistryOptions>({
  meta: {
    id: 'model-version-matches-registry',
    severity: 'error',
    recommended: true,
    description: 'A workload must serve the model version (and image) the registry has for its namespace\'s stage',
    kinds: WORKLOAD_KINDS,
    remediation: 'Deploy the version the registry has for this stage, or promote the version in the registry first.',
    docs: {
      why:
        'A release promotes model v4 to production in the registry, but the GitOps repo still pins v3 (or the ' +
        'other way round: v4 reaches production before it was promoted). Nothing fails: the pods start, serve ' +
        'and report healthy, with the wrong model. An image built for another version serves yet another one. ' +
        'And `models:/M@champion` or `models:/M/Production` in `MODEL_URI` is resolved when the pod starts, so ' +
        'replicas started on different days serve different models and a rollback brings nothing back.',
      checks:
        'For every workload that serves a model (annotation `mllint.io/model`, env `MODEL_NAME` or `MODEL_URI`; ' +
        'see "Model metadata" in the README), with a registry file (`registry.file` in the config or `--registry`): ' +
        'the namespace is mapped to a stage (config `registry.stageByNamespace`; by default namespaces containing ' +
        '`staging` → `staging`, all others → `production`), and the declared version (annotation ' +
        '`mllint.io/model-version`, env `MODEL_VERSION`, or the version in `MODEL_URI`) must be the version the ' +
        'registry has for that stage. A workload serving an artifact URI instead (`runs:/<run_id>/model`, ' +
        '`mlflow-artifacts:/<experiment>/<run_id>/artifacts/model`, `models:/m-<id>`, or a store URI of that layout) ' +
        'serves the version registered from it (the version whose `source` is that URI or logged model, else the ' +
        'one version of that run), found in MLflow with `model-versions/search` or in the registry file\'s `source`/' +
        '`runId`; a URI no single version was registered from is not judged. A workload that declares no version is reported too, unless it runs exactly ' +
        'the image registered for that version (which then says what it serves). When the registry ' +
        'lists an `image` for the version the workload serves, every container running an image of the same ' +
        'repository must use exactly that tag (or digest). With image checks on (`--check-images`), both images are ' +
        'also compared by digest as their registry resolves them: the same build under another tag is the registered ' +
        'image (no finding), and a deployed digest (or tag) that resolves to another build than the registered image ' +
        'is `imageDigestMismatch` — an error when the registered image is pinned by digest, a warning when it is a ' +
        'tag (which may have been re-pushed since the version was registered); a single-platform manifest against a ' +
        'multi-platform index is not judged. These findings have the rule\'s severity (default ' +
        '`error`).\n\n' +
        'Three kinds of finding are doubtful rather than wrong, so they are reported as **warnings** even though ' +
        'the rule is an error (a rule set lower, e.g. to `info`, lowers them too), each with its own message id: ' +
        '`mutableReference` — `MODEL_URI` names an alias (`models:/M@champion`) or a stage (`models:/M/Production`) ' +
        'instead of a version (checked even without a registry file; option `reportMutableReferences`); ' +
        '`unknownModel` — the registry does not know the model; `stageNotInRegistry` — the registry has no version ' +
        'for the stage (both: option `reportUnknownModels`).',
      fix:
        'Set `mllint.io/model-version` (or `MODEL_VERSION`, or `models:/M/<version>`) to the registry\'s version for ' +
        'the stage and the image to the one registered for it; if the manifest is right, update the registry first ' +
        '(and refresh the snapshot). Replace aliases and stages in `MODEL_URI` by a version number.',
      examples: {
        incorrect: `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml-serving-prod }
spec:
  selector: { matchLabels: { app: scorer } }
  template:
    metadata: { labels: { app: scorer } }
    spec:
      containers:
        - name: scorer
          image: registry.example.com/ml/fraud-scorer:3.0.1
          env:
            - name: MODEL_URI
              value: models:/fraud-detector@champion
`,
        correct: `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml-serving-prod }
spec:
  selector: { matchLabels: { app: scorer } }
  template:
    metadata: { labels: { app: scorer } }
    spec:
      containers:
        - name: scorer
          image: registry.example.com/ml/fraud-scorer:3.0.1
          env:
            - name: MODEL_URI
              value: models:/fraud-detector/3
`,
      },
    },
    needs: ['registry'],
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        reportMutableReferences: {
          type: 'boolean',
          description: 'Warn when `MODEL_URI` names an alias or a stage instead of a version.',
        },
        reportUnknownModels: {
          type: 'boolean',
          description: 'Warn when the registry does not know the model, or has no version for the workload\'s stage.',
        },
      },
    },
    defaultOptions: { reportMutableReferences: true, reportUnknownModels: true },
    messages: {
      versionMismatch:
        'serves model "{{model}}" version {{declared}}, but the registry\'s {{stage}} version is {{expected}} (namespace "{{namespace}}" deploys stage {{stage}})',
      versionMissing:
        'serves model "{{model}}" without declaring a version; the registry\'s {{stage}} version is {{expected}} (set mllint.io/model-version or MODEL_VERSION)',
      imageMismatch:
        '{{type}} "{{container}}" runs image "{{image}}", but the registry\'s image for model "{{model}}" version {{version}} is "{{registered}}"',
      imageDigestMismatch:
        '{{type}} "{{container}}" runs image "{{image}}" ({{have}}), but the registry\'s image for model "{{model}}" version {{version}}, "{{registered}}", is {{want}} in {{imageRegistry}}: another build',
      mutableReference:
        '{{field}} "{{uri}}" names the {{kind}} "{{reference}}" instead of a version; the model served changes whenever the registry moves it',
      mutableReferenceResolved:
        '{{field}} "{{uri}}" names the {{kind}} "{{reference}}" instead of a version; the model served changes whenever the registry moves it (it is version {{resolved}} now in {{registry}})',
      aliasMismatch:
        'serves model "{{model}}" version {{declared}}, but {{model}}@{{stage}} is version {{expected}} in {{registry}} (namespace "{{namespace}}" deploys alias {{stage}})',
      aliasVersionMissing:
        'serves model "{{model}}" without declaring a version; {{model}}@{{stage}} is version {{expected}} in {{registry}} (set mllint.io/model-version or MODEL_VERSION)',
      aliasNotInRegistry: 'serves model "{{model}}" with alias {{stage}} (namespace "{{namespace}}"), but {{registry}} has no alias {{stage}} for it',
      unknownModel: 'serves model "{{model}}", which the model registry ({{registry}}) does not know',
      stageNotInRegistry: 'serves model "{{model}}" in stage {{stage}} (namespace "{{namespace}}"), but the model registry has no {{stage}} version of it',
    },
  },

  check({ object, template, options, settings }) {
    const info = modelOf(object, template, settings);
    if (!info) return [];
    const reports: Report[] = [];
    const model = info.name.value;
    const namespace = namespaceOf(object);
    const namePath = info.name.path ?? ['metadata'];

    const registry = settings.registry;
    const registered = registry && Object.prototype.hasOwnProperty.call(registry.models, model) ? registry.models[model] : undefined;

    if (info.uri && info.uri.reference.kind !== 'version' && options.reportMutableReferences) {
      const uri = info.uri;
      const resolved = registered && uri.model === model ? registryVersionFor(registered, { kind: uri.reference.kind as 'alias' | 'stage', value: uri.reference.value }) : undefined;
      const data = { field: uri.field, uri: `models:/${uri.model}${uri.reference.kind === 'alias' ? '@' : '/'}${uri.reference.value}`, kind: uri.reference.kind, reference: uri.reference.value };
      reports.push({
        messageId: resolved !== undefined ? 'mutableReferenceResolved' : 'mutableReference',
        data: resolved !== undefined ? { ...data, resolved, registry: registry!.file } : data,
        path: uri.path,
        maxSeverity: 'warning',
        fix: `Pin a version: models:/${uri.model}/${resolved ?? '<version>'}.`,
      });
    }

    if (!registry) return reports;
    if (!registered) {
      if (options.reportUnknownModels) {
        reports.push({ messageId: 'unknownModel', data: { model, registry: registry.file }, path: namePath, maxSeverity: 'warning', fix: 'Check the model name, or refresh the registry snapshot.' });
      }
      return reports;
    }

    // The image registered for the version the workload serves (declared, else the stage's).
    const served = info.registryVersion;
    const registeredImage = served?.entry.image;
    const imageReports: Report[] = [];
    let runsRegisteredImage = false;
    if (served && registeredImage && template) {
      const want = parseImageRef(registeredImage);
      for (const ref of template.containers) {
        const image = ref.container.image;
        if (typeof image !== 'string' || image.trim() === '') continue;
        const have = parseImageRef(image);
        if (normaliseRepository(have.repository) !== normaliseRepository(want.repository)) continue;
        // As written; then, with image checks on, by digest as the image registry resolves them (the same
        // build under another tag is the registered image; a tag that names another build is not).
        const written = compareImages(have, want);
        const resolved = settings.images && (want.tag || want.digest) ? compareDigests(image, have, registeredImage, want, settings.images) : undefined;
        const match = resolved && resolved.match !== 'unknown' ? resolved.match : written;
        if (match === 'same') runsRegisteredImage = true;
        if (match === 'different' && written !== 'different' && resolved) {
          // Known only from the image registry: a registered tag may have been re-pushed since the version
          // was registered, so only a registered digest makes this certain.
          imageReports.push({
            messageId: 'imageDigestMismatch',
            data: { type: CONTAINER_TYPE_LABEL[ref.type], container: ref.name, image, model, version: served.version, registered: registeredImage, have: resolved.have, want: resolved.want, imageRegistry: resolved.registry },
            path: [...ref.path, 'image'],
            fix: `Use image ${registeredImage}${want.digest ? '' : ` (now ${resolved.want})`}, the one registered for version ${served.version}.`,
            ...(want.digest ? {} : { maxSeverity: 'warning' as const }),
          });
        } else if (match === 'different') {
          imageReports.push({
            messageId: 'imageMismatch',
            data: { type: CONTAINER_TYPE_LABEL[ref.type], container: ref.name, image, model, version: served.version, registered: registeredImage },
            path: [...ref.path, 'image'],
            fix: `Use image ${registeredImage}, the one registered for version ${served.version}.`,
          });
        }
      }
    }

    const stage = info.stage;
    const byAlias = info.target.kind === 'alias';
    const expected = registryVersionFor(registered, info.target);
    if (expected === undefined) {
      if (options.reportUnknownModels) {
        reports.push({ messageId: byAlias ? 'aliasNotInRegistry' : 'stageNotInRegistry', data: { model, stage, namespace, registry: registry.file }, path: namePath, maxSeverity: 'warning' });
      }
    } else {
      const data = { model, stage, expected, namespace, registry: registry.file };
      const mismatch = byAlias ? 'aliasMismatch' : 'versionMismatch';
      const fix = byAlias
        ? `Serve version ${expected} (${model}@${stage}), or move the alias in the registry first.`
        : `Serve version ${expected} (the registry's ${stage} version), or promote the version in the registry first.`;
      if (info.version) {
        if (!sameVersion(info.version.value, expected)) {
          // A version read from an artifact URI says so: the manifest names a run or a path, not the number.
          const fromArtifact = info.artifact && info.version.source === 'uri' ? ` (the version registered from ${info.artifact.field} "${info.artifact.uri}")` : '';
          reports.push({ messageId: mismatch, data: { ...data, declared: `${info.version.value}${fromArtifact}` }, path: info.version.path ?? namePath, fix });
        }
        // A model URI version that contradicts the declared one is a second, separate mistake.
        const uri = info.uri;
        if (uri && uri.reference.kind === 'version' && info.version.source !== 'uri' && !sameVersion(uri.reference.value, expected)) {
          reports.push({ messageId: mismatch, data: { ...data, declared: uri.reference.value }, path: uri.path, fix });
        }
      } else if ((!info.uri || info.uri.reference.kind === 'version') && !runsRegisteredImage) {
        // No version declared; running exactly the image registered for the stage's version says which one it is.
        reports.push({ messageId: byAlias ? 'aliasVersionMissing' : 'versionMissing', data, path: namePath, fix: `Declare the version: mllint.io/model-version: "${expected}".` });
      }
    }
    reports.push(...imageReports);
    return reports;
  },
});

function sameVersion(a: string, b: string): boolean {
  const norm = (v: string) => v.trim().replace(/^v(?=\d)/i, '');
  return norm(a) === norm(b);
}

/** `docker.io/library/nginx` and `nginx` are the same repository. */
function normaliseRepository(repository: string): string {
  return repository.replace(/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '').replace(/^library\//, '');
}

/**
 * With image facts (`--check-images`): the deployed and the registered image compared by digest, each
 * written or resolved by its registry. Undefined when a digest is unknown on either side; `unknown` when one
 * is a multi-platform index and the other a single manifest (the manifest may be one of the index's).
 */
function compareDigests(
  image: string,
  have: ImageRef,
  registeredImage: string,
  want: ImageRef,
  facts: Record<string, ImageFact>,
): { match: 'same' | 'different' | 'unknown'; have: string; want: string; registry: string } | undefined {
  const haveFact = Object.prototype.hasOwnProperty.call(facts, image) ? facts[image] : undefined;
  const wantFact = Object.prototype.hasOwnProperty.call(facts, registeredImage) ? facts[registeredImage] : undefined;
  const haveDigest = have.digest ?? (haveFact?.found ? haveFact.digest : undefined);
  const wantDigest = want.digest ?? (wantFact?.found ? wantFact.digest : undefined);
  if (!haveDigest || !wantDigest) return undefined;
  const registry = wantFact?.registry ?? haveFact?.registry ?? 'its registry';
  const short = (d: string) => d.slice(0, 'sha256:'.length + 12);
  if (haveDigest === wantDigest) return { match: 'same', have: short(haveDigest), want: short(wantDigest), registry };
  // Whether each digest is an index: a written digest's kind is known from its own lookup.
  const haveIndex = have.digest ? (have.tag ? haveFact?.pinnedIndex : haveFact?.index) : haveFact?.index;
  const wantIndex = want.digest ? (want.tag ? wantFact?.pinnedIndex : wantFact?.index) : wantFact?.index;
  if (haveIndex === undefined || wantIndex === undefined || haveIndex !== wantIndex) return { match: 'unknown', have: short(haveDigest), want: short(wantDigest), registry };
  return { match: 'different', have: short(haveDigest), want: short(wantDigest), registry };
}

/**
 * Whether an image is the registered one: digests are compared when both have one, else tags. An image
 * pinned only by digest cannot be checked against a registered tag statically: `unknown`, accepted.
 */
function compareImages(have: ImageRef, want: ImageRef): 'same' | 'different' | 'unknown' {
  if (!want.tag && !want.digest) return 'unknown'; // registered without a tag: nothing to compare
  if (have.digest && want.digest) return have.digest === want.digest ? 'same' : 'different';
  if (want.tag && have.tag) return have.tag === want.tag ? 'same' : 'different';
  if (want.digest) return 'different'; // registered by digest; the image has only a tag (or nothing)
  if (want.tag && have.digest) return 'unknown';
  return 'different'; // registered with a tag; the image has none
}
