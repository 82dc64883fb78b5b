import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BadRequestException, NotFoundException } from '@nestjs/common';
import type { FlowExportRecord } from '@flowprobe/dataplane';
import type { ControlPlaneOptions } from '../config/control-plane-options';
import type { FlowRecordConsumer, FlowRecordDispatcher } from '../flow-records/flow-record-dispatcher';
import { HealthIssues } from '../health/health-issues';
import type { MetricsService } from '../metrics/metrics.service';
import { typedMock } from '../testing/typed.mock';
import { HISTORY_BATCH_RECORDS, HistoryService, MAX_RANGE_DAYS } from './history.service';

const T0 = Date.parse('2026-11-01T00:00:00Z');

function record(i: number, lastSeenMs: number, over: Partial<FlowExportRecord> = {}): FlowExportRecord {
  return {
    probe: 'p1', interface: 'eth0', key: `0:${i}:1`, flow_start_ms: lastSeenMs - 1000, first_seen_ms: lastSeenMs - 1000, last_seen_ms: lastSeenMs,
    end_reason: 'idle', ip_version: 4, vlan: 0, l4: 'TCP', l4_proto: 6,
    client: { ip: `10.0.0.${i}`, port: 40000 + i }, server: { ip: '192.0.2.1', port: 443 },
    cli2srv: { packets: 3, bytes: 300 }, srv2cli: { packets: 2, bytes: 1000 }, retransmissions: { cli2srv: 0, srv2cli: 0 },
    flow_totals: { cli2srv: { packets: 3, bytes: 300 }, srv2cli: { packets: 2, bytes: 1000 } },
    tcp_flags: { cli2srv: 0x1b, srv2cli: 0x1b }, l7: 'TLS.YouTube', category: 'Media', breed: 'Fun', server_name: 'www.youtube.com',
    risks: [], score: 0, community_id: `1:${String(i).padStart(27, 'A')}=`, client_name: '', server_host_name: '', icmp_type: -1, icmp_code: -1,
    ...over,
  };
}

const range = { from: String(T0), to: String(T0 + 3_600_000) };

/** HistoryService over a real DuckDB store in a temporary folder, the flow-record dispatcher mocked (its consumer is called directly). */
describe('HistoryService (real DuckDB; dispatcher mocked)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-history-service-'));
  const records = typedMock<FlowRecordDispatcher>()('register');
  const metrics = typedMock<MetricsService>()('followTotal');
  let consumer: FlowRecordConsumer;
  let service: HistoryService;

  beforeAll(async () => {
    records.register.mockImplementation((c) => void (consumer = c));
    service = new HistoryService(records, new HealthIssues(), metrics, {
      history: { backend: 'duckdb', path: dir, maxAgeDays: 3650, diskBudgetBytes: 1 << 30 },
    } as ControlPlaneOptions);
    await service.onModuleInit();
  });

  afterAll(async () => {
    await service.onApplicationShutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('off (history.backend none): no consumer, and every query is a 404 that says so', async () => {
    const off = new HistoryService(typedMock<FlowRecordDispatcher>()('register'), new HealthIssues(), metrics, { history: { backend: 'none' } } as ControlPlaneOptions);
    await off.onModuleInit();
    expect(off.enabled).toBe(false);
    await expect(off.usage()).rejects.toThrow(new NotFoundException('flow history is off (history.backend: none)'));
    expect(() => off.top(range)).toThrow(NotFoundException);
  });

  it('consumes the flow records in large batches and answers queries on them', async () => {
    expect(service.enabled).toBe(true);
    expect(consumer).toMatchObject({ name: 'history', batchRecords: HISTORY_BATCH_RECORDS });
    await consumer.consume([record(1, T0 + 60_000), record(2, T0 + 120_000, { l4: 'UDP', l4_proto: 17, l7: 'DNS', server: { ip: '192.0.2.53', port: 53 } })]);
    const all = await service.flows({ ...range }, false);
    expect(all.total).toBe(2);
    const udp = await service.flows({ ...range, l4: 'udp' }, false);
    expect(udp.data.map((f) => f.server.port)).toEqual([53]);
    const net = await service.flows({ ...range, network: '10.0.0.0/31' }, false);
    expect(net.data.map((f) => f.client.ip)).toEqual(['10.0.0.1']);
  });

  it('refuses bad ranges and filters with the reason (400)', () => {
    expect(() => service.top({ from: 'yesterday', to: range.to })).toThrow(new BadRequestException("from is not a valid time: 'yesterday'"));
    expect(() => service.top({ from: range.to, to: range.from })).toThrow(new BadRequestException('to must be after from'));
    expect(() => service.top({ from: String(T0), to: String(T0 + (MAX_RANGE_DAYS + 1) * 86_400_000) })).toThrow(new BadRequestException(`the range may span at most ${MAX_RANGE_DAYS} days`));
    expect(() => service.flows({ ...range, l4: 'bogus' }, false)).toThrow(new BadRequestException("unknown l4 protocol 'bogus'"));
    expect(() => service.flows({ ...range, network: '10.0.0.0/33' }, false)).toThrow(BadRequestException);
    expect(() => service.flows({ ...range, limit: 5000 }, false)).toThrow(new BadRequestException('limit above 1000 needs format=csv or format=ndjson'));
    expect(() => service.flows({ ...range, limit: 5000 }, true)).not.toThrow();
    expect(() => service.series({ ...range, step: 1 })).not.toThrow(); // 3 600 points
    expect(() => service.series({ from: String(T0), to: String(T0 + 86_400_000), step: 1 })).toThrow(BadRequestException); // 86 400 points
  });

  it("retention keeps today's data (the minute job's call)", async () => {
    const report = await service.enforceRetention(T0 + 86_400_000);
    expect(report.dropped).toEqual([]);
    expect((await service.flows({ ...range }, false)).total).toBe(2);
  });
});
