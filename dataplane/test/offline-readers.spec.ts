import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { FlowQuery, PcapWriter, QueryError, startDataplane } from '../src';
import { Dataplane } from '../src/dataplane';
import { OfflineReaders } from '../src/offline/offline-readers';
import { PCAP_DIR } from './ndpi-expected';

/**
 * 3000 UDP flows (1-4 packets, 60-1000 bytes: many ties) between 40 clients
 * and 7 servers: more flows than one page, so deep pages take the one-reader path.
 */
function writeManyFlows(file: string): void {
  const w = new PcapWriter(file);
  const frame = new Uint8Array(1014);
  const v = new DataView(frame.buffer);
  frame.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00]);
  let t = 1_767_571_200;
  for (let i = 0; i < 3000; i++) {
    const len = 60 + ((i * 37) % 941);
    const ip = 14;
    frame.set([0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1 + (i % 40), 172, 16, 0, 1 + (i % 7)], ip);
    v.setUint16(ip + 2, len - 14);
    v.setUint16(ip + 20, 1024 + i);
    v.setUint16(ip + 22, 53 + (i % 3));
    v.setUint16(ip + 24, len - 34);
    for (let p = 0; p <= i % 4; p++) w.writePacket((t += 0.001), frame, 0, len);
  }
  w.close();
}

describe('OfflineReaders', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-readers-'));
  const file = path.join(dir, 'many-flows.pcap');
  let dp: Dataplane;
  let readers: OfflineReaders;

  beforeAll(async () => {
    writeManyFlows(file);
    dp = await Dataplane.start({ source: { kind: 'pcap', path: file }, workers: 2, idleTimeoutS: 0, dpi: false });
    await dp.whenFinished();
    readers = await OfflineReaders.start(dp.readersSource());
  });

  afterAll(async () => {
    await readers?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const queries: FlowQuery[] = [
    {},
    { sort: 'bytes', order: 'desc', limit: 10, offset: 5 },
    { sort: 'packets', order: 'asc', limit: 100 },
    { sort: 'first_seen', order: 'desc', limit: 1000 },
    { sort: 'first_seen', order: 'asc', limit: 7, offset: 990 },
    { sort: 'duration', order: 'desc', limit: 20 },
    { sort: 'bytes', order: 'desc', limit: 50, offset: 2500 }, // deeper than a page: one reader
    { host: '10.0.0.3', limit: 1000 },
    { l4: 'udp', port: 54, sort: 'last_seen', limit: 30 },
    { limit: 0 },
  ];

  it('runs one reader per shard on this 2-core machine', () => {
    expect(readers.readers).toBe(Math.min(2, os.availableParallelism()));
  });

  it.each(queries.map((q) => [JSON.stringify(q), q]))('answers %s as one scan on the main thread does', async (_name, q) => {
    const expected = dp.queryFlows(q);
    expect(expected.total).toBeGreaterThan(0);
    // Readers free: ranked in parallel and merged.
    expect(await readers.queryFlows(q)).toEqual(expected);
    // A reader busy with a job: one reader ranks every shard.
    const [busy, alone] = await Promise.all([readers.queryFlows(q, 'background'), readers.queryFlows(q)]);
    expect(busy).toEqual(expected);
    expect(alone).toEqual(expected);
  });

  it('answers host queries and host lookups as the main thread does', async () => {
    const hosts = dp.queryHosts({ limit: 1000 });
    expect(hosts.total).toBe(47);
    expect(await readers.queryHosts({ limit: 1000 })).toEqual(hosts);
    expect(await readers.getHost('172.16.0.3')).toEqual(dp.getHost('172.16.0.3'));
    expect(await readers.getHost('10.9.9.9')).toBeUndefined();
  });

  it('rejects a bad filter with the QUERY_BAD_VALUE code the API turns into a 400, across the thread boundary', async () => {
    await expect(readers.queryFlows({ l4: 'bogus' })).rejects.toThrow(QueryError);
    await expect(readers.queryFlows({ l4: 'bogus' })).rejects.toMatchObject({ name: 'QueryError', code: 'QUERY_BAD_VALUE' });
    await expect(readers.queryHosts({ sort: 'colour' as never })).rejects.toMatchObject({ code: 'QUERY_BAD_VALUE' });
    await expect(readers.queryFlows({ host: 'not-an-ip' })).rejects.toThrow(/not an IP address/);
  });

  it('counts distinct hosts in a reader thread: the same counters as the main thread', async () => {
    const stats = await readers.stats();
    expect(stats.num_hosts).toBe(47);
    expect(stats).toEqual(dp.stats());
  });

  it('serves an API request before the jobs queued ahead of it', async () => {
    const order: string[] = [];
    const track = (name: string, p: Promise<unknown>) => p.then(() => order.push(name));
    // Deeper than a page: each job goes whole to one reader; jobs run on one reader at a time, so the other stays free for the API.
    const deep: FlowQuery = { sort: 'first_seen', order: 'desc', limit: 1000, offset: 1500 };
    await Promise.all([
      track('job1', readers.queryFlows(deep, 'background')), // reader 0, in progress
      track('job2', readers.queryFlows(deep, 'background')), // reader 1, queued: reader 0 holds the only job slot
      track('job3', readers.queryFlows(deep, 'background')), // reader 1, queued
      track('api', readers.queryFlows({ limit: 5 })), // reader 1 (nothing in progress there): at once
    ]);
    expect(order.indexOf('api')).toBeLessThan(order.indexOf('job3'));
  });

  it('starts a reader again when its thread dies, failing only the request it was answering', async () => {
    const threads = (readers as unknown as { threads: { worker: Worker }[] }).threads;
    const before = threads[0].worker;
    await before.terminate();
    expect(await readers.queryFlows({ sort: 'bytes', limit: 10 })).toEqual(dp.queryFlows({ sort: 'bytes', limit: 10 }));
    expect(threads[0].worker).not.toBe(before);
  });

  it('runs the periodic pass in the readers (a finished capture without idle expiry ends no flow)', async () => {
    const { records } = await readers.updateStats(Date.now() / 1000, Infinity);
    expect(records.filter((r) => r.end_reason !== 'active_timeout')).toEqual([]);
  });

  it('other captures: the same pages over real traffic with DPI names', async () => {
    const real = await Dataplane.start({ source: { kind: 'pcap', path: path.join(PCAP_DIR, '1kxun.pcap') }, workers: 2, idleTimeoutS: 0 });
    const r = await OfflineReaders.start(real.readersSource());
    try {
      await real.whenFinished();
      for (const q of [{ sort: 'bytes', limit: 1000 }, { l7: 'HTTP', limit: 1000 }, { sort: 'thpt', order: 'asc', limit: 3 }] as FlowQuery[]) {
        expect(await r.queryFlows(q)).toEqual(real.queryFlows(q));
      }
    } finally {
      await r.stop();
    }
  });

  it('startDataplane: the handle stops its workers and its readers', async () => {
    const handle = await startDataplane({ source: { kind: 'pcap', path: file }, workers: 2, idleTimeoutS: 0, dpi: false }, 1);
    await handle.whenFinished();
    expect((await handle.stats()).num_hosts).toBe(47);
    expect((await handle.queryFlows({ limit: 1 })).total).toBe((await readers.queryFlows({ limit: 1 })).total);
    await handle.stop();
    await expect(handle.queryFlows({})).rejects.toMatchObject({ code: 'READER_FAILED' });
  });
});
