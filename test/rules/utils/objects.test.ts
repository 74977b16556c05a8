import { describe, expect, it } from 'vitest';
import { describeObject, describeObjects } from '../../../src/rules/utils/objects.js';
import type { LoadedObject } from '../../../src/types.js';

const loaded = (name: string, metadata: Record<string, unknown> = { name }): LoadedObject => ({
  id: 0, apiVersion: 'ray.io/v1', kind: 'RayJob', name, namespace: 'ray',
  object: { apiVersion: 'ray.io/v1', kind: 'RayJob', metadata },
  source: { fileIndex: 0, docIndex: 0, basePath: [] } as unknown as LoadedObject['source'],
});

describe('describeObject(s)', () => {
  it('names an object made with generateName by its prefix, and one without a name as unnamed (never "")', () => {
    expect(describeObject(loaded('', { generateName: 'rayjob-sample-' }))).toBe('RayJob "rayjob-sample-…"');
    expect(describeObject(loaded('', {}))).toBe('RayJob (unnamed)');
    expect(describeObjects([loaded('a'), loaded('', { generateName: 'b-' }), loaded('c')])).toBe('RayJobs "a", "b-…" and 1 more');
  });
});
