import { createNdpiEngineAsync, destroyOrphanedEngine, DpiEngine, DpiEngineOptions } from '../src/dpi/classifier';
import { DpiState } from '../src/flow/flow-table.layout';
import { HarnessFlow, HarnessSink } from './dpi-harness';

/**
 * DpiEngine against the real nDPI 4.2 library, with hand-built packets (IP
 * header onwards, as nDPI takes them): batching, the state pool, the packet
 * limit, and each addition beyond nDPI 4.2 with and without it.
 */

function ip4(text: string): number[] {
  return text.split('.').map(Number);
}

function ipv4(proto: number, src: string, dst: string, l4: Uint8Array): Uint8Array {
  const p = new Uint8Array(20 + l4.length);
  p[0] = 0x45;
  p[2] = p.length >> 8;
  p[3] = p.length & 255;
  p[8] = 64;
  p[9] = proto;
  p.set(ip4(src), 12);
  p.set(ip4(dst), 16);
  p.set(l4, 20);
  return p;
}

function udp(src: string, sport: number, dst: string, dport: number, payload: Uint8Array): Uint8Array {
  const u = new Uint8Array(8 + payload.length);
  u[0] = sport >> 8;
  u[1] = sport & 255;
  u[2] = dport >> 8;
  u[3] = dport & 255;
  u[4] = u.length >> 8;
  u[5] = u.length & 255;
  u.set(payload, 8);
  return ipv4(17, src, dst, u);
}

const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;

function tcp(src: string, sport: number, dst: string, dport: number, flags: number, seq: number, ack: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const t = new Uint8Array(20 + payload.length);
  t[0] = sport >> 8;
  t[1] = sport & 255;
  t[2] = dport >> 8;
  t[3] = dport & 255;
  new DataView(t.buffer).setUint32(4, seq);
  new DataView(t.buffer).setUint32(8, ack);
  t[12] = 5 << 4;
  t[13] = flags;
  t[14] = 0xff;
  t[15] = 0xff;
  t.set(payload, 20);
  return ipv4(6, src, dst, t);
}

/** A TCP connection: handshake then one client payload packet. */
function tcpSession(cli: string, cport: number, srv: string, sport: number, payload: Uint8Array): Uint8Array[] {
  return [
    tcp(cli, cport, srv, sport, SYN, 1000, 0),
    tcp(srv, sport, cli, cport, SYN | ACK, 5000, 1001),
    tcp(cli, cport, srv, sport, ACK, 1001, 5001),
    tcp(cli, cport, srv, sport, PSH | ACK, 1001, 5001, payload),
  ];
}

function dnsName(name: string): number[] {
  const out: number[] = [];
  for (const label of name.split('.')) out.push(label.length, ...Buffer.from(label));
  out.push(0);
  return out;
}

/** DNS query and its response with one A record. */
function dnsExchange(cli: string, srv: string, name: string, answer: string): Uint8Array[] {
  const q = [...dnsName(name), 0, 1, 0, 1];
  const query = new Uint8Array([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...q]);
  const response = new Uint8Array([0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, ...q, 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, ...ip4(answer)]);
  return [udp(cli, 40000, srv, 53, query), udp(srv, 53, cli, 40000, response)];
}

const text = (s: string) => new Uint8Array(Buffer.from(s));

/** Runs flows (each a packet list) through one engine; flow i uses slot i. Packets go in one burst per flow, in order. */
function run(engine: DpiEngine, flows: Uint8Array[][], endOfCapture = true): HarnessFlow[] {
  const sink = new HarnessSink();
  flows.forEach((_, slot) =>
    sink.flows.push({ key: String(slot), slot, l4: 0, vlan: 0, l7: 0, categoryBreed: 0, riskLo: 0, riskHi: 0, score: 0, dpiPackets: 0, state: DpiState.Pending, name: '', info: '', packets: 0 }),
  );
  const data = new Uint8Array(1 << 16);
  let ts = 1_700_000_000_000;
  flows.forEach((packets, slot) => {
    let off = 0;
    for (const p of packets) {
      data.set(p, off);
      if (sink.flows[slot].state === DpiState.Pending) engine.queue(slot, off, p.length, ts++, true);
      off += p.length;
    }
    engine.flush(data, sink);
  });
  if (endOfCapture) engine.giveUpAll(sink);
  return sink.flows;
}

const engines: DpiEngine[] = [];
function engine(opts: Partial<DpiEngineOptions> = {}): DpiEngine {
  const e = new DpiEngine({ flowCapacity: 64, ...opts });
  engines.push(e);
  return e;
}
afterAll(() => engines.forEach((e) => e.close()));

describe('DpiEngine (real nDPI 4.2)', () => {
  it('classifies HTTP in one flush with name, category, breed and metadata, then frees the state', () => {
    const e = engine();
    const [f] = run(e, [tcpSession('10.0.0.1', 40001, '10.0.0.2', 80, text('GET /index.html HTTP/1.1\r\nHost: www.example.org\r\nUser-Agent: curl/8.0\r\n\r\n'))]);
    expect(e.names.protocolName(f.l7)).toBe('HTTP');
    expect(f.name).toBe('www.example.org');
    expect(JSON.parse(f.info)).toMatchObject({ url: 'www.example.org/index.html', user_agent: 'curl/8.0' });
    expect(e.names.categoryName(f.categoryBreed)).toBe('Web');
    expect(e.names.breedName(f.categoryBreed)).toBe('Acceptable');
    expect(e.statesInUse).toBe(0);
  });

  it("frees an engine by its published address, as the main thread does for a worker that died without closing it", () => {
    const e = new DpiEngine({ flowCapacity: 64 }); // not in `engines`: freed here, never closed
    // A flow left under detection: its state is in the pool when the engine is freed.
    run(e, [tcpSession('10.0.0.1', 40003, '10.0.0.2', 443, new Uint8Array(0))]);
    const address = e.address;
    expect(typeof address).toBe('bigint');
    expect(address).not.toBe(0n);
    expect(() => destroyOrphanedEngine(address)).not.toThrow(); // the engine is freed: never closed again
    expect(() => destroyOrphanedEngine(0n)).not.toThrow();
  });

  it('adopts an engine initialised on a libuv thread (createNdpiEngineAsync), with the host patterns and limits of its options', async () => {
    const opts = { flowCapacity: 64, packetLimit: 8 };
    const address = await new Promise<bigint>((resolve) => createNdpiEngineAsync(opts, resolve));
    expect(address).toBeGreaterThan(0n);
    const e = engine({ ...opts, engine: address });
    expect(e.address).toBe(address); // adopted, not a second module
    expect(e.packetLimit).toBe(8);
    const [f] = run(e, [tcpSession('10.0.0.1', 40005, '10.0.0.2', 80, text('GET / HTTP/1.1\r\nHost: kankan.1kxun.com\r\n\r\n'))]);
    expect(e.names.protocolName(f.l7)).toBe('HTTP.1kxun');
    // No engine for options it cannot make (the thread that needs one makes its own and says why).
    await expect(new Promise<bigint>((resolve) => createNdpiEngineAsync({ flowCapacity: 0 }, resolve))).resolves.toBe(0n);
  });

  it('stops at the packet limit and gives up with a port guess', () => {
    const e = engine({ packetLimit: 3, hostPatterns: false });
    const junk = new Uint8Array(40).fill(0xaa);
    const [f] = run(e, [[1, 2, 3, 4, 5].map((i) => udp('10.0.0.1', 50000 + 0, '10.0.0.2', 123, junk.map((b) => b ^ i)))], false);
    expect(f.dpiPackets).toBe(3);
    expect(f.state).toBe(DpiState.GivenUp);
    expect(e.names.protocolName(f.l7)).toBe('NTP');
  });

  it('gives up on one idle flow with guessing and reuses its state', () => {
    const e = engine({ hostPatterns: false });
    const syn = [tcp('10.0.0.1', 40010, '10.0.0.2', 443, SYN, 1, 0)];
    const sink = new HarnessSink();
    const flows = run(e, [syn], false);
    expect(flows[0].state).toBe(DpiState.Pending);
    expect(e.statesInUse).toBe(1);
    sink.flows.push(flows[0]);
    e.giveUp(0, sink);
    expect(sink.flows[0].state).toBe(DpiState.GivenUp);
    expect(e.names.protocolName(sink.flows[0].l7)).toBe('TLS');
    expect(e.statesInUse).toBe(0);
    e.release(0);
  });

  it('gives up on flows silent for idleGiveUpS of packet time, inside the next flush', () => {
    const e = engine({ hostPatterns: false, idleGiveUpS: 5 });
    const sink = new HarnessSink();
    for (let slot = 0; slot < 2; slot++) sink.flows.push({ key: '', slot, l4: 6, vlan: 0, l7: 0, categoryBreed: 0, riskLo: 0, riskHi: 0, score: 0, dpiPackets: 0, state: DpiState.Pending, name: '', info: '', packets: 0 });
    const data = new Uint8Array(4096);
    const a = tcp('10.0.0.1', 40200, '10.0.0.2', 22, SYN, 1, 0);
    data.set(a, 0);
    e.queue(0, 0, a.length, 1_000_000, true);
    e.flush(data, sink);
    expect(sink.flows[0].state).toBe(DpiState.Pending);
    const b = tcp('10.0.0.3', 40201, '10.0.0.4', 8080, SYN, 1, 0);
    data.set(b, 0);
    e.queue(1, 0, b.length, 1_000_000 + 6000, true); // 6 s later, another flow
    e.flush(data, sink);
    expect([sink.flows[0].state, e.names.protocolName(sink.flows[0].l7)]).toEqual([DpiState.GivenUp, 'SSH']);
    expect(sink.flows[1].state).toBe(DpiState.Pending);
    expect(e.idleGiveUps).toBe(1);
    e.release(1);
    expect(e.statesInUse).toBe(0);
  });

  it('with a full pool, gives up on the oldest flows to make room (scan-proof)', () => {
    const e = engine({ maxConcurrentFlows: 2, hostPatterns: false });
    const syn = (port: number) => [tcp('10.0.0.1', 40100 + port, '10.0.0.2', port, SYN, 1, 0)];
    const flows = run(e, [syn(22), syn(443), syn(80), syn(25)], false);
    expect(e.evictions).toBe(2);
    expect(e.flowsWithoutState).toBe(0);
    // The first two were given up (guessed by port) when the last two needed their states.
    expect(flows.slice(0, 2).map((f) => [f.state, e.names.protocolName(f.l7)])).toEqual([
      [DpiState.GivenUp, 'SSH'],
      [DpiState.GivenUp, 'TLS'],
    ]);
    expect(flows.slice(2).map((f) => f.state)).toEqual([DpiState.Pending, DpiState.Pending]);
    expect(e.statesInUse).toBe(2);
    e.release(2);
    e.release(3);
    expect(e.statesInUse).toBe(0);
  });

  it('counts flows that find the state pool full and marks them DpiState.None (eviction off)', () => {
    const e = engine({ maxConcurrentFlows: 2, hostPatterns: false, evictWhenFull: false });
    const syn = (port: number) => [tcp('10.0.0.1', port, '10.0.0.2', 5555, SYN, 1, 0)];
    const flows = run(e, [syn(1), syn(2), syn(3)], false);
    expect(e.flowsWithoutState).toBe(1);
    expect(flows[2].state).toBe(DpiState.None);
    expect(e.statesInUse).toBe(2);
    e.release(0);
    e.release(1);
    expect(e.statesInUse).toBe(0);
  });

  it('classifies later flows from an earlier DNS answer (DNS-answer cache)', () => {
    // 198.51.100.7 is TEST-NET-2: in no nDPI address list, so only the DNS answer can name it.
    const flows = (dnsCache: boolean) => {
      const e = engine({ dnsCache });
      const junk = new Uint8Array(64).fill(0x5a);
      return { e, f: run(e, [dnsExchange('10.0.0.1', '10.0.0.53', 'www.facebook.com', '198.51.100.7'), tcpSession('10.0.0.1', 40002, '198.51.100.7', 5555, junk)]) };
    };
    const on = flows(true);
    expect(on.e.names.protocolName(on.f[0].l7)).toBe('DNS.Facebook');
    expect(JSON.parse(on.f[0].info)).toMatchObject({ dns_answer: '198.51.100.7' });
    expect(on.e.names.protocolName(on.f[1].l7)).toBe('Facebook');
    const off = flows(false);
    expect(off.e.names.protocolName(off.f[1].l7)).toBe('Unknown');
  });

  it('applies the maintained host-name patterns (HTTP.1kxun, unknown to nDPI 4.2)', () => {
    const req = text('GET / HTTP/1.1\r\nHost: kankan.1kxun.com\r\n\r\n');
    const name = (hostPatterns: boolean) => {
      const e = engine({ hostPatterns });
      return e.names.protocolName(run(e, [tcpSession('10.0.0.1', 40003, '10.0.0.2', 80, req)])[0].l7);
    };
    expect(name(true)).toBe('HTTP.1kxun');
    expect(name(false)).toBe('HTTP');
  });

  it('guesses by the registered port of protocols nDPI 4.2 lacks when giving up', () => {
    const syn = [tcp('10.0.0.1', 40004, '10.0.0.2', 9200, SYN, 1, 0), tcp('10.0.0.2', 9200, '10.0.0.1', 40004, SYN | ACK, 9, 2)];
    const name = (hostPatterns: boolean) => {
      const e = engine({ hostPatterns });
      return e.names.protocolName(run(e, [syn])[0].l7);
    };
    expect(name(true)).toBe('Elasticsearch');
    expect(name(false)).toBe('Unknown');
  });

  it('detects Gnutella UDP (GND frames) with the payload rules', () => {
    const gnd = new Uint8Array([0x47, 0x4e, 0x44, 0x10, 0x3e, 0x8f, 0x01, 0x01, 0x54, 0x0b, 0x51, 0x4b, 0x52, 0x50, 0x06, 0x52]);
    const name = (payloadRules: boolean) => {
      const e = engine({ payloadRules, hostPatterns: false });
      return e.names.protocolName(run(e, [[udp('10.0.0.1', 28681, '10.0.0.2', 6346, gnd)]])[0].l7);
    };
    expect(name(true)).toBe('Gnutella');
    expect(name(false)).toBe('Unknown');
  });

  it('detects SNMPv3 traps nDPI 4.2 rejects with the payload rules', () => {
    // BER SEQUENCE (2-byte long form), INTEGER version 3, then a v3 header; padded to 250 bytes as in snmp.pcap.
    const trap = new Uint8Array(250);
    trap.set([0x30, 0x81, 0xf7, 0x02, 0x01, 0x03, 0x30, 0x0d, 0x02, 0x01, 0x20, 0x02, 0x02, 0x05, 0xdc, 0x04]);
    const name = (payloadRules: boolean) => {
      const e = engine({ payloadRules, hostPatterns: false });
      return e.names.protocolName(run(e, [[udp('10.0.0.1', 54318, '10.0.0.2', 162, trap)]])[0].l7);
    };
    expect(name(true)).toBe('SNMP');
    expect(name(false)).not.toBe('SNMP');
  });

  it('detects OpenVPN on a non-default port from its session id (payload rules)', () => {
    const sid = [0x97, 0x53, 0x56, 0x89, 0x24, 0x84, 0x2f, 0x7b];
    const reset = new Uint8Array([0x38, ...sid, ...new Array<number>(77).fill(0x11)]);
    const ack = new Uint8Array([0x28, ...sid, ...new Array<number>(85).fill(0x22)]);
    const name = (payloadRules: boolean) => {
      const e = engine({ payloadRules, hostPatterns: false });
      return e.names.protocolName(run(e, [[udp('10.0.0.1', 41133, '10.0.0.2', 443, reset), udp('10.0.0.1', 41133, '10.0.0.2', 443, ack)]])[0].l7);
    };
    expect(name(true)).toBe('OpenVPN');
    expect(name(false)).not.toBe('OpenVPN');
  });

  it('drops an application nDPI 4.2 took from the server address alone, as current nDPI', () => {
    // 17.0.0.0/8 is Apple in nDPI's lists; the Host header names another site.
    const req = text('GET / HTTP/1.1\r\nHost: www.example.org\r\n\r\n');
    const name = (dropIpOnlyApp: boolean) => {
      const e = engine({ dropIpOnlyApp });
      return e.names.protocolName(run(e, [tcpSession('10.0.0.1', 40005, '17.253.144.10', 80, req)])[0].l7);
    };
    expect(name(false)).toBe('HTTP.Apple');
    expect(name(true)).toBe('HTTP');
  });

  it('names risks and protocols as ndpiReader does, with current names for renamed protocols', () => {
    const e = engine();
    // Bit n of the bitmap is ndpi_risk_enum value n (5 = non-standard port, 6 = self-signed, 33 = DNS large packet... bit 32+ in riskHi).
    expect(e.names.riskNames((1 << 5) | (1 << 6), 0)).toEqual(['Known Protocol on Non Standard Port', 'Self-signed Certificate']);
    expect(e.names.riskNames(0, 1 << (37 - 32))).toEqual([e.names.riskNames(0, 1 << 5)[0]]);
    expect(e.names.protocolName(0)).toBe('Unknown');
    const dce = e.names.protocolId('DCE_RPC');
    expect(dce).toBeGreaterThan(0);
    expect(e.names.protocolName(dce)).toBe('DCERPC');
    expect(e.names.protocolName((7 << 16) | e.names.protocolId('Google'))).toBe('HTTP.Google');
  });
});
