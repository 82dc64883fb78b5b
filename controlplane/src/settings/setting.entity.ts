import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One setting: a top-level key of the Settings object, its value as JSON. */
@Entity('settings')
export class SettingEntity {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'text' })
  value!: string;

  @Column({ name: 'updated_at', type: 'integer' })
  updatedAt!: number;
}
