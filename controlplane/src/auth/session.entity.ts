import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A login session; the cookie carries a random secret, the table its SHA-256. Times are UNIX seconds. */
@Entity('sessions')
export class SessionEntity {
  @PrimaryColumn({ name: 'token_hash', type: 'text' })
  tokenHash!: string;

  @Index()
  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @Column({ name: 'created_at', type: 'integer' })
  createdAt!: number;

  @Index()
  @Column({ name: 'expires_at', type: 'integer' })
  expiresAt!: number;
}
