import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An IPFIX collector the probe exports to (`ipfix_collectors`). */
@Entity('ipfix_collectors')
export class IpfixCollectorEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text', unique: true })
  name!: string;

  @Column({ type: 'text' })
  host!: string;

  @Column({ type: 'integer' })
  port!: number;

  @Column({ type: 'text' })
  transport!: 'udp' | 'tcp';

  @Column({ type: 'text' })
  mode!: 'biflow' | 'uniflow';

  @Column({ name: 'observation_domain_id', type: 'integer' })
  observationDomainId!: number;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ name: 'created_at', type: 'integer' })
  createdAtS!: number;

  @Column({ name: 'updated_at', type: 'integer' })
  updatedAtS!: number;
}
