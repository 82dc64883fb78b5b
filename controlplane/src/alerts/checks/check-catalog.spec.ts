import { allChecks } from './all-checks';
import { checkInfo, paramUnit } from './check-catalog';

describe('check catalog', () => {
  it('gives every check a human name, a one-line description and a unit for each setting', () => {
    const set = allChecks();
    for (const c of [...set.flow, ...set.host, ...set.iface]) {
      const info = checkInfo(c.id, 'flow', c.defaults);
      expect(info.title).not.toBe(c.id);
      expect(info.description.length).toBeGreaterThan(20);
      expect(Object.keys(info.params).sort()).toEqual(Object.keys(c.defaults).filter((k) => k !== 'enabled').sort());
    }
    expect(checkInfo('elephant_flow', 'flow', { enabled: true, score: 10, min_bytes: 1 }).params).toEqual({
      score: { label: 'Alert score', unit: 'score' },
      min_bytes: { label: 'Minimum size', unit: 'bytes' },
    });
  });

  it('reads units from the setting names', () => {
    expect([paramUnit('min_duration_s'), paramUnit('min_drop_pct'), paramUnit('min_syn_per_min'), paramUnit('min_packets')]).toEqual(['seconds', 'percent', 'per_minute', 'count']);
  });
});
