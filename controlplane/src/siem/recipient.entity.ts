import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A SIEM recipient; `config` holds the RecipientConfig (without id) as JSON. */
@Entity('siem_recipients')
export class RecipientEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text', unique: true })
  name!: string;

  @Column({ type: 'text' })
  config!: string;

  @Column({ name: 'created_at', type: 'integer' })
  createdAtS!: number;

  @Column({ name: 'updated_at', type: 'integer' })
  updatedAtS!: number;
}
