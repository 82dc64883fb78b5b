import type { FlowSummary } from '@flowprobe/api';
import type { Slice } from '../shared/doughnut-chart/doughnut-chart';

/** Slices shown before the rest is summed into "Other". */
const MAX_SLICES = 8;

/** Bytes per application (nDPI name) over `flows`, largest first, the tail folded into "Other". */
export function topApplications(flows: FlowSummary[]): Slice[] {
  const bytesByApp = new Map<string, number>();
  for (const flow of flows) {
    const name = flow.protocol.l7 || 'Unknown';
    bytesByApp.set(name, (bytesByApp.get(name) ?? 0) + flow.bytes);
  }
  const sorted = [...bytesByApp.entries()].map(([label, value]) => ({ label, value })).sort((a, b) => b.value - a.value);
  if (sorted.length <= MAX_SLICES) return sorted;
  const other = sorted.slice(MAX_SLICES - 1).reduce((n, s) => n + s.value, 0);
  return [...sorted.slice(0, MAX_SLICES - 1), { label: 'Other', value: other }];
}
