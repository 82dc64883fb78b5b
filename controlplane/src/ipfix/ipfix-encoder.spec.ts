import { IpfixEncoder, MIN_MESSAGE_BYTES } from './ipfix-encoder';
import { FLOWPROBE_DEFAULT_PEN, REVERSE_PEN } from './ipfix-elements';
import { IpfixFlow, writeIpv6 } from './ipfix-flow';

/** A reading of RFC 7011 written for this spec only: enough to check what the encoder wrote. */
function parseMessages(messages: Buffer[]) {
  const templates = new Map<number, { id: number; len: number; pen: number }[]>();
  const out: { seq: number; domain: number; length: number; templateSets: number; records: Record<string, Buffer>[] }[] = [];
  for (const m of messages) {
    expect(m.readUInt16BE(0)).toBe(10);
    expect(m.readUInt16BE(2)).toBe(m.length);
    const msg = { seq: m.readUInt32BE(8), domain: m.readUInt32BE(12), length: m.length, templateSets: 0, records: [] as Record<string, Buffer>[] };
    let p = 16;
    while (p < m.length) {
      const setId = m.readUInt16BE(p);
      const setEnd = p + m.readUInt16BE(p + 2);
      expect(setEnd).toBeLessThanOrEqual(m.length);
      p += 4;
      if (setId === 2) {
        msg.templateSets++;
        while (p < setEnd) {
          const id = m.readUInt16BE(p);
          const n = m.readUInt16BE(p + 2);
          p += 4;
          const fields = [];
          for (let i = 0; i < n; i++) {
            const raw = m.readUInt16BE(p);
            const len = m.readUInt16BE(p + 2);
            p += 4;
            let pen = 0;
            if (raw & 0x8000) {
              pen = m.readUInt32BE(p);
              p += 4;
            }
            fields.push({ id: raw & 0x7fff, len, pen });
          }
          templates.set(id, fields);
        }
      } else {
        const fields = templates.get(setId)!;
        expect(fields).toBeDefined();
        while (p < setEnd) {
          const rec: Record<string, Buffer> = {};
          for (const f of fields) {
            let len = f.len;
            if (len === 0xffff) len = m[p++];
            rec[`${f.pen}:${f.id}`] = m.subarray(p, p + len);
            p += len;
          }
          msg.records.push(rec);
        }
      }
      expect(p).toBe(setEnd);
    }
    out.push(msg);
  }
  return { templates, messages: out };
}

const u64 = (b: Buffer) => Number(b.readBigUInt64BE(0));

function flow(over: Partial<IpfixFlow> = {}): IpfixFlow {
  return {
    ip_version: 4,
    l4_proto: 6,
    vlan: 7,
    client: { ip: '192.168.1.128', port: 42170 },
    server: { ip: '216.58.208.142', port: 443 },
    cli2srv: { packets: 6 },
    srv2cli: { packets: 4 },
    ip_bytes: { cli2srv: 394, srv2cli: 744 },
    first_seen_ms: 1643129441023,
    last_seen_ms: 1643129441065,
    end_reason: 'idle',
    tcp_flags: { cli2srv: 0x1b, srv2cli: 0x12 },
    l7: 'TLS.Google',
    server_name: 'www.google.com',
    if_index: 2,
    ...over,
  };
}

describe('IpfixEncoder', () => {
  it('writes one biflow record per flow with the RFC 5103 reverse counters under PEN 29305 (1, 2) only', () => {
    const enc = new IpfixEncoder({ observationDomainId: 42, mode: 'biflow', enterpriseNumber: FLOWPROBE_DEFAULT_PEN, maxMessageBytes: 1400 });
    const { templates, messages } = parseMessages(enc.encode([flow()], 1700000000, true));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ seq: 0, domain: 42, templateSets: 1 });
    expect([...templates.keys()]).toEqual([256, 257]);
    const reverse = templates.get(256)!.filter((f) => f.pen === REVERSE_PEN).map((f) => f.id);
    expect(reverse).toEqual([1, 2]);
    const r = messages[0].records[0];
    expect([...r['0:8']]).toEqual([192, 168, 1, 128]);
    expect([...r['0:12']]).toEqual([216, 58, 208, 142]);
    expect([r['0:7'].readUInt16BE(0), r['0:11'].readUInt16BE(0), r['0:4'][0]]).toEqual([42170, 443, 6]);
    expect([u64(r['0:1']), u64(r['0:2']), u64(r[`${REVERSE_PEN}:1`]), u64(r[`${REVERSE_PEN}:2`])]).toEqual([394, 6, 744, 4]);
    expect([u64(r['0:152']), u64(r['0:153'])]).toEqual([1643129441023, 1643129441065]);
    expect([r['0:6'].readUInt16BE(0), r['0:10'].readUInt32BE(0), r['0:58'].readUInt16BE(0), r['0:136'][0], r['0:239'][0], r['0:34'].readUInt32BE(0)]).toEqual([0x1b, 2, 7, 1, 1, 1]);
    expect(r[`${FLOWPROBE_DEFAULT_PEN}:1`].toString()).toBe('TLS.Google');
    expect(r[`${FLOWPROBE_DEFAULT_PEN}:2`].toString()).toBe('www.google.com');
  });

  it('writes two records per flow in uniflow mode, swapped endpoints and per-direction flags, none for a silent direction', () => {
    const enc = new IpfixEncoder({ observationDomainId: 1, mode: 'uniflow', enterpriseNumber: 99, maxMessageBytes: 1400 });
    const v6 = flow({ ip_version: 6, client: { ip: '2001:db8::1', port: 5353 }, server: { ip: '::ffff:10.0.0.1', port: 53 }, l4_proto: 17, srv2cli: { packets: 0 }, ip_bytes: { cli2srv: 80, srv2cli: 0 } });
    const { templates, messages } = parseMessages(enc.encode([flow(), v6], 1700000000, true));
    expect([...templates.keys()]).toEqual([258, 259]);
    expect(templates.get(258)!.some((f) => f.pen === REVERSE_PEN)).toBe(false);
    const recs = messages[0].records;
    expect(recs).toHaveLength(3);
    expect([recs[0]['0:7'].readUInt16BE(0), u64(recs[0]['0:1']), u64(recs[0]['0:2']), recs[0]['0:6'].readUInt16BE(0), recs[0]['0:239'][0]]).toEqual([42170, 394, 6, 0x1b, 1]);
    expect([recs[1]['0:7'].readUInt16BE(0), u64(recs[1]['0:1']), u64(recs[1]['0:2']), recs[1]['0:6'].readUInt16BE(0), recs[1]['0:239'][0]]).toEqual([443, 744, 4, 0x12, 2]);
    expect(recs[2]['0:27'].toString('hex')).toBe('20010db8000000000000000000000001');
    expect(recs[2]['0:28'].toString('hex')).toBe('00000000000000000000ffff0a000001');
    expect(enc.sequence).toBe(3);
  });

  it('splits into messages within the size bound; sequence numbers count the data records before each message', () => {
    const enc = new IpfixEncoder({ observationDomainId: 5, mode: 'biflow', enterpriseNumber: 99, maxMessageBytes: MIN_MESSAGE_BYTES });
    const flows = Array.from({ length: 100 }, (_, i) => flow({ client: { ip: `10.0.${i >> 8}.${i & 255}`, port: i }, ip_version: i % 3 === 0 ? 6 : 4, ...(i % 3 === 0 ? { server: { ip: `fe80::${i}`, port: 80 } } : {}) }))
      .map((f) => (f.ip_version === 6 ? { ...f, client: { ip: `2001:db8::${f.client.port}`, port: f.client.port } } : f));
    const first = enc.encode(flows, 1700000000, true);
    const second = enc.encode(flows.slice(0, 10), 1700000001, false);
    const { messages } = parseMessages([...first, ...second]);
    expect(messages.length).toBeGreaterThan(5);
    let seq = 0;
    for (const m of messages) {
      expect(m.length).toBeLessThanOrEqual(MIN_MESSAGE_BYTES);
      expect(m.seq).toBe(seq);
      seq += m.records.length;
    }
    expect(seq).toBe(110);
    expect(messages.filter((m) => m.templateSets > 0)).toHaveLength(1);
    const ports = messages.flatMap((m) => m.records.map((r) => r['0:7'].readUInt16BE(0)));
    expect(ports).toEqual([...flows.map((f) => f.client.port), ...flows.slice(0, 10).map((f) => f.client.port)]);
  });

  it('leads a message with templates whenever asked (UDP refresh by message count)', () => {
    const enc = new IpfixEncoder({ observationDomainId: 5, mode: 'biflow', enterpriseNumber: 99, maxMessageBytes: MIN_MESSAGE_BYTES });
    let n = 0;
    const { messages } = parseMessages(enc.encode(Array.from({ length: 60 }, () => flow()), 1, () => n++ % 3 === 0));
    expect(messages.length).toBeGreaterThanOrEqual(4);
    expect(messages.map((m) => m.templateSets)).toEqual(messages.map((_, i) => (i % 3 === 0 ? 1 : 0)));
    expect(enc.templatesInMessage).toBe(Math.ceil(messages.length / 3));
  });

  it('cuts long names at a character boundary and skips records whose addresses do not parse', () => {
    const enc = new IpfixEncoder({ observationDomainId: 5, mode: 'biflow', enterpriseNumber: 99, maxMessageBytes: MIN_MESSAGE_BYTES });
    const long = 'é'.repeat(200);
    const { messages } = parseMessages(enc.encode([flow({ server_name: long }), flow({ client: { ip: '300.1.1.1', port: 1 } }), flow({ server_name: '' })], 1, true));
    const names = messages[0].records.map((r) => r['99:2'].toString());
    expect(names).toEqual(['é'.repeat(127), '']);
    expect(enc.invalidRecords).toBe(1);
    expect(enc.sequence).toBe(2);
  });

  it('parses IPv6 text forms', () => {
    const b = Buffer.alloc(16);
    for (const [text, hex] of [
      ['::', '0'.repeat(32)],
      ['::1', '0'.repeat(31) + '1'],
      ['fe80::1:2', 'fe80' + '0'.repeat(20) + '00010002'],
      ['2001:db8:0:0:1:0:0:1', '20010db8000000000001000000000001'],
      ['64:ff9b::192.0.2.33', '0064ff9b0000000000000000c0000221'],
    ]) {
      expect(writeIpv6(b, 0, text)).toBe(true);
      expect(b.toString('hex')).toBe(hex);
    }
    expect(writeIpv6(b, 0, '1::2::3')).toBe(false);
  });
});
