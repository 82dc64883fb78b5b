import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { AlertEvent, LiveAlertMessage, LiveInterfacesMessage } from '../api';
import { PRODUCT_VERSION } from '../config/product-version';
import { CONTROL_PLANE_OPTIONS, ControlPlaneOptions } from '../config/control-plane-options';
import { DataplaneRepository } from '../dataplane/dataplane.repository';
import { toHostSummary } from '../hosts/hosts.service';
import { toInterfaceInfo } from '../interfaces/interfaces.service';
import { RedisService } from '../redis/redis.service';
import { SettingsService } from '../settings/settings.service';
import { LiveBacklog } from './live-backlog';
import { LiveGateway } from './live.gateway';
import { LiveStateRepository, RECENT_ALERTS, REDIS_KEYS } from './live-state.repository';

/**
 * Live state: each period the interface counters and the host ranking go to
 * Redis and a LiveMessage goes to the `live` channel, whose subscriber feeds
 * the WebSocket. While Redis is down the WebSocket is fed directly, the recent
 * alerts stay in memory, and everything is republished on reconnect: only
 * the outage itself is missing from Redis.
 */
@Injectable()
export class LiveService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LiveService.name);
  private readonly maxHosts: number;
  private readonly startedAtS = Math.floor(Date.now() / 1000);
  /** Recent alerts, oldest first: the source of truth `alerts:recent` is rebuilt from. */
  private readonly recentAlerts: AlertEvent[] = [];
  private alertsDirty = false;
  private publishedAtS = 0;

  constructor(
    private readonly dataplane: DataplaneRepository,
    private readonly redis: RedisService,
    private readonly state: LiveStateRepository,
    private readonly gateway: LiveGateway,
    private readonly backlog: LiveBacklog,
    private readonly settings: SettingsService,
    @Inject(CONTROL_PLANE_OPTIONS) private readonly options: ControlPlaneOptions,
  ) {
    this.maxHosts = options.redisMaxHosts ?? 1000;
  }

  async onApplicationBootstrap(): Promise<void> {
    const channel = this.redis.channel(REDIS_KEYS.liveChannel);
    this.redis.subscriber.on('message', (ch: string, message: string) => {
      if (ch === channel) this.gateway.broadcast(message);
    });
    // ioredis re-subscribes by itself after a reconnect; this only fails if Redis is down at start.
    this.redis.subscriber.subscribe(channel).catch((err: Error) => this.logger.warn(`Subscribe to ${channel} deferred: ${err.message}`));
    this.redis.onReconnect(() => this.republish());
  }

  onApplicationShutdown(): void {
    this.redis.subscriber.removeAllListeners('message');
  }

  /** When the state was last written to Redis (UNIX seconds, 0 = never). */
  get lastPublishedAtS(): number {
    return this.publishedAtS;
  }

  /** One publication period: Redis state + a LiveInterfacesMessage to the WebSocket. */
  async publish(nowS = Date.now() / 1000): Promise<void> {
    // Fresh counters each period; API readers share this snapshot until the next one.
    const interfaces = (await this.dataplane.interfaces(0)).map(toInterfaceInfo);
    const message: LiveInterfacesMessage = {
      type: 'interfaces',
      ts: nowS,
      data: interfaces.map((i) => ({
        id: i.id, name: i.name, thpt: i.thpt, packets: i.packets, bytes: i.bytes, bytes_upload: i.bytes_upload, bytes_download: i.bytes_download,
        drops: i.drops, num_flows: i.num_flows, num_hosts: i.num_hosts,
      })),
    };
    this.backlog.record(message);
    const json = JSON.stringify(message);
    if (!this.redis.up) {
      this.gateway.broadcast(json);
      return;
    }
    try {
      const hosts = (await this.dataplane.topHosts(this.maxHosts)).map((h) => toHostSummary(h));
      // Host hashes outlive 3 periods (at least 5 s) so a slow period never empties them.
      const hostTtlS = Math.max(5, Math.ceil((3 * this.settings.get().live_interval_ms) / 1000));
      await this.state.writeSnapshot({ tsS: nowS, interfaces, hosts, hostTtlS, version: PRODUCT_VERSION, startedAtS: this.startedAtS });
      if (this.alertsDirty) await this.flushAlerts();
      await this.state.publish(json);
      this.publishedAtS = nowS;
    } catch (err) {
      // Redis went away mid-write: the WebSocket still gets its update; the state is rewritten on reconnect.
      this.gateway.broadcast(json);
      this.logger.debug(`Live publish to Redis failed: ${(err as Error).message}`);
    }
  }

  /** A new alert: kept in memory, pushed to `alerts:recent`, sent on the live channel / WebSocket. */
  publishAlert(alert: AlertEvent): Promise<void> {
    return this.publishAlerts([alert]);
  }

  /**
   * New alerts, oldest first, in one Redis round trip (a pass may raise thousands: one
   * round trip each would hold the alert pipeline behind the live snapshot writes).
   */
  async publishAlerts(alerts: AlertEvent[]): Promise<void> {
    if (alerts.length === 0) return;
    for (const a of alerts) this.recentAlerts.push(a);
    if (this.recentAlerts.length > RECENT_ALERTS) this.recentAlerts.splice(0, this.recentAlerts.length - RECENT_ALERTS);
    const messages = alerts.map((data) => JSON.stringify({ type: 'alert', data } satisfies LiveAlertMessage));
    if (this.redis.up) {
      try {
        await this.state.pushAlerts(alerts, messages);
        return;
      } catch (err) {
        this.logger.debug(`Alert publish to Redis failed: ${(err as Error).message}`);
      }
    }
    this.alertsDirty = true;
    for (const m of messages) this.gateway.broadcast(m);
  }

  /** Alerts still in memory, newest first. */
  recent(): AlertEvent[] {
    return [...this.recentAlerts].reverse();
  }

  private async flushAlerts(): Promise<void> {
    await this.state.replaceAlerts(this.recentAlerts);
    this.alertsDirty = false;
  }

  /** After a reconnect: the full state and the recent alerts again. */
  private async republish(): Promise<void> {
    await this.flushAlerts();
    await this.publish();
  }
}
