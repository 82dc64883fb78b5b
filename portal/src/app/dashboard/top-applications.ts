import type { FlowTrafficSummary } from '@flowprobe/api';
import type { Slice } from '../shared/doughnut-chart/doughnut-chart';

/** Slices shown before the rest is summed into "Other". */
const MAX_SLICES = 8;

/** The doughnut's slices from the summary's application ranking (largest first), the tail folded into "Other". */
export function topApplications(applications: FlowTrafficSummary['applications']): Slice[] {
  const sorted = applications.map((a) => ({ label: a.application, value: a.bytes })).sort((a, b) => b.value - a.value);
  if (sorted.length <= MAX_SLICES) return sorted;
  const other = sorted.slice(MAX_SLICES - 1).reduce((n, s) => n + s.value, 0);
  return [...sorted.slice(0, MAX_SLICES - 1), { label: 'Other', value: other }];
}
