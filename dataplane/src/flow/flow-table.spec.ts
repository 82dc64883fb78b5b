import { DecodedPacket } from '../decode/decoded-packet';
import { A, ACK, B, ipv4Packet, makeShard, SYN, TCP, UDP } from '../../test/flow-fixtures';
import { EntryState } from '../shard/entry-state';
import { readFlowRecord } from './flow-record';
import { NO_DPI_NAMES } from '../shard/record-names';
import { HashHeaderF64, LOCK_STRIPES } from '../shard/hash-table.layout';
import { readLock, readUnlock } from '../shard/rw-lock';

describe('FlowTable', () => {
  const p = new DecodedPacket();

  it('puts both directions in one flow, client = first sender', () => {
    const { flows } = makeShard(16);
    const s1 = flows.account(ipv4Packet(p, UDP, A, 5000, B, 53), 100, 80);
    expect(flows.created).toBe(true);
    expect(flows.dir).toBe(0);
    const s2 = flows.account(ipv4Packet(p, UDP, B, 53, A, 5000), 100.5, 120);
    expect(s2).toBe(s1);
    expect(flows.created).toBe(false);
    expect(flows.dir).toBe(1);
    const r = readFlowRecord(flows, s1, 0, NO_DPI_NAMES);
    expect(r).toMatchObject({
      l4: 'UDP',
      client: { ip: '192.168.1.1', port: 5000 },
      server: { ip: '8.8.8.8', port: 53 },
      cli2srv: { packets: 1, bytes: 80 },
      srv2cli: { packets: 1, bytes: 120 },
      first_seen: 100,
      last_seen: 100.5,
      first_from_server: false,
    });
  });

  it('takes the receiver of a SYN-ACK seen first as the client', () => {
    const { flows } = makeShard(16);
    const s = flows.account(ipv4Packet(p, TCP, B, 443, A, 40000, SYN | ACK, 1000), 1, 60);
    expect(flows.dir).toBe(1);
    flows.account(ipv4Packet(p, TCP, A, 40000, B, 443, ACK, 1), 2, 54);
    const r = readFlowRecord(flows, s, 0, NO_DPI_NAMES);
    expect(r.client).toEqual({ ip: '192.168.1.1', port: 40000 });
    expect(r.server).toEqual({ ip: '8.8.8.8', port: 443 });
    expect(r.first_from_server).toBe(true);
    expect(r.srv2cli).toEqual({ packets: 1, bytes: 60 });
    expect(r.tcp_flags).toEqual({ cli2srv: ACK, srv2cli: SYN | ACK });
  });

  it("records the first packet's tunnel and the IP-layer bytes per direction (read back by the flow record)", () => {
    const { flows } = makeShard(16);
    ipv4Packet(p, UDP, A, 4789, B, 4789);
    p.tunnel = 4; // TunnelKind.Vxlan: the decoder took the inner packet out of a VXLAN tunnel
    p.l3Length = 50;
    const s = flows.account(p, 1, 100);
    ipv4Packet(p, UDP, B, 4789, A, 4789);
    p.tunnel = 0; // the tunnel of the first packet stays the flow's
    p.l3Length = 70;
    flows.account(p, 2, 120);
    flows.account(p, 3, 120);
    const r = readFlowRecord(flows, s, 0, NO_DPI_NAMES);
    expect(r.tunnel).toBe('vxlan');
    expect(r.ip_bytes).toEqual({ cli2srv: 50, srv2cli: 140 });
    expect(r.cli2srv).toEqual({ packets: 1, bytes: 100 });
    expect(r.srv2cli).toEqual({ packets: 2, bytes: 240 });
    const plain = flows.account(ipv4Packet(p, TCP, A, 1, B, 2), 4, 60);
    expect(readFlowRecord(flows, plain, 0, NO_DPI_NAMES).tunnel).toBe('');
  });

  it('keeps the packets nDPI looked at (the flow record shows them) and no DPI means none', () => {
    const { flows } = makeShard(16);
    p.tunnel = 0;
    const s = flows.account(ipv4Packet(p, TCP, A, 1000, B, 443, SYN, 1), 1, 60);
    expect(readFlowRecord(flows, s, 0, NO_DPI_NAMES).dpi_packets).toBe(0);
    flows.setDpiResult(s, 91, 0, 0, 0, 0, 6, 2 /* DpiState.Detected */);
    expect(readFlowRecord(flows, s, 0, NO_DPI_NAMES).dpi_packets).toBe(6);
  });

  it('keeps different VLANs and protocols apart', () => {
    const { flows } = makeShard(16);
    const a = flows.account(ipv4Packet(p, UDP, A, 1, B, 2), 1, 60);
    p.vlan = 10;
    const b = flows.account(p, 1, 60);
    const c = flows.account(ipv4Packet(p, TCP, A, 1, B, 2), 1, 60);
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it('estimates retransmissions and out-of-order segments per direction', () => {
    const { flows } = makeShard(16);
    const s = flows.account(ipv4Packet(p, TCP, A, 1000, B, 80, SYN, 100), 1, 60);
    flows.account(ipv4Packet(p, TCP, A, 1000, B, 80, ACK, 101, 500), 2, 554); // next = 601
    flows.account(ipv4Packet(p, TCP, A, 1000, B, 80, ACK, 101, 500), 3, 554); // retransmission
    flows.account(ipv4Packet(p, TCP, A, 1000, B, 80, ACK, 1101, 100), 4, 154); // gap: out of order
    const r = readFlowRecord(flows, s, 0, NO_DPI_NAMES);
    expect(r.retransmissions).toEqual({ cli2srv: 1, srv2cli: 0 });
    expect(r.out_of_order).toEqual({ cli2srv: 1, srv2cli: 0 });
  });

  it('degrades gracefully when full: counts what it could not account, flags it, never throws', () => {
    const { flows } = makeShard(2);
    expect(flows.account(ipv4Packet(p, UDP, A, 1, B, 1), 1, 100)).toBeGreaterThanOrEqual(0);
    expect(flows.account(ipv4Packet(p, UDP, A, 2, B, 1), 1, 100)).toBeGreaterThanOrEqual(0);
    expect(flows.account(ipv4Packet(p, UDP, A, 3, B, 1), 1, 100)).toBe(-1);
    expect(flows.account(ipv4Packet(p, UDP, A, 4, B, 1), 1, 50)).toBe(-1);
    // Existing flows keep being counted.
    expect(flows.account(ipv4Packet(p, UDP, B, 1, A, 1), 1, 100)).toBeGreaterThanOrEqual(0);
    expect(flows.table.full).toBe(true);
    expect(flows.table.counters[HashHeaderF64.UnaccountedPackets]).toBe(2);
    expect(flows.table.counters[HashHeaderF64.UnaccountedBytes]).toBe(150);
  });

  describe('entry lifecycle (seeds/003)', () => {
    it('active -> idle (inline) -> ready_to_be_purged (offline) -> deleted (inline), then the slot is reused', () => {
      const { flows, hosts } = makeShard(4);
      flows.idleTimeoutS = 60;
      const s = flows.account(ipv4Packet(p, UDP, A, 1, B, 2), 100, 60);
      const cliHost = hosts.findOrCreate(p.src, 0, 4, 0, 0, 0);
      expect(hosts.entry(cliHost).activeAsClient).toBe(1);

      flows.purgeIdle(150, 1); // not idle yet
      expect(flows.table.stateOf(s)).toBe(EntryState.Active);
      expect(flows.table.active).toBe(1);
      flows.purgeIdle(161, 1);
      expect(flows.table.stateOf(s)).toBe(EntryState.Idle);
      expect(flows.table.active).toBe(0); // idle is no longer active, though still in use
      expect(flows.table.inUse).toBe(1);

      // An idle entry is no longer returned: the same key makes a new flow.
      const again = flows.account(ipv4Packet(p, UDP, A, 1, B, 2), 162, 60);
      expect(again).not.toBe(s);
      expect(flows.created).toBe(true);

      // Inline purge never deletes an entry no offline thread has seen.
      flows.purgeIdle(163, 1);
      expect(flows.table.stateOf(s)).toBe(EntryState.Idle);

      const seen: number[] = [];
      expect(flows.table.markIdleReadyToBePurged((slot) => seen.push(slot))).toBe(1);
      expect(seen).toEqual([s]);
      expect(flows.table.stateOf(s)).toBe(EntryState.ReadyToBePurged);

      const released: number[] = [];
      expect(flows.purgeIdle(164, 1, (slot) => released.push(slot))).toBe(1);
      expect(released).toEqual([s]);
      expect(flows.table.stateOf(s)).toBe(EntryState.Free);
      expect(flows.table.inUse).toBe(1);
      expect(flows.table.active).toBe(1);
      expect(hosts.entry(cliHost).activeAsClient).toBe(1); // only the new flow
      expect(hosts.entry(cliHost).flowsAsClient).toBe(2);

      const reused = flows.account(ipv4Packet(p, UDP, A, 9, B, 9), 165, 60);
      expect(reused).toBe(s);
      expect(readFlowRecord(flows, reused, 0, NO_DPI_NAMES).key).toBe(`0:${s}:2`);
    });

    it('keeps the total-bytes column equal to both directions while active, NaN once idle, fresh on reuse', () => {
      const { flows } = makeShard(4);
      flows.idleTimeoutS = 60;
      const s = flows.account(ipv4Packet(p, UDP, A, 1, B, 2), 100, 60);
      expect(flows.totalBytes[s]).toBe(60);
      flows.account(ipv4Packet(p, UDP, B, 2, A, 1), 101, 1500);
      const r = readFlowRecord(flows, s, 0, NO_DPI_NAMES);
      expect(flows.totalBytes[s]).toBe(r.cli2srv.bytes + r.srv2cli.bytes);
      expect(flows.totalBytes[s]).toBe(1560);

      flows.purgeIdle(200, 1);
      expect(flows.table.stateOf(s)).toBe(EntryState.Idle);
      expect(flows.totalBytes[s]).toBeNaN();
      expect(readFlowRecord(flows, s, 0, NO_DPI_NAMES).srv2cli.bytes).toBe(1500); // the record keeps its counters

      flows.table.markIdleReadyToBePurged();
      flows.purgeIdle(201, 1);
      expect(flows.table.stateOf(s)).toBe(EntryState.Free);
      const reused = flows.account(ipv4Packet(p, UDP, A, 7, B, 7), 202, 90);
      expect(reused).toBe(s);
      expect(flows.totalBytes[s]).toBe(90);
    });

    it('defers deletion while an offline reader holds the read lock (try-write-lock), and deletes on a later cycle', () => {
      const { flows } = makeShard(4);
      flows.idleTimeoutS = 10;
      const s = flows.account(ipv4Packet(p, UDP, A, 1, B, 2), 100, 60);
      flows.purgeIdle(200, 1);
      flows.table.markIdleReadyToBePurged();
      for (let i = 0; i < LOCK_STRIPES; i++) readLock(flows.table.header, i);
      expect(flows.purgeIdle(201, 1)).toBe(0);
      expect(flows.table.stateOf(s)).toBe(EntryState.ReadyToBePurged);
      for (let i = 0; i < LOCK_STRIPES; i++) readUnlock(flows.table.header, i);
      expect(flows.purgeIdle(202, 1)).toBe(1);
      expect(flows.table.stateOf(s)).toBe(EntryState.Free);
    });

    it('sweeps offline in bounded steps that resume where the last one stopped', () => {
      const { flows } = makeShard(16);
      flows.idleTimeoutS = 1;
      for (let i = 0; i < 10; i++) flows.account(ipv4Packet(p, UDP, A, i, B, 1), 0, 60);
      flows.purgeIdle(10, 1);
      const seen: number[] = [];
      const active: number[] = [];
      expect(flows.table.sweepOffline(4, (s) => active.push(s), (s) => seen.push(s))).toBe(4);
      expect(flows.table.sweepOffline(4, (s) => active.push(s), (s) => seen.push(s))).toBe(4);
      expect(flows.table.sweepOffline(4, (s) => active.push(s), (s) => seen.push(s))).toBe(2); // wraps: 2 left, 2 already moved
      expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(active).toEqual([]);
      for (let s = 0; s < 10; s++) expect(flows.table.stateOf(s)).toBe(EntryState.ReadyToBePurged);
    });

    it('purges a fraction of the buckets per tick and covers the whole table over `fraction` ticks', () => {
      const { flows } = makeShard(256);
      flows.idleTimeoutS = 1;
      for (let i = 0; i < 200; i++) flows.account(ipv4Packet(p, UDP, A, i, B, 1), 0, 60);
      flows.purgeIdle(10, 60);
      let idle = 0;
      for (let s = 0; s < 200; s++) if (flows.table.stateOf(s) === EntryState.Idle) idle++;
      expect(idle).toBeGreaterThan(0);
      expect(idle).toBeLessThan(200);
      for (let t = 0; t < 60; t++) flows.purgeIdle(11 + t, 60);
      for (let s = 0; s < 200; s++) expect(flows.table.stateOf(s)).toBe(EntryState.Idle);
      expect(flows.table.active).toBe(0);
    });
  });
});
