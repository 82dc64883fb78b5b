import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
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

/** SQLite access for past alerts. */
@Injectable()
export class AlertsRepository {
  private readonly alerts: Repository<AlertEntity>;

  constructor(dataSource: DataSource) {
    this.alerts = dataSource.getRepository(AlertEntity);
  }

  /** Stores past alerts in one transaction (a pass can raise thousands; one commit, not one per row). */
  async insertMany(alerts: { event: AlertEventV1; ifid: number }[]): Promise<void> {
    const rows = alerts.map(({ event: alert, ifid }) => {
      const timeS = Date.parse(alert.time) / 1000;
      return {
        id: alert.id,
        check: alert.check,
        entityType: alert.entity.type,
        entityValue: alert.entity.value,
        host: alert.host,
        ifid,
        severity: alert.severity,
        severityRank: severityRank(alert.severity),
        score: alert.score,
        status: alert.status === 'released' ? ('released' as const) : ('triggered' as const),
        timeS,
        endTimeS: alert.end_time ? Date.parse(alert.end_time) / 1000 : timeS,
        title: alert.title,
        description: alert.description,
        acknowledged: false,
        acknowledgedAtS: null,
        acknowledgedBy: null,
        json: JSON.stringify(alert),
      };
    });
    // SQLite allows 999 bound variables per statement by default: 18 columns → 50 rows per INSERT.
    await this.alerts.manager.transaction(async (m) => {
      for (let i = 0; i < rows.length; i += 50) await m.insert(AlertEntity, rows.slice(i, i + 50));
    });
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
