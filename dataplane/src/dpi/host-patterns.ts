/**
 * Server-name patterns, default ports and protocol names for services that
 * Debian's nDPI 4.2 (February 2022) does not know or knows by older names.
 * Maintained by hand from current nDPI (protocol list and host_match table of
 * the 4.10/4.11 line) and the services' own documentation.
 *
 * Loaded into each detection module as nDPI custom rules (the `protos.txt`
 * format of `ndpi_load_protocols_file`): a `host:` rule makes nDPI's own
 * matcher classify TLS SNI / QUIC SNI / HTTP Host / DNS query names as the
 * service (a new protocol when 4.2 has none of that name); a port rule gives
 * give-up guessing a default port for protocols 4.2 cannot guess.
 *
 * Add an entry: a suffix such as "example.com" matches the name and every
 * sub-domain (nDPI's host automaton matches on label boundaries).
 */

import { DataplaneError } from '../errors/dataplane-error';
export interface HostPatternRule {
  /** Protocol name as current nDPI / ntopng spell it. */
  protocol: string;
  /** Server-name suffixes. */
  hosts?: string[];
  /** Default TCP/UDP ports (single ports or "a-b" ranges). */
  tcp?: (number | string)[];
  udp?: (number | string)[];
}

export const HOST_PATTERN_RULES: readonly HostPatternRule[] = [
  // Streaming / social services added to nDPI after 4.2
  { protocol: '1kxun', hosts: ['1kxun.com', '1kxun.mobi', '1kxun.tv'] },
  { protocol: 'Line', hosts: ['line.naver.jp', 'line-apps.com', 'line-scdn.net', 'line.me', 'naver.jp', 'lineblog.me'] },
  { protocol: 'ChatGPT', hosts: ['openai.com', 'chatgpt.com', 'oaiusercontent.com', 'oaistatic.com'] },
  { protocol: 'Bluesky', hosts: ['bsky.app', 'bsky.social', 'bsky.network'] },
  { protocol: 'Mastodon', hosts: ['mastodon.social', 'joinmastodon.org'] },
  { protocol: 'Threads', hosts: ['threads.net'] },
  { protocol: 'Dota2', hosts: ['dota2.com'] },
  { protocol: 'NordVPN', hosts: ['nordvpn.com', 'nordvpn.net', 'nordcdn.com'] },
  { protocol: 'ProtonVPN', hosts: ['protonvpn.com', 'protonvpn.ch'] },
  { protocol: 'Mullvad', hosts: ['mullvad.net'] },
  { protocol: 'Paypal', hosts: ['paypal.com', 'paypalobjects.com'] },
  { protocol: 'Shopify', hosts: ['shopify.com', 'myshopify.com', 'shopifycdn.com'] },
  { protocol: 'Cloudflare', hosts: ['cloudflare-dns.com', 'one.one.one.one'] },
  { protocol: 'Bitdefender', hosts: ['bitdefender.com', 'bitdefender.net'] },
  { protocol: 'Kaspersky', hosts: ['kaspersky.com', 'kaspersky-labs.com'] },
  { protocol: 'Roblox', hosts: ['roblox.com', 'rbxcdn.com'] },
  { protocol: 'Epicgames', hosts: ['epicgames.com', 'unrealengine.com', 'epicgames.dev'] },
  { protocol: 'Nvidia', hosts: ['nvidia.com', 'geforcenow.com', 'nvidiagrid.net'] },
  { protocol: 'Temu', hosts: ['temu.com', 'kwcdn.com'] },
  { protocol: 'Twitch', hosts: ['ttvnw.net', 'jtvnw.net'] },
  // Analytics / advertising trackers (current nDPI reports them as ADS_Analytic_Track)
  {
    protocol: 'ADS_Analytic_Track',
    hosts: ['scorecardresearch.com', 'doubleclick.net', 'googlesyndication.com', 'adnxs.com', 'criteo.com', 'taboola.com', 'outbrain.com', 'moatads.com', 'adsrvr.org'],
  },
  // Existing 4.2 protocols: host names of the same services added since
  { protocol: 'Google', hosts: ['ampproject.org', 'ampproject.net', 'gstatic.cn', 'app-measurement.com', 'connectivitycheck.android.com', 'connectivitycheck.gstatic.com'] },
  { protocol: 'TikTok', hosts: ['tiktokcdn.com', 'tiktokv.com', 'byteoversea.com', 'ibytedtos.com'] },
  { protocol: 'Microsoft365', hosts: ['office.net', 'microsoft365.com'] },
  { protocol: 'Teams', hosts: ['teams.microsoft.com', 'teams.live.com'] },
  { protocol: 'Zoom', hosts: ['zoom.us', 'zoomgov.com'], udp: ['8801-8810'] },
  { protocol: 'Discord', hosts: ['discord.gg', 'discordapp.net', 'discord.media'] },
  { protocol: 'Signal', hosts: ['signal.org', 'whispersystems.org'] },
  { protocol: 'Telegram', hosts: ['telegram.org', 't.me', 'telegram.me'] },
  // Protocols 4.2 lacks, guessed by their registered ports when DPI finds nothing
  { protocol: 'Ceph', tcp: [3300, 6789] },
  { protocol: 'Elasticsearch', tcp: [9200, 9300] },
  { protocol: 'Roughtime', tcp: [2002], udp: [2002] },
  { protocol: 'TiVoConnect', tcp: [2190], udp: [2190] },
  { protocol: 'Radmin', tcp: [4899] },
  { protocol: 'NoMachine', tcp: [4000], udp: [4000] },
  { protocol: 'JRMI', tcp: [1099] },
  { protocol: 'LDP', tcp: [646], udp: [646] },
  { protocol: 'iSCSI', tcp: [3260] },
  { protocol: 'TPLINK_SHP', tcp: [9999], udp: [9999] },
  { protocol: 'Service_Location_Protocol', tcp: [427], udp: [427] },
  { protocol: 'BACnet', udp: [47808] },
  { protocol: 'NAT-PMP', udp: [5351] },
  { protocol: 'Cassandra', tcp: [7000, 9042] },
  { protocol: 'Kafka', tcp: [9092] },
  { protocol: 'OPC-UA', tcp: [4840] },
  { protocol: 'HL7', tcp: [2575] },
];

/**
 * Protocol names nDPI 4.2 prints differently from current nDPI/ntopng. Applied
 * to each dotted part of the name (`DCE_RPC` → `DCERPC`) so reports and
 * filters use today's names.
 */
export const NDPI_NAME_ALIASES: Readonly<Record<string, string>> = {
  DCE_RPC: 'DCERPC',
  IPsec: 'IPSec',
  GoogleHangoutDuo: 'GoogleCall',
  Skype_Teams: 'Skype_TeamsCall',
  NetFlix: 'Netflix',
};

/** The rules as the text of an nDPI protocols file (`ndpi_load_protocols_file` format). */
export function hostPatternProtosText(rules: readonly HostPatternRule[] = HOST_PATTERN_RULES): string {
  const lines: string[] = ['# generated by flowprobe from dataplane/src/dpi/host-patterns.ts'];
  for (const r of rules) {
    if (!/^[A-Za-z0-9_.-]+$/.test(r.protocol)) throw new DataplaneError('NDPI_BAD_PATTERN', `host pattern: bad protocol name "${r.protocol}"`);
    const ports = [...(r.tcp ?? []).map((p) => `tcp:${p}`), ...(r.udp ?? []).map((p) => `udp:${p}`)];
    if (ports.length > 0) lines.push(`${ports.join(',')}@${r.protocol}`);
    const hosts = (r.hosts ?? []).map((h) => {
      if (!/^[a-z0-9.-]+$/.test(h)) throw new DataplaneError('NDPI_BAD_PATTERN', `host pattern: bad host "${h}" for ${r.protocol}`);
      return `host:"${h}"`;
    });
    if (hosts.length > 0) lines.push(`${hosts.join(',')}@${r.protocol}`);
  }
  return lines.join('\n') + '\n';
}
