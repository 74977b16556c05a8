/**
 * Kustomize rendering with the real `kubectl kustomize` (or `kustomize build`): entry points only,
 * findings placed where the field is written (overlay or base), failures as findings.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderKustomizations, renderWithOverlay, resolveCommand, translatePath } from '../../src/loaders/kustomize.js';
import { RENDER_BUDGET_SPENT } from '../../src/render/helm.js';
import { discoverFiles } from '../../src/loaders/files.js';
import { lintPaths } from '../../src/api.js';
import { runCli, treesRemovedAfterAll } from '../helpers.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'kustomize');
const tool = resolveCommand({ cwd: FIXTURE });
if (!tool.ok) {
  const reason = `kustomize tests need kubectl or kustomize on PATH: ${tool.message}`;
  if (process.env.CI === 'true') throw new Error(reason);
  console.warn(`\n*** SKIPPED: ${reason} ***\n`);
}
const describeTool = tool.ok ? describe : describe.skip;

const tree = treesRemovedAfterAll();

/** The 1-based line of the first line of `file` (in the fixture) that contains `text`. */
function lineOf(file: string, text: string): number {
  const lines = fs.readFileSync(path.join(FIXTURE, file), 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes(text));
  if (index === -1) throw new Error(`${text} not in ${file}`);
  return index + 1;
}

function renderFixture() {
  const discovery = discoverFiles(['.'], { cwd: FIXTURE });
  return renderKustomizations(discovery.files, { cwd: FIXTURE });
}

describeTool('kustomize rendering (real kubectl kustomize / kustomize build)', () => {
  it('the kustomize stage and every Argo CD / Flux overlay share one rendering budget (deadline)', () => {
    const dir = tree({
      'app/kustomization.yaml': 'resources: [cm.yaml]\n',
      'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: ml }\n',
    });
    const files = discoverFiles(['.'], { cwd: dir }).files;
    expect(renderKustomizations(files, { cwd: dir, deadline: Date.now() + 600_000 }).sources[0].problem).toBeUndefined();
    const late = renderKustomizations(files, { cwd: dir, deadline: Date.now() - 1 });
    // The message names what was skipped and why: the budget is shared with Helm, not the kustomizations' own.
    expect(late.sources[0].problem?.message).toBe(`kustomize could not render app: ${RENDER_BUDGET_SPENT}`);
    expect(RENDER_BUDGET_SPENT).toBe("the run's render time is used up (all kustomize and Helm renders of a run share 600s; the renders before this one took it, renders served from the cache cost nothing)");
    const overlay = { fields: { namePrefix: 'p-' }, positionOf: () => ({ line: 1, column: 1, endLine: 1, endColumn: 1 }) };
    expect(renderWithOverlay(path.join(dir, 'app'), overlay, { cwd: dir, deadline: Date.now() + 600_000 }).ok).toBe(true);
    const lateOverlay = renderWithOverlay(path.join(dir, 'app'), overlay, { cwd: dir, deadline: Date.now() - 1 });
    expect(lateOverlay).toMatchObject({ ok: 'failed' });
    expect(lateOverlay.ok === 'failed' && lateOverlay.message).toContain(RENDER_BUDGET_SPENT);
  });

  it('renders only the entry point (overlays/prod); base and overlay raw files are not linted separately', () => {
    const plan = renderFixture();
    expect(plan.sources.map((s) => s.display)).toEqual(['overlays/prod/kustomization.yaml']);
    const owned = [...plan.ownedFiles].map((f) => path.relative(FIXTURE, f)).sort();
    expect(owned).toEqual([
      'base/deployment.yaml',
      'base/kustomization.yaml',
      'base/service.yaml',
      'overlays/prod/kustomization.yaml',
      'overlays/prod/pdb.yaml',
      'overlays/prod/replicas.yaml',
    ]);
    const text = plan.sources[0].text ?? '';
    expect(text).toContain('"namespace":"ml-serving-prod"');
    // Origin annotations are used for positions, then removed: rules see the object as applied.
    expect(text).not.toContain('config.kubernetes.io/origin');
    expect(text).not.toContain('alpha.config.kubernetes.io/transformations');
  });

  it('places each finding where the field is written: overlay, patch or base', () => {
    const source = renderFixture().sources[0];
    const docs = (source.text ?? '').split('\n---\n').map((d) => JSON.parse(d));
    const index = (kind: string) => docs.findIndex((d) => d.kind === kind);
    const at = (kind: string, p: Array<string | number>) => {
      const r = source.relocate!(index(kind), p);
      return `${r.display}:${r.position.line}`;
    };
    const container = ['spec', 'template', 'spec', 'containers', 0];
    // The tag comes from the overlay's `images:` entry.
    expect(at('Deployment', [...container, 'image'])).toBe(`overlays/prod/kustomization.yaml:${lineOf('overlays/prod/kustomization.yaml', 'newTag: latest')}`);
    // The namespace from the overlay's `namespace:`.
    expect(at('Deployment', ['metadata', 'namespace'])).toBe('overlays/prod/kustomization.yaml:3');
    // replicas from the overlay's patch file.
    expect(at('Deployment', ['spec', 'replicas'])).toBe(`overlays/prod/replicas.yaml:${lineOf('overlays/prod/replicas.yaml', 'replicas: 4')}`);
    // A label from the base kustomization's `labels:`.
    expect(at('Deployment', ['metadata', 'labels', 'team'])).toBe(`base/kustomization.yaml:${lineOf('base/kustomization.yaml', 'team: fraud')}`);
    // Fields written in the base stay in the base file.
    expect(at('Deployment', [...container, 'ports', 0, 'containerPort'])).toBe(`base/deployment.yaml:${lineOf('base/deployment.yaml', 'containerPort: 8080')}`);
    expect(at('Deployment', [...container, 'resources', 'requests', 'memory'])).toBe(`base/deployment.yaml:${lineOf('base/deployment.yaml', 'memory: 2Gi')}`);
    expect(at('Service', ['spec', 'ports', 0, 'targetPort'])).toBe(`base/service.yaml:${lineOf('base/service.yaml', 'targetPort: http')}`);
    // A missing field: the nearest existing parent in the base (the container).
    expect(at('Deployment', [...container, 'readinessProbe'])).toBe(`base/deployment.yaml:${lineOf('base/deployment.yaml', '- name: scorer')}`);
    // An object of the overlay itself.
    expect(at('PodDisruptionBudget', ['spec', 'minAvailable'])).toBe(`overlays/prod/pdb.yaml:${lineOf('overlays/prod/pdb.yaml', 'minAvailable: 1')}`);
  });

  it('places fields set by inline patches (strategic merge, JSON 6902) and targeted patch files', () => {
    const overlay = [
      'resources:',
      '  - ../base',
      'patches:',
      '  - patch: |-',
      '      apiVersion: apps/v1',
      '      kind: Deployment',
      '      metadata:',
      '        name: scorer',
      '      spec:',
      '        template:',
      '          spec:',
      '            containers:',
      '              - name: scorer',
      '                resources:',
      '                  limits:',
      '                    memory: 1Gi',
      '  - target:',
      '      kind: Deployment',
      '      name: score.*',
      '    patch: |-',
      '      - op: replace',
      '        path: /spec/replicas',
      '        value: 5',
      '  - path: probe.yaml',
      '    target: { kind: Deployment }',
      '',
    ].join('\n');
    const dir = tree({
      'base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
      'base/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: scorer\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: scorer\n          image: scorer:1.0.0\n          resources:\n            limits:\n              memory: 2Gi\n',
      'prod/kustomization.yaml': overlay,
      'prod/probe.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: any\nspec:\n  template:\n    spec:\n      containers:\n        - name: scorer\n          readinessProbe:\n            httpGet: { path: /ready, port: 8080 }\n',
    });
    const plan = renderKustomizations(discoverFiles(['.'], { cwd: dir }).files, { cwd: dir });
    expect(plan.sources.map((x) => x.display)).toEqual(['prod/kustomization.yaml']);
    const source = plan.sources[0];
    const at = (p: Array<string | number>) => {
      const r = source.relocate!(0, p);
      return `${r.display}:${r.position.line}:${r.position.column}`;
    };
    const lines = overlay.split('\n');
    const container = ['spec', 'template', 'spec', 'containers', 0];
    expect(at([...container, 'resources', 'limits', 'memory'])).toBe(`prod/kustomization.yaml:${lines.indexOf('                    memory: 1Gi') + 1}:29`);
    expect(at(['spec', 'replicas'])).toBe(`prod/kustomization.yaml:${lines.indexOf('        value: 5') + 1}:16`);
    expect(at([...container, 'readinessProbe', 'httpGet', 'port'])).toBe('prod/probe.yaml:11:44');
    expect(at([...container, 'image'])).toBe('base/deployment.yaml:11:18');
  });

  it('mllint check: the :latest tag set by the overlay is reported at the overlay line; --kustomize=off lints raw files', async () => {
    const rendered = lintPaths(['.'], { cwd: FIXTURE });
    expect(rendered.ok).toBe(true);
    if (!rendered.ok) return;
    const image = rendered.result.findings.filter((f) => f.ruleId === 'image-pinned');
    expect(image).toHaveLength(1);
    expect(image[0]).toMatchObject({
      file: 'overlays/prod/kustomization.yaml',
      line: lineOf('overlays/prod/kustomization.yaml', 'newTag: latest'),
      column: 13,
      resource: { kind: 'Deployment', name: 'fraud-scorer', namespace: 'ml-serving-prod' },
      path: 'spec.template.spec.containers[0].image',
    });
    expect(rendered.result.findings.filter((f) => f.ruleId === 'parse-error')).toEqual([]);

    // Raw files: the base's pinned tag is all there is; the partial patch is a (raw) object of its own.
    const raw = await runCli(['check', '--kustomize=off', '--format', 'json', '.'], { cwd: FIXTURE });
    const json = JSON.parse(raw.stdout);
    expect(json.findings.filter((f: { ruleId: string }) => f.ruleId === 'image-pinned')).toEqual([]);
    expect(json.summary.files).toBe(6);
  });

  it('an overlay that pins the tag silences the base :latest (bases are linted through their overlays)', () => {
    const dir = tree({
      'base/kustomization.yaml': 'resources:\n  - pod.yaml\n',
      'base/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: scorer\n  namespace: ml\nspec:\n  containers:\n    - name: scorer\n      image: scorer:latest\n',
      'prod/kustomization.yaml': 'resources:\n  - ../base\nimages:\n  - name: scorer\n    newTag: 1.2.3\n',
      'stray/notes.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: stray\n  namespace: ml\nspec:\n  containers:\n    - name: x\n      image: x:latest\n',
    });
    const outcome = lintPaths(['.'], { cwd: dir });
    if (!outcome.ok) throw new Error(outcome.messages.join('\n'));
    const image = outcome.result.findings.filter((f) => f.ruleId === 'image-pinned');
    // Only the file no kustomization uses is linted raw.
    expect(image.map((f) => `${f.file}:${f.line}`)).toEqual(['stray/notes.yaml:9']);
    // The base's :latest is found when linting the base on its own (then it is the entry point).
    const base = lintPaths(['base'], { cwd: dir });
    if (!base.ok) throw new Error('base');
    expect(base.result.findings.filter((f) => f.ruleId === 'image-pinned').map((f) => `${f.file}:${f.line}`)).toEqual(['base/pod.yaml:9']);
  });

  it('an unused kustomize Component is no entry point, and YAML next to a kustomization that none refers to is not deployed', () => {
    const pod = (name: string, image: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ml\nspec:\n  containers:\n    - name: x\n      image: ${image}\n`;
    const dir = tree({
      'components/extra/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n  - path: bump.yaml\n',
      'components/extra/bump.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: { name: any }\n',
      'app/kustomization.yaml': 'resources: [pod.yaml]\n# patches:\n# - path: image_patch.yaml\n',
      'app/pod.yaml': pod('scorer', 'scorer:latest'),
      'app/image_patch.yaml': pod('scorer', 'IMAGE_PLACEHOLDER'),
      'app/sub/extra.yaml': pod('extra', 'extra:latest'),
    });
    const outcome = lintPaths(['.'], { cwd: dir });
    if (!outcome.ok) throw new Error(outcome.messages.join('\n'));
    const found = outcome.result.findings.filter((f) => f.ruleId === 'image-pinned' || f.ruleId === 'parse-error').map((f) => `${f.file}:${f.line} ${f.ruleId}`);
    // No parse-error for the Component, nothing from the stub; a subfolder without a kustomization is still linted raw.
    expect(found).toEqual(['app/pod.yaml:9 image-pinned', 'app/sub/extra.yaml:9 image-pinned']);
  });

  it('a kustomization that lists files of its subfolders owns its patch folders: unreferenced stubs there are not deployed', () => {
    const crd = 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.org\n';
    const pod = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ml\nspec:\n  containers:\n    - name: x\n      image: ${name}:latest\n`;
    const dir = tree({
      // kubebuilder's config/crd: bases/ is listed, patches/ only in comments.
      'config/crd/kustomization.yaml': 'resources:\n  - bases/pod.yaml\npatches:\n  - path: patches/used.yaml\n# - path: patches/cainjection_in_widgets.yaml\n',
      'config/crd/patches/used.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: listed\n  namespace: ml\n  labels: { patched: "yes" }\n',
      'config/crd/bases/pod.yaml': pod('listed'),
      'config/crd/patches/cainjection_in_widgets.yaml': `${crd}  annotations:\n    cert-manager.io/inject-ca-from: x/y\n`,
      'config/crd/patches/stub-pod.yaml': pod('stub'),
      // bases/ is a folder of resources: what the kustomization does not list there stays linted (CRDs a chart installs).
      'config/crd/bases/other.yaml': pod('other'),
      // A kustomization that lists only files of its own folder does not own its subfolders.
      'app/kustomization.yaml': 'resources: [pod.yaml]\n',
      'app/pod.yaml': pod('app'),
      'app/extra/pod.yaml': pod('extra'),
    });
    const outcome = lintPaths(['.'], { cwd: dir });
    if (!outcome.ok) throw new Error(outcome.messages.join('\n'));
    const files = [...new Set(outcome.result.findings.map((f) => f.file))].sort();
    expect(files).toEqual(['app/extra/pod.yaml', 'app/pod.yaml', 'config/crd/bases/other.yaml', 'config/crd/bases/pod.yaml']);
    expect(outcome.result.findings.filter((f) => f.ruleId === 'image-pinned').map((f) => `${f.file}:${f.line}`).sort()).toEqual([
      'app/extra/pod.yaml:9',
      'app/pod.yaml:9',
      'config/crd/bases/other.yaml:9',
      'config/crd/bases/pod.yaml:9',
    ]);
  });

  it('a part another kustomization lists only in a comment (#- ../monitoring) is shipped disabled: no entry point, not linted; a disabled part holding CRDs still is', () => {
    const pod = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ml\nspec:\n  containers:\n    - name: x\n      image: ${name}:latest\n`;
    const crd = 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: gadgets.example.org\nspec:\n  group: example.org\n  names: { kind: Gadget, plural: gadgets }\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema: { type: object }\n';
    const dir = tree({
      // The scaffold's default overlay: the monitoring and extras parts commented out, CRDs installed another way.
      'config/default/kustomization.yaml': 'resources:\n- ../manager\n#- ../crd\n# [MONITORING] uncomment to scrape the manager\n#- ../monitoring\n  # - ../extras\n# - path: not-a-folder.yaml\n',
      'config/manager/kustomization.yaml': 'resources: [pod.yaml]\n',
      'config/manager/pod.yaml': pod('manager'),
      'config/monitoring/kustomization.yaml': 'resources: [pod.yaml]\n',
      'config/monitoring/pod.yaml': pod('monitor'),
      'config/extras/kustomization.yaml': 'resources: [pod.yaml]\n',
      'config/extras/pod.yaml': pod('extras'),
      'config/crd/kustomization.yaml': 'resources: [bases/gadgets.yaml, pod.yaml]\n',
      'config/crd/bases/gadgets.yaml': crd,
      'config/crd/pod.yaml': pod('crdpod'),
      // A part nobody mentions, even in a comment, is still an entry point of its own.
      'config/samples/kustomization.yaml': 'resources: [pod.yaml]\n',
      'config/samples/pod.yaml': pod('sample'),
    });
    const outcome = lintPaths(['.'], { cwd: dir });
    if (!outcome.ok) throw new Error(outcome.messages.join('\n'));
    expect(outcome.result.findings.filter((f) => f.ruleId === 'image-pinned').map((f) => `${f.file}:${f.line}`).sort()).toEqual([
      'config/crd/pod.yaml:9',
      'config/manager/pod.yaml:9',
      'config/samples/pod.yaml:9',
    ]);
  });

  it('a multi-line kustomize error (klog err=<…>) is reported whole, at the line of the entry it names', () => {
    const dir = tree({
      'overlay/kustomization.yaml': 'resources: [pod.yaml]\npatches:\n  - path: generated-patch.yaml\n',
      'overlay/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: { name: a, namespace: ml }\nspec:\n  containers: [{ name: a, image: "a:1.0.0" }]\n',
    });
    const outcome = lintPaths(['.'], { cwd: dir });
    if (!outcome.ok) throw new Error(outcome.messages.join('\n'));
    const error = outcome.result.findings.find((f) => f.ruleId === 'parse-error');
    expect(error).toMatchObject({ file: 'overlay/kustomization.yaml', line: 3 });
    expect(error?.message).toMatch(/generated-patch\.yaml.*no such file or directory/);
    expect(error?.message).not.toMatch(/err=<|E\d{4} /);
  });

  it('a kustomization that fails to render is a parse-error at its kustomization file; the run goes on', () => {
    const dir = tree({
      'broken/kustomization.yaml': 'resources:\n  - missing.yaml\n',
      'remote/kustomization.yaml': 'resources:\n  - https://github.com/example/manifests//base?ref=v1\n',
      'apps/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  namespace: ml\nspec:\n  containers:\n    - name: a\n      image: a:latest\n',
    });
    const outcome = lintPaths(['.'], { cwd: dir });
    if (!outcome.ok) throw new Error(outcome.messages.join('\n'));
    const byFile = Object.fromEntries(outcome.result.findings.map((f) => [f.file, f]));
    // At the line of the resource kustomize could not use, with kustomize's own reason.
    expect(byFile['broken/kustomization.yaml']).toMatchObject({ ruleId: 'parse-error', line: 2, severity: 'error' });
    expect(byFile['broken/kustomization.yaml'].message).toMatch(/^kustomize could not render broken: accumulating resources from 'missing\.yaml': .*no such file or directory$/);
    expect(byFile['broken/kustomization.yaml'].message).not.toContain(dir);
    expect(byFile['remote/kustomization.yaml']).toMatchObject({ ruleId: 'parse-error', line: 2 });
    expect(byFile['remote/kustomization.yaml'].message).toContain('remote resource "https://github.com/example/manifests//base?ref=v1"');
    expect(byFile['apps/pod.yaml']).toMatchObject({ ruleId: 'image-pinned', line: 9 });

    // The same with parser workers on (built CLI): failures carry text, so workers never take them for files to read.
    const bin = path.join(FIXTURE, '..', '..', '..', 'bin', 'mllint.js');
    const run = spawnSync(process.execPath, [bin, 'check', '--format', 'json', '.'], { cwd: dir, encoding: 'utf8', env: { ...process.env, MLLINT_WORKERS: '2' } });
    const files = JSON.parse(run.stdout).findings.map((f: { file: string; ruleId: string }) => `${f.file} ${f.ruleId}`);
    expect(files).toEqual(expect.arrayContaining(['broken/kustomization.yaml parse-error', 'remote/kustomization.yaml parse-error', 'apps/pod.yaml image-pinned']));
  });

  it("a multi-line kustomize error (klog's err=< … > form) becomes its message, without klog's time stamp", () => {
    const dir = tree({
      'p/kustomization.yaml': 'resources:\n  - pod.yaml\npatches:\n  - path: missing-patch.yaml\n',
      'p/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n    - name: a\n      image: a:1.0.0\n',
    });
    const outcome = lintPaths(['.'], { cwd: dir });
    if (!outcome.ok) throw new Error(outcome.messages.join('\n'));
    const error = outcome.result.findings.find((f) => f.ruleId === 'parse-error');
    expect(error?.message).toMatch(/^kustomize could not render p: .*missing-patch\.yaml.*no such file or directory/);
    expect(error?.message).not.toMatch(/run\.go|err=<|^kustomize could not render p: E\d{4} /);
  });

  it('caches renders by their inputs and the whole result by their keys; any changed input renders again', () => {
    const dir = tree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'base/kustomization.yaml': 'resources:\n  - pod.yaml\n',
      'base/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: scorer\n  namespace: ml\nspec:\n  containers:\n    - name: scorer\n      image: scorer:latest\n',
      'prod/kustomization.yaml': 'resources:\n  - ../base\nimages:\n  - name: scorer\n    newTag: 1.2.3\n',
      'dev/kustomization.yaml': 'resources:\n  - ../base\n',
      'broken/kustomization.yaml': 'resources:\n  - missing.yaml\n',
    });
    const run = () => {
      const outcome = lintPaths(['.'], { cwd: dir, cache: true });
      if (!outcome.ok) throw new Error(outcome.messages.join('\n'));
      return outcome;
    };
    const summary = (o: ReturnType<typeof run>) => o.result.findings.map((f) => `${f.ruleId} ${f.file}:${f.line} ${f.message}`).sort();
    const first = run();
    expect(first.cached).toBe(false);
    expect(summary(first).filter((s) => s.startsWith('image-pinned'))).toEqual([expect.stringMatching(/^image-pinned base\/pod\.yaml:9 /)]);
    const cacheDir = path.join(dir, '.mllint-cache');
    expect(fs.readdirSync(cacheDir).filter((f) => f.startsWith('render-')).length).toBe(3); // prod, dev, and broken's failure
    const second = run();
    expect(second.cached).toBe(true);
    expect(summary(second)).toEqual(summary(first));

    // Without the result, the cached renders give the same findings (parsed and placed again).
    for (const f of fs.readdirSync(cacheDir).filter((f) => f.startsWith('result-'))) fs.rmSync(path.join(cacheDir, f));
    const fromRenders = run();
    expect(fromRenders.cached).toBe(false);
    expect(summary(fromRenders)).toEqual(summary(first));

    // A base file changes: both overlays render again (dev's :latest becomes :2.0, prod keeps its tag).
    fs.writeFileSync(path.join(dir, 'base/pod.yaml'), fs.readFileSync(path.join(dir, 'base/pod.yaml'), 'utf8').replace('scorer:latest', 'scorer:2.0'));
    const changed = run();
    expect(changed.cached).toBe(false);
    expect(summary(changed).filter((s) => s.startsWith('image-pinned'))).toEqual([]);
    // The missing file appears: the failure is not served from the cache.
    fs.writeFileSync(path.join(dir, 'broken/missing.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: ml\n');
    expect(run().result.findings.filter((f) => f.file === 'broken/kustomization.yaml')).toEqual([]);
    // A tree holding a symbolic link is not hashed: rendered every time, never served from a cache.
    fs.symlinkSync(path.join(dir, 'base/pod.yaml'), path.join(dir, 'dev/link.yaml'));
    const linked = run();
    expect(run().cached).toBe(false);
    expect(summary(run())).toEqual(summary(linked));
  });

  it('a render entry mllint did not write, or one naming files outside the repository, is not used; a changed kustomize binary renders again', () => {
    const dir = tree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'base/kustomization.yaml': 'resources:\n  - pod.yaml\n',
      'base/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: scorer\n  namespace: ml\nspec:\n  containers:\n    - name: scorer\n      image: scorer:latest\n',
      'prod/kustomization.yaml': 'resources:\n  - ../base\n',
      'broken/kustomization.yaml': 'resources:\n  - missing.yaml\n',
    });
    // A kubectl that counts its runs (outside the repository, as mllint requires).
    const bin = tree({});
    const log = path.join(bin, 'runs.log');
    fs.writeFileSync(path.join(bin, 'kubectl'), `#!/bin/sh\necho run >> '${log}'\nexec '${fs.realpathSync(tool.ok ? tool.argv[0] : 'kubectl')}' "$@"\n`, { mode: 0o755 });
    const command = tool.ok && path.basename(tool.argv[0]) === 'kubectl' ? `${path.join(bin, 'kubectl')} kustomize` : undefined;
    const runs = () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0);
    const cacheDir = path.join(dir, '.mllint-cache');
    const run = () => {
      for (const f of fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir).filter((n) => n.startsWith('result-')) : []) fs.rmSync(path.join(cacheDir, f));
      const outcome = lintPaths(['.'], { cwd: dir, cache: true, kustomizeCommand: command });
      if (!outcome.ok) throw new Error(outcome.messages.join('\n'));
      return outcome.result.findings.map((f) => `${f.ruleId} ${f.file}:${f.line}`).sort();
    };
    const first = run();
    expect(first).toContain('image-pinned base/pod.yaml:9');
    expect(first).toContain('parse-error broken/kustomization.yaml:2');
    const renders = fs.readdirSync(cacheDir).filter((n) => n.startsWith('render-')).map((n) => path.join(cacheDir, n));
    expect(renders).toHaveLength(2); // prod's objects and broken's failure
    // An entry is `HMAC(meta)\nmeta\ntext`; meta names the text's length and SHA-256.
    const parts = (file: string) => {
      const [, meta, ...text] = fs.readFileSync(file, 'utf8').split('\n');
      return { meta: JSON.parse(meta), text: text.join('\n') };
    };
    const entry = renders.find((f) => parts(f).text.includes('scorer:latest'))!;
    const { meta, text } = parts(entry);
    const original = fs.readFileSync(entry);
    const secret = fs.readFileSync(path.join(dir, '.git', 'mllint-cache.key'));
    const sign = (m: Record<string, unknown>, t: string, key: Buffer = secret) => {
      const line = JSON.stringify({ ...m, textBytes: Buffer.byteLength(t), textSha256: crypto.createHash('sha256').update(t).digest('hex') });
      return `${crypto.createHmac('sha256', key).update(line).digest('hex')}\n${line}\n${t}`;
    };
    if (command) {
      const before = runs();
      expect(run()).toEqual(first);
      expect(runs()).toBe(before); // both served from the render cache (kustomize's failure too)
    }
    // Forged renders: the same key, a harmless pod (hiding the finding), and more.
    const harmless = text.replace('scorer:latest', 'scorer:1.0.0');
    const signedLine = fs.readFileSync(entry, 'utf8').split('\n').slice(0, 2).join('\n');
    for (const forged of [
      sign(meta, harmless, crypto.randomBytes(32)), // another secret
      `${'0'.repeat(64)}\n${sign(meta, harmless).split('\n').slice(1).join('\n')}`, // no valid MAC
      `${signedLine}\n${harmless}`, // mllint's own header, other text: its hash does not match
      sign({ ...meta, origins: ['/etc/passwd'] }, harmless), // signed, but names a file outside
      sign({ ...meta, wrapperDir: 'relative' }, harmless),
    ]) {
      fs.writeFileSync(entry, forged);
      expect(run()).toEqual(first);
    }
    // The check itself: the same forgery signed properly is used (so the cases above fail for their reason).
    fs.writeFileSync(entry, sign(meta, harmless));
    expect(run()).not.toContain('image-pinned base/pod.yaml:9');
    fs.writeFileSync(entry, original);
    if (command) {
      // The kustomize program changed (an upgrade): its renders are not reused.
      const before = runs();
      expect(run()).toEqual(first);
      expect(runs()).toBe(before);
      const later = new Date(Date.now() + 5000);
      fs.utimesSync(path.join(bin, 'kubectl'), later, later);
      expect(run()).toEqual(first);
      expect(runs()).toBe(before + 2); // both entry points
    }
  });

  it('renders several entry points (in parallel), each with its own findings; one failing does not affect the others', () => {
    const files: Record<string, string> = {
      'base/kustomization.yaml': 'resources:\n  - pod.yaml\n',
      'base/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: scorer\nspec:\n  containers:\n    - name: scorer\n      image: scorer:1.0.0\n',
      'envs/broken/kustomization.yaml': 'resources:\n  - ../../base\n  - nope.yaml\n',
    };
    for (const env of ['dev', 'prod', 'staging']) {
      files[`envs/${env}/kustomization.yaml`] = `resources:\n  - ../../base\nnamespace: ml-${env}\nimages:\n  - name: scorer\n    newTag: ${env === 'prod' ? '1.0.0' : 'latest'}\n`;
    }
    const dir = tree(files);
    const outcome = lintPaths(['.'], { cwd: dir });
    if (!outcome.ok) throw new Error(outcome.messages.join('\n'));
    const shown = outcome.result.findings
      .filter((f) => f.ruleId === 'image-pinned' || f.ruleId === 'parse-error')
      .map((f) => `${f.file}:${f.line} ${f.ruleId} ${f.resource?.namespace ?? ''}`.trim());
    expect(shown).toEqual([
      'envs/broken/kustomization.yaml:3 parse-error',
      'envs/dev/kustomization.yaml:6 image-pinned ml-dev',
      'envs/staging/kustomization.yaml:6 image-pinned ml-staging',
    ]);
    expect(outcome.result.summary.resources).toBe(3);
  });

  it('a missing tool or a plugin flag in MLLINT_KUSTOMIZE_COMMAND is a clear finding, never a crash', async () => {
    const dir = tree({
      'k/kustomization.yaml': 'resources:\n  - pod.yaml\n',
      'k/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  namespace: ml\nspec:\n  containers:\n    - name: a\n      image: a:1\n',
      'bin/kustomize': '#!/bin/sh\necho should never run\n',
      'off.yaml': 'kustomize:\n  enabled: false\n',
    });
    const withCommand = (command: string) => runCli(['check', '--format', 'json', 'k'], { cwd: dir, env: { MLLINT_KUSTOMIZE_COMMAND: command } });
    const firstMessage = (r: { stdout: string }) => JSON.parse(r.stdout).findings[0].message as string;
    const missing = await withCommand('/nonexistent/bin/kustomize build');
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout).findings[0]).toMatchObject({ ruleId: 'parse-error', file: 'k/kustomization.yaml' });
    expect(firstMessage(missing)).toContain('"/nonexistent/bin/kustomize" (kustomize.command) was not found');
    // Even a trusted setting never runs a program the repository brings.
    fs.chmodSync(path.join(dir, 'bin/kustomize'), 0o755);
    expect(firstMessage(await withCommand('./bin/kustomize build'))).toContain('must be on PATH or an absolute path');
    expect(firstMessage(await withCommand(`${path.join(dir, 'bin/kustomize')} build`))).toContain('is inside the linted repository');
    expect(firstMessage(await withCommand('sh -c "touch pwned" kustomize'))).toContain('must run kustomize or kubectl, not "sh"');
    expect(fs.existsSync(path.join(dir, 'pwned'))).toBe(false);
    // Only rendering: `kubectl apply` (with the CI's cluster credentials) is not a renderer.
    expect(firstMessage(await withCommand('kubectl apply -k'))).toContain('must be "kubectl kustomize"');
    expect(firstMessage(await withCommand('kubectl kustomize --kubeconfig /tmp/x'))).toContain('"--kubeconfig" is not allowed');
    // The load restrictor is always root-only: no flag may widen it.
    expect(firstMessage(await withCommand('kubectl kustomize --load-restrictor LoadRestrictionsNone'))).toContain('must not use --load-restrictor');
    const safe = await withCommand('kubectl kustomize --reorder none');
    expect(JSON.parse(safe.stdout).findings.filter((f: { ruleId: string }) => f.ruleId === 'parse-error')).toEqual([]);
    expect(firstMessage(await withCommand('kubectl kustomize --enable-alpha-plugins'))).toContain('must not use --enable-alpha-plugins');
    const off = await runCli(['check', '-c', 'off.yaml', '--format', 'json', 'k'], { cwd: dir });
    expect(JSON.parse(off.stdout).findings.filter((f: { ruleId: string }) => f.ruleId === 'parse-error')).toEqual([]);
    expect(JSON.parse(off.stdout).summary.files).toBe(2);
    const bad = await runCli(['check', '--kustomize=maybe', 'k'], { cwd: dir });
    expect(bad.code).toBe(2);
  });
});

describe('translatePath', () => {
  it('matches list items by name, so a patch that adds a container does not shift the base', () => {
    const rendered = { spec: { containers: [{ name: 'sidecar' }, { name: 'scorer', image: 'a' }] } };
    const base = { spec: { containers: [{ name: 'scorer', image: 'a' }] } };
    expect(translatePath(rendered, base, ['spec', 'containers', 1, 'image'])).toEqual({ path: ['spec', 'containers', 0, 'image'], complete: true, value: 'a' });
    expect(translatePath(rendered, base, ['spec', 'containers', 0, 'image'])).toEqual({ path: ['spec', 'containers'], complete: false });
  });
});

describe('kustomize config', () => {
  it('validates kustomize.enabled and kustomize.command', async () => {
    const { parseConfigText } = await import('../../src/config/load.js');
    const bad = parseConfigText('kustomize:\n  enabled: sometimes\n  plugins: true\n', '/repo/.mllint.yaml', '.mllint.yaml');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems.map((p) => p.line).sort()).toEqual([2, 3]);
    // A config outside the repository (roots) may choose the command; one inside it may not.
    const outside = parseConfigText('kustomize:\n  command: kustomize build\n', '/etc/mllint/.mllint.yaml', '.mllint.yaml', { roots: ['/repo'] });
    expect(outside.ok && outside.config.kustomize).toEqual({ enabled: undefined, command: 'kustomize build' });
    const inside = parseConfigText('kustomize:\n  enabled: true\n  command: kustomize build\n', '/repo/gitops/.mllint.yaml', '.mllint.yaml', { roots: ['/repo'] });
    expect(inside.ok).toBe(false);
    if (!inside.ok) expect(inside.problems).toEqual([expect.objectContaining({ line: 3, message: expect.stringContaining('kustomize.command cannot be set by a config file inside the linted repository') })]);
  });
});
