import { DemoProfile } from './demo-catalog';
import { DemoRandom } from './demo-random';

/** A machine in the office network. */
export interface DemoClient {
  ip4: string;
  /** Global IPv6 address for dual-stack machines. */
  ip6: string | null;
  mac: string;
  /** Ethernet address of the router port this client's subnet hangs off. */
  gatewayMac: string;
  /** Router address, its DNS resolver unless `resolver` says otherwise. */
  gateway: string;
  resolver: string;
  profile: DemoProfile;
  os: 'windows' | 'mac' | 'linux' | 'android' | 'iot';
  /** Multiplier of how busy this machine is: spreads the top-talker ranking. */
  activity: number;
  ttl: number;
  /** Next ephemeral source port. */
  nextPort: number;
}

/** The office's local networks (for the appliance's "local networks" setting). */
export const DEMO_LOCAL_NETWORKS = ['192.168.1.0/24', '10.0.0.0/24', '2001:db8:1::/64'];

const OUIS = ['3c:58:c2', 'f8:bc:12', 'a4:83:e7', 'b8:27:eb', '00:1b:21', 'dc:a6:32', '8c:85:90', '44:38:39'];
const PROFILE_PLAN: DemoProfile[] = ['streamer', 'streamer', 'streamer', 'social', 'social', 'social', 'social', 'social', 'social', 'social', 'social', 'developer', 'developer', 'developer', 'developer', 'developer', 'developer', 'developer', 'iot', 'iot', 'iot', 'iot'];

/**
 * `count` clients: three quarters in 192.168.1.0/24, the rest in 10.0.0.0/24, every sixth one
 * dual-stack in 2001:db8:1::/64. Profiles: a few streamers, social-media users, developers, some
 * IoT devices; everyone else an office worker.
 */
export function makeDemoClients(rng: DemoRandom, count: number): DemoClient[] {
  const clients: DemoClient[] = [];
  const inFirstNet = Math.ceil(count * 0.75);
  for (let i = 0; i < count; i++) {
    const first = i < inFirstNet;
    const hostPart = 20 + (first ? i : i - inFirstNet);
    const profile: DemoProfile = PROFILE_PLAN[(i * 7) % 40] ?? 'office';
    const os: DemoClient['os'] =
      profile === 'iot' ? 'iot' : profile === 'developer' ? rng.pick(['linux', 'linux', 'mac']) : profile === 'social' ? rng.pick(['android', 'mac', 'windows']) : rng.pick(['windows', 'windows', 'mac']);
    const gateway = first ? '192.168.1.1' : '10.0.0.1';
    const mac = `${rng.pick(OUIS)}:${[0, 0, 0].map(() => rng.int(0, 255).toString(16).padStart(2, '0')).join(':')}`;
    clients.push({
      ip4: `${first ? '192.168.1' : '10.0.0'}.${hostPart}`,
      ip6: i % 6 === 1 && profile !== 'iot' ? `2001:db8:1::${(0x100 + i).toString(16)}` : null,
      mac,
      gatewayMac: first ? '00:0d:b9:4a:12:01' : '00:0d:b9:4a:12:02',
      gateway,
      resolver: rng.chance(0.8) ? gateway : rng.pick(['8.8.8.8', '1.1.1.1', '9.9.9.9']),
      profile,
      os,
      activity: profile === 'iot' ? 0.3 : rng.logUniform(0.3, 3),
      ttl: os === 'windows' ? 128 : 64,
      nextPort: os === 'windows' ? rng.int(49152, 60000) : rng.int(32768, 50000),
    });
  }
  return clients;
}

/** The next ephemeral port of a client (Linux and Windows both step through their range). */
export function takePort(c: DemoClient, rng: DemoRandom): number {
  const low = c.os === 'windows' ? 49152 : 32768;
  const high = c.os === 'windows' ? 65535 : 60999;
  c.nextPort += rng.int(1, 9);
  if (c.nextPort > high) c.nextPort = low + (c.nextPort - high);
  return c.nextPort;
}
