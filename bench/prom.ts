/** A Prometheus text exposition, parsed just enough for the /metrics of the gateway and the ingest worker. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/**
 * Sum of the samples called `name` whose labels include `where` (over label sets and over several
 * scraped processes).
 */
export function sum(samples: Sample[], name: string, where: Record<string, string> = {}): number {
  let total = 0;
  for (const sample of samples) {
    if (sample.name !== name) continue;
    if (matches(sample, where)) total += sample.value;
  }
  return total;
}

function matches(sample: Sample, where: Record<string, string>): boolean {
  return Object.entries(where).every(([key, value]) => sample.labels[key] === value);
}

/** Values of `name` by one label, e.g. closed connections by reason. */
export function byLabel(samples: Sample[], name: string, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const sample of samples) {
    if (sample.name !== name) continue;
    const key = sample.labels[label] ?? '';
    out[key] = (out[key] ?? 0) + sample.value;
  }
  return out;
}

/** Cumulative bucket counts of a histogram, by upper bound (Infinity for +Inf), of the series matching `where`. */
export function buckets(
  samples: Sample[],
  name: string,
  where: Record<string, string> = {},
): Map<number, number> {
  const out = new Map<number, number>();
  for (const sample of samples) {
    if (sample.name !== `${name}_bucket`) continue;
    if (!matches(sample, where)) continue;
    const le = sample.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(sample.labels.le);
    out.set(le, (out.get(le) ?? 0) + sample.value);
  }
  return out;
}

/** Observations between two scrapes, per bucket (cumulative). */
export function bucketDelta(before: Map<number, number>, after: Map<number, number>): Map<number, number> {
  const out = new Map<number, number>();
  for (const [le, count] of after) out.set(le, count - (before.get(le) ?? 0));
  return out;
}

/**
 * The q-quantile of a cumulative histogram, interpolated linearly inside the bucket as Prometheus'
 * histogram_quantile does; undefined with no observations, Infinity past the last finite bound.
 */
export function quantile(cumulative: Map<number, number>, q: number): number | undefined {
  const bounds = [...cumulative.keys()].sort((a, b) => a - b);
  const counts = bounds.map((le) => cumulative.get(le)!);
  const total = counts[counts.length - 1] ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  for (let i = 0; i < bounds.length; i++) {
    if (counts[i]! < rank) continue;
    const upper = bounds[i]!;
    const lower = i === 0 ? 0 : bounds[i - 1]!;
    if (!Number.isFinite(upper)) return Number.POSITIVE_INFINITY;
    const below = i === 0 ? 0 : counts[i - 1]!;
    const inBucket = counts[i]! - below;
    return inBucket > 0 ? lower + ((upper - lower) * (rank - below)) / inBucket : upper;
  }
  return undefined;
}

/** Share of the observations at or under `le` (which must be a bucket bound). */
export function shareAtOrUnder(cumulative: Map<number, number>, le: number): number | undefined {
  const total = cumulative.get(Number.POSITIVE_INFINITY) ?? 0;
  if (total <= 0) return undefined;
  return (cumulative.get(le) ?? 0) / total;
}
