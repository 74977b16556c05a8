/**
 * The Go collector settings a kustomize render runs with (GC_TUNED_MAX_INPUT_BYTES): GOGC=400 and a heap
 * limit for trees of small inputs, Go's default for large ones. kustomize cannot report its own
 * environment, so a stand-in `kustomize` program (a shell script outside the linted tree) prints it as a
 * ConfigMap; both ways of running renders are covered (one entry point alone, several in the parallel runner).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GC_TUNED_MAX_INPUT_BYTES, renderKustomizations } from '../../src/loaders/kustomize.js';
import { discoverFiles } from '../../src/loaders/files.js';
import { treesRemovedAfterAll } from '../helpers.js';

const tree = treesRemovedAfterAll();

const shell = ['/bin/sh', '/usr/bin/sh'].find((p) => fs.existsSync(p));
const describeShell = shell ? describe : describe.skip;

/** A directory holding a `kustomize` that prints GOGC and GOMEMLIMIT (as it got them) in a ConfigMap. */
function fakeKustomize(): string {
  const bin = tree({
    kustomize: `#!${shell}\nprintf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: env\\ndata:\\n  gogc: "%s"\\n  limit: "%s"\\n' "$GOGC" "$GOMEMLIMIT"\n`,
  });
  fs.chmodSync(path.join(bin, 'kustomize'), 0o755);
  return path.join(bin, 'kustomize');
}

const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n';
/** A resource file just over the limit: a ConfigMap padded with a comment. */
const large = `${cm}# ${'x'.repeat(GC_TUNED_MAX_INPUT_BYTES)}\n`;

/** GOGC and GOMEMLIMIT as the stand-in got them when it rendered `entry` (the source holds its output as JSON). */
function envOf(plan: ReturnType<typeof renderKustomizations>, entry: string) {
  const source = plan.sources.find((s) => s.absPath === path.join(dir, entry, 'kustomization.yaml'));
  expect(source?.problem).toBeUndefined();
  const text = source!.text ?? '';
  return { gogc: /"gogc":"(.*?)"/.exec(text)?.[1], limit: /"limit":"(.*?)"/.exec(text)?.[1] };
}

const dir = tree({
  'small/kustomization.yaml': 'resources: [cm.yaml]\n',
  'small/cm.yaml': cm,
  'big/kustomization.yaml': 'resources: [cm.yaml, ../shared]\n',
  'big/cm.yaml': cm,
  'shared/padding.yaml': large,
});

describeShell('kustomize renders: Go collector settings by input size', () => {
  const kustomize = fakeKustomize();

  it('a small tree renders with the collector at 5× the live heap up to a limit, a large one with Go defaults (parallel runner)', () => {
    const plan = renderKustomizations(discoverFiles(['.'], { cwd: dir }).files, { cwd: dir, command: `${kustomize} build` });
    expect(envOf(plan, 'small')).toEqual({ gogc: '400', limit: '512MiB' });
    // The large input is in a resource directory without a kustomization: its files count too.
    expect(envOf(plan, 'big')).toEqual({ gogc: '', limit: '' });
  });

  it('the same when an entry point is rendered alone', () => {
    const one = (entry: string) => renderKustomizations(discoverFiles([entry], { cwd: dir }).files, { cwd: dir, command: `${kustomize} build` });
    expect(envOf(one('small'), 'small')).toEqual({ gogc: '400', limit: '512MiB' });
    expect(envOf(one('big'), 'big')).toEqual({ gogc: '', limit: '' });
  });
});
