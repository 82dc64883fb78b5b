import type { LiveSeries } from '../../core/live-series';
import type { LineSeries } from './line-chart';
import { CHART_COLORS, DIRECTION_COLORS } from './chart-colors';

/**
 * Download and upload lines (filled) of live interfaces, with the total as a
 * dashed line over them: traffic between two local or two remote hosts, or
 * all traffic when no local networks are configured, only shows in the total.
 * With several interfaces the labels carry the interface name and each
 * interface gets its own pair of colours.
 */
export function directionSeries(list: LiveSeries[]): LineSeries[] {
  const named = list.length > 1;
  return list.flatMap((s, k) => {
    const prefix = named ? `${s.name} ` : '';
    const points = (values: number[]) => s.tsMs.map((x, i) => ({ x, y: values[i] }));
    const down = k === 0 ? DIRECTION_COLORS.download : CHART_COLORS[(2 * k) % CHART_COLORS.length];
    const up = k === 0 ? DIRECTION_COLORS.upload : CHART_COLORS[(2 * k + 1) % CHART_COLORS.length];
    return [
      { label: `${prefix}Download`, points: points(s.downloadBps), color: down },
      { label: `${prefix}Upload`, points: points(s.uploadBps), color: up },
      { label: `${prefix}Total`, points: points(s.bps), color: DIRECTION_COLORS.total, dashed: true, fill: false },
    ];
  });
}
