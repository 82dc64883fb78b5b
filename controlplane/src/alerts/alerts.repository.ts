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
    if (f.minSeverityRank !== undefined) q.andWhere('a.severity_rank >= :sr', { sr: f.minSeverityRank });
    if (f.entityType) q.andWhere('a.entity_type = :et', { et: f.entityType });
    if (f.entityValue) q.andWhere('a.entity_value = :ev', { ev: f.entityValue });
    if (f.host) q.andWhere('a.host = :host', { host: f.host });
    if (f.check) q.andWhere('a.check_id = :check', { check: f.check });
    if (f.fromS !== undefined) q.andWhere('a.time_s >= :from', { from: f.fromS });
    if (f.toS !== undefined) q.andWhere('a.time_s <= :to', { to: f.toS });
    if (f.acknowledged !== undefined) q.andWhere('a.acknowledged = :ack', { ack: f.acknowledged ? 1 : 0 });
    const [rows, total] = await q.orderBy('a.time_s', 'DESC').skip(f.offset).take(f.limit).getManyAndCount();
    return { total, rows };
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
