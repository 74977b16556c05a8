import { describe, expect, it } from 'vitest';
import { loadText } from '../../src/loaders/objects.js';
import { locatePath, prepareLocate } from '../../src/loaders/locate.js';

describe('loadText', () => {
  it('expands List and *List kinds with their item paths', () => {
    const text = 'apiVersion: v1\nkind: DeploymentList\nitems:\n  - { apiVersion: apps/v1, kind: Deployment, metadata: { name: a } }\n  - { apiVersion: apps/v1, kind: Deployment, metadata: { name: b } }\n';
    const loaded = loadText(text);
    expect(loaded.objects.map((o) => [o.object.metadata?.name, o.basePath])).toEqual([
      ['a', ['items', 0]],
      ['b', ['items', 1]],
    ]);
  });

  it('skips YAML that is not a Kubernetes object, and kustomizations', () => {
    const text = [
      'name: CI\non:\n  push: {}\n',
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n',
      'replicaCount: 3\n',
      '- just\n- a list\n',
      'plain scalar\n',
    ].join('---\n');
    expect(loadText(text)).toEqual({ objects: [], problems: [] });
  });

  it('resolves anchors, aliases and merge keys', () => {
    const text = 'apiVersion: example.com/v1\nkind: Widget\nmetadata: &m { name: p, labels: { a: "1" } }\nspec:\n  first: *m\n  second: { <<: *m, name: q }\n';
    const [o] = loadText(text).objects;
    expect(o.object.spec).toEqual({ first: { name: "p", labels: { a: "1" } }, second: { name: "q", labels: { a: "1" } } });
  });
});

describe('locatePath', () => {
  const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
        - name: a
          image: a:1
          resources:
            requests:
              cpu: 100m
`;
  const located = prepareLocate(text);
  it('points at a scalar value', () => {
    expect(locatePath(located, 0, ['spec', 'template', 'spec', 'containers', 0, 'image'])).toEqual({ line: 10, column: 18, endLine: 10, endColumn: 21 });
  });
  it('points at the key of a collection', () => {
    expect(locatePath(located, 0, ['spec', 'template', 'spec', 'containers', 0, 'resources'])).toMatchObject({ line: 11, column: 11 });
  });
  it('points at the deepest existing ancestor of a missing node', () => {
    expect(locatePath(located, 0, ['spec', 'template', 'spec', 'containers', 0, 'resources', 'limits', 'memory'])).toMatchObject({ line: 11, column: 11 });
  });
  it('points at a sequence item by its first line', () => {
    expect(locatePath(located, 0, ['spec', 'template', 'spec', 'containers', 0])).toEqual({ line: 9, column: 11, endLine: 9, endColumn: 18 });
  });
});
