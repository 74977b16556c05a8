import { describe, expect, it } from 'vitest';
import { describeSelector, HINT_CANDIDATES, nearestSelectorMiss } from '../../../src/rules/utils/selector-hints.js';
import { selectorMatches, type LabelSelector, type Labels } from '../../../src/engine/selector.js';
import { toPortRef } from '../../../src/rules/utils/ports.js';

const items: Labels[] = [
  { app: 'fraud-scorer', tier: 'scoring', track: 'stable' },
  { app: 'llm-summarizer', tier: 'serving' },
  { app: 'ranker' },
];
const query = (s: LabelSelector) => items.filter((l) => selectorMatches(s, l));

describe('nearestSelectorMiss', () => {
  it('finds a typo in a single-label selector', () => {
    expect(nearestSelectorMiss({ matchLabels: { app: 'fraud-scorrer' } }, query, (l) => l)).toMatchObject({ key: 'app', expected: 'fraud-scorrer', actual: 'fraud-scorer' });
  });

  it('offers no unrelated value for a single-label selector', () => {
    expect(nearestSelectorMiss({ matchLabels: { app: 'forecaster' } }, query, (l) => l)).toBeUndefined();
  });

  it('offers any other value, or a missing label, when the rest of the selector matches', () => {
    expect(nearestSelectorMiss({ matchLabels: { app: 'fraud-scorer', track: 'canary' } }, query, (l) => l)).toMatchObject({ key: 'track', actual: 'stable' });
    expect(nearestSelectorMiss({ matchLabels: { app: 'ranker', tier: 'serving' } }, query, (l) => l)).toMatchObject({ key: 'tier', actual: undefined });
  });

  it('ranks at most HINT_CANDIDATES items per lookup', () => {
    let ranked = 0;
    const many: Labels[] = Array.from({ length: 10 * HINT_CANDIDATES }, (_, i) => ({ app: `model-${i}`, tier: 'serving' }));
    const counting = (s: LabelSelector) => many.filter((l) => selectorMatches(s, l));
    nearestSelectorMiss({ matchLabels: { app: 'nothing-like-it', tier: 'serving' } }, counting, (l) => {
      ranked++;
      return l;
    });
    expect(ranked).toBeLessThanOrEqual(2 * HINT_CANDIDATES);
  });

  it('uses the typo lookup when given', () => {
    const near = (key: string, value: string) => (key === 'app' && value === 'fraud-scorer-v2' ? [items[0]] : []);
    expect(nearestSelectorMiss({ matchLabels: { app: 'fraud-scorer-v2' } }, () => [], (l) => l, near)).toMatchObject({ actual: 'fraud-scorer' });
  });
});

describe('describeSelector', () => {
  it('renders matchLabels and matchExpressions', () => {
    expect(describeSelector({ matchLabels: { app: 'a' }, matchExpressions: [{ key: 'team', operator: 'In', values: ['x', 'y'] }, { key: 'canary', operator: 'DoesNotExist' }] }))
      .toBe('app=a, team In (x, y), !canary');
  });
});

describe('toPortRef', () => {
  it.each([[8080, 8080], ['8080', 8080], [' http ', 'http'], ['', undefined], [null, undefined], [80.5, undefined], [{}, undefined]])('%j → %j', (input, expected) => {
    expect(toPortRef(input)).toBe(expected);
  });
});
