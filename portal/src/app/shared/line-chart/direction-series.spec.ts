import type { LiveSeries } from '../../core/live-series';
import { DIRECTION_COLORS } from './chart-colors';
import { directionSeries } from './direction-series';

function live(id: number, name: string): LiveSeries {
  return { id, name, tsMs: [1000, 2000], bps: [300, 900], downloadBps: [200, 600], uploadBps: [100, 250], pps: [1, 2], drops: 0 };
}

describe('directionSeries', () => {
  it('draws download and upload filled, in their colours, and the total dashed over them', () => {
    const [down, up, total] = directionSeries([live(0, 'eth0')]);
    expect(down).toEqual({ label: 'Download', color: DIRECTION_COLORS.download, points: [{ x: 1000, y: 200 }, { x: 2000, y: 600 }] });
    expect(up).toEqual({ label: 'Upload', color: DIRECTION_COLORS.upload, points: [{ x: 1000, y: 100 }, { x: 2000, y: 250 }] });
    expect(total).toMatchObject({ label: 'Total', dashed: true, fill: false, points: [{ x: 1000, y: 300 }, { x: 2000, y: 900 }] });
  });

  it('names the lines by interface, with distinct colours, when there are several', () => {
    const lines = directionSeries([live(0, 'eth0'), live(1, 'eth1')]);
    expect(lines.map((l) => l.label)).toEqual(['eth0 Download', 'eth0 Upload', 'eth0 Total', 'eth1 Download', 'eth1 Upload', 'eth1 Total']);
    const colours = lines.filter((l) => !l.dashed).map((l) => l.color);
    expect(new Set(colours).size).toBe(4);
  });
});
