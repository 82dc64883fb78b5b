import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Ranges a SIEM recipient may not reach unless allowed (SSRF: a recipient is
 * a request the appliance makes on an admin's word, from inside the
 * management network). Private ranges stay reachable: SIEMs live there.
 */
const REFUSED_RANGES: { cidr: string; what: string }[] = [
  { cidr: '0.0.0.0/8', what: 'unspecified' },
  { cidr: '127.0.0.0/8', what: 'loopback' },
  { cidr: '169.254.0.0/16', what: 'link-local / cloud metadata (169.254.169.254)' },
  { cidr: '100.100.100.200/32', what: 'cloud metadata (Alibaba)' },
  { cidr: '192.0.0.192/32', what: 'cloud metadata (Oracle)' },
  { cidr: '::/128', what: 'unspecified' },
  { cidr: '::1/128', what: 'loopback' },
  { cidr: 'fe80::/10', what: 'link-local' },
  { cidr: 'fd00:ec2::254/128', what: 'cloud metadata (AWS IPv6)' },
];
/** Cloud metadata services reached by name (refused at save even where the name does not resolve). */
const METADATA_HOST_NAMES = ['metadata', 'metadata.google.internal', 'instance-data', 'instance-data.ec2.internal'];
const PARSED_RANGES = REFUSED_RANGES.map((r) => ({ range: ipaddr.parseCIDR(r.cidr), what: r.what }));
const NAT64 = ipaddr.parseCIDR('64:ff9b::/96') as [ipaddr.IPv6, number];

/** Whether `address` lies in `range` (false across families). */
function inRange(address: ipaddr.IPv4 | ipaddr.IPv6, range: [ipaddr.IPv4 | ipaddr.IPv6, number]): boolean {
  if (address.kind() !== range[0].kind()) return false;
  return (address as ipaddr.IPv4).match(range as [ipaddr.IPv4, number]);
}

/** The IPv4 address an IPv6 one carries (IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::a.b.c.d), else the address itself. */
function unwrap(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  if (address.kind() !== 'ipv6') return address;
  const v6 = address as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
  const parts = v6.parts;
  const embedded = () => ipaddr.fromByteArray(v6.toByteArray().slice(12)) as ipaddr.IPv4;
  if (parts.slice(0, 6).every((p) => p === 0) && (parts[6] !== 0 || parts[7] > 1)) return embedded();
  if (v6.match(NAT64)) return embedded();
  return v6;
}

/** Which refused range an IP address (any textual form `ipaddr` accepts) falls in, or null. */
export function refusedRange(ip: string): string | null {
  if (!ipaddr.isValid(ip)) return null;
  const address = unwrap(ipaddr.parse(ip));
  for (const { range, what } of PARSED_RANGES) {
    if (inRange(address, range)) return what;
  }
  return null;
}

/**
 * A host as the connection will use it: URL-normalised, so that decimal
 * (`2852039166`), octal (`0251.0376.0251.0376`), hex and short IPv4 forms and
 * bracketed IPv6 come out as the address they mean. Null when not a host.
 */
export function normalizeHost(host: string): string | null {
  const bracketed = isIP(host) === 6 ? `[${host}]` : host;
  if (!URL.canParse(`http://${bracketed}/`)) return null;
  const hostname = new URL(`http://${bracketed}/`).hostname;
  return hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
}

/**
 * Applies the refused ranges, minus the admin's allowlist
 * (`siem_allowed_destinations` setting), to every destination the appliance
 * sends to on an admin's word (SIEM recipients, IPFIX collectors): literal
 * addresses when one is saved, and every resolved address when a transport
 * connects (through {@link lookup}, so a name that resolves to
 * 169.254.169.254, or starts to, is refused too).
 */
export class DestinationPolicy {
  constructor(private readonly allowed: () => string[] = () => []) {}

  /** Why `ip` may not be reached, or null. */
  refusal(ip: string): string | null {
    const what = refusedRange(ip);
    if (what === null) return null;
    if (ipaddr.isValid(ip)) {
      const address = ipaddr.parse(ip);
      const candidates = [address, unwrap(address)];
      for (const cidr of this.allowed()) {
        if (!isCidrText(cidr)) continue;
        const range = ipaddr.parseCIDR(cidr);
        if (candidates.some((a) => inRange(a, range))) return null;
      }
    }
    return `${ip} is ${what}: refused as a destination unless listed in the siem_allowed_destinations setting`;
  }

  /** Why `host` (a name or a literal address in any form) may not be used, judged without DNS; null when fine so far. */
  hostRefusal(host: string): string | null {
    const normalized = normalizeHost(host);
    if (normalized === null) return `${host} is not a valid host`;
    if (isIP(normalized) === 0) {
      const name = normalized.replace(/\.$/, '');
      if (METADATA_HOST_NAMES.includes(name) || name.endsWith('.metadata.google.internal')) return `${host} is a cloud metadata host name: refused as a destination`;
      return name === 'localhost' || name.endsWith('.localhost') ? this.refusal('127.0.0.1') : null;
    }
    return this.refusal(normalized);
  }

  /** The first address of `host` the policy allows (for dgram, whose `lookup` also serves its local bind). */
  resolve(host: string): Promise<{ address: string; family: number }> {
    return new Promise((resolve, reject) =>
      this.lookup(host, { all: false }, (err, address, family) => (err ? reject(err) : resolve({ address: address as string, family: family ?? 4 }))),
    );
  }

  /** A `lookup` for net/tls/http that drops refused addresses and fails when none is left. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
    dnsLookup(hostname, { family, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, []);
      const usable = addresses.filter((a) => this.refusal(a.address) === null);
      if (usable.length === 0) {
        const refused = addresses[0] ? this.refusal(addresses[0].address) : `${hostname} has no address`;
        return callback(Object.assign(new Error(`${hostname}: ${refused}`), { code: 'EDESTREFUSED' }), []);
      }
      if (options.all) callback(null, usable);
      else callback(null, usable[0].address, usable[0].family);
    });
  };
}

function isCidrText(value: string): boolean {
  try {
    ipaddr.parseCIDR(value);
    return true;
  } catch {
    return false;
  }
}
