import type { TimeseriesResponse } from '@flowprobe/api';
import type { LineSeries } from '../../shared/line-chart/line-chart';

import type { TimeRange } from '../../shared/range-picker/range-picker';

/** `seconds: 0` is the live view: the host's throughput as polled since the page opened. */
export const RANGES: TimeRange[] = [
  { label: 'Live', seconds: 0 },
  { label: '1 h', seconds: 3600 },
  { label: '6 h', seconds: 6 * 3600 },
  { label: '24 h', seconds: 86_400 },
  { label: '7 d', seconds: 7 * 86_400 },
  { label: '30 d', seconds: 30 * 86_400 },
];

/** Host timeseries → "Sent" and "Received" lines in bits per second (byte deltas × 8 / step). */
export function trafficSeries(ts: TimeseriesResponse): LineSeries[] {
  const perSecond = 8 / ts.step;
  return [
    { label: 'Sent', points: ts.points.map((p) => ({ x: p.t * 1000, y: (p['bytes_sent'] ?? 0) * perSecond })) },
    { label: 'Received', points: ts.points.map((p) => ({ x: p.t * 1000, y: (p['bytes_rcvd'] ?? 0) * perSecond })) },
  ];
}
