import { BlockList, isIPv6 } from 'node:net';

/** A test of "is this address in the local networks" over CIDRs (answers cached per call site's lifetime). */
export function localMatcher(cidrs: readonly string[]): (ip: string) => boolean {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [addr, bits] = cidr.split('/');
    const v6 = isIPv6(addr);
    list.addSubnet(addr, Number(bits ?? (v6 ? 128 : 32)), v6 ? 'ipv6' : 'ipv4');
  }
  const seen = new Map<string, boolean>();
  return (ip) => {
    let local = seen.get(ip);
    if (local === undefined) {
      local = list.check(ip, isIPv6(ip) ? 'ipv6' : 'ipv4');
      seen.set(ip, local);
    }
    return local;
  };
}
