import * as dgram from 'node:dgram';
import { BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';
import type { FlowExportRecord } from '@flowprobe/dataplane';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { ControlPlaneOptions } from '../config/control-plane-options';
import { openDatabase } from '../database/data-source';
import type { DataplaneRepository } from '../dataplane/dataplane.repository';
import type { FlowRecordDispatcher } from '../flow-records/flow-record-dispatcher';
import type { MetricsService } from '../metrics/metrics.service';
import { SettingsRepository } from '../settings/settings.repository';
import { SettingsService } from '../settings/settings.service';
import { typedMock } from '../testing/typed.mock';
import { IpfixCollectorsRepository } from './ipfix-collectors.repository';
import { IPFIX_DATABASE } from './ipfix.module';
import { IpBytesDeltas, IpfixService } from './ipfix.service';

function record(over: Partial<FlowExportRecord>): FlowExportRecord {
  return {
    probe: 'p1', interface: 'eth0', key: '0:1:1', flow_start_ms: 1000, first_seen_ms: 1000, last_seen_ms: 2000, end_reason: 'idle',
    ip_version: 4, vlan: 0, l4: 'UDP', l4_proto: 17, client: { ip: '10.0.0.1', port: 5000 }, server: { ip: '10.0.0.2', port: 53 },
    cli2srv: { packets: 1, bytes: 80 }, srv2cli: { packets: 1, bytes: 120 }, retransmissions: { cli2srv: 0, srv2cli: 0 },
    flow_totals: { cli2srv: { packets: 1, bytes: 80 }, srv2cli: { packets: 1, bytes: 120 } }, ip_bytes_total: { cli2srv: 66, srv2cli: 106 },
    tcp_flags: { cli2srv: 0, srv2cli: 0 }, l7: 'DNS', category: 'Network', breed: 'Acceptable', server_name: 'example.org', risks: [], score: 0,
    community_id: '1:abc=', client_name: '', server_host_name: '', icmp_type: -1, icmp_code: -1,
    ...over,
  };
}

describe('IpBytesDeltas (IP-layer byte totals of a flow into IPFIX deltas)', () => {
  it('interim records report what grew since the last one; the final record the rest; the sum is the total', () => {
    const d = new IpBytesDeltas();
    const a = d.toIpfix(record({ end_reason: 'active_timeout', ip_bytes_total: { cli2srv: 100, srv2cli: 1000 } }), 1);
    const b = d.toIpfix(record({ end_reason: 'active_timeout', ip_bytes_total: { cli2srv: 150, srv2cli: 1000 } }), 1);
    const c = d.toIpfix(record({ end_reason: 'idle', ip_bytes_total: { cli2srv: 160, srv2cli: 1300 } }), 1);
    expect([a.ip_bytes, b.ip_bytes, c.ip_bytes]).toEqual([
      { cli2srv: 100, srv2cli: 1000 },
      { cli2srv: 50, srv2cli: 0 },
      { cli2srv: 10, srv2cli: 300 },
    ]);
    // The flow is forgotten after its final record: a new flow with the same key starts from zero.
    expect(d.toIpfix(record({ ip_bytes_total: { cli2srv: 5, srv2cli: 5 } }), 1).ip_bytes).toEqual({ cli2srv: 5, srv2cli: 5 });
  });
});

/** IpfixService over real SQLite (collectors, settings) exporting to a real UDP socket; the dataplane and dispatcher mocked. */
describe('IpfixService (real SQLite and UDP collector)', () => {
  let dataSource: DataSource;
  let settings: SettingsService;
  let service: IpfixService;
  const records = typedMock<FlowRecordDispatcher>()('register');
  const dataplane = typedMock<DataplaneRepository>()('interfaceId');
  const metrics = { registry: new Registry(), followTotal: jest.fn() } as unknown as MetricsService;
  const collector = dgram.createSocket('udp4');
  const datagrams: Buffer[] = [];

  beforeAll(async () => {
    dataSource = await openDatabase(':memory:', [IPFIX_DATABASE]);
    settings = new SettingsService(new SettingsRepository(dataSource), { localNetworks: [], liveIntervalMs: 1000 } as unknown as ControlPlaneOptions);
    await settings.onModuleInit();
    service = new IpfixService(new IpfixCollectorsRepository(dataSource), records, dataplane, metrics, settings);
    await service.onModuleInit();
    collector.on('message', (m) => datagrams.push(m));
    await new Promise<void>((r) => collector.bind(0, '127.0.0.1', r));
    dataplane.interfaceId.mockReturnValue(0);
  });

  afterAll(async () => {
    await service.onApplicationShutdown();
    collector.close();
    await dataSource.destroy();
  });

  it('registers with the dispatcher with a bounded queue', () => {
    expect(records.register).toHaveBeenCalledWith(expect.objectContaining({ name: 'ipfix', maxQueuedRecords: 200_000 }));
  });

  it('refuses a loopback collector unless the allowed destinations list it (400 with the reason)', async () => {
    const err = await service.create({ name: 'local', host: '127.0.0.1', port: collector.address().port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestException);
    expect(JSON.stringify((err as BadRequestException).getResponse())).toContain('host: ');
    expect(await service.list()).toEqual([]);
  });

  it('stores an allowed collector, exports the flow records to it as IPFIX, refuses a second one of the same name', async () => {
    await settings.update({ siem_allowed_destinations: ['127.0.0.1/32'] });
    const view = await service.create({ name: 'local', host: '127.0.0.1', port: collector.address().port });
    expect(view).toMatchObject({ name: 'local', host: '127.0.0.1', transport: 'udp', mode: 'biflow', enabled: true });
    await expect(service.create({ name: 'local', host: '192.0.2.10' })).rejects.toThrow(ConflictException);
    service.exportRecords([record({})]);
    for (const until = Date.now() + 20_000; datagrams.length === 0 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 20));
    expect(datagrams.length).toBeGreaterThan(0);
    expect(datagrams[0].readUInt16BE(0)).toBe(10); // IPFIX version
    expect(datagrams[0].readUInt16BE(2)).toBe(datagrams[0].length); // message length
  });

  it('an unknown collector is a 404; a deleted one is gone', async () => {
    await expect(service.get('00000000-0000-0000-0000-000000000000')).rejects.toThrow(NotFoundException);
    const [c] = await service.list();
    await service.delete(c.id);
    expect(await service.list()).toEqual([]);
    expect(service.exporterStats()).toEqual([]);
  });
});
