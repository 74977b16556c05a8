/**
 * String pooling of loaded documents (src/loaders/intern.ts): values are replaced by equal strings, in
 * place, whatever the shape — deep nesting, nodes shared through YAML aliases, dates and special keys.
 */
import { describe, expect, it } from 'vitest';
import { internStrings, type StringPool } from '../../src/loaders/intern.js';
import { loadText } from '../../src/loaders/objects.js';
import { loadSource } from '../../src/loaders/load-sources.js';

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: scorer-with-a-long-name
  namespace: ml
  labels: { app: scorer-with-a-long-name }
spec:
  template:
    metadata:
      labels:
        app: scorer-with-a-long-name
    spec:
      containers:
        - name: scorer
          image: registry.example.com/team/scorer:1.2.3
          args: ["--port", "8080", "--model-uri", "models:/scorer/3"]
          ports: [{ containerPort: 8080, name: http, protocol: TCP }]
`;

describe('internStrings', () => {
  it('keeps every value equal and shares equal strings through the pool', () => {
    const pool: StringPool = new Map();
    const fresh = loadText(MANIFEST).objects[0].object;
    const pooled = loadText(MANIFEST).objects[0].object;
    internStrings(pooled, pool);
    expect(pooled).toEqual(fresh);
    // One pool entry per distinct value: the name appears three times, the image once.
    expect(pool.get('scorer-with-a-long-name')).toBe('scorer-with-a-long-name');
    expect(pool.get('registry.example.com/team/scorer:1.2.3')).toBe('registry.example.com/team/scorer:1.2.3');
    expect([...pool.keys()].filter((k) => k === 'scorer-with-a-long-name')).toHaveLength(1);
    // Numbers and booleans are left as they are.
    expect((pooled as any).spec.template.spec.containers[0].ports[0].containerPort).toBe(8080);
  });

  it('loads a source with a pool to the same objects as without', () => {
    const pool: StringPool = new Map();
    const plain = loadSource({ display: 'a.yaml', text: MANIFEST });
    const pooled = loadSource({ display: 'a.yaml', text: MANIFEST }, pool);
    expect(pooled).toEqual(plain);
    expect(pool.size).toBeGreaterThan(5);
  });

  it('handles nesting far deeper than the call stack, nodes shared by aliases, dates and odd keys', () => {
    let deep: unknown = 'leaf-value-that-is-long';
    for (let i = 0; i < 200_000; i++) deep = i % 2 ? [deep] : { k: deep };
    const pool: StringPool = new Map();
    expect(() => internStrings(deep, pool)).not.toThrow();
    expect(pool.has('leaf-value-that-is-long')).toBe(true);

    const shared = { image: 'registry.example.com/x:1' };
    const date = new Date(0);
    const odd = Object.defineProperty({ list: [shared, shared, shared], when: date }, '__proto__', { value: 'proto-as-a-key', enumerable: true, writable: true });
    internStrings(odd, pool);
    expect(odd.list[0]).toBe(shared);
    expect(shared.image).toBe('registry.example.com/x:1');
    expect(odd.when).toBe(date);
    expect(Object.getPrototypeOf(odd)).toBe(Object.prototype);
    expect((odd as Record<string, unknown>)['__proto__']).toBe('proto-as-a-key');
  });
});
