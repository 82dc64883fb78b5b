import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../database/data-source';
import { DataplaneRepository } from '../dataplane/dataplane.repository';
import { DEFAULT_RETENTION } from '../settings/settings.service';
import { InterfacePoint, TimeseriesRepository } from './timeseries.repository';
import { TimeseriesService } from './timeseries.service';

const HOUR = 3600;
const DAY = 86400;

function point(ifid: number, t: number, bytes: number): InterfacePoint {
  return { ifid, t, bytes, packets: bytes / 100, drops: 1, bps: (bytes * 8) / 60, pps: bytes / 6000, num_flows: bytes / 1000, num_hosts: 3 };
}

describe('TimeseriesService (real SQLite file)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-ts-'));
  let dataSource: DataSource;
  let repository: TimeseriesRepository;
  let service: TimeseriesService;
  // A day boundary, so hour and day buckets are easy to read.
  const day0 = Math.floor(Date.now() / 1000 / DAY) * DAY - 3 * DAY;

  beforeAll(async () => {
    dataSource = await openDatabase(path.join(dir, 'ts.db'));
    repository = new TimeseriesRepository(dataSource);
    // No capture interface: the rollup and query paths only read SQLite.
    service = new TimeseriesService(new DataplaneRepository([]), repository);
  });

  afterAll(async () => {
    await dataSource.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('adds up two writes of the same minute instead of replacing', async () => {
    await repository.addInterfacePoints([point(7, day0, 1000)]);
    await repository.addInterfacePoints([point(7, day0, 500)]);
    const [row] = await repository.interfacePoints('ts_interface_minute', 7, day0, day0);
    expect(row.bytes).toBe(1500);
    expect(row.drops).toBe(2);
  });

  it('rolls minutes into hours and hours into days with sums and averages', async () => {
    // 60 minutes of 6000 bytes in hour 1 of day0, 30 minutes of 1200 bytes in hour 2.
    const rows: InterfacePoint[] = [];
    for (let m = 0; m < 60; m++) rows.push(point(0, day0 + HOUR + m * 60, 6000));
    for (let m = 0; m < 30; m++) rows.push(point(0, day0 + 2 * HOUR + m * 60, 1200));
    await repository.addInterfacePoints(rows);
    await service.rollupHour(day0 + 2 * HOUR + 1800);
    const hours = await repository.interfacePoints('ts_interface_hour', 0, day0, day0 + DAY);
    expect(hours.map((h) => [h.t - day0, h.bytes, h.packets, h.num_flows])).toEqual([
      [HOUR, 360000, 3600, 6],
      [2 * HOUR, 36000, 360, 1.2],
    ]);
    expect(hours[0].bps).toBeCloseTo((360000 * 8) / HOUR, 6);
    // Running the rollup again recomputes, never doubles.
    await service.rollupHour(day0 + 2 * HOUR + 1800);
    expect((await repository.interfacePoints('ts_interface_hour', 0, day0, day0 + DAY))[0].bytes).toBe(360000);

    await service.rollupDay(day0 + DAY + 10);
    const [day] = await repository.interfacePoints('ts_interface_day', 0, day0, day0 + DAY);
    expect(day).toMatchObject({ t: day0, bytes: 396000, packets: 3960 });
  });

  it('answers queries at the finest resolution the range and retention allow', async () => {
    const now = day0 + 2 * HOUR + 1800;
    const minute = await service.query({ metric: 'interface:traffic', entity: '0', from: day0 + HOUR, to: day0 + HOUR + 600 }, DEFAULT_RETENTION, now);
    expect(minute.step).toBe(60);
    expect(minute.points[0]).toEqual(expect.objectContaining({ t: day0 + HOUR, bytes: 6000 }));
    expect(minute.points[0]).not.toHaveProperty('ifid');
    const hourly = await service.query({ metric: 'interface:traffic', entity: '0', from: day0, to: day0 + 10 * DAY }, DEFAULT_RETENTION, now);
    expect(hourly.step).toBe(HOUR);
    const daily = await service.query({ metric: 'interface:traffic', entity: '0', from: day0 - 200 * DAY, to: day0 + DAY }, DEFAULT_RETENTION, now);
    expect(daily.step).toBe(DAY);
    expect(daily.points).toHaveLength(1);
    await expect(service.query({ metric: 'interface:traffic', entity: 'eth0' }, DEFAULT_RETENTION)).rejects.toThrow(/interface id/);
    await expect(service.query({ metric: 'host:traffic', entity: '10.0.0.1', from: 10, to: 5 }, DEFAULT_RETENTION)).rejects.toThrow(/before/);
  });

  it('deletes rows past their retention only', async () => {
    await repository.addHostPoints([
      { host: '10.0.0.1', t: day0, bytes_sent: 1, bytes_rcvd: 2, packets_sent: 1, packets_rcvd: 1, bps: 0 },
      { host: '10.0.0.1@5', t: day0 + 2 * DAY, bytes_sent: 1, bytes_rcvd: 2, packets_sent: 1, packets_rcvd: 1, bps: 0 },
    ]);
    const deleted = await service.applyRetention({ ...DEFAULT_RETENTION, minute_days: 1, five_minute_days: 2 }, day0 + 3 * DAY);
    expect(deleted.ts_interface_minute).toBe(91);
    expect(deleted.ts_host_5min).toBe(1);
    expect(deleted.ts_interface_hour).toBe(0);
    expect(await repository.count('ts_interface_minute')).toBe(0);
    expect(await repository.count('ts_host_5min')).toBe(1);
    expect(await repository.count('ts_interface_day')).toBe(1);
  });
});
