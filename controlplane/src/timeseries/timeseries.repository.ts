import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Interface point columns besides (ifid, t). */
export interface InterfacePoint {
  ifid: number;
  t: number;
  bytes: number;
  packets: number;
  drops: number;
  bps: number;
  pps: number;
  num_flows: number;
  num_hosts: number;
}

/** Host point columns besides (host, t). */
export interface HostPoint {
  host: string;
  t: number;
  bytes_sent: number;
  bytes_rcvd: number;
  packets_sent: number;
  packets_rcvd: number;
  bps: number;
}

export type InterfaceTable = 'ts_interface_minute' | 'ts_interface_hour' | 'ts_interface_day';
export type HostTable = 'ts_host_5min' | 'ts_host_hour' | 'ts_host_day';
export type TimeseriesTable = InterfaceTable | HostTable;

/** Rows per INSERT statement: SQLite allows 32766 bound variables, a host row binds 7. */
const HOST_ROWS_PER_INSERT = 500;

/** SQLite access for the timeseries tables (plain SQL: upserts and GROUP BY rollups). */
@Injectable()
export class TimeseriesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Adds the point to an existing one of the same (ifid, t): a job run twice in a minute sums, never loses. */
  async addInterfacePoints(points: InterfacePoint[]): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      for (const p of points) {
        await m.query(
          `INSERT INTO ts_interface_minute (ifid, t, bytes, packets, drops, bps, pps, num_flows, num_hosts)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (ifid, t) DO UPDATE SET bytes = bytes + excluded.bytes, packets = packets + excluded.packets,
             drops = drops + excluded.drops, bps = excluded.bps, pps = excluded.pps,
             num_flows = excluded.num_flows, num_hosts = excluded.num_hosts`,
          [p.ifid, p.t, p.bytes, p.packets, p.drops, p.bps, p.pps, p.num_flows, p.num_hosts],
        );
      }
    });
  }

  /** Same as {@link addInterfacePoints} for the 5-minute host table, in multi-row statements. */
  async addHostPoints(points: HostPoint[]): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      for (let i = 0; i < points.length; i += HOST_ROWS_PER_INSERT) {
        const chunk = points.slice(i, i + HOST_ROWS_PER_INSERT);
        const params: (string | number)[] = [];
        for (const p of chunk) params.push(p.host, p.t, p.bytes_sent, p.bytes_rcvd, p.packets_sent, p.packets_rcvd, p.bps);
        await m.query(
          `INSERT INTO ts_host_5min (host, t, bytes_sent, bytes_rcvd, packets_sent, packets_rcvd, bps)
           VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}
           ON CONFLICT (host, t) DO UPDATE SET bytes_sent = bytes_sent + excluded.bytes_sent,
             bytes_rcvd = bytes_rcvd + excluded.bytes_rcvd, packets_sent = packets_sent + excluded.packets_sent,
             packets_rcvd = packets_rcvd + excluded.packets_rcvd, bps = excluded.bps`,
          params,
        );
      }
    });
  }

  /**
   * Re-aggregates the rows of [fromT, toT) of `source` into `bucketS` buckets of `target`
   * (sums of counters, bps/pps as the bucket average, the largest flow/host count).
   * Idempotent: a bucket is recomputed from all its source rows.
   */
  async rollupInterfaces(source: InterfaceTable, target: InterfaceTable, bucketS: number, fromT: number, toT: number): Promise<void> {
    await this.dataSource.query(
      `INSERT OR REPLACE INTO ${target} (ifid, t, bytes, packets, drops, bps, pps, num_flows, num_hosts)
       SELECT ifid, (t / ${bucketS}) * ${bucketS} AS bucket, SUM(bytes), SUM(packets), SUM(drops),
              SUM(bytes) * 8.0 / ${bucketS}, SUM(packets) * 1.0 / ${bucketS}, MAX(num_flows), MAX(num_hosts)
       FROM ${source} WHERE t >= ? AND t < ? GROUP BY ifid, bucket`,
      [fromT, toT],
    );
  }

  /** Host counterpart of {@link rollupInterfaces}. */
  async rollupHosts(source: HostTable, target: HostTable, bucketS: number, fromT: number, toT: number): Promise<void> {
    await this.dataSource.query(
      `INSERT OR REPLACE INTO ${target} (host, t, bytes_sent, bytes_rcvd, packets_sent, packets_rcvd, bps)
       SELECT host, (t / ${bucketS}) * ${bucketS} AS bucket, SUM(bytes_sent), SUM(bytes_rcvd), SUM(packets_sent),
              SUM(packets_rcvd), (SUM(bytes_sent) + SUM(bytes_rcvd)) * 8.0 / ${bucketS}
       FROM ${source} WHERE t >= ? AND t < ? GROUP BY host, bucket`,
      [fromT, toT],
    );
  }

  /** Deletes rows older than `beforeT`; returns how many. */
  async deleteBefore(table: TimeseriesTable, beforeT: number): Promise<number> {
    const result = await this.dataSource.createQueryBuilder().delete().from(table).where('t < :beforeT', { beforeT }).execute();
    return result.affected ?? 0;
  }

  interfacePoints(table: InterfaceTable, ifid: number, fromT: number, toT: number): Promise<InterfacePoint[]> {
    return this.dataSource.query(
      `SELECT ifid, t, bytes, packets, drops, bps, pps, num_flows, num_hosts FROM ${table}
       WHERE ifid = ? AND t >= ? AND t <= ? ORDER BY t`,
      [ifid, fromT, toT],
    );
  }

  hostPoints(table: HostTable, host: string, fromT: number, toT: number): Promise<HostPoint[]> {
    return this.dataSource.query(
      `SELECT host, t, bytes_sent, bytes_rcvd, packets_sent, packets_rcvd, bps FROM ${table}
       WHERE host = ? AND t >= ? AND t <= ? ORDER BY t`,
      [host, fromT, toT],
    );
  }

  async count(table: TimeseriesTable): Promise<number> {
    const rows = (await this.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`)) as { n: number }[];
    return rows[0].n;
  }
}
