/**
 * Cross-object scope for objects without a namespace (issue 11, class 5): the tightest evidence wins — the
 * same file (or render), then the same directory, before the rest of the tree — for every lookup of the
 * index that starts from an object.
 */
import { describe, expect, it } from 'vitest';
import { ResourceIndex } from '../../src/engine/context.js';
import { objectsOf } from '../../src/engine/run.js';
import { loadSources } from '../../src/loaders/load-sources.js';

const deployment = (name: string, app: string, ns?: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
${ns ? `  namespace: ${ns}\n` : ''}spec:
  replicas: 2
  selector: { matchLabels: { app: ${app} } }
  template:
    metadata: { labels: { app: ${app} } }
    spec:
      containers: [{ name: c, image: "example.org/c:1.0.0" }]
`;
const service = (name: string, app: string, ns?: string) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
${ns ? `  namespace: ${ns}\n` : ''}spec:
  selector: { app: ${app} }
  ports: [{ port: 80 }]
`;
const hpa = (name: string, target: string) => `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: ${name} }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: ${target} }
  maxReplicas: 4
`;

function indexOf(files: Record<string, string>): ResourceIndex {
  const sources = Object.entries(files).map(([display, text]) => ({ display, text }));
  return new ResourceIndex(objectsOf(loadSources(sources)), sources.map((s) => s.display));
}

const named = (index: ResourceIndex, kind: string, name: string, fileSuffix = '') =>
  index.objects.find((o) => o.kind === kind && o.name === name && index.fileOf(o).endsWith(fileSuffix))!;

describe('tightest evidence for objects without a namespace', () => {
  const index = indexOf({
    'samples/a/app.yaml': `${deployment('server-a', 'demo')}---\n${service('demo-a', 'demo')}`,
    'samples/b/app.yaml': deployment('server-b', 'demo'),
    'samples/b/svc.yaml': service('demo-b', 'demo'),
    'samples/c/svc.yaml': service('demo-c', 'demo'),
    'samples/ns/app.yaml': `${deployment('server-ns', 'demo', 'default')}---\n${service('demo-ns', 'demo', 'default')}`,
  });

  it('the same file wins over the rest of the tree', () => {
    const selected = index.workloadsForService(named(index, 'Service', 'demo-a')).map((w) => w.object.name);
    expect(selected).toEqual(['server-a']);
  });

  it('the same directory wins when the file has none', () => {
    const svc = named(index, 'Service', 'demo-b');
    const selected = index.workloadsForService(svc);
    expect(selected.map((w) => w.object.name)).toEqual(['server-b']);
    expect(index.proximity(svc, selected[0].object)).toBe('directory');
    expect(index.whereIs(svc, selected[0].object)).toBe(' (in samples/b/app.yaml)');
  });

  it('with nothing nearer, the rest of the tree is kept (it exists somewhere) but marked remote', () => {
    const svc = named(index, 'Service', 'demo-c');
    const selected = index.workloadsForService(svc);
    expect(selected.map((w) => w.object.name).sort()).toEqual(['server-a', 'server-b', 'server-ns']);
    expect(selected.every((w) => index.isRemote(svc, w.object))).toBe(true);
  });

  it('two objects that both name their namespace are tied by it, wherever they are', () => {
    const svc = named(index, 'Service', 'demo-ns');
    expect(index.workloadsForService(svc).map((w) => w.object.name)).toEqual(['server-ns']);
    expect(index.proximity(svc, named(index, 'Deployment', 'server-ns'))).toBe('namespace');
  });

  it('hpasFor and findFor pick the nearest of several objects of one name', () => {
    const idx = indexOf({
      'x/web.yaml': deployment('web', 'web'),
      'x/hpa.yaml': hpa('web-hpa-x', 'web'),
      'y/web.yaml': deployment('web', 'web'),
      'y/hpa.yaml': hpa('web-hpa-y', 'web'),
    });
    const webY = named(idx, 'Deployment', 'web', 'y/web.yaml');
    expect(idx.hpasFor(webY).map((h) => h.name)).toEqual(['web-hpa-y']);
    const hpaX = named(idx, 'HorizontalPodAutoscaler', 'web-hpa-x');
    expect(idx.fileOf(idx.findFor(hpaX, 'Deployment', 'web')!)).toBe('x/web.yaml');
  });

  it('copies of one object (release bundles side by side) are alternatives: the nearest copy stands for them', () => {
    const idx = indexOf({
      'charts/ctl/files/resources.yaml': `${deployment('ctl', 'ctl', 'sys')}---\n${service('ctl-webhook', 'ctl', 'sys')}`,
      'install/v1/bundle.yaml': deployment('ctl', 'ctl', 'sys'),
      'install/v2/bundle.yaml': `${deployment('ctl', 'ctl', 'sys')}---\n${service('ctl-webhook', 'ctl', 'sys')}`,
      'install/v2/extra.yaml': deployment('ctl-extra', 'ctl', 'sys'),
    });
    const chartService = idx.objects.find((o) => o.kind === 'Service' && idx.fileOf(o).startsWith('charts/'))!;
    expect(idx.workloadsForService(chartService).map((w) => `${idx.fileOf(w.object)} ${w.object.name}`)).toEqual([
      'charts/ctl/files/resources.yaml ctl',
      'install/v2/extra.yaml ctl-extra',
    ]);
    const v2Service = idx.objects.find((o) => o.kind === 'Service' && idx.fileOf(o) === 'install/v2/bundle.yaml')!;
    expect(idx.workloadsForService(v2Service).map((w) => `${idx.fileOf(w.object)} ${w.object.name}`)).toEqual([
      'install/v2/bundle.yaml ctl',
      'install/v2/extra.yaml ctl-extra',
    ]);
  });

  it('pdbsFor is narrowed from the workload side', () => {
    const pdb = (name: string) => `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: ${name} }
spec:
  minAvailable: 1
  selector: { matchLabels: { app: web } }
`;
    const idx = indexOf({ 'x/web.yaml': `${deployment('web', 'web')}---\n${pdb('pdb-x')}`, 'y/web.yaml': deployment('web', 'web'), 'z/pdb.yaml': pdb('pdb-z') });
    expect(idx.pdbsFor(named(idx, 'Deployment', 'web', 'x/web.yaml')).map((p) => p.name)).toEqual(['pdb-x']);
    // y has no PDB of its own: both are only tied by the tree (kept: a PDB exists somewhere).
    expect(idx.pdbsFor(named(idx, 'Deployment', 'web', 'y/web.yaml')).map((p) => p.name).sort()).toEqual(['pdb-x', 'pdb-z']);
  });
});
