import type { FlowSummary } from '@flowprobe/api';
import { topApplications } from './top-applications';

function flow(l7: string, bytes: number): FlowSummary {
  return { protocol: { l4: 'TCP', l7 }, bytes } as FlowSummary;
}

describe('topApplications', () => {
  it('sums bytes per application, largest first', () => {
    expect(topApplications([flow('TLS.Amazon', 100), flow('DNS', 10), flow('TLS.Amazon', 50), flow('', 5)])).toEqual([
      { label: 'TLS.Amazon', value: 150 },
      { label: 'DNS', value: 10 },
      { label: 'Unknown', value: 5 },
    ]);
  });

  it('folds the tail into "Other" past eight slices', () => {
    const flows = Array.from({ length: 10 }, (_, i) => flow(`app${i}`, 100 - i));
    const slices = topApplications(flows);
    expect(slices).toHaveLength(8);
    expect(slices[6]).toEqual({ label: 'app6', value: 94 });
    expect(slices[7]).toEqual({ label: 'Other', value: 93 + 92 + 91 });
  });
});
