import { isIP } from 'node:net';
import { IpfixCollectorTarget } from './ipfix-exporter';

/**
 * Parses a collector URL: `ipfix://HOST:PORT` (UDP) or `ipfix+tcp://HOST:PORT`,
 * IPv6 hosts in brackets, options as query parameters: `mode=biflow|uniflow`,
 * `domain=N` (observation domain id). Throws with the reason when it is not one.
 */
export function parseIpfixUrl(text: string): IpfixCollectorTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`'${text}' is not a URL (expected ipfix://HOST:PORT or ipfix+tcp://HOST:PORT)`);
  }
  const transport = url.protocol === 'ipfix:' || url.protocol === 'ipfix+udp:' ? 'udp' : url.protocol === 'ipfix+tcp:' ? 'tcp' : null;
  if (!transport) throw new Error(`unknown scheme '${url.protocol}' (expected ipfix: or ipfix+tcp:)`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new Error('missing collector host');
  const port = Number(url.port || 4739); // IANA port for IPFIX
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`bad port '${url.port}'`);
  const mode = url.searchParams.get('mode') ?? 'biflow';
  if (mode !== 'biflow' && mode !== 'uniflow') throw new Error(`mode must be biflow or uniflow, not '${mode}'`);
  const domain = Number(url.searchParams.get('domain') ?? 1);
  if (!Number.isInteger(domain) || domain < 0 || domain > 0xffffffff) throw new Error(`domain must be 0..4294967295`);
  if (!isIP(host) && !/^[a-z0-9.-]+$/i.test(host)) throw new Error(`bad host '${host}'`);
  return { host, port, transport, mode, observationDomainId: domain };
}
