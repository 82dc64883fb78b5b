import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { CONTROL_PLANE_OPTIONS, ControlPlaneOptions } from '../config/control-plane-options';
import { redactUrlCredentials } from '../logging/redact';

/** Reconnect delay after the n-th failed attempt: 250 ms growing to 2 s, forever. */
const retryDelayMs = (attempt: number): number => Math.min(attempt * 250, 2000);

/**
 * The appliance's Redis connections (commands + a subscriber), shared by every
 * module. Redis is never required: while it is down commands fail fast (no
 * offline queue that would grow without bound), {@link up} is false, health
 * says degraded, and {@link onReconnect} handlers republish state when it
 * answers again.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisService.name);
  /** Commands. Keys are prefixed with `keyPrefix` by ioredis. */
  readonly client: Redis;
  /** Subscriber connection (a connection in subscribe mode accepts no other command). */
  readonly subscriber: Redis;
  readonly keyPrefix: string;
  /** The URL to connect with (may carry a password: never log it, see {@link displayUrl}). */
  readonly url: string;
  /** The URL with its credentials replaced by `***`: what logs and the API show. */
  readonly displayUrl: string;
  private readonly reconnectHandlers: (() => Promise<void> | void)[] = [];
  private wasUp = false;
  private downSinceMs: number | null = Date.now();
  private closing = false;

  constructor(@Inject(CONTROL_PLANE_OPTIONS) options: ControlPlaneOptions) {
    this.keyPrefix = options.redis.keyPrefix ?? '';
    this.url = options.redis.url;
    this.displayUrl = redactUrlCredentials(options.redis.url);
    const common = {
      keyPrefix: this.keyPrefix,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: retryDelayMs,
      connectionName: 'flowprobe',
    };
    this.client = new Redis(options.redis.url, common);
    this.subscriber = new Redis(options.redis.url, { ...common, enableOfflineQueue: true });
    this.client.on('ready', () => void this.handleReady());
    this.client.on('close', () => this.handleClose());
    // ioredis emits 'error' on every failed reconnect; the state change is logged once in handleClose.
    this.client.on('error', () => undefined);
    this.subscriber.on('error', () => undefined);
  }

  /** True while the command connection is ready. */
  get up(): boolean {
    return this.client.status === 'ready';
  }

  /** Milliseconds Redis has been unreachable (0 when up). */
  get downForMs(): number {
    return this.downSinceMs === null ? 0 : Date.now() - this.downSinceMs;
  }

  /** A channel name with the key prefix (ioredis prefixes keys, not channels). */
  channel(name: string): string {
    return `${this.keyPrefix}${name}`;
  }

  /** Runs `handler` each time Redis becomes ready again after being down (and at the first connect). */
  onReconnect(handler: () => Promise<void> | void): void {
    this.reconnectHandlers.push(handler);
  }

  /** Resolves once connected, or after `timeoutMs` either way. */
  async waitUntilReady(timeoutMs: number): Promise<boolean> {
    if (this.up) return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.up), timeoutMs);
      this.client.once('ready', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private async handleReady(): Promise<void> {
    if (this.wasUp) this.logger.log(`Redis ${this.displayUrl} is back after ${this.downForMs} ms; republishing state`);
    else this.logger.log(`Connected to Redis ${this.displayUrl}`);
    this.wasUp = true;
    this.downSinceMs = null;
    for (const handler of this.reconnectHandlers) {
      try {
        await handler();
      } catch (err) {
        this.logger.warn(`Republish after reconnect failed: ${(err as Error).message}`);
      }
    }
  }

  private handleClose(): void {
    if (this.closing || this.downSinceMs !== null) return;
    this.downSinceMs = Date.now();
    this.logger.warn(`Lost Redis ${this.displayUrl}; capture and API go on, live state is republished when it is back`);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    this.client.disconnect();
    this.subscriber.disconnect();
  }
}
