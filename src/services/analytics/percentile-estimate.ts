/** One call's replies as the call item summarizes them. */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
}

/**
 * The fraction of one call's replies at or under `x`, assuming its distribution is linear between
 * 0, its p50 and its p95, and that past the p95 it goes on at the same slope to 100 %.
 */
function cumulative(summary: LatencySummary, x: number): number {
  const { p50, p95 } = summary;
  const tailEnd = p95 + (p95 - p50) / 9;
  const points: [number, number][] = [
    [0, 0],
    [p50, 0.5],
    [p95, 0.95],
    [tailEnd, 1],
  ];
  if (x >= tailEnd) return 1;
  for (let i = 1; i < points.length; i += 1) {
    const [x1, y1] = points[i]!;
    const [x0, y0] = points[i - 1]!;
    if (x < x1) return x1 === x0 ? y0 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
  }
  return 1;
}

/**
 * A percentile over the replies of many calls, from each call's p50 and p95 alone (the turns
 * themselves are not read): where the calls' interpolated distributions, weighted by their reply
 * counts, reach `q`. Exact for one call or identical calls; an estimate otherwise.
 */
export function estimatePercentile(summaries: readonly LatencySummary[], q: number): number | undefined {
  const usable = summaries.filter((s) => s.count > 0 && s.p95 >= s.p50 && s.p50 >= 0);
  const total = usable.reduce((sum, s) => sum + s.count, 0);
  if (total === 0) return undefined;
  const reach = (x: number) => usable.reduce((sum, s) => sum + s.count * cumulative(s, x), 0) / total;
  let low = 0;
  let high = Math.max(...usable.map((s) => s.p95 + (s.p95 - s.p50) / 9));
  // 40 halvings reach far below a millisecond for any latency a call can have.
  for (let i = 0; i < 40; i += 1) {
    const middle = (low + high) / 2;
    if (reach(middle) >= q) high = middle;
    else low = middle;
  }
  return Math.round(high);
}
