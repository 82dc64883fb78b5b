import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AlertEventV1, severityRank } from './alert-event';
import { AlertEntity } from './alert.entity';

/** Filters of past alerts (all optional, combined with AND). */
export interface PastAlertFilter {
  minSeverityRank?: number;
  entityType?: string;
  entityValue?: string;
  host?: string;
  check?: string;
  fromS?: number;
  toS?: number;
  acknowledged?: boolean;
  limit: number;
  offset: number;
}

/**
 * Bound parameters per statement: SQLite's limit is 32 766 since 3.32 (the bundled one is 3.52).
 * Statements are few and large on purpose: each one is a round trip through the event loop, which
 * a loaded probe turns slowly (a batch of 5 000 alerts in 50-row statements took minutes).
 */
const MAX_PARAMS = 30_000;

/** Columns of `alerts` a new past alert sets (acknowledged: its default, not yet). */
const PAST_COLUMNS = ['id', 'check_id', 'entity_type', 'entity_value', 'host', 'ifid', 'severity', 'severity_rank', 'score', 'status', 'time_s', 'end_time_s', 'title', 'description', 'json'];

/** SQLite access for past alerts. */
@Injectable()
export class AlertsRepository {
  private readonly alerts: Repository<AlertEntity>;

  constructor(dataSource: DataSource) {
    this.alerts = dataSource.getRepository(AlertEntity);
  }

  /** Stores past alerts in one transaction (a pass can raise thousands; one commit, not one per row). */
  async insertMany(alerts: { event: AlertEventV1; ifid: number }[]): Promise<void> {
    await this.alerts.manager.transaction((m) => this.insertPast(m, alerts));
  }

  /**
   * Past alerts in plain multi-row INSERTs (TypeORM's query builder spends seconds of the event loop
   * building a statement of a thousand entities); `json` the events' serialized form, when known.
   */
  private async insertPast(m: EntityManager, alerts: { event: AlertEventV1; ifid: number }[], json?: Map<AlertEventV1, string>): Promise<void> {
    const per = Math.floor(MAX_PARAMS / PAST_COLUMNS.length);
    const row = `(${PAST_COLUMNS.map(() => '?').join(', ')})`;
    for (let i = 0; i < alerts.length; i += per) {
      const part = alerts.slice(i, i + per);
      const params: unknown[] = [];
      for (const { event: alert, ifid } of part) {
        const timeS = Date.parse(alert.time) / 1000;
        params.push(
          alert.id, alert.check, alert.entity.type, alert.entity.value, alert.host, ifid, alert.severity, severityRank(alert.severity), alert.score,
          alert.status === 'released' ? 'released' : 'triggered', timeS, alert.end_time ? Date.parse(alert.end_time) / 1000 : timeS,
          alert.title, alert.description, json?.get(alert) ?? JSON.stringify(alert),
        );
      }
      await m.query(`INSERT INTO alerts (${PAST_COLUMNS.join(', ')}) VALUES ${part.map(() => row).join(', ')}`, params);
    }
  }

  /**
   * One alert batch's durable state, in one transaction: past alerts stored, engaged ones
   * recorded (released ones removed), and every event put in the outbox until the forwarders
   * took it (`deleteOutbox`).
   */
  async recordBatch(alerts: { event: AlertEventV1; ifid: number }[], keyOf: (a: { event: AlertEventV1; ifid: number }) => string): Promise<void> {
    const past = alerts.filter((a) => a.event.status === 'released' || a.event.status === 'triggered');
    const nowS = Math.floor(Date.now() / 1000);
    const json = new Map(alerts.map((a) => [a.event, JSON.stringify(a.event)]));
    const engaged = alerts.filter((a) => a.event.status === 'engaged');
    const released = alerts.filter((a) => a.event.status === 'released').map((a) => a.event.id);
    await this.alerts.manager.transaction(async (m) => {
      if (past.length) await this.insertPast(m, past, json);
      // Engaged first, then released: an alert engaged and released in one batch ends up gone, and a
      // new engagement of a key replaces the row of the previous one (ids are unique per engagement).
      for (let i = 0, per = Math.floor(MAX_PARAMS / 4); i < engaged.length; i += per) {
        const part = engaged.slice(i, i + per);
        await m.query(
          `INSERT OR REPLACE INTO engaged_alerts (key, id, ifid, json) VALUES ${part.map(() => '(?, ?, ?, ?)').join(', ')}`,
          part.flatMap((a) => [keyOf(a), a.event.id, a.ifid, json.get(a.event)!]),
        );
      }
      for (let i = 0; i < released.length; i += MAX_PARAMS) {
        const part = released.slice(i, i + MAX_PARAMS);
        await m.query(`DELETE FROM engaged_alerts WHERE id IN (${part.map(() => '?').join(', ')})`, part);
      }
      // The outbox: 5 parameters an event.
      for (let i = 0, per = Math.floor(MAX_PARAMS / 5); i < alerts.length; i += per) {
        const part = alerts.slice(i, i + per);
        await m.query(
          `INSERT OR REPLACE INTO alert_outbox (id, status, ifid, json, created_at) VALUES ${part.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
          part.flatMap((a) => [a.event.id, a.event.status, a.ifid, json.get(a.event)!, nowS]),
        );
      }
    });
  }

  /** Engaged alerts stored by `recordBatch` (restored at start). */
  async engaged(): Promise<{ event: AlertEventV1; ifid: number }[]> {
    const rows = (await this.alerts.manager.query('SELECT ifid, json FROM engaged_alerts')) as { ifid: number; json: string }[];
    return rows.map((r) => ({ event: JSON.parse(r.json) as AlertEventV1, ifid: r.ifid }));
  }

  async deleteEngaged(id: string): Promise<void> {
    await this.alerts.manager.query('DELETE FROM engaged_alerts WHERE id = ?', [id]);
  }

  /** Outbox entries not yet taken by the forwarders, oldest first (at most `limit`). */
  async outbox(limit: number): Promise<{ event: AlertEventV1; ifid: number }[]> {
    const rows = (await this.alerts.manager.query('SELECT ifid, json FROM alert_outbox ORDER BY created_at, rowid LIMIT ?', [limit])) as { ifid: number; json: string }[];
    return rows.map((r) => ({ event: JSON.parse(r.json) as AlertEventV1, ifid: r.ifid }));
  }

  /** Removes the outbox entries of these events (the forwarders took them). */
  async deleteOutbox(events: AlertEventV1[]): Promise<void> {
    // Row values on the primary key (an index lookup per row, not a scan per statement); 2 parameters each.
    for (let i = 0, per = MAX_PARAMS / 2; i < events.length; i += per) {
      const part = events.slice(i, i + per);
      await this.alerts.manager.query(`DELETE FROM alert_outbox WHERE (id, status) IN (VALUES ${part.map(() => '(?, ?)').join(', ')})`, part.flatMap((e) => [e.id, e.status]));
    }
  }

  async find(f: PastAlertFilter): Promise<{ total: number; rows: AlertEntity[] }> {
    const q = this.alerts.createQueryBuilder('a');
    for (const [sql, params] of filterClauses(f, 'a.')) q.andWhere(sql, params);
    const [rows, total] = await q.orderBy('a.time_s', 'DESC').skip(f.offset).take(f.limit).getManyAndCount();
    return { total, rows };
  }

  /** Acknowledges every unacknowledged past alert the filter matches, in one statement; returns how many. */
  async acknowledgeMatching(f: Omit<PastAlertFilter, 'limit' | 'offset' | 'acknowledged'>, by: string, nowS: number): Promise<number> {
    const q = this.alerts.createQueryBuilder().update(AlertEntity).set({ acknowledged: true, acknowledgedAtS: nowS, acknowledgedBy: by }).where('acknowledged = 0');
    for (const [sql, params] of filterClauses(f, '')) q.andWhere(sql, params);
    return (await q.execute()).affected ?? 0;
  }

  findById(id: string): Promise<AlertEntity | null> {
    return this.alerts.findOneBy({ id });
  }

  async acknowledge(id: string, by: string, nowS: number): Promise<boolean> {
    const r = await this.alerts.update({ id }, { acknowledged: true, acknowledgedAtS: nowS, acknowledgedBy: by });
    return (r.affected ?? 0) > 0;
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.alerts.delete({ id });
    return (r.affected ?? 0) > 0;
  }

  /** Retention: deletes alerts older than `beforeS`; returns how many. */
  async deleteOlderThan(beforeS: number): Promise<number> {
    const r = await this.alerts.createQueryBuilder().delete().where('time_s < :t', { t: beforeS }).execute();
    return r.affected ?? 0;
  }
}

/** The WHERE clauses of a filter, columns prefixed with `alias` ('a.' in a select, '' in an update). */
function filterClauses(f: Omit<PastAlertFilter, 'limit' | 'offset'>, alias: string): [string, Record<string, unknown>][] {
  const out: [string, Record<string, unknown>][] = [];
  if (f.minSeverityRank !== undefined) out.push([`${alias}severity_rank >= :sr`, { sr: f.minSeverityRank }]);
  if (f.entityType) out.push([`${alias}entity_type = :et`, { et: f.entityType }]);
  if (f.entityValue) out.push([`${alias}entity_value = :ev`, { ev: f.entityValue }]);
  if (f.host) out.push([`${alias}host = :host`, { host: f.host }]);
  if (f.check) out.push([`${alias}check_id = :check`, { check: f.check }]);
  if (f.fromS !== undefined) out.push([`${alias}time_s >= :from`, { from: f.fromS }]);
  if (f.toS !== undefined) out.push([`${alias}time_s <= :to`, { to: f.toS }]);
  if (f.acknowledged !== undefined) out.push([`${alias}acknowledged = :ack`, { ack: f.acknowledged ? 1 : 0 }]);
  return out;
}
