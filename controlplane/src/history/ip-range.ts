import * as ipaddr from 'ipaddr.js';

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** An address as an unsigned integer: 32 bits for IPv4, 128 for IPv6 (what the stores keep beside the text). */
export function ipToBigInt(ip: string): bigint {
  // Dotted quads (most addresses) without a parser object: this runs for every stored record.
  const m = IPV4.exec(ip);
  if (m) return BigInt(((+m[1] << 24) | (+m[2] << 16) | (+m[3] << 8) | +m[4]) >>> 0);
  let n = 0n;
  for (const b of ipaddr.parse(ip).toByteArray()) n = (n << 8n) | BigInt(b);
  return n;
}

/** A CIDR as its version and the first and last address as integers; throws a RangeError naming the bad text. */
export function cidrRange(cidr: string): { version: 4 | 6; lo: bigint; hi: bigint } {
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(cidr);
  } catch {
    throw new RangeError(`not a network in CIDR notation: '${cidr}'`);
  }
  const [addr, prefix] = parsed;
  const bits = addr.kind() === 'ipv4' ? 32 : 128;
  const base = ipToBigInt(addr.toString());
  const hostBits = BigInt(bits - prefix);
  const lo = (base >> hostBits) << hostBits;
  const hi = lo + (1n << hostBits) - 1n;
  return { version: bits === 32 ? 4 : 6, lo, hi };
}
