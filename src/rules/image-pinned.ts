import { defineRule, type Report } from './define-rule.js';
import { CONTAINER_TYPE_LABEL, WORKLOAD_KINDS } from '../engine/extract.js';
import { parseImageRef } from './utils/image-ref.js';

export interface ImagePinnedOptions {
  requireDigest: boolean;
  mutableTags: string[];
  allowedMutableTags: string[];
}

export default defineRule<ImagePinnedOptions>({
  meta: {
    id: 'image-pinned',
    severity: 'error',
    // A mutable tag does not make the pod fail; an unparsable digest does (InvalidImageName).
    findingSeverity: {
      noTag: { severity: 'warning', finding: 'no tag' },
      mutableTag: { severity: 'warning', finding: 'a mutable tag' },
      noDigest: { severity: 'warning', finding: 'no digest (requireDigest)' },
    },
    recommended: true,
    description: 'Images must name an immutable version: no missing tag, no `:latest`, optionally a digest',
    kinds: WORKLOAD_KINDS,
    partialTemplates: true,
    remediation: 'Use an immutable reference: a version tag such as model-server:3.0.1, or a digest (@sha256:…).',
    docs: {
      why:
        'An image without a tag, or with a mutable tag such as `:latest`, is resolved when each node pulls it. ' +
        'Pods of one Deployment then run different builds, a node restart silently upgrades the model server, ' +
        'and a rollback to "the previous manifest" does not bring the previous model back. For ML serving this ' +
        'is how the registry promotes model v3 while some replicas still serve v2.',
      checks:
        'Every container, init container and ephemeral container of every workload kind (Pod, Deployment, ' +
        'StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, KServe InferenceService): the image must have a tag ' +
        'or a digest, the tag must not be one of `mutableTags` (default `latest`) unless listed in ' +
        '`allowedMutableTags`, and with `requireDigest` it must carry a `@sha256:` digest. A digest that is not a full sha256/sha384/sha512 hex string ' +
        '(`@sha256:9f86d08`, copied truncated from a UI) is an error: the kubelet cannot parse the reference and the container never starts. ' +
        'A missing or mutable tag (and a missing digest) is a warning by default: the pod runs, but what it runs depends on when each ' +
        'node pulled. Set the rule\'s severity (`image-pinned: error`) to make every finding of it an error, e.g. to gate on `:latest`.',
      fix: 'Pin the image to a release tag (`fraud-scorer:3.0.1`) or, strictest, to a digest (`fraud-scorer@sha256:…`).',
      examples: {
        incorrect: `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml }
spec:
  selector: { matchLabels: { app: scorer } }
  template:
    metadata: { labels: { app: scorer } }
    spec:
      containers:
        - name: scorer
          image: registry.example.com/ml/fraud-scorer:latest
`,
        correct: `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml }
spec:
  selector: { matchLabels: { app: scorer } }
  template:
    metadata: { labels: { app: scorer } }
    spec:
      containers:
        - name: scorer
          image: registry.example.com/ml/fraud-scorer:3.0.1
`,
      },
    },
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        requireDigest: { type: 'boolean', description: 'Require an `@sha256:` digest on every image.' },
        mutableTags: {
          type: 'array',
          items: { type: 'string' },
          description: 'Tags treated like `latest` (e.g. `main`, `stable`, `dev`).',
        },
        allowedMutableTags: {
          type: 'array',
          items: { type: 'string' },
          description: 'Mutable tags accepted anyway (e.g. `latest` in a sandbox namespace via overrides).',
        },
      },
    },
    defaultOptions: { requireDigest: false, mutableTags: ['latest'], allowedMutableTags: [] },
    messages: {
      noTag: '{{type}} "{{container}}" uses image "{{image}}" with no tag, which means :latest; pin a version tag or digest',
      mutableTag: '{{type}} "{{container}}" uses image "{{image}}"; pin a version tag or digest',
      noDigest: '{{type}} "{{container}}" uses image "{{image}}" without a digest; requireDigest is on',
      badDigest:
        '{{type}} "{{container}}" uses image "{{image}}", whose digest is not a valid {{algorithm}} digest ({{expected}} lowercase hex digits); the kubelet cannot parse it and the container fails with InvalidImageName',
    },
  },

  check({ template, options }) {
    if (!template) return [];
    const reports: Report[] = [];
    for (const ref of template.containers) {
      const image = ref.container.image;
      if (typeof image !== 'string' || image.trim() === '') continue; // a missing image is schema-valid's finding
      const parsed = parseImageRef(image);
      const data = { type: CONTAINER_TYPE_LABEL[ref.type], container: ref.name, image };
      const path = [...ref.path, 'image'];
      // The whole repository, registry and namespace included: `vllm-openai:1.2.3` would pull another image than `vllm/vllm-openai:1.2.3`.
      const fix = `Use an immutable reference such as ${parsed.repository}:1.2.3 or ${parsed.repository}@sha256:…`;
      const digestError = parsed.digest ? malformedDigest(parsed.digest) : undefined;
      if (digestError) {
        reports.push({ messageId: 'badDigest', data: { ...data, ...digestError }, path, fix: 'Copy the full digest (`crane digest IMAGE` or `docker buildx imagetools inspect IMAGE`).' });
      } else if (!parsed.tag && !parsed.digest) {
        reports.push({ messageId: 'noTag', data, path, fix });
      } else if (
        parsed.tag &&
        !parsed.digest &&
        options.mutableTags.includes(parsed.tag) &&
        !options.allowedMutableTags.includes(parsed.tag)
      ) {
        reports.push({ messageId: 'mutableTag', data, path, fix });
      } else if (options.requireDigest && !parsed.digest) {
        reports.push({ messageId: 'noDigest', data, path, fix: `Append the digest: ${image}@sha256:…` });
      }
    }
    return reports;
  },
});

/** Hex digits of the digest algorithms the OCI image spec registers (other algorithms are not judged). */
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/**
 * Why a digest (`sha256:…`, the part after `@`) is malformed, or undefined when it is well-formed or uses an
 * algorithm this table does not know. Source: OCI image spec, descriptor.md "Digests".
 */
function malformedDigest(digest: string): { algorithm: string; expected: number } | undefined {
  const colon = digest.indexOf(':');
  const algorithm = colon === -1 ? digest : digest.slice(0, colon);
  const expected = DIGEST_HEX_LENGTH[algorithm.toLowerCase()];
  if (expected === undefined) return colon === -1 ? { algorithm: 'sha256', expected: 64 } : undefined;
  const hex = digest.slice(colon + 1);
  return new RegExp(`^[a-f0-9]{${expected}}$`).test(hex) ? undefined : { algorithm, expected };
}
