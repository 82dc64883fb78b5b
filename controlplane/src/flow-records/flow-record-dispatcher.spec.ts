import type { FlowExportRecord } from '@flowprobe/dataplane';
import { DataplaneRepository } from '../dataplane/dataplane.repository';
import { FlowRecordDispatcher } from './flow-record-dispatcher';

function record(i: number, over: Partial<FlowExportRecord> = {}): FlowExportRecord {
  return {
    probe: 'p1',
    interface: 'eth0',
    key: `0:${i}:1`,
    flow_start_ms: 1000,
    first_seen_ms: 1000,
    last_seen_ms: 2000,
    end_reason: 'idle',
    ip_version: 4,
    vlan: 0,
    l4: 'TCP',
    l4_proto: 6,
    client: { ip: '10.0.0.1', port: 40000 + (i % 1000) },
    server: { ip: '10.0.0.2', port: 443 },
    cli2srv: { packets: 1, bytes: 100 },
    srv2cli: { packets: 1, bytes: 200 },
    retransmissions: { cli2srv: 0, srv2cli: 0 },
    flow_totals: { cli2srv: { packets: 1, bytes: 100 }, srv2cli: { packets: 1, bytes: 200 } },
    tcp_flags: { cli2srv: 0x1b, srv2cli: 0x1b },
    l7: 'TLS',
    category: 'Web',
    breed: 'Safe',
    server_name: '',
    risks: [],
    score: 0,
    community_id: '1:x',
    client_name: '',
    server_host_name: '',
    icmp_type: -1,
    icmp_code: -1,
    ...over,
  };
}

const batch = (from: number, n: number) => Array.from({ length: n }, (_, i) => record(from + i));

describe('FlowRecordDispatcher', () => {
  let dispatcher: FlowRecordDispatcher;
  beforeEach(() => (dispatcher = new FlowRecordDispatcher(new DataplaneRepository([]))));

  it('hands every record to every consumer, in order, in batches of at most batchRecords', async () => {
    const a: string[] = [];
    const b: number[] = [];
    dispatcher.register({ name: 'a', consume: (recs) => void a.push(...recs.map((r) => r.key)) });
    dispatcher.register({ name: 'b', batchRecords: 7, consume: async (recs) => void b.push(recs.length) });
    dispatcher.dispatch(batch(0, 10));
    dispatcher.dispatch(batch(10, 15));
    await dispatcher.drain();
    expect(a).toEqual(batch(0, 25).map((r) => r.key));
    expect(b.every((n) => n <= 7)).toBe(true);
    expect(b.reduce((x, y) => x + y, 0)).toBe(25);
    expect(dispatcher.stats().consumers.map((c) => [c.name, c.delivered, c.dropped, c.queued])).toEqual([
      ['a', 25, 0, 0],
      ['b', 25, 0, 0],
    ]);
  });

  it('a slow consumer overflows its own bounded queue (counted, reported), the others get everything', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fast: string[] = [];
    const slow: string[] = [];
    const overflow: [string, number][] = [];
    dispatcher.onOverflow((name, n) => overflow.push([name, n]));
    dispatcher.register({ name: 'fast', consume: (recs) => void fast.push(...recs.map((r) => r.key)) });
    dispatcher.register({
      name: 'slow',
      maxQueuedRecords: 10,
      batchRecords: 10,
      consume: async (recs) => {
        await gate;
        slow.push(...recs.map((r) => r.key));
      },
    });
    dispatcher.dispatch(batch(0, 10)); // taken as the first batch once the queue starts draining
    await new Promise((resolve) => setImmediate(resolve));
    dispatcher.dispatch(batch(10, 8)); // queued (8 of 10)
    dispatcher.dispatch(batch(18, 5)); // 2 fit, 3 dropped
    expect(dispatcher.stats().consumers[1]).toMatchObject({ queued: 10, dropped: 3 });
    release();
    await dispatcher.drain();
    expect(fast).toHaveLength(23);
    expect(slow).toEqual(batch(0, 20).map((r) => r.key));
    expect(overflow).toEqual([['slow', 3]]);
    expect(dispatcher.stats().consumers[1]).toMatchObject({ delivered: 20, dropped: 3, queued: 0 });
  });

  it('a consumer that throws loses that batch only (counted), the next batch still comes', async () => {
    let calls = 0;
    dispatcher.register({
      name: 'flaky',
      batchRecords: 5,
      consume: () => {
        if (++calls === 1) throw new Error('disk full');
      },
    });
    dispatcher.dispatch(batch(0, 10));
    await dispatcher.drain();
    expect(dispatcher.stats().consumers[0]).toMatchObject({ delivered: 5, failed_batches: 1, failed_records: 5, last_error: 'disk full' });
  });

  it('fills host names learnt from SNI/Host of the same and earlier batches, never from DNS queries', async () => {
    const seen: FlowExportRecord[] = [];
    dispatcher.register({ name: 'names', consume: (recs) => void seen.push(...recs) });
    dispatcher.dispatch([
      record(1, { server: { ip: '10.0.0.53', port: 53 }, server_name: 'example.org', l7: 'DNS' }),
      record(2, { server: { ip: '93.184.216.34', port: 443 }, server_name: 'example.org' }),
    ]);
    dispatcher.dispatch([record(3, { client: { ip: '93.184.216.34', port: 443 }, server: { ip: '10.0.0.9', port: 5555 } })]);
    await dispatcher.drain();
    expect(seen.map((r) => [r.client_name, r.server_host_name])).toEqual([
      ['', ''],
      ['', 'example.org'],
      ['example.org', ''],
    ]);
  });

  it('refuses a second consumer of the same name', () => {
    dispatcher.register({ name: 'x', consume: () => undefined });
    expect(() => dispatcher.register({ name: 'x', consume: () => undefined })).toThrow(/already registered/);
  });
});
