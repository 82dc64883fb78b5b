import type { FlowRecord } from '@flowprobe/dataplane';
import type { DataplaneRepository, OnInterface } from '../dataplane/dataplane.repository';
import type { FlowRecordDispatcher } from '../flow-records/flow-record-dispatcher';
import { HostNames } from '../flow-records/host-names';
import { GeoIp } from '../names/geo-ip';
import type { SettingsService } from '../settings/settings.service';
import { typedMock } from '../testing/typed.mock';
import { FlowsService } from './flows.service';

const flow: OnInterface<FlowRecord> = {
  key: '0:7:1',
  vlan: 0,
  l4: 'TCP',
  l7: 'TLS.YouTube',
  client: { ip: '192.168.1.2', port: 50000, mac: '', name: '' },
  server: { ip: '142.250.1.1', port: 443, mac: '', name: '' },
  cli2srv: { packets: 10, bytes: 1000 },
  srv2cli: { packets: 20, bytes: 30000 },
  thpt: { bps: 8000, pps: 3 },
  first_seen: 100,
  last_seen: 160,
  duration: 60,
  server_name: 'www.youtube.com',
  category: 'Media',
  score: 10,
  risks: ['TLS_SELFSIGNED_CERTIFICATE'],
  ifid: 1,
} as unknown as OnInterface<FlowRecord>;

describe('FlowsService (DataplaneRepository mocked)', () => {
  const dataplane = typedMock<DataplaneRepository>()('queryFlows');
  // The names the dispatcher learnt (a real HostNames: a plain class, nothing to mock).
  const hostNames = new HostNames();
  hostNames.learn('142.250.1.1', 'www.youtube.com');
  const settings = { get: () => ({ local_networks: ['192.168.0.0/16'] }) } as unknown as SettingsService;
  const service = new FlowsService(dataplane, { hostNames } as unknown as FlowRecordDispatcher, new GeoIp(), settings);

  beforeEach(() => dataplane.queryFlows.mockReset());

  it('asks the dataplane with the vocabulary defaults and the interface apart, and maps records to the API shape', async () => {
    dataplane.queryFlows.mockResolvedValue({ total: 41, data: [flow] });
    const page = await service.list({ l4: 'TCP', ifid: 1 });
    expect(dataplane.queryFlows).toHaveBeenCalledWith({ sort: 'bytes', order: 'desc', limit: 25, offset: 0, l4: 'TCP' }, 1);
    expect(page).toEqual({
      total: 41,
      data: [
        {
          key: '0:7:1',
          vlan: 0,
          client: { ip: '192.168.1.2', port: 50000 },
          server: { ip: '142.250.1.1', port: 443 },
          protocol: { l4: 'TCP', l7: 'TLS.YouTube' },
          cli2srv: { packets: 10, bytes: 1000 },
          srv2cli: { packets: 20, bytes: 30000 },
          bytes: 31000,
          thpt: { bps: 8000, pps: 3 },
          first_seen: 100,
          last_seen: 160,
          duration: 60,
          server_name: 'www.youtube.com',
          category: 'Media',
          score: 10,
          risks: ['TLS_SELFSIGNED_CERTIFICATE'],
          ifid: 1,
          client_name: '',
          server_host_name: 'www.youtube.com',
          client_country: '',
          client_asn: 0,
          client_as_org: '',
          server_country: '',
          server_asn: 0,
          server_as_org: '',
        },
      ],
    });
  });

  it("keeps the caller's sort, order and page", async () => {
    dataplane.queryFlows.mockResolvedValue({ total: 0, data: [] });
    await service.list({ sort: 'first_seen', order: 'asc', limit: 5, offset: 10 });
    expect(dataplane.queryFlows).toHaveBeenCalledWith({ sort: 'first_seen', order: 'asc', limit: 5, offset: 10 }, undefined);
  });

  it("shows a live flow's tunnel and the packets nDPI looked at in its details", async () => {
    dataplane.queryFlows.mockResolvedValue({ total: 1, data: [{ ...flow, tunnel: 'gtp', dpi_packets: 7, tcp_flags: { cli2srv: 0x12, srv2cli: 0 }, retransmissions: { cli2srv: 0, srv2cli: 0 }, out_of_order: { cli2srv: 0, srv2cli: 0 }, ip_bytes: { cli2srv: 1, srv2cli: 2 } }] });
    const d = await service.get('0:7:1', 1);
    expect(d).toMatchObject({ tunnel: 'gtp', dpi_packets: 7, tcp_flags: { cli2srv: ['SYN', 'ACK'], srv2cli: [] } });
    // A flow rebuilt from a record has neither: none shown, not undefined in the answer.
    dataplane.queryFlows.mockResolvedValue({ total: 1, data: [{ ...flow, tunnel: undefined, dpi_packets: undefined, tcp_flags: { cli2srv: 0, srv2cli: 0 }, retransmissions: { cli2srv: 0, srv2cli: 0 }, out_of_order: { cli2srv: 0, srv2cli: 0 }, ip_bytes: { cli2srv: 0, srv2cli: 0 } }] });
    expect(await service.get('0:7:1', 1)).toMatchObject({ tunnel: '', dpi_packets: 0 });
  });

  it('404s a flow key no longer active on the interface', async () => {
    dataplane.queryFlows.mockResolvedValue({ total: 0, data: [] });
    await expect(service.get('0:7:1', 1)).rejects.toThrow('flow 0:7:1 is not active on interface 1 (it may have ended)');
    expect(dataplane.queryFlows).toHaveBeenCalledWith({ key: '0:7:1' }, 1);
  });

  it("passes the dataplane's rejection on (a bad filter value is the API's 400)", async () => {
    dataplane.queryFlows.mockRejectedValue(Object.assign(new Error('unknown L4 protocol'), { code: 'QUERY_BAD_VALUE' }));
    await expect(service.list({ l4: 'bogus' })).rejects.toMatchObject({ code: 'QUERY_BAD_VALUE' });
  });

  it('learns host names from the newest running flows on every fifth call of the second job', async () => {
    const dns = { ...flow, l7: 'DNS', server: { ...flow.server, ip: '192.168.1.53' }, server_name: 'mail.example.org', info: { dns_answer: '198.51.100.25' } };
    dataplane.queryFlows.mockResolvedValue({ total: 1, data: [dns] });
    const ran: boolean[] = [];
    for (let i = 0; i < 10; i++) ran.push(await service.learnHostNames());
    expect(ran).toEqual([false, false, false, false, true, false, false, false, false, true]);
    expect(dataplane.queryFlows).toHaveBeenCalledTimes(2);
    expect(dataplane.queryFlows).toHaveBeenCalledWith({ sort: 'last_seen', order: 'desc', limit: 1000, offset: 0 }, undefined, 'background');
    // The DNS answer's address is named, not the resolver's.
    expect(hostNames.nameOf('198.51.100.25')).toBe('mail.example.org');
    expect(hostNames.nameOf('192.168.1.53')).toBe('');
  });

  it('sums the active flows by server port, local↔remote pair, category and application, largest first', async () => {
    const f = (client: string, server: string, port: number, l7: string, category: string, bytes: number, l4 = 'TCP') =>
      ({ ...flow, l4, l7, category, client: { ...flow.client, ip: client }, server: { ...flow.server, ip: server, port }, cli2srv: { packets: 1, bytes }, srv2cli: { packets: 0, bytes: 0 } }) as OnInterface<FlowRecord>;
    const data = [
      f('192.168.1.2', '142.250.1.1', 443, 'TLS.YouTube', 'Media', 5000),
      f('192.168.1.2', '142.250.1.1', 443, 'TLS.YouTube', 'Media', 3000),
      f('192.168.1.3', '8.8.8.8', 53, 'DNS.Google', 'Network', 400, 'UDP'),
      f('192.168.1.3', '192.168.1.1', 53, 'DNS', 'Network', 100, 'UDP'),
      f('10.9.9.9', '192.168.1.2', 22, 'SSH', 'RemoteAccess', 900),
    ];
    dataplane.queryFlows.mockResolvedValue({ total: data.length, data });
    const summary = await service.summary();
    expect(dataplane.queryFlows).toHaveBeenCalledWith({ sort: 'bytes', order: 'desc', offset: 0, limit: 1000 }, undefined, 'background');
    expect(summary.flows).toBe(5);
    expect(summary.ports).toEqual([
      { l4: 'TCP', port: 443, bytes: 8000, flows: 2 },
      { l4: 'TCP', port: 22, bytes: 900, flows: 1 },
      { l4: 'UDP', port: 53, bytes: 500, flows: 2 },
    ]);
    // Local to local (192.168.1.3 -> 192.168.1.1) is no pair; the remote client of the SSH flow is.
    expect(summary.pairs).toEqual([
      { local: '192.168.1.2', remote: '142.250.1.1', local_name: '', remote_name: 'www.youtube.com', bytes: 8000, flows: 2 },
      { local: '192.168.1.2', remote: '10.9.9.9', local_name: '', remote_name: '', bytes: 900, flows: 1 },
      { local: '192.168.1.3', remote: '8.8.8.8', local_name: '', remote_name: '', bytes: 400, flows: 1 },
    ]);
    expect(summary.categories.map((c) => [c.category, c.bytes, c.flows])).toEqual([['Media', 8000, 2], ['RemoteAccess', 900, 1], ['Network', 500, 2]]);
    expect(summary.applications.map((a) => [a.application, a.bytes])).toEqual([['TLS.YouTube', 8000], ['SSH', 900], ['DNS.Google', 400], ['DNS', 100]]);
  });
});
