import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DEFAULT_PAGE, MAX_PAGE, mergeFlowPages, mergeHostPages } from '@flowprobe/dataplane';
import type { FlowEndReason, FlowExportRecord, FlowQuery, FlowRecord, HostQuery, HostRecord, InterfaceStats, Page, RankedPage, ReadPriority } from '@flowprobe/dataplane';
import { PROBE_DATAPLANES, ProbeDataplane } from './probe-dataplane';

/**
 * Interface counters are served at most this old, ms, while the capture runs:
 * the second job recomputes throughputs once a second anyway, and the counters
 * include a distinct-host count over the shards (a reader thread's scan, ≈ 100 ms
 * at 1 M hosts), which API load must not multiply. A finished capture's counters
 * no longer change: the snapshot is dropped when it finishes.
 */
export const STATS_MAX_AGE_MS = 1000;

/** Largest page the dataplane returns (its MAX_PAGE), for hosts and flows. */
export const HOST_PAGE = MAX_PAGE;
export const FLOW_PAGE = MAX_PAGE;

/** A record tagged with the interface it came from. */
export type OnInterface<T> = T & { ifid: number };

/**
 * The control plane's only door to the capture: the running dataplanes (one
 * per interface, id = index). Reads go through the dataplane's own query
 * functions, which filter, sort and page inside shared memory; with several
 * interfaces the pages are merged here.
 */
@Injectable()
export class DataplaneRepository {
  /** Interface counters computed within {@link STATS_MAX_AGE_MS}, by interface id. */
  private readonly statsCache = new Map<number, { atMs: number; stats: Promise<InterfaceStats> }>();
  private readonly watched = new WeakSet<ProbeDataplane>();
  private readonly finishing = new WeakSet<ProbeDataplane>();
  private readonly finished = new WeakSet<ProbeDataplane>();
  private readonly flushed = new WeakSet<ProbeDataplane>();

  constructor(@Inject(PROBE_DATAPLANES) private readonly dataplanes: ProbeDataplane[]) {}

  get count(): number {
    return this.dataplanes.length;
  }

  /** Counters of every interface, at most `maxAgeMs` old (0 = compute now, and share with later readers). */
  interfaces(maxAgeMs = STATS_MAX_AGE_MS): Promise<InterfaceStats[]> {
    return Promise.all(this.dataplanes.map((_dp, id) => this.interface(id, maxAgeMs)));
  }

  /** Name of interface `id` (no counters read). */
  interfaceName(id: number): string | undefined {
    return this.dataplanes[id]?.name;
  }

  /** Local networks for hosts the workers create from now on, on every interface. */
  setLocalNetworks(cidrs: readonly string[]): void {
    for (const dp of this.dataplanes) dp.setLocalNetworks(cidrs);
  }

  /** @throws NotFoundException for an unknown interface id. */
  interface(id: number, maxAgeMs = STATS_MAX_AGE_MS): Promise<InterfaceStats> {
    const dp = this.dataplaneOrFail(id);
    const now = Date.now();
    const hit = this.statsCache.get(id);
    if (hit && now - hit.atMs < maxAgeMs) return hit.stats;
    if (!this.watched.has(dp)) {
      this.watched.add(dp);
      // Counters taken while running are stale once the capture ends: recompute them then.
      void dp.whenFinished().then(() => this.statsCache.delete(id));
    }
    const stats = dp.stats().then((s) => ({ ...s, id }));
    this.statsCache.set(id, { atMs: now, stats });
    // A failed read is not cached.
    stats.catch(() => {
      if (this.statsCache.get(id)?.stats === stats) this.statsCache.delete(id);
    });
    return stats;
  }

  /** Offline periodic pass on every interface; returns the flow records it produced (ended flows, interim records). */
  async updateStats(nowS?: number): Promise<FlowExportRecord[]> {
    const passes = await Promise.all(this.dataplanes.map((dp) => dp.updateStats(nowS)));
    return passes.flatMap((pass) => pass.records);
  }

  /** Final records of every flow still in the tables (the probe is stopping: 'forced_end'). */
  async flushFlows(reason: FlowEndReason): Promise<FlowExportRecord[]> {
    const passes = await Promise.all(this.dataplanes.map((dp) => dp.flushFlows(reason)));
    return passes.flat();
  }

  /**
   * Final 'end_of_capture' records of the interfaces whose capture has ended
   * (a capture file read to its end) since the last call: each interface is
   * flushed once, after its last packet.
   */
  async flushFinishedCaptures(): Promise<FlowExportRecord[]> {
    const out: FlowExportRecord[] = [];
    for (const dp of this.dataplanes) {
      if (this.flushed.has(dp)) continue;
      if (!this.finished.has(dp)) {
        if (!this.finishing.has(dp)) {
          this.finishing.add(dp);
          void dp.whenFinished().then(() => this.finished.add(dp));
        }
        continue;
      }
      this.flushed.add(dp);
      for (const rec of await dp.flushFlows('end_of_capture')) out.push(rec);
    }
    return out;
  }

  /** Interface id of an interface name (records carry the name), -1 if none. */
  interfaceId(name: string): number {
    return this.dataplanes.findIndex((dp) => dp.name === name);
  }

  /** A page of flows of one interface or of all; jobs pass `priority` 'background' so API requests go first. */
  queryFlows(q: FlowQuery, ifid?: number, priority: ReadPriority = 'interactive'): Promise<Page<OnInterface<FlowRecord>>> {
    return this.query(q, ifid, (dp, query) => dp.queryFlows(query, priority), (pages, offset, limit) => mergeFlowPages(pages, q.order, offset, limit));
  }

  queryHosts(q: HostQuery, ifid?: number, priority: ReadPriority = 'interactive'): Promise<Page<OnInterface<HostRecord>>> {
    return this.query(q, ifid, (dp, query) => dp.queryHosts(query, priority), (pages, offset, limit) => mergeHostPages(pages, q, offset, limit));
  }

  /**
   * The `n` busiest hosts by total bytes, over every interface, fetched in
   * pages of {@link HOST_PAGE} (the dataplane's largest page), for the jobs
   * (background priority).
   */
  async topHosts(n: number, filter: Pick<HostQuery, 'local'> = {}): Promise<OnInterface<HostRecord>[]> {
    const out: OnInterface<HostRecord>[] = [];
    for (let offset = 0; offset < n; offset += HOST_PAGE) {
      const page = await this.queryHosts({ ...filter, sort: 'bytes', order: 'desc', offset, limit: Math.min(HOST_PAGE, n - offset) }, undefined, 'background');
      out.push(...page.data);
      if (page.data.length === 0 || offset + page.data.length >= page.total) break;
    }
    return out;
  }

  /**
   * Up to `n` active flows in `q`'s order over every interface, fetched in
   * pages of {@link FLOW_PAGE}, for the jobs (background priority). Pages are
   * separate scans: a flow that changes rank between two may appear twice or
   * not at all.
   */
  async scanFlows(q: Omit<FlowQuery, 'offset' | 'limit'>, n: number): Promise<OnInterface<FlowRecord>[]> {
    const out: OnInterface<FlowRecord>[] = [];
    for (let offset = 0; offset < n; offset += FLOW_PAGE) {
      const page = await this.queryFlows({ ...q, offset, limit: Math.min(FLOW_PAGE, n - offset) }, undefined, 'background');
      out.push(...page.data);
      if (page.data.length === 0 || offset + page.data.length >= page.total) break;
    }
    return out;
  }

  /** The host on the first interface that knows it. */
  async getHost(ip: string, vlan?: number): Promise<OnInterface<HostRecord> | undefined> {
    for (let ifid = 0; ifid < this.dataplanes.length; ifid++) {
      const host = await this.dataplanes[ifid].getHost(ip, vlan);
      if (host) return { ...host, ifid };
    }
    return undefined;
  }

  private dataplaneOrFail(id: number): ProbeDataplane {
    const dp = this.dataplanes[id];
    if (!dp) throw new NotFoundException(`Interface ${id} not found`);
    return dp;
  }

  /**
   * One interface's page, or (several interfaces) each interface's best
   * offset+limit fetched at once and merged by the keys the ranked pages
   * carry, with the dataplane's own tie-break (`merge`), then by interface id.
   */
  private async query<T, Q extends { order?: 'asc' | 'desc'; limit?: number; offset?: number }>(
    q: Q,
    ifid: number | undefined,
    run: (dp: ProbeDataplane, q: Q) => Promise<RankedPage<T>>,
    merge: (pages: RankedPage<T>[], offset: number, limit: number) => Page<T & { page: number }>,
  ): Promise<Page<OnInterface<T>>> {
    if (ifid !== undefined || this.dataplanes.length === 1) {
      const id = ifid ?? 0;
      const page = await run(this.dataplaneOrFail(id), q);
      return { total: page.total, data: page.data.map((item) => ({ ...item, ifid: id })) };
    }
    const limit = Math.min(q.limit ?? DEFAULT_PAGE, MAX_PAGE);
    const offset = q.offset ?? 0;
    const pages = await Promise.all(this.dataplanes.map((dp) => run(dp, { ...q, offset: 0, limit: offset + limit })));
    const merged = merge(pages, offset, limit);
    return { total: merged.total, data: merged.data.map(({ page, ...item }) => ({ ...(item as T), ifid: page })) };
  }
}
