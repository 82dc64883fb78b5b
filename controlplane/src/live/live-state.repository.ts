import { Injectable } from '@nestjs/common';
import type { AlertEvent, HostSummary, InterfaceInfo } from '../api';
import { RedisService } from '../redis/redis.service';
import { hostKey } from '../hosts/host-key';

/** Redis key names (before the configured prefix). Documented in docs/controlplane.md. */
export const REDIS_KEYS = {
  /** SET of interface ids. */
  interfaces: 'ifaces',
  /** HASH of an interface's counters. */
  iface: (id: number): string => `iface:${id}`,
  /** ZSET host key → total bytes (seeds/000: `ZADD hosts:bandwidth 12984 "192.168.1.5"`). */
  hostsBandwidth: 'hosts:bandwidth',
  /** HASH of an active host's counters, expiring when no longer published. */
  host: (key: string): string => `host:${key}`,
  /** LIST of recent alerts as JSON, newest first. */
  recentAlerts: 'alerts:recent',
  /** HASH: version, started_at, updated_at, hosts_published. */
  status: 'status',
  /** Pub/sub channel of LiveMessage JSON: feeds the WebSocket. */
  liveChannel: 'live',
} as const;

/**
 * Writes the host hashes server-side: KEYS are the hash keys; ARGV[1] the TTL
 * in seconds; ARGV[2] a JSON array holding, per key, its [field, value, ...]
 * strings. One command whatever the number of hosts: building a thousand
 * HSET + EXPIRE commands costs the event loop tens of milliseconds a second,
 * one JSON string about one.
 */
const WRITE_HOSTS_LUA = `
local rows = cjson.decode(ARGV[2])
for i = 1, #KEYS do
  redis.call('HSET', KEYS[i], unpack(rows[i]))
  redis.call('EXPIRE', KEYS[i], ARGV[1])
end
return #KEYS
`;

/** Hosts per EVAL (about 400 KB of JSON): `redis.max_hosts` may be up to a million. */
const HOSTS_PER_EVAL = 1000;

/** A host's hash fields, as strings in HSET order. */
function hostFields(h: HostSummary): string[] {
  return [
    'ip', h.ip,
    'vlan', String(h.vlan),
    'mac', h.mac,
    'is_local', h.is_local ? '1' : '0',
    'ifid', String(h.ifid),
    'bytes_sent', String(h.bytes.sent),
    'bytes_rcvd', String(h.bytes.rcvd),
    'bytes_total', String(h.bytes.total),
    'packets_sent', String(h.packets.sent),
    'packets_rcvd', String(h.packets.rcvd),
    'bps', String(h.thpt.bps),
    'pps', String(h.thpt.pps),
    'flows_as_client', String(h.num_flows.as_client),
    'flows_as_server', String(h.num_flows.as_server),
    'first_seen', String(h.first_seen),
    'last_seen', String(h.last_seen),
  ];
}

/** Alerts kept in `alerts:recent`. */
export const RECENT_ALERTS = 100;

/** One publication of the live state. */
export interface LiveSnapshot {
  tsS: number;
  interfaces: InterfaceInfo[];
  /** Top hosts by total bytes (already limited). */
  hosts: HostSummary[];
  hostTtlS: number;
  version: string;
  startedAtS: number;
}

/** Writes the live state to Redis; every call fails fast while Redis is down. */
@Injectable()
export class LiveStateRepository {
  constructor(private readonly redis: RedisService) {}

  /** Replaces the published state in one MULTI: readers never see a half-written ranking. */
  async writeSnapshot(s: LiveSnapshot): Promise<void> {
    const tx = this.redis.client.multi();
    tx.del(REDIS_KEYS.interfaces);
    for (const i of s.interfaces) {
      tx.sadd(REDIS_KEYS.interfaces, String(i.id));
      tx.hset(REDIS_KEYS.iface(i.id), {
        name: i.name,
        source: i.source,
        running: i.running ? 1 : 0,
        packets: i.packets,
        bytes: i.bytes,
        drops: i.drops,
        num_flows: i.num_flows,
        num_hosts: i.num_hosts,
        bytes_upload: i.bytes_upload,
        bytes_download: i.bytes_download,
        bps: i.thpt.bps,
        pps: i.thpt.pps,
        upload_bps: i.thpt.upload_bps,
        download_bps: i.thpt.download_bps,
        queues: JSON.stringify(i.queues),
        updated_at: s.tsS,
      });
    }
    const tmp = `${REDIS_KEYS.hostsBandwidth}:next`;
    tx.del(tmp);
    if (s.hosts.length > 0) {
      const args: (string | number)[] = [];
      for (const h of s.hosts) args.push(h.bytes.total, hostKey(h.ip, h.vlan));
      tx.zadd(tmp, ...args);
      tx.rename(tmp, REDIS_KEYS.hostsBandwidth);
      // EVAL, not EVALSHA: a few hundred bytes a period, and nothing to reload after Redis restarts or flushes its scripts.
      for (let i = 0; i < s.hosts.length; i += HOSTS_PER_EVAL) {
        if (i > 0) await new Promise((resolve) => setImmediate(resolve));
        const chunk = s.hosts.slice(i, i + HOSTS_PER_EVAL);
        const keys = chunk.map((h) => REDIS_KEYS.host(hostKey(h.ip, h.vlan)));
        tx.eval(WRITE_HOSTS_LUA, keys.length, ...keys, s.hostTtlS, JSON.stringify(chunk.map(hostFields)));
      }
    } else {
      tx.del(REDIS_KEYS.hostsBandwidth);
    }
    tx.hset(REDIS_KEYS.status, {
      version: s.version,
      started_at: s.startedAtS,
      updated_at: s.tsS,
      hosts_published: s.hosts.length,
    });
    const results = await tx.exec();
    const failed = results?.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
  }

  /** Pushes one alert to the recent list (newest first, trimmed). */
  async pushAlert(alert: AlertEvent): Promise<void> {
    await this.redis.client.multi().lpush(REDIS_KEYS.recentAlerts, JSON.stringify(alert)).ltrim(REDIS_KEYS.recentAlerts, 0, RECENT_ALERTS - 1).exec();
  }

  /**
   * A batch of alerts in one round trip: the newest RECENT_ALERTS pushed to the recent list
   * (`alerts` oldest first), the list trimmed, and each live message published on the channel.
   */
  async pushAlerts(alerts: AlertEvent[], messages: string[]): Promise<void> {
    const tx = this.redis.client.multi();
    const kept = alerts.slice(-RECENT_ALERTS);
    if (kept.length > 0) tx.lpush(REDIS_KEYS.recentAlerts, ...kept.map((a) => JSON.stringify(a))).ltrim(REDIS_KEYS.recentAlerts, 0, RECENT_ALERTS - 1);
    const channel = this.redis.channel(REDIS_KEYS.liveChannel);
    for (const m of messages) tx.publish(channel, m);
    const results = await tx.exec();
    const failed = results?.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
  }

  /** Rewrites the recent list from memory (after a reconnect), `alerts` oldest first. */
  async replaceAlerts(alerts: AlertEvent[]): Promise<void> {
    const tx = this.redis.client.multi().del(REDIS_KEYS.recentAlerts);
    if (alerts.length > 0) tx.lpush(REDIS_KEYS.recentAlerts, ...alerts.map((a) => JSON.stringify(a)));
    await tx.exec();
  }

  async publish(message: string): Promise<void> {
    await this.redis.client.publish(this.redis.channel(REDIS_KEYS.liveChannel), message);
  }
}
