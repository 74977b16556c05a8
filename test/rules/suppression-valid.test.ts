/**
 * suppression-valid (an engine rule: it needs every rule's results on the object): unknown ids in
 * mllint.io/ignore, ids that silenced nothing, and (option) a missing mllint.io/ignore-reason.
 */
import { describe, expect, it } from 'vitest';
import { lintText } from '../../src/api.js';
import { emptyConfig } from '../../src/config/load.js';
import { BROKEN_IMAGE, BROKEN_POD } from '../helpers.js';

const withIgnore = (ignore: string, extra = '') => BROKEN_POD.replace('  namespace: ml\n', `  namespace: ml\n  annotations:\n    mllint.io/ignore: "${ignore}"\n${extra}`);
const findings = (yaml: string, options?: Record<string, unknown>) => {
  const config = emptyConfig(process.cwd());
  if (options) config.rules['suppression-valid'] = { options };
  return lintText(yaml, { config }).findings.filter((f) => f.ruleId === 'suppression-valid' || f.ruleId === 'image-pinned');
};

describe('suppression-valid', () => {
  it('a used suppression is silent, and the finding is counted as suppressed', () => {
    const result = lintText(withIgnore('image-pinned'));
    expect(result.findings.filter((f) => f.ruleId === 'suppression-valid' || f.ruleId === 'image-pinned')).toEqual([]);
    expect(result.summary.suppressed).toBe(1);
  });

  it('an unknown id is a warning at the annotation, with the closest rule; the real finding stays', () => {
    const out = findings(withIgnore('image-pined'));
    expect(out.map((f) => [f.ruleId, f.severity, f.line])).toEqual([
      ['suppression-valid', 'warning', 7],
      ['image-pinned', 'error', 11],
    ]);
    expect(out[0].message).toBe('mllint.io/ignore names "image-pined", which is no rule or policy (did you mean "image-pinned"?): it silences nothing');
    expect(out[0].path).toBe('metadata.annotations["mllint.io/ignore"]');
  });

  it('an id whose rule ran and found nothing is an unused suppression (info); rules that did not run are not judged', () => {
    const out = findings(withIgnore('image-pinned, probes-present, cronjob-schedule-valid'));
    expect(out.map((f) => [f.severity, f.message])).toEqual([['info', 'mllint.io/ignore: "probes-present" silenced nothing on this object; remove it']]);
    expect(findings(withIgnore('all'))).toEqual([]);
    const cleanPod = withIgnore('all').replace(BROKEN_IMAGE, 'scorer:1.0.0');
    expect(findings(cleanPod).map((f) => f.message)).toEqual(['mllint.io/ignore: "all" silenced nothing on this object; remove it']);
  });

  it('with requireReason, an ignore without mllint.io/ignore-reason is a finding; with one it is not', () => {
    expect(findings(withIgnore('image-pinned'), { requireReason: true }).map((f) => f.message)).toEqual([
      'mllint.io/ignore without mllint.io/ignore-reason: say why image-pinned is silenced here',
    ]);
    expect(findings(withIgnore('image-pinned', '    mllint.io/ignore-reason: "sandbox image, rebuilt on every push"\n'), { requireReason: true })).toEqual([]);
  });

  it('reads pod template annotations too', () => {
    const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: { name: d, namespace: ml }
spec:
  replicas: 1
  selector: { matchLabels: { app: d } }
  template:
    metadata:
      labels: { app: d }
      annotations: { mllint.io/ignore: "probes-presnt" }
    spec:
      containers: [{ name: c, image: "c:1.0.0" }]
`;
    const out = lintText(deployment).findings.filter((f) => f.ruleId === 'suppression-valid');
    expect(out.map((f) => [f.line, f.path])).toEqual([[10, 'spec.template.metadata.annotations["mllint.io/ignore"]']]);
  });
});
