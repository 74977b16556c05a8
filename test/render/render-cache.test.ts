/**
 * Helm renders cached by their inputs (like kustomize's, see test/loaders/kustomize.test.ts). Real helm; the program is wrapped (outside the
 * repository) only to count how often it runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { lintPaths } from '../../src/api.js';
import { treesRemovedAfterAll } from '../helpers.js';
import { describeHelm, helmExe } from './tools.js';

const tree = treesRemovedAfterAll();

const CHART = 'apiVersion: v2\nname: scorer\nversion: 0.1.0\n';
const VALUES = 'image:\n  tag: latest\nreplicas: 2\n';
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  namespace: ml
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: { app: scorer }
  template:
    metadata:
      labels: { app: scorer }
    spec:
      containers:
        - name: server
          image: "registry.example.com/scorer:{{ .Values.image.tag }}"
`;

/** A `helm` that appends a line to a log each time it runs, then runs the real one. */
function countingHelm(): { command: string; runs: () => number; exe: string } {
  const bin = tree({});
  const log = path.join(bin, 'runs.log');
  const exe = path.join(bin, 'helm');
  fs.writeFileSync(exe, `#!/bin/sh\necho run >> '${log}'\nexec '${fs.realpathSync(helmExe)}' "$@"\n`, { mode: 0o755 });
  return { command: exe, exe, runs: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0) };
}

describeHelm('render cache (real helm template)', () => {
  it('a chart is rendered again only when its files, its values or helm change', () => {
    const dir = tree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'charts/scorer/Chart.yaml': CHART,
      'charts/scorer/values.yaml': VALUES,
      'charts/scorer/templates/deployment.yaml': DEPLOYMENT,
    });
    const helm = countingHelm();
    const run = () => {
      const outcome = lintPaths(['.'], { cwd: dir, cache: true, helmCommand: helm.command });
      if (!outcome.ok) throw new Error(outcome.messages.join('\n'));
      return outcome.result.findings.filter((f) => f.ruleId === 'image-pinned').map((f) => `${f.file}:${f.line}`);
    };
    expect(run()).toEqual(['charts/scorer/values.yaml:2']); // the values line the tag comes from
    expect(helm.runs()).toBe(1);
    expect(fs.readdirSync(path.join(dir, '.mllint-cache')).filter((n) => n.startsWith('render-'))).toHaveLength(1);
    // Same inputs: the stored render is parsed and placed again, helm does not run.
    expect(run()).toEqual(['charts/scorer/values.yaml:2']);
    expect(helm.runs()).toBe(1);
    // A changed values byte renders again (and the finding goes away).
    fs.writeFileSync(path.join(dir, 'charts/scorer/values.yaml'), VALUES.replace('latest', '1.2.3'));
    expect(run()).toEqual([]);
    expect(helm.runs()).toBe(2);
    // A changed template too.
    fs.writeFileSync(path.join(dir, 'charts/scorer/templates/deployment.yaml'), DEPLOYMENT.replace('{{ .Values.image.tag }}', 'latest'));
    expect(run()).toEqual(['charts/scorer/templates/deployment.yaml:16']);
    expect(helm.runs()).toBe(3);
    expect(run()).toEqual(['charts/scorer/templates/deployment.yaml:16']);
    expect(helm.runs()).toBe(3);
    // Another helm (an upgrade: new modification time) is a new key.
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(helm.exe, later, later);
    run();
    expect(helm.runs()).toBe(4);
    // A chart holding a symbolic link is never served from the cache.
    fs.symlinkSync(path.join(dir, 'charts/scorer/values.yaml'), path.join(dir, 'charts/scorer/linked.yaml'));
    run();
    run();
    expect(helm.runs()).toBe(6);
  });
});
