import { describe, expect, it } from 'vitest';
import { AnswerCache } from '../src/answer-cache.js';
import { answersPerCenter } from '../src/per-center.js';

describe('answers per center', () => {
  it('computes the centers it lacks in one call and shares each center with every scope that holds it', async () => {
    const cache = new AnswerCache<string[]>();
    const calls: number[][] = [];
    const computeFor = async (centers: number[]) => {
      calls.push(centers);
      // Center 3 has nothing: it gets the empty answer.
      return new Map(centers.filter((c) => c !== 3).map((c) => [c, [`c${c}`]]));
    };
    const ask = (centers: number[]) =>
      answersPerCenter(
        cache,
        centers,
        (c) => `k${c}`,
        60_000,
        computeFor,
        () => [],
      );
    const [operator, province] = await Promise.all([ask([2]), ask([1, 2, 3])]);
    expect(operator).toEqual([['c2']]);
    expect(province).toEqual([['c1'], ['c2'], []]);
    // The province's request joined the operator's computation of center 2.
    expect(calls).toEqual([[2], [1, 3]]);
    expect(await ask([3, 1])).toEqual([[], ['c1']]);
    expect(calls).toHaveLength(2);
  });

  it('fails the request whose computation failed, and keeps nothing of it', async () => {
    const cache = new AnswerCache<number>();
    const failing = async () => {
      throw new Error('db down');
    };
    await expect(answersPerCenter(cache, [1, 2], String, 60_000, failing, () => 0)).rejects.toThrow(
      'db down',
    );
    const answers = await answersPerCenter(
      cache,
      [1, 2],
      String,
      60_000,
      async (centers) => new Map(centers.map((c) => [c, c * 10])),
      () => 0,
    );
    expect(answers).toEqual([10, 20]);
  });
});
