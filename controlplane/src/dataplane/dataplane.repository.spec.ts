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

/** Two interfaces replaying the same capture: every record ties with its twin, so the merge's tie-break decides the order. */
describe('DataplaneRepository: ties across interfaces', () => {
  let a: InterfaceHandle;
  let b: InterfaceHandle;
  let repo: DataplaneRepository;

  beforeAll(async () => {
    const start = (name: string) =>
      startDataplane({ name, source: { kind: 'pcap', path: path.join(PCAPS, 'android.pcap') }, workers: 2, idleTimeoutS: 0, hostIdleTimeoutS: 0, dpi: false });
    [a, b] = await Promise.all([start('a'), start('b')]);
    await Promise.all([a.whenFinished(), b.whenFinished()]);
    repo = new DataplaneRepository([a, b]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('ranks hosts by the key, ties by address then VLAN as one interface does, then by interface; pages continue', async () => {
    for (const q of [{ sort: 'bytes' as const, order: 'desc' as const }, { sort: 'flows' as const, order: 'asc' as const }, { sort: 'ip' as const, order: 'desc' as const }]) {
      const one = await a.queryHosts({ ...q, limit: 1000 });
      const all = await repo.queryHosts({ ...q, limit: 1000 });
      expect(all.total).toBe(2 * one.total);
      // Each host of the single interface, then its twin on interface 1.
      expect(all.data.map((h) => `${h.ip}@${h.vlan}#${h.ifid}`)).toEqual(one.data.flatMap((h) => [`${h.ip}@${h.vlan}#0`, `${h.ip}@${h.vlan}#1`]));
      const page = await repo.queryHosts({ ...q, offset: 7, limit: 9 });
      expect(page.data.map((h) => `${h.ip}#${h.ifid}`)).toEqual(all.data.slice(7, 16).map((h) => `${h.ip}#${h.ifid}`));
    }
  });

  it('ranks flows by the key, ties by interface, then by rank within it', async () => {
    for (const q of [{ sort: 'bytes' as const, order: 'desc' as const }, { sort: 'first_seen' as const, order: 'asc' as const }]) {
      const one = await a.queryFlows({ ...q, limit: 1000 });
      const all = await repo.queryFlows({ ...q, limit: 1000 });
      expect(all.total).toBe(2 * one.total);
      const keysInOrder = all.data.map((f) => (q.sort === 'bytes' ? f.cli2srv.bytes + f.srv2cli.bytes : f.first_seen));
      expect(keysInOrder).toEqual([...keysInOrder].sort((x, y) => (q.order === 'desc' ? y - x : x - y)));
      // Among flows with the same key, interface 0's come first, each interface in its own rank order.
      const byKey = new Map<number, string[]>();
      all.data.forEach((f, i) => byKey.set(keysInOrder[i], [...(byKey.get(keysInOrder[i]) ?? []), `${f.ifid}:${f.key}`]));
      const oneByKey = new Map<number, string[]>();
      for (const f of one.data) {
        const k = q.sort === 'bytes' ? f.cli2srv.bytes + f.srv2cli.bytes : f.first_seen;
        oneByKey.set(k, [...(oneByKey.get(k) ?? []), f.key]);
      }
      for (const [k, keys] of oneByKey) expect(byKey.get(k)).toEqual([...keys.map((x) => `0:${x}`), ...keys.map((x) => `1:${x}`)]);
    }
  });
});
