import * as path from 'node:path';
import { InterfaceHandle, startDataplane } from '@flowprobe/dataplane';
import { DataplaneRepository } from './dataplane.repository';

/** The shared nDPI captures (see ../shared/pcaps/README.md), beside the repository. */
const PCAPS = path.resolve(__dirname, '../../../../shared/pcaps/ndpi');

/** Two real interfaces on two shared captures: pages are merged across them. */
describe('DataplaneRepository over two interfaces', () => {
  let a: InterfaceHandle;
  let b: InterfaceHandle;
  let repo: DataplaneRepository;

  beforeAll(async () => {
    const start = (file: string, name: string) =>
      startDataplane({ name, source: { kind: 'pcap', path: path.join(PCAPS, file) }, workers: 1, idleTimeoutS: 0, hostIdleTimeoutS: 0, dpi: false });
    [a, b] = await Promise.all([start('android.pcap', 'a'), start('bittorrent.pcap', 'b')]);
    await Promise.all([a.whenFinished(), b.whenFinished()]);
    repo = new DataplaneRepository([a, b]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('numbers interfaces by position and 404s unknown ones', async () => {
    expect((await repo.interfaces()).map((i) => [i.id, i.name])).toEqual([[0, 'a'], [1, 'b']]);
    expect(() => repo.interface(2)).toThrow(/Interface 2 not found/);
  });

  it('merges flow pages: totals add up, order holds across interfaces, offset pages continue', async () => {
    const total = (await a.queryFlows({ limit: 0 })).total + (await b.queryFlows({ limit: 0 })).total;
    const all = await repo.queryFlows({ sort: 'bytes', order: 'desc', limit: 1000 });
    expect(all.total).toBe(total);
    expect(all.data).toHaveLength(total);
    const bytes = all.data.map((f) => f.cli2srv.bytes + f.srv2cli.bytes);
    expect(bytes).toEqual([...bytes].sort((x, y) => y - x));
    expect(new Set(all.data.map((f) => f.ifid))).toEqual(new Set([0, 1]));
    const second = await repo.queryFlows({ sort: 'bytes', order: 'desc', limit: 10, offset: 10 });
    expect(second.data.map((f) => f.key + f.ifid)).toEqual(all.data.slice(10, 20).map((f) => f.key + f.ifid));
    // One interface only.
    expect((await repo.queryFlows({ limit: 5 }, 1)).total).toBe((await b.queryFlows({ limit: 0 })).total);
  });

  it('collects the busiest hosts of every interface', async () => {
    const hosts = await repo.topHosts(5000);
    expect(hosts.length).toBe((await a.queryHosts({ limit: 0 })).total + (await b.queryHosts({ limit: 0 })).total);
    expect(await repo.topHosts(3)).toHaveLength(3);
    const host = hosts[hosts.length - 1];
    expect((await repo.getHost(host.ip, host.vlan))?.ip).toBe(host.ip);
  });
});
