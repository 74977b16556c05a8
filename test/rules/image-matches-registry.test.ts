/** image-matches-registry on registry facts as the OCI source gives them (the real registry: test/sources/oci.test.ts). */
import rule from '../../src/rules/image-matches-registry.js';
import type { ImageFact } from '../../src/engine/settings.js';
import { ruleTester } from '../rule-tester.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const REG = 'https://registry.example.com';

/** A Deployment with one container running `image` (line 11). */
const deployment = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml }
spec:
  selector: { matchLabels: { app: scorer } }
  template:
    metadata: { labels: { app: scorer } }
    spec:
      containers:
        - name: scorer
          image: ${image}
`;
const facts = (images: Record<string, ImageFact>) => ({ images });

ruleTester(rule, {
  valid: [
    { name: 'no image checks: nothing is judged', yaml: deployment('registry.example.com/ml/x:9.9.9') },
    { name: 'the tag exists', yaml: deployment('registry.example.com/ml/x:1.0'), settings: facts({ 'registry.example.com/ml/x:1.0': { registry: REG, found: true, digest: A } }) },
    { name: 'tag@digest where the tag still points at the digest', yaml: deployment(`registry.example.com/ml/x:1.0@${A}`), settings: facts({ [`registry.example.com/ml/x:1.0@${A}`]: { registry: REG, found: true, digest: A, pinnedFound: true } }) },
    { name: 'an image the registry was not asked about (its registry failed)', yaml: deployment('other.example.com/x:1'), settings: facts({}) },
  ],
  invalid: [
    {
      name: 'a missing tag: error at the image',
      yaml: deployment('registry.example.com/ml/x:1.1'),
      settings: facts({ 'registry.example.com/ml/x:1.1': { registry: REG, found: false } }),
      errors: [{ messageId: 'missing', line: 11, severity: 'error', message: 'container "scorer" uses image "registry.example.com/ml/x:1.1", which https://registry.example.com does not have: pods will fail with ImagePullBackOff' }],
    },
    {
      name: 'the tag moved away from the pinned digest: a warning',
      yaml: deployment(`registry.example.com/ml/x:1.0@${A}`),
      settings: facts({ [`registry.example.com/ml/x:1.0@${A}`]: { registry: REG, found: true, digest: B, pinnedFound: true } }),
      errors: [{ messageId: 'tagMoved', line: 11, severity: 'warning' }],
    },
    {
      name: 'the pinned digest is gone: an error',
      yaml: deployment(`registry.example.com/ml/x:1.0@${A}`),
      settings: facts({ [`registry.example.com/ml/x:1.0@${A}`]: { registry: REG, found: true, digest: B, pinnedFound: false } }),
      errors: [{ messageId: 'pinnedMissing', line: 11, severity: 'error' }],
    },
  ],
});
