import { describe, expect, it } from 'vitest';
import { TypoIndex } from '../../src/engine/typo-index.js';

describe('TypoIndex', () => {
  const index = new TypoIndex<string>();
  for (const name of ['fraud-scorer', 'llm-summarizer', 'embedder', 'ranker']) index.add(name, name);

  it.each([
    ['fraud-scorrer', 'an extra character'],
    ['fraud-scoer', 'a missing character'],
    ['fraud-scorar', 'a wrong character'],
    ['fraud-socrer', 'two swapped neighbours'],
    ['fraud-scorer', 'the name itself'],
  ])('finds fraud-scorer from %s (%s)', (query) => {
    expect(index.near(query)).toContain('fraud-scorer');
  });

  it('does not offer unrelated names', () => {
    expect(index.near('forecaster')).toEqual([]);
    expect(index.near('rank')).toEqual([]);
  });

  it('returns at most `limit` items for a crowd of near-identical names', () => {
    const crowd = new TypoIndex<number>();
    for (let i = 0; i < 1000; i++) crowd.add(`model-${i % 10}-server`, i);
    expect(crowd.near('model-x-server', 64)).toHaveLength(64);
  });

  it('finds long strings only when equal', () => {
    const long = new TypoIndex<string>();
    const text = 'x'.repeat(200);
    long.add(text, 'long');
    expect(long.near(text)).toEqual(['long']);
    expect(long.near(`${text}y`)).toEqual([]);
  });
});
