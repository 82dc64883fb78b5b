import type { FlowTrafficSummary } from '@flowprobe/api';
import { topApplications } from './top-applications';

function app(application: string, bytes: number): FlowTrafficSummary['applications'][number] {
  return { application, bytes, flows: 1 };
}

describe('topApplications', () => {
  it('keeps the ranking, largest first', () => {
    expect(topApplications([app('DNS', 10), app('TLS.Amazon', 150), app('Unknown', 5)])).toEqual([
      { label: 'TLS.Amazon', value: 150 },
      { label: 'DNS', value: 10 },
      { label: 'Unknown', value: 5 },
    ]);
  });

  it('folds the tail into "Other" past eight slices', () => {
    const apps = Array.from({ length: 10 }, (_, i) => app(`app${i}`, 100 - i));
    const slices = topApplications(apps);
    expect(slices).toHaveLength(8);
    expect(slices[6]).toEqual({ label: 'app6', value: 94 });
    expect(slices[7]).toEqual({ label: 'Other', value: 93 + 92 + 91 });
  });
});
