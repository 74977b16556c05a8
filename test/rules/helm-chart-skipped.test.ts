import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintPaths } from '../../src/api.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mllint-helm-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(rel: string, text: string) {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
}

describe('helm-chart-skipped', () => {
  write('charts/model-server/Chart.yaml', 'apiVersion: v2\nname: model-server\nversion: 1.0.0\n');
  write('charts/model-server/values.yaml', 'image:\n  tag: latest\n');
  write('charts/model-server/templates/deployment.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n');
  write('charts/model-server/templates/_helpers.tpl', '{{- define "x" -}}{{- end -}}\n');
  write('apps/plain.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: n }\n');

  it('skips templates/ with one info finding per chart and lints the rest (rendering off)', () => {
    const outcome = lintPaths(['.'], { cwd: dir, helm: 'off' });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const helm = outcome.result.findings.filter((f) => f.ruleId === 'helm-chart-skipped');
    expect(helm).toHaveLength(1);
    expect(helm[0]).toMatchObject({ severity: 'info', file: 'charts/model-server/templates', line: 1 });
    expect(helm[0].message).toContain('helm template model-server charts/model-server | mllint check -');
    expect(outcome.result.findings.filter((f) => f.ruleId === 'parse-error')).toEqual([]);
    expect(outcome.result.summary.resources).toBe(1);
  });
});
