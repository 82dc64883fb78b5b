import { isIP } from 'node:net';

/**
 * Why a collector host may not be exported to, or null. The one place the
 * IPFIX module vets a destination: link-local (IPv4 169.254/16 with the cloud
 * metadata address, IPv6 fe80::/10), unspecified and multicast addresses and
 * the cloud metadata host names are refused. To be replaced by the shared
 * destination policy of the SIEM recipients once it is on main.
 */
export function ipfixDestinationProblem(host: string): string | null {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (h === '' || h.length > 253) return 'host must be an IP address or a host name';
  const v = isIP(h);
  if (v === 0) {
    if (!/^[a-z0-9]([a-z0-9-]{0,62})(\.[a-z0-9]([a-z0-9-]{0,62}))*$/.test(h)) return 'host must be an IP address or a host name';
    if (h === 'metadata' || h === 'metadata.google.internal' || h.endsWith('.metadata.google.internal')) return 'cloud metadata hosts are refused';
    return null;
  }
  if (v === 4) {
    const [a, b] = h.split('.').map(Number);
    if (a === 169 && b === 254) return 'link-local and cloud metadata addresses (169.254.0.0/16) are refused';
    if (a === 0) return 'unspecified addresses (0.0.0.0/8) are refused';
    if (a >= 224) return 'multicast and reserved addresses are refused';
    return null;
  }
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  if (mapped) return ipfixDestinationProblem(mapped[1]);
  if (h === '::') return 'the unspecified address is refused';
  if (/^fe[89ab]/.test(h)) return 'link-local addresses (fe80::/10) are refused';
  if (h.startsWith('ff')) return 'multicast addresses are refused';
  if (h === 'fd00:ec2::254') return 'cloud metadata addresses are refused';
  return null;
}
