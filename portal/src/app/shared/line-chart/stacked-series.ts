import type { HistorySeriesResponse } from '@flowprobe/api';
import { CHART_COLORS } from './chart-setup';
import type { LineSeries } from './line-chart';

/**
 * Bytes per bucket by key (application...) as stacked areas: each line is its own bytes
 * per second plus those of the lines below it, the highest first so each smaller area is
 * drawn over it.
 */
export function stackedRateSeries(s: HistorySeriesResponse): LineSeries[] {
  const below = new Array<number>(s.buckets.length).fill(0);
  const perSecond = 8 / s.step_s;
  const stacked = s.series.map((line, i) => {
    const points = line.values.map((v, j) => ({ x: s.buckets[j], y: (below[j] += v * perSecond) }));
    return { label: line.key, points, color: CHART_COLORS[i % CHART_COLORS.length] };
  });
  return stacked.reverse();
}
