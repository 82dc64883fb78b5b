import { isIPv4, isIPv6 } from 'node:net';

/** Why a flow record was produced (the flow-record path's end reasons). */
export type IpfixEndReason = 'idle' | 'end_of_flow' | 'active_timeout' | 'end_of_capture' | 'forced_end';

/**
 * What the encoder needs of a flow record: the fields of the flow-record
 * path's record with the same names, so a record is passed as it is.
 * Counters are deltas since the previous record of the flow.
 */
export interface IpfixFlow {
  ip_version: 4 | 6;
  l4_proto: number;
  vlan: number;
  client: { ip: string; port: number };
  server: { ip: string; port: number };
  cli2srv: { packets: number };
  srv2cli: { packets: number };
  /** IP-layer bytes (IP header + payload, innermost IP): octetDeltaCount. */
  ip_bytes: { cli2srv: number; srv2cli: number };
  /** What this record counts: first and last packet, ms since the epoch. */
  first_seen_ms: number;
  last_seen_ms: number;
  end_reason: IpfixEndReason;
  tcp_flags: { cli2srv: number; srv2cli: number };
  l7: string;
  server_name: string;
  /** ingressInterface: the capture interface's index (1-based; 0 = unknown). */
  if_index: number;
}

/** Writes a dotted IPv4 address as 4 bytes; false when it is not one. */
export function writeIpv4(buf: Buffer, at: number, ip: string): boolean {
  let part = 0;
  let digits = 0;
  let n = 0;
  for (let i = 0; i <= ip.length; i++) {
    const c = i < ip.length ? ip.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || n > 255 || part > 3) return false;
      buf[at + part++] = n;
      n = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      n = n * 10 + (c - 48);
      digits++;
    } else return false;
  }
  return part === 4;
}

/** Writes an IPv6 address (any RFC 4291 text form, `::`, embedded IPv4) as 16 bytes; false when it is not one. */
export function writeIpv6(buf: Buffer, at: number, ip: string): boolean {
  if (!isIPv6(ip)) return false;
  const zone = ip.indexOf('%');
  const text = zone >= 0 ? ip.slice(0, zone) : ip;
  const words: number[] = [];
  const halves = text.split('::');
  const parse = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (g.includes('.')) {
        if (!isIPv4(g)) return null;
        const [a, b, c, d] = g.split('.').map(Number);
        out.push((a << 8) | b, (c << 8) | d);
      } else out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parse(halves[0]);
  const tail = halves.length > 1 ? parse(halves[1]) : [];
  if (!head || !tail) return false;
  words.push(...head);
  if (halves.length > 1) for (let i = head.length + tail.length; i < 8; i++) words.push(0);
  words.push(...tail);
  if (words.length !== 8) return false;
  for (let i = 0; i < 8; i++) buf.writeUInt16BE(words[i], at + 2 * i);
  return true;
}
