import { defineRule, type Report } from './define-rule.js';
import { CONTAINER_TYPE_LABEL, WORKLOAD_KINDS } from '../engine/extract.js';
import { parseImageRef } from './utils/image-ref.js';

const DIGEST_A = 'sha256:1111111111111111111111111111111111111111111111111111111111111111';

/** Facts from the image registries (`--check-images` / `registries.check`), resolved before rules run. */
export default defineRule<Record<string, never>>({
  meta: {
    id: 'image-matches-registry',
    severity: 'error',
    recommended: true,
    description: 'With image checks on, every image must exist in its registry, and a tag pinned with a digest must still point at it',
    kinds: WORKLOAD_KINDS,
    partialTemplates: true,
    remediation: 'Push the image, fix the tag, or re-pin the digest the tag points at now.',
    docs: {
      why:
        'A tag that was never pushed (a typo, a CI job that failed, a version bumped in the manifest before the ' +
        'build finished) passes every static check and fails only on the node: ImagePullBackOff, the rollout ' +
        'stalls, and for a model server the new version never serves. An image written as `repo:tag@sha256:…` ' +
        'runs the digest; when the tag has since moved to another build, the tag in the manifest names something ' +
        'the pods do not run.',
      checks:
        'Only with image checks on (`--check-images` or `registries.check: true`; `--offline` turns them off). ' +
        'Each image of each container is resolved with its registry\'s OCI distribution API (`HEAD ' +
        '/v2/<name>/manifests/<tag>`, image indexes and manifest lists accepted; Docker Hub names normalised; ' +
        'credentials from `DOCKER_AUTH_CONFIG` or `~/.docker/config.json`). An image whose tag or digest the registry does not have is an ' +
        'error (`missing`); `repo:tag@digest` whose tag now points at another digest is a warning (`tagMoved`), ' +
        'and an error when the pinned digest itself is gone (`pinnedMissing`). A registry that cannot be asked is ' +
        'one `online-source-unavailable` warning and its images are not judged.',
      fix: 'Push the missing image or correct the tag; for a moved tag, pin the digest the tag has now (or keep the digest and fix the tag).',
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
          image: registry.example.com/ml/fraud-scorer:3.0.2
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
        settings: {
          images: {
            'registry.example.com/ml/fraud-scorer:3.0.2': { registry: 'https://registry.example.com', found: false },
            'registry.example.com/ml/fraud-scorer:3.0.1': { registry: 'https://registry.example.com', found: true, digest: DIGEST_A },
          },
        },
      },
    },
    needs: ['images'],
    optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
    defaultOptions: {},
    messages: {
      missing: '{{type}} "{{container}}" uses image "{{image}}", which {{registry}} does not have: pods will fail with ImagePullBackOff',
      tagMoved:
        '{{type}} "{{container}}" uses image "{{image}}", but tag {{tag}} now points at {{current}} in {{registry}}: the pods run the pinned digest, not what the tag names today',
      pinnedMissing: '{{type}} "{{container}}" uses image "{{image}}", whose pinned digest {{registry}} no longer has: pods will fail with ImagePullBackOff',
    },
  },

  check({ template, settings }) {
    const images = settings.images;
    if (!images || !template) return [];
    const reports: Report[] = [];
    for (const ref of template.containers) {
      const image = ref.container.image;
      if (typeof image !== 'string' || !Object.prototype.hasOwnProperty.call(images, image)) continue;
      const fact = images[image];
      const data = { type: CONTAINER_TYPE_LABEL[ref.type], container: ref.name, image, registry: fact.registry };
      const path = [...ref.path, 'image'];
      if (!fact.found) {
        reports.push({ messageId: 'missing', data, path });
        continue;
      }
      const written = parseImageRef(image);
      if (written.tag && written.digest) {
        if (fact.pinnedFound === false) reports.push({ messageId: 'pinnedMissing', data, path });
        else if (fact.digest && fact.digest !== written.digest) {
          reports.push({ messageId: 'tagMoved', data: { ...data, tag: written.tag, current: fact.digest }, path, maxSeverity: 'warning', fix: `Pin ${written.repository}:${written.tag}@${fact.digest}, or keep the digest and correct the tag.` });
        }
      }
    }
    return reports;
  },
});
