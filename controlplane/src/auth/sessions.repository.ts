import { Injectable } from '@nestjs/common';
import { DataSource, LessThan, Repository } from 'typeorm';
import { SessionEntity } from './session.entity';

/** SQLite access for login sessions. */
@Injectable()
export class SessionsRepository {
  private readonly sessions: Repository<SessionEntity>;

  constructor(dataSource: DataSource) {
    this.sessions = dataSource.getRepository(SessionEntity);
  }

  async create(session: SessionEntity): Promise<void> {
    await this.sessions.insert(session);
  }

  find(tokenHash: string): Promise<SessionEntity | null> {
    return this.sessions.findOneBy({ tokenHash });
  }

  async delete(tokenHash: string): Promise<void> {
    await this.sessions.delete({ tokenHash });
  }

  /** Deletes the user's sessions, except `keepTokenHash` when given. */
  async deleteForUser(userId: number, keepTokenHash?: string): Promise<void> {
    const query = this.sessions.createQueryBuilder().delete().where('user_id = :userId', { userId });
    if (keepTokenHash) query.andWhere('token_hash != :keepTokenHash', { keepTokenHash });
    await query.execute();
  }

  /** Returns how many expired sessions were removed. */
  async deleteExpired(nowS: number): Promise<number> {
    const result = await this.sessions.delete({ expiresAt: LessThan(nowS) });
    return result.affected ?? 0;
  }
}
