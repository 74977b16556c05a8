/**
 * Issue 10, finding 10: the cache must be keyed by the bytes that were linted. A file that changes while
 * mllint runs (an editor saving during a pre-commit run, a checkout) must not leave a result stored under
 * the key of its old bytes, which would later hide that version's findings.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lintPaths } from '../../src/api.js';
import { BROKEN_IMAGE, BROKEN_POD, makeTree, removeTree } from '../helpers.js';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  dirs.splice(0).forEach(removeTree);
});

describe('cache keyed by the linted bytes', () => {
  it('a file changed mid-run stores no result under its old bytes', () => {
    const dir = makeTree({ '.git/HEAD': 'ref: refs/heads/main\n', 'pod.yaml': BROKEN_POD });
    dirs.push(dir);
    const file = path.join(dir, 'pod.yaml');
    const pinned = BROKEN_POD.replace(BROKEN_IMAGE, 'scorer:1.2.3');
    const imagePinned = () => lintPaths(['pod.yaml'], { cwd: dir, cache: true });
    // The first read of pod.yaml (hashing for the cache key) sees :latest; right after, the file is saved pinned.
    const realRead = fs.readFileSync;
    let swapped = false;
    vi.spyOn(fs, 'readFileSync').mockImplementation(((p: fs.PathOrFileDescriptor, options?: unknown) => {
      const out = realRead(p, options as never);
      if (!swapped && p === file) {
        swapped = true;
        fs.writeFileSync(file, pinned);
      }
      return out;
    }) as typeof fs.readFileSync);
    const during = imagePinned();
    expect(swapped).toBe(true);
    expect(during.ok && during.result.findings.filter((f) => f.ruleId === 'image-pinned')).toEqual([]); // it linted the pinned bytes
    vi.restoreAllMocks();
    // The file is back to :latest: the finding must be reported, not a stored "clean" result.
    fs.writeFileSync(file, BROKEN_POD);
    const later = imagePinned();
    expect(later.ok && later.cached).toBe(false);
    expect(later.ok && later.result.findings.map((f) => f.ruleId)).toContain('image-pinned');
    // And an unchanged file is cached as before.
    const again = imagePinned();
    expect(again.ok && again.cached).toBe(true);
  });
});
