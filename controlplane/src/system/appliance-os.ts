import type { ApplianceNetwork, NtpStatus } from '../api';

/**
 * Parsers of what the OS tools print, kept apart from running them so they
 * are tested on the tools' real output formats.
 */

interface IpAddrJson {
  ifname?: unknown;
  operstate?: unknown;
  address?: unknown;
  link_type?: unknown;
  addr_info?: { family?: unknown; local?: unknown; prefixlen?: unknown; dynamic?: unknown; scope?: unknown }[];
}

/** `ip -j addr` → the interfaces with their addresses (loopback left out). */
export function parseIpAddr(json: string): ApplianceNetwork['interfaces'] {
  const parsed = JSON.parse(json) as unknown;
  if (!Array.isArray(parsed)) throw new Error('ip -j addr: not a JSON array');
  return (parsed as IpAddrJson[])
    .filter((link) => typeof link.ifname === 'string' && link.link_type !== 'loopback')
    .map((link) => ({
      name: link.ifname as string,
      state: typeof link.operstate === 'string' ? link.operstate : 'UNKNOWN',
      mac: typeof link.address === 'string' ? link.address : null,
      addresses: (Array.isArray(link.addr_info) ? link.addr_info : [])
        .filter((a) => typeof a.local === 'string' && typeof a.prefixlen === 'number' && (a.family === 'inet' || a.family === 'inet6'))
        .map((a) => ({
          address: a.local as string,
          prefix: a.prefixlen as number,
          family: a.family === 'inet' ? ('ipv4' as const) : ('ipv6' as const),
          // iproute2 marks addresses a DHCP/RA client set with "dynamic".
          dynamic: a.dynamic === true,
          scope: typeof a.scope === 'string' ? a.scope : 'global',
        })),
    }));
}

/** `ip -j route show default` (IPv4 or IPv6) → the default gateways. */
export function parseDefaultRoutes(json: string): ApplianceNetwork['gateways'] {
  const parsed = JSON.parse(json) as unknown;
  if (!Array.isArray(parsed)) throw new Error('ip -j route: not a JSON array');
  return (parsed as { gateway?: unknown; dev?: unknown }[])
    .filter((r) => typeof r.gateway === 'string')
    .map((r) => ({ address: r.gateway as string, interface: typeof r.dev === 'string' ? r.dev : null }));
}

/** `nameserver` lines of a resolv.conf. */
export function parseResolvConf(text: string): string[] {
  const servers: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m) servers.push(m[1]);
  }
  return servers;
}

/**
 * `chronyc -c tracking` (one CSV line): reference ID, reference name, stratum,
 * reference time (UNIX s), system time offset (s), last offset, RMS offset, frequency (ppm), residual frequency, skew, root delay, root
 * dispersion, update interval (s), leap status.
 */
export function parseChronyTracking(csv: string): NtpStatus {
  const fields = csv.trim().split('\n')[0].split(',');
  if (fields.length < 14) throw new Error(`chronyc -c tracking: expected 14 fields, got ${fields.length}`);
  const num = (i: number): number => {
    const v = Number(fields[i]);
    if (!Number.isFinite(v)) throw new Error(`chronyc -c tracking: field ${i + 1} is not a number (${fields[i]})`);
    return v;
  };
  const leapStatus = fields[13];
  const stratum = num(2);
  return {
    available: true,
    synchronized: leapStatus !== 'Not synchronised' && stratum > 0 && stratum < 16,
    reference: fields[1] || null,
    stratum,
    reference_time: num(3) > 0 ? new Date(num(3) * 1000).toISOString() : null,
    system_offset_s: num(4),
    last_offset_s: num(5),
    root_delay_s: num(10),
    root_dispersion_s: num(11),
    update_interval_s: num(12),
    leap_status: leapStatus,
  };
}
