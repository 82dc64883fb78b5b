import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A past alert: a released engaged alert or a one-shot (flow) alert. The full v1 event is kept as JSON. */
@Entity('alerts')
export class AlertEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Index('idx_alerts_check')
  @Column({ name: 'check_id', type: 'text' })
  check!: string;

  @Column({ name: 'entity_type', type: 'text' })
  entityType!: 'flow' | 'host' | 'interface';

  @Index('idx_alerts_entity_value')
  @Column({ name: 'entity_value', type: 'text' })
  entityValue!: string;

  @Index('idx_alerts_host')
  @Column({ type: 'text' })
  host!: string;

  @Column({ type: 'integer' })
  ifid!: number;

  @Column({ type: 'text' })
  severity!: string;

  /** 0 (info) … 5 (emergency): lets `severity >= x` be an index range. */
  @Index('idx_alerts_severity_rank')
  @Column({ name: 'severity_rank', type: 'integer' })
  severityRank!: number;

  @Column({ type: 'integer' })
  score!: number;

  @Column({ type: 'text' })
  status!: 'released' | 'triggered';

  /** First seen, UNIX seconds (float). */
  @Index('idx_alerts_time')
  @Column({ name: 'time_s', type: 'real' })
  timeS!: number;

  @Column({ name: 'end_time_s', type: 'real' })
  endTimeS!: number;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'boolean', default: false })
  acknowledged!: boolean;

  @Column({ name: 'acknowledged_at', type: 'real', nullable: true })
  acknowledgedAtS!: number | null;

  @Column({ name: 'acknowledged_by', type: 'text', nullable: true })
  acknowledgedBy!: string | null;

  /** The AlertEventV1 as forwarded. */
  @Column({ type: 'text' })
  json!: string;
}
