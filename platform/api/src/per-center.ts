import type { AnswerCache } from './answer-cache.js';

/**
 * The answers of several centers, each kept in `cache` under its own key, the ones missing computed
 * together by one call of `computeFor`. Figures that add up over centers (counts, hourly series,
 * the KPIs' numerators and denominators) are then computed once per center and shared by every
 * scope that holds it: 300 operators of 60 centers and the province's administrator cost 60
 * computations, not 61 overlapping ones. A center `computeFor` leaves out gets `empty(center)`.
 */
export function answersPerCenter<T>(
  cache: AnswerCache<T>,
  centers: readonly number[],
  keyOf: (center: number) => string,
  ttlMs: number,
  computeFor: (centers: number[]) => Promise<Map<number, T>>,
  empty: (center: number) => T,
): Promise<T[]> {
  const missing: number[] = [];
  let settle: { resolve(answers: Map<number, T>): void; reject(error: unknown): void } | undefined;
  const batch = new Promise<Map<number, T>>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // The cache calls the compute function at once (synchronously) for the keys it must compute.
  const answers = centers.map((center) =>
    cache.get(keyOf(center), ttlMs, () => {
      missing.push(center);
      return batch.then((computed) => computed.get(center) ?? empty(center));
    }),
  );
  if (missing.length > 0) computeFor(missing).then(settle!.resolve, settle!.reject);
  else settle!.resolve(new Map());
  return Promise.all(answers);
}
