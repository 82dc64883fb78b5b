import { NotFoundException } from '@nestjs/common';
import type { HostRecord } from '@flowprobe/dataplane';
import type { DataplaneRepository, OnInterface } from '../dataplane/dataplane.repository';
import type { FlowRecordDispatcher } from '../flow-records/flow-record-dispatcher';
import { HostNames } from '../flow-records/host-names';
import { GeoIp } from '../names/geo-ip';
import { typedMock } from '../testing/typed.mock';
import { HostsService } from './hosts.service';

const host = {
  ip: '192.168.1.2',
  mac: '00:11:22:33:44:55',
  vlan: 7,
  is_local: true,
  bytes: { sent: 300, rcvd: 700, total: 1000 },
  packets: { sent: 3, rcvd: 7 },
  thpt: { bps: 80, pps: 1 },
  num_flows: { as_client: 2, as_server: 1 },
  total_flows: { as_client: 5, as_server: 4 },
  first_seen: 100,
  last_seen: 200,
  applications: [
    { name: 'TLS', bytes: 667 },
    { name: 'DNS', bytes: 333 },
  ],
  ifid: 0,
} as unknown as OnInterface<HostRecord>;

describe('HostsService (DataplaneRepository mocked)', () => {
  const dataplane = typedMock<DataplaneRepository>()('queryHosts', 'getHost');
  const hostNames = new HostNames();
  hostNames.learn('192.168.1.2', 'laptop.corp.example');
  const service = new HostsService(dataplane, { hostNames } as unknown as FlowRecordDispatcher, new GeoIp());

  beforeEach(() => {
    dataplane.queryHosts.mockReset();
    dataplane.getHost.mockReset();
  });

  it('lists with the vocabulary defaults, the filters and the interface apart', async () => {
    dataplane.queryHosts.mockResolvedValue({ total: 1, data: [host] });
    const page = await service.list({ local: true, q: '192.168', ifid: 0 });
    expect(dataplane.queryHosts).toHaveBeenCalledWith({ sort: 'bytes', order: 'desc', limit: 25, offset: 0, local: true, q: '192.168' }, 0);
    expect(page.data[0]).toEqual({
      ip: '192.168.1.2',
      mac: '00:11:22:33:44:55',
      vlan: 7,
      is_local: true,
      bytes: { sent: 300, rcvd: 700, total: 1000 },
      packets: { sent: 3, rcvd: 7 },
      thpt: { bps: 80, pps: 1 },
      num_flows: { as_client: 2, as_server: 1 },
      first_seen: 100,
      last_seen: 200,
      ifid: 0,
      name: 'laptop.corp.example',
      country: '',
      country_name: '',
      asn: 0,
      as_org: '',
    });
  });

  it('searches by name when the text is not part of an address: the named hosts the dataplane still has, filtered and paged', async () => {
    dataplane.getHost.mockImplementation(async (ip: string) => (ip === '192.168.1.2' ? host : undefined));
    hostNames.learn('10.9.9.9', 'gone.corp.example'); // named, but no longer active
    const page = await service.list({ q: 'CORP' });
    expect(dataplane.queryHosts).not.toHaveBeenCalled();
    expect(page).toMatchObject({ total: 1, data: [{ ip: '192.168.1.2', name: 'laptop.corp.example' }] });
    expect((await service.list({ q: 'corp', local: false })).total).toBe(0);
    expect((await service.list({ q: 'nothing-like-it' })).total).toBe(0);
  });

  it("gives a host's detail with each application's share of its bytes, to 0.01 %", async () => {
    dataplane.getHost.mockResolvedValue(host);
    const detail = await service.get('192.168.1.2', 7);
    expect(dataplane.getHost).toHaveBeenCalledWith('192.168.1.2', 7);
    expect(detail.total_flows).toEqual({ as_client: 5, as_server: 4 });
    expect(detail.applications).toEqual([
      { name: 'TLS', bytes: 667, percent: 66.7 },
      { name: 'DNS', bytes: 333, percent: 33.3 },
    ]);
  });

  it('a host with no bytes yet has 0 % applications, not a division by zero', async () => {
    dataplane.getHost.mockResolvedValue({ ...host, bytes: { sent: 0, rcvd: 0, total: 0 }, applications: [{ name: 'DNS', bytes: 0 }] } as OnInterface<HostRecord>);
    expect((await service.get('192.168.1.2')).applications).toEqual([{ name: 'DNS', bytes: 0, percent: 0 }]);
  });

  it('404s a host no interface knows, naming it with its VLAN', async () => {
    dataplane.getHost.mockResolvedValue(undefined);
    await expect(service.get('10.0.0.9', 3)).rejects.toThrow(new NotFoundException('Host 10.0.0.9@3 not found'));
    await expect(service.get('10.0.0.9')).rejects.toThrow('Host 10.0.0.9 not found');
  });
});
