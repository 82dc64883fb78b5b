import { BadRequestException, Injectable, Logger } from '@nestjs/common';
import type { RetentionSettings, TimeseriesPoint, TimeseriesResponse } from '../api';
import { DataplaneRepository } from '../dataplane/dataplane.repository';
import { hostKey } from '../hosts/host-key';
import type { TimeseriesQueryDto } from './dto/timeseries-query.dto';
import { HostPoint, HostTable, InterfacePoint, InterfaceTable, TimeseriesRepository } from './timeseries.repository';

const MINUTE_S = 60;
const FIVE_MINUTES_S = 300;
const HOUR_S = 3600;
const DAY_S = 86400;

/**
 * Hosts with a 5-minute point: every local host (as ntopng, up to this many)
 * plus the busiest remote ones ({@link MAX_REMOTE_HOSTS_PER_POINT}).
 */
export const MAX_LOCAL_HOSTS_PER_POINT = 10_000;
export const MAX_REMOTE_HOSTS_PER_POINT = 1000;

interface CounterSnapshot {
  tS: number;
  a: number;
  b: number;
  c: number;
  d: number;
}

/** Counter delta; a counter that went backwards (capture restarted) counts from zero. */
const delta = (now: number, before: number): number => (now >= before ? now - before : now);

/**
 * Timeseries as ntopng's minute.lua / 5min.lua / hourly.lua / daily.lua:
 * interface points every minute, host points every 5 minutes (deltas of the
 * dataplane's counters), hourly and daily rollups, retention.
 */
@Injectable()
export class TimeseriesService {
  private readonly logger = new Logger(TimeseriesService.name);
  private readonly interfaceSnapshots = new Map<number, CounterSnapshot>();
  private hostSnapshots = new Map<string, CounterSnapshot>();
  private readonly startedS = Math.floor(Date.now() / 1000);

  constructor(
    private readonly dataplane: DataplaneRepository,
    private readonly repository: TimeseriesRepository,
  ) {}

  /**
   * Writes one point per interface for the minute that just ended (t = start of
   * that minute): bytes/packets/drops since the previous call (since start the
   * first time), the average rates over that span, current flow/host counts.
   */
  async writeInterfaceMinute(nowS = Date.now() / 1000): Promise<InterfacePoint[]> {
    const t = Math.floor(nowS / MINUTE_S) * MINUTE_S - MINUTE_S;
    const points: InterfacePoint[] = [];
    for (const stats of await this.dataplane.interfaces()) {
      const before = this.interfaceSnapshots.get(stats.id) ?? { tS: this.startedS, a: 0, b: 0, c: 0, d: 0 };
      const spanS = Math.max(nowS - before.tS, 1);
      const bytes = delta(stats.bytes, before.a);
      const packets = delta(stats.packets, before.b);
      points.push({
        ifid: stats.id,
        t,
        bytes,
        packets,
        drops: delta(stats.drops, before.c),
        bps: (bytes * 8) / spanS,
        pps: packets / spanS,
        num_flows: stats.num_flows,
        num_hosts: stats.num_hosts,
      });
      this.interfaceSnapshots.set(stats.id, { tS: nowS, a: stats.bytes, b: stats.packets, c: stats.drops, d: 0 });
    }
    await this.repository.addInterfacePoints(points);
    return points;
  }

  /** Writes one point per active host (local ones, the busiest remote ones) with traffic in the last 5 minutes (t = start of that period). */
  async writeHostFiveMinute(nowS = Date.now() / 1000): Promise<number> {
    const t = Math.floor(nowS / FIVE_MINUTES_S) * FIVE_MINUTES_S - FIVE_MINUTES_S;
    const hosts = [
      ...(await this.dataplane.topHosts(MAX_LOCAL_HOSTS_PER_POINT, { local: true })),
      ...(await this.dataplane.topHosts(MAX_REMOTE_HOSTS_PER_POINT, { local: false })),
    ];
    const next = new Map<string, CounterSnapshot>();
    const points: HostPoint[] = [];
    for (const host of hosts) {
      const key = hostKey(host.ip, host.vlan);
      const before = this.hostSnapshots.get(key) ?? { tS: this.startedS, a: 0, b: 0, c: 0, d: 0 };
      const spanS = Math.max(nowS - before.tS, 1);
      const point: HostPoint = {
        host: key,
        t,
        bytes_sent: delta(host.bytes.sent, before.a),
        bytes_rcvd: delta(host.bytes.rcvd, before.b),
        packets_sent: delta(host.packets.sent, before.c),
        packets_rcvd: delta(host.packets.rcvd, before.d),
        bps: 0,
      };
      point.bps = ((point.bytes_sent + point.bytes_rcvd) * 8) / spanS;
      if (point.bytes_sent + point.bytes_rcvd > 0) points.push(point);
      next.set(key, { tS: nowS, a: host.bytes.sent, b: host.bytes.rcvd, c: host.packets.sent, d: host.packets.rcvd });
    }
    // Hosts purged by the dataplane drop out of the snapshot map: it stays bounded by the active hosts.
    this.hostSnapshots = next;
    await this.repository.addHostPoints(points);
    return points.length;
  }

  /** Rolls the previous hour's minute and 5-minute rows into hour rows (and the current hour so far). */
  async rollupHour(nowS = Date.now() / 1000): Promise<void> {
    const hourStart = Math.floor(nowS / HOUR_S) * HOUR_S;
    await this.repository.rollupInterfaces('ts_interface_minute', 'ts_interface_hour', HOUR_S, hourStart - HOUR_S, hourStart + HOUR_S);
    await this.repository.rollupHosts('ts_host_5min', 'ts_host_hour', HOUR_S, hourStart - HOUR_S, hourStart + HOUR_S);
  }

  /** Rolls the previous day's hour rows into day rows (UTC days). */
  async rollupDay(nowS = Date.now() / 1000): Promise<void> {
    const dayStart = Math.floor(nowS / DAY_S) * DAY_S;
    await this.repository.rollupInterfaces('ts_interface_hour', 'ts_interface_day', DAY_S, dayStart - DAY_S, dayStart + DAY_S);
    await this.repository.rollupHosts('ts_host_hour', 'ts_host_day', DAY_S, dayStart - DAY_S, dayStart + DAY_S);
  }

  /** Deletes rows past their retention; returns the number deleted per table. */
  async applyRetention(retention: RetentionSettings, nowS = Date.now() / 1000): Promise<Record<string, number>> {
    const limits: [InterfaceTable | HostTable, number][] = [
      ['ts_interface_minute', retention.minute_days],
      ['ts_host_5min', retention.five_minute_days],
      ['ts_interface_hour', retention.hourly_days],
      ['ts_host_hour', retention.hourly_days],
      ['ts_interface_day', retention.daily_days],
      ['ts_host_day', retention.daily_days],
    ];
    const deleted: Record<string, number> = {};
    for (const [table, days] of limits) deleted[table] = await this.repository.deleteBefore(table, nowS - days * DAY_S);
    return deleted;
  }

  /**
   * Points of a metric between `from` and `to` (default: the last hour), at the
   * finest resolution that covers the range within retention.
   */
  async query(q: TimeseriesQueryDto, retention: RetentionSettings, nowS = Date.now() / 1000): Promise<TimeseriesResponse> {
    const to = q.to ?? Math.floor(nowS);
    const from = q.from ?? to - HOUR_S;
    if (from > to) throw new BadRequestException('from must be before to');
    const range = to - from;
    const age = nowS - from;
    let points: TimeseriesPoint[];
    let step: number;
    if (q.metric === 'interface:traffic') {
      const ifid = Number(q.entity);
      if (!Number.isInteger(ifid) || ifid < 0) throw new BadRequestException('entity must be an interface id for interface:traffic');
      let table: InterfaceTable;
      if (range <= 2 * DAY_S && age <= retention.minute_days * DAY_S) [table, step] = ['ts_interface_minute', MINUTE_S];
      else if (range <= 60 * DAY_S && age <= retention.hourly_days * DAY_S) [table, step] = ['ts_interface_hour', HOUR_S];
      else [table, step] = ['ts_interface_day', DAY_S];
      points = (await this.repository.interfacePoints(table, ifid, from - step, to)).map(({ ifid: _ifid, ...p }) => p);
    } else {
      let table: HostTable;
      if (range <= 7 * DAY_S && age <= retention.five_minute_days * DAY_S) [table, step] = ['ts_host_5min', FIVE_MINUTES_S];
      else if (range <= 60 * DAY_S && age <= retention.hourly_days * DAY_S) [table, step] = ['ts_host_hour', HOUR_S];
      else [table, step] = ['ts_host_day', DAY_S];
      points = (await this.repository.hostPoints(table, q.entity, from - step, to)).map(({ host: _host, ...p }) => p);
    }
    return { metric: q.metric, entity: q.entity, from, to, step, points };
  }
}
