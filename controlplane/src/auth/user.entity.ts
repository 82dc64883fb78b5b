import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '../api';

/** A portal / API user. Times are UNIX seconds. */
@Entity('users')
export class UserEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'text', unique: true })
  username!: string;

  /** `scrypt$N$r$p$salt$hash` (see password-hasher.ts). */
  @Column({ name: 'password_hash', type: 'text' })
  passwordHash!: string;

  @Column({ type: 'text' })
  role!: Role;

  @Column({ name: 'must_change_password', type: 'boolean', default: false })
  mustChangePassword!: boolean;

  @Column({ name: 'created_at', type: 'integer' })
  createdAt!: number;

  @Column({ name: 'last_login_at', type: 'integer', nullable: true })
  lastLoginAt!: number | null;
}
