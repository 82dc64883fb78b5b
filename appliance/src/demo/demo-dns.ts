/** DNS messages (RFC 1035) for the demo traffic: a query and its answer with A/AAAA records. */

export const DNS_TYPE_A = 1;
export const DNS_TYPE_AAAA = 28;

function encodeName(name: string): Buffer {
  const parts = name.split('.').filter((p) => p.length > 0);
  return Buffer.concat([...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, 'ascii')])), Buffer.from([0])]);
}

function header(id: number, flags: number, qd: number, an: number): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(flags, 2);
  h.writeUInt16BE(qd, 4);
  h.writeUInt16BE(an, 6);
  return h;
}

function question(name: string, type: number): Buffer {
  const q = Buffer.alloc(4);
  q.writeUInt16BE(type, 0);
  q.writeUInt16BE(1, 2); // class IN
  return Buffer.concat([encodeName(name), q]);
}

/** A recursive query (RD set) for one name. */
export function dnsQuery(id: number, name: string, type: number): Buffer {
  return Buffer.concat([header(id, 0x0100, 1, 0), question(name, type)]);
}

/**
 * The answer to {@link dnsQuery}: one record per address (4 or 16 bytes each), name compressed to
 * the question; `rcode` 3 (NXDOMAIN) for a name that does not exist.
 */
export function dnsResponse(id: number, name: string, type: number, addresses: Buffer[], ttlS: number, rcode = 0): Buffer {
  const answers = addresses.map((addr) => {
    const rr = Buffer.alloc(12 + addr.length);
    rr.writeUInt16BE(0xc00c, 0); // pointer to the name in the question
    rr.writeUInt16BE(type, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(ttlS, 6);
    rr.writeUInt16BE(addr.length, 10);
    addr.copy(rr, 12);
    return rr;
  });
  return Buffer.concat([header(id, 0x8180 | rcode, 1, answers.length), question(name, type), ...answers]);
}
