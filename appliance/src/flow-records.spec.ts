import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeCapture, type FlowExportRecord } from '@flowprobe/dataplane';
import { FlowRecordDispatcher, SecondJob } from '@flowprobe/controlplane';
import { validateBootConfig } from './boot-config';
import { startAppliance } from './appliance';

const CAPTURES = path.resolve(__dirname, '../../../shared/pcaps/ndpi');

/**
 * The flow-record path of the running appliance (docs/flow-records.md): the
 * periodic pass in the offline reader threads, the second job, the
 * dispatcher, a consumer; once the capture file has ended, the second job
 * flushes its flows as 'end_of_capture' (and the stop flushes none twice). What the consumer receives sums, flow by flow and direction
 * by direction, to what `flowprobe analyze` counts on the same capture.
 */
describe('flow records through the appliance', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-records-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a consumer gets every flow, interim records included, summing to analyze; every flow ends with one final record', async () => {
    const capture = path.join(CAPTURES, 'quic.pcap');
    const expected = await analyzeCapture({ kind: 'pcap', path: capture }, { workers: 2, dpi: false });
    const config = validateBootConfig(
      {
        sources: [{ name: 'rec0', type: 'pcap', path: capture, speed: 'max' }],
        http: { port: 0, host: '127.0.0.1' },
        redis: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', key_prefix: `test:records:${process.pid}:` },
        database: { path: path.join(dir, 'flowprobe.db') },
        probe: { id: 'probe-rec' },
        capture: { workers: 2, idle_timeout_s: 0, host_idle_timeout_s: 0, active_timeout_s: 1, dpi: false },
      },
      'test',
      dir,
      { FLOWPROBE_ADMIN_PASSWORD: 'records-secret' },
    );
    const appliance = await startAppliance(config, { schedule: false }, false);
    const got: FlowExportRecord[] = [];
    try {
      appliance.controlPlane.app.get(FlowRecordDispatcher).register({ name: 'test', consume: (batch) => void got.push(...batch) });
      await appliance.dataplanes[0].whenFinished();
      const second = appliance.controlPlane.app.get(SecondJob);
      // Full rounds of the periodic pass: interim records for flows longer than 1 s, then the end-of-capture flush.
      for (let i = 0; i < 3; i++) await second.updateStats();
    } finally {
      await appliance.stop();
    }
    const sums = new Map<string, number[]>();
    const finals = new Map<string, number>();
    let interim = 0;
    for (const r of got) {
      expect(r.probe).toBe('probe-rec');
      const id = `${r.l4}|${r.client.ip}|${r.client.port}|${r.server.ip}|${r.server.port}|${r.vlan}`;
      const s = sums.get(id) ?? [0, 0, 0, 0];
      sums.set(id, [s[0] + r.cli2srv.packets, s[1] + r.cli2srv.bytes, s[2] + r.srv2cli.packets, s[3] + r.srv2cli.bytes]);
      if (r.end_reason === 'active_timeout') interim++;
      else finals.set(id, (finals.get(id) ?? 0) + 1);
      // The capture file ended: the second job flushed its flows once, nothing is left for the stop.
      if (r.end_reason !== 'active_timeout') expect(r.end_reason).toBe('end_of_capture');
    }
    const want = new Map(expected.flows.map((f) => [`${f.l4}|${f.client.ip}|${f.client.port}|${f.server.ip}|${f.server.port}|${f.vlan}`, [f.cli2srv.packets, f.cli2srv.bytes, f.srv2cli.packets, f.srv2cli.bytes]]));
    expect(sums).toEqual(want);
    expect([...finals.values()].every((n) => n === 1)).toBe(true);
    expect(finals.size).toBe(expected.flows.length);
    expect(interim).toBeGreaterThan(0);
  });
});
