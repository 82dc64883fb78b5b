/**
 * Who talks to whom in the demo capture: the remote services (names, addresses, protocol,
 * typical volumes) and the office's client profiles. Addresses are ones these services really
 * use (or used), so IP-based classification agrees with the server names.
 */

/** Client behaviour classes; each service is weighted per class. */
export type DemoProfile = 'streamer' | 'developer' | 'office' | 'social' | 'iot';

/** How a service is reached. */
export type DemoServiceKind = 'tls' | 'http';

/** A remote service the clients visit. */
export interface DemoService {
  /** Names looked up in DNS and sent as TLS SNI / HTTP Host. */
  names: string[];
  ipv4: string[];
  ipv6?: string[];
  kind: DemoServiceKind;
  /** Browsers reach it over QUIC this often (0..1); the rest is TLS over TCP. */
  quicShare?: number;
  /** Offers TLS 1.3 (else TLS 1.2 only). */
  tls13?: boolean;
  /** Bytes downloaded per connection, log-uniform in [min, max]. */
  downBytes: [number, number];
  /** Transfer rate for bulk data, bytes per second. */
  rateBps: number;
  /** Popularity per client profile (0 or absent: never visited by that profile). */
  weight: Partial<Record<DemoProfile, number>>;
  /** HTTP only: request paths, content type, Server header. */
  http?: { paths: string[]; contentType: string; server: string; userAgent?: string; status?: string };
  /** Round-trip time from the office, seconds. */
  rttS: number;
}

const MB = 1_000_000;
const KB = 1_000;

export const DEMO_SERVICES: DemoService[] = [
  // Video: the heavy hitters.
  { names: ['rr4---sn-4g5lznes.googlevideo.com', 'rr2---sn-4g5e6nzz.googlevideo.com'], ipv4: ['173.194.182.201', '74.125.162.230', '173.194.150.103'], ipv6: ['2a00:1450:4001:7::9'], kind: 'tls', tls13: true, quicShare: 0.8, downBytes: [300 * KB, 2 * MB], rateBps: 4 * MB, weight: { streamer: 30, social: 3, office: 0.5 }, rttS: 0.008 },
  { names: ['www.youtube.com', 'i.ytimg.com'], ipv4: ['142.250.185.110', '142.250.186.46', '172.217.16.142'], ipv6: ['2a00:1450:4001:82b::200e'], kind: 'tls', tls13: true, quicShare: 0.7, downBytes: [80 * KB, 600 * KB], rateBps: 3 * MB, weight: { streamer: 12, social: 4, office: 1, developer: 1 }, rttS: 0.009 },
  { names: ['ipv4-c012-fra002-ix.1.oca.nflxvideo.net', 'ipv4-c087-fra002-ix.1.oca.nflxvideo.net'], ipv4: ['45.57.90.1', '45.57.91.1', '45.57.74.131'], kind: 'tls', tls13: false, downBytes: [500 * KB, 3 * MB], rateBps: 5 * MB, weight: { streamer: 20 }, rttS: 0.006 },
  { names: ['www.netflix.com'], ipv4: ['54.155.178.5', '52.31.38.148', '3.251.50.149'], kind: 'tls', tls13: true, downBytes: [100 * KB, 600 * KB], rateBps: 2 * MB, weight: { streamer: 4, social: 1 }, rttS: 0.024 },
  { names: ['www.tiktok.com', 'v16-webapp-prime.tiktok.com'], ipv4: ['23.57.5.14', '23.57.5.20'], kind: 'tls', tls13: true, downBytes: [200 * KB, 1.5 * MB], rateBps: 3 * MB, weight: { social: 8, streamer: 3 }, rttS: 0.011 },
  { names: ['audio-ak-spotify-com.akamaized.net', 'open.spotify.com'], ipv4: ['23.45.232.80', '35.186.224.25'], kind: 'tls', tls13: true, downBytes: [200 * KB, 1.5 * MB], rateBps: 2 * MB, weight: { social: 4, office: 2, developer: 2 }, rttS: 0.012 },
  // Search, mail, office.
  { names: ['www.google.com', 'fonts.gstatic.com', 'www.gstatic.com'], ipv4: ['142.250.185.100', '142.250.181.228', '142.250.184.195'], ipv6: ['2a00:1450:4001:830::2004'], kind: 'tls', tls13: true, quicShare: 0.7, downBytes: [20 * KB, 300 * KB], rateBps: 2 * MB, weight: { streamer: 3, developer: 6, office: 8, social: 4, iot: 1 }, rttS: 0.009 },
  { names: ['outlook.office365.com', 'outlook.office.com'], ipv4: ['52.97.146.162', '40.101.12.98', '52.98.207.226'], kind: 'tls', tls13: false, downBytes: [20 * KB, 500 * KB], rateBps: 2 * MB, weight: { office: 10, developer: 2 }, rttS: 0.018 },
  { names: ['login.microsoftonline.com'], ipv4: ['20.190.159.0', '40.126.31.67'], kind: 'tls', tls13: false, downBytes: [8 * KB, 40 * KB], rateBps: 1 * MB, weight: { office: 4, developer: 1 }, rttS: 0.02 },
  { names: ['teams.microsoft.com'], ipv4: ['52.113.194.132', '52.114.128.69'], kind: 'tls', tls13: true, downBytes: [20 * KB, 400 * KB], rateBps: 2 * MB, weight: { office: 6 }, rttS: 0.019 },
  { names: ['www.linkedin.com'], ipv4: ['13.107.42.14', '150.171.22.12'], kind: 'tls', tls13: true, downBytes: [100 * KB, 700 * KB], rateBps: 2 * MB, weight: { office: 3, developer: 1 }, rttS: 0.02 },
  { names: ['app.slack.com', 'edgeapi.slack.com'], ipv4: ['3.65.102.105', '3.120.62.175'], kind: 'tls', tls13: true, downBytes: [10 * KB, 200 * KB], rateBps: 2 * MB, weight: { developer: 4, office: 3 }, rttS: 0.012 },
  { names: ['zoom.us', 'us05web.zoom.us'], ipv4: ['170.114.52.2', '170.114.10.85'], kind: 'tls', tls13: true, downBytes: [50 * KB, 500 * KB], rateBps: 2 * MB, weight: { office: 3 }, rttS: 0.03 },
  { names: ['www.dropbox.com', 'content.dropboxapi.com'], ipv4: ['162.125.64.18', '162.125.69.14'], kind: 'tls', tls13: true, downBytes: [30 * KB, 1 * MB], rateBps: 3 * MB, weight: { office: 2, developer: 1 }, rttS: 0.015 },
  { names: ['www.wikipedia.org', 'en.wikipedia.org'], ipv4: ['185.15.59.224'], ipv6: ['2a02:ec80:300:ed1a::1'], kind: 'tls', tls13: true, downBytes: [30 * KB, 300 * KB], rateBps: 2 * MB, weight: { office: 3, developer: 2, social: 1 }, rttS: 0.014 },
  // Developers.
  { names: ['api.github.com'], ipv4: ['140.82.121.6', '140.82.121.5'], kind: 'tls', tls13: true, downBytes: [5 * KB, 80 * KB], rateBps: 2 * MB, weight: { developer: 10 }, rttS: 0.016 },
  { names: ['github.com', 'codeload.github.com'], ipv4: ['140.82.121.3', '140.82.121.9'], kind: 'tls', tls13: true, downBytes: [50 * KB, 1.5 * MB], rateBps: 3 * MB, weight: { developer: 8, office: 0.5 }, rttS: 0.016 },
  { names: ['registry.npmjs.org'], ipv4: ['104.16.26.34', '104.16.27.34'], ipv6: ['2606:4700::6810:1a22'], kind: 'tls', tls13: true, quicShare: 0, downBytes: [30 * KB, 800 * KB], rateBps: 4 * MB, weight: { developer: 6 }, rttS: 0.007 },
  { names: ['stackoverflow.com'], ipv4: ['104.18.32.7', '172.64.155.249'], kind: 'tls', tls13: true, downBytes: [80 * KB, 400 * KB], rateBps: 2 * MB, weight: { developer: 5 }, rttS: 0.008 },
  { names: ['cdnjs.cloudflare.com'], ipv4: ['104.17.24.14', '104.17.25.14'], ipv6: ['2606:4700::6811:180e'], kind: 'tls', tls13: true, quicShare: 0.5, downBytes: [20 * KB, 300 * KB], rateBps: 3 * MB, weight: { developer: 2, office: 1, social: 1 }, rttS: 0.007 },
  { names: ['deb.debian.org'], ipv4: ['151.101.2.132', '151.101.66.132'], ipv6: ['2a04:4e42:200::644'], kind: 'http', downBytes: [50 * KB, 1.5 * MB], rateBps: 4 * MB, weight: { developer: 3, iot: 1 }, rttS: 0.01, http: { paths: ['/debian/pool/main/c/curl/libcurl4_7.88.1-10+deb12u8_amd64.deb', '/debian/pool/main/o/openssl/libssl3_3.0.15-1~deb12u1_amd64.deb', '/debian/dists/bookworm-updates/InRelease'], contentType: 'application/vnd.debian.binary-package', server: 'Varnish', userAgent: 'Debian APT-HTTP/1.3 (2.6.1)' } },
  // Social.
  { names: ['www.facebook.com', 'static.xx.fbcdn.net'], ipv4: ['157.240.20.35', '157.240.17.35', '157.240.0.35'], ipv6: ['2a03:2880:f12f:83:face:b00c:0:25de'], kind: 'tls', tls13: true, quicShare: 0.6, downBytes: [50 * KB, 600 * KB], rateBps: 3 * MB, weight: { social: 10, office: 1, streamer: 2 }, rttS: 0.01 },
  { names: ['www.instagram.com', 'scontent.cdninstagram.com'], ipv4: ['157.240.20.174', '157.240.17.174'], kind: 'tls', tls13: true, quicShare: 0.5, downBytes: [100 * KB, 1 * MB], rateBps: 3 * MB, weight: { social: 9, streamer: 2 }, rttS: 0.01 },
  { names: ['web.whatsapp.com'], ipv4: ['157.240.20.53', '157.240.17.53'], kind: 'tls', tls13: true, downBytes: [5 * KB, 60 * KB], rateBps: 1 * MB, weight: { social: 5, office: 2 }, rttS: 0.01 },
  { names: ['x.com', 'abs.twimg.com'], ipv4: ['104.244.42.1', '104.244.42.65', '104.244.42.129'], kind: 'tls', tls13: true, downBytes: [100 * KB, 1 * MB], rateBps: 2 * MB, weight: { social: 5, developer: 1 }, rttS: 0.02 },
  { names: ['www.reddit.com'], ipv4: ['151.101.1.140', '151.101.65.140'], kind: 'tls', tls13: true, downBytes: [100 * KB, 1 * MB], rateBps: 2 * MB, weight: { social: 4, developer: 2 }, rttS: 0.011 },
  { names: ['discord.com', 'gateway.discord.gg'], ipv4: ['162.159.138.232', '162.159.135.234'], kind: 'tls', tls13: true, downBytes: [10 * KB, 200 * KB], rateBps: 2 * MB, weight: { social: 3, developer: 1 }, rttS: 0.009 },
  { names: ['www.amazon.com', 'm.media-amazon.com'], ipv4: ['52.94.236.248', '54.239.28.85', '18.66.102.96'], kind: 'tls', tls13: true, downBytes: [100 * KB, 1 * MB], rateBps: 2 * MB, weight: { social: 3, office: 1, streamer: 1 }, rttS: 0.025 },
  { names: ['www.apple.com', 'gateway.icloud.com'], ipv4: ['17.253.144.10', '17.248.185.70'], kind: 'tls', tls13: true, downBytes: [10 * KB, 200 * KB], rateBps: 2 * MB, weight: { social: 2, office: 1, iot: 1 }, rttS: 0.013 },
  // Plain HTTP: connectivity checks, a news site, OCSP.
  { names: ['detectportal.firefox.com'], ipv4: ['34.107.221.82'], kind: 'http', downBytes: [90, 90], rateBps: 1 * MB, weight: { developer: 1, office: 1, iot: 2 }, rttS: 0.012, http: { paths: ['/canonical.html'], contentType: 'text/html', server: 'nginx' } },
  { names: ['connectivitycheck.gstatic.com'], ipv4: ['142.250.185.67'], kind: 'http', downBytes: [64, 64], rateBps: 1 * MB, weight: { social: 2, iot: 2, streamer: 1 }, rttS: 0.009, http: { paths: ['/generate_204'], contentType: 'text/plain', server: 'gws', status: '204 No Content' } },
  { names: ['www.msftconnecttest.com'], ipv4: ['13.107.4.52'], kind: 'http', downBytes: [22, 22], rateBps: 1 * MB, weight: { office: 2 }, rttS: 0.015, http: { paths: ['/connecttest.txt'], contentType: 'text/plain', server: 'Microsoft-IIS/10.0' } },
  { names: ['neverssl.com'], ipv4: ['34.223.124.45'], kind: 'http', downBytes: [3 * KB, 20 * KB], rateBps: 1 * MB, weight: { office: 1, social: 1 }, rttS: 0.09, http: { paths: ['/', '/online/'], contentType: 'text/html; charset=UTF-8', server: 'Apache' } },
  { names: ['ocsp.digicert.com'], ipv4: ['72.21.91.29'], kind: 'http', downBytes: [400, 1600], rateBps: 1 * MB, weight: { office: 2, developer: 1, social: 1 }, rttS: 0.012, http: { paths: ['/MFEwTzBNMEswSTAJBgUrDgMCGgUABBSAUQYBMq2awn1Rh6Doh%2FsBYgFV7gQUA95QNVbRTLtm8KPiGxvDl7I90VUCEAJ0LqoXyo4hxxe7H%2Fz9DKA%3D'], contentType: 'application/ocsp-response', server: 'ECAcc (lac/55D0)' } },
  { names: ['www.example.com'], ipv4: ['93.184.215.14'], kind: 'http', downBytes: [1256, 1256], rateBps: 1 * MB, weight: { developer: 1, iot: 1 }, rttS: 0.09, http: { paths: ['/'], contentType: 'text/html; charset=UTF-8', server: 'ECS (dce/26CD)' } },
];

/** NTP servers (name, address). */
export const DEMO_NTP_SERVERS: [string, string][] = [
  ['0.debian.pool.ntp.org', '162.159.200.1'],
  ['1.debian.pool.ntp.org', '162.159.200.123'],
  ['2.debian.pool.ntp.org', '194.58.200.20'],
  ['time.google.com', '216.239.35.0'],
  ['time.google.com', '216.239.35.4'],
  ['time.windows.com', '168.61.215.74'],
  ['time.apple.com', '17.253.14.125'],
];

/** SSH servers: name, address, banner, interactive (small packets) or bulk (git). */
export const DEMO_SSH_SERVERS: { name: string; ip: string; banner: string; interactive: boolean }[] = [
  { name: 'github.com', ip: '140.82.121.4', banner: 'SSH-2.0-babeld-2bd6d5b3', interactive: false },
  { name: 'bastion.ops.example.net', ip: '95.216.120.33', banner: 'SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10', interactive: true },
];

/** Public resolvers some clients use instead of the router. */
export const DEMO_PUBLIC_RESOLVERS = ['8.8.8.8', '1.1.1.1', '9.9.9.9'];

/** Hosts pinged by monitoring and by curious users. */
export const DEMO_PING_TARGETS = ['8.8.8.8', '1.1.1.1', '9.9.9.9', '192.168.1.1'];
/** IPv6 ping target (Google public DNS). */
export const DEMO_PING6_TARGET = '2001:4860:4860::8888';

/** Peers of a proprietary UDP protocol (IoT cloud, a game server): unknown to DPI. */
export const DEMO_UNKNOWN_UDP_PEERS: [string, number][] = [
  ['203.0.113.77', 34567],
  ['198.51.100.23', 47123],
  ['185.199.110.42', 41641],
];

/** Browser and tool identities per operating system. */
export const DEMO_USER_AGENTS: Record<string, string> = {
  windows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  mac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  linux: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  android: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  iot: 'curl/7.88.1',
};
