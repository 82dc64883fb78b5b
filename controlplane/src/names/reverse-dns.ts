import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { ReverseDnsOptions } from '../config/control-plane-options';

export interface ReverseDnsStats {
  enabled: boolean;
  lookups: number;
  answered: number;
  failed: number;
  /** Requests not started because of the rate or in-flight bound (asked again when next seen). */
  deferred: number;
  cached: number;
}

interface CacheEntry {
  name: string;
  until: number;
}

/**
 * PTR lookups for addresses no traffic has named, when enabled: bounded in rate
 * (a token bucket of `perSecond`), in flight and in memory (an LRU of
 * `cacheSize` answers, negative ones included, each kept `ttlS`). A request
 * that does not fit is dropped, not queued: the address is asked again the next
 * time a page shows it. Names arrive through `onName`.
 */
export class ReverseDns {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inFlight = new Set<string>();
  private readonly resolver?: Resolver;
  private tokens: number;
  private refilledAt: number;
  private readonly perSecond: number;
  private readonly maxInFlight: number;
  private readonly cacheSize: number;
  private readonly ttlMs: number;
  private readonly counts = { lookups: 0, answered: 0, failed: 0, deferred: 0 };

  constructor(
    private readonly options: ReverseDnsOptions,
    private readonly onName: (ip: string, name: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.perSecond = options.perSecond ?? 10;
    this.maxInFlight = options.maxInFlight ?? 8;
    this.cacheSize = options.cacheSize ?? 10_000;
    this.ttlMs = (options.ttlS ?? 3600) * 1000;
    this.tokens = this.perSecond;
    this.refilledAt = now();
    if (options.enabled) {
      this.resolver = new Resolver({ timeout: options.timeoutMs ?? 2000, tries: 1 });
      if (options.servers && options.servers.length > 0) this.resolver.setServers(options.servers);
    }
  }

  get enabled(): boolean {
    return this.resolver !== undefined;
  }

  /** The cached name of `ip` ('' when unknown or not asked yet). */
  cachedName(ip: string): string {
    const hit = this.cache.get(ip);
    return hit && hit.until > this.now() ? hit.name : '';
  }

  /** Starts a lookup of `ip` unless disabled, cached, in flight or over a bound. Never throws. */
  request(ip: string): void {
    if (!this.resolver || this.inFlight.has(ip) || !isIP(ip)) return;
    const hit = this.cache.get(ip);
    if (hit && hit.until > this.now()) return;
    if (this.inFlight.size >= this.maxInFlight || !this.takeToken()) {
      this.counts.deferred++;
      return;
    }
    this.inFlight.add(ip);
    this.counts.lookups++;
    this.resolver.reverse(ip).then(
      (names) => {
        const name = names.find((n) => n.length > 0)?.replace(/\.$/, '') ?? '';
        this.remember(ip, name);
        this.counts.answered++;
        if (name) this.onName(ip, name);
      },
      () => {
        this.remember(ip, '');
        this.counts.failed++;
      },
    ).finally(() => this.inFlight.delete(ip));
  }

  stats(): ReverseDnsStats {
    return { enabled: this.enabled, ...this.counts, cached: this.cache.size };
  }

  /** Cancels the lookups in flight (shutdown). */
  close(): void {
    this.resolver?.cancel();
  }

  private remember(ip: string, name: string): void {
    this.cache.delete(ip);
    this.cache.set(ip, { name, until: this.now() + this.ttlMs });
    while (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
  }

  private takeToken(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.perSecond, this.tokens + ((t - this.refilledAt) / 1000) * this.perSecond);
    this.refilledAt = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
