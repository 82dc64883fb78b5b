import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { SessionEntity } from '../auth/session.entity';
import { ApiTokenEntity } from './api-token.entity';
import { UserEntity } from './user.entity';

/** SQLite access for users and their API tokens. */
@Injectable()
export class UsersRepository {
  private readonly users: Repository<UserEntity>;
  private readonly tokens: Repository<ApiTokenEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.users = dataSource.getRepository(UserEntity);
    this.tokens = dataSource.getRepository(ApiTokenEntity);
  }

  count(): Promise<number> {
    return this.users.count();
  }

  countAdmins(): Promise<number> {
    return this.users.countBy({ role: 'admin' });
  }

  list(): Promise<UserEntity[]> {
    return this.users.find({ order: { id: 'ASC' } });
  }

  findById(id: number): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  findByUsername(username: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ username });
  }

  create(user: Omit<UserEntity, 'id'>): Promise<UserEntity> {
    return this.users.save(this.users.create(user));
  }

  async update(id: number, changes: Partial<Omit<UserEntity, 'id'>>): Promise<void> {
    await this.users.update({ id }, changes);
  }

  async delete(id: number): Promise<void> {
    await this.users.delete({ id });
  }

  /**
   * Applies `changes` to user `id` in one transaction that first checks the
   * last-admin rule (a demotion of the only admin answers 'last-admin' and
   * changes nothing) and, with `revoke`, deletes the user's sessions and API
   * tokens in the same transaction. Transactions on the database are
   * serialized, so two concurrent demotions of the last two admins cannot
   * both pass the check. Answers 'missing' when the user does not exist.
   */
  async updateChecked(id: number, changes: Partial<Omit<UserEntity, 'id'>>, revoke: boolean): Promise<'ok' | 'missing' | 'last-admin'> {
    return this.dataSource.transaction(async (m) => {
      const user = await m.findOneBy(UserEntity, { id });
      if (!user) return 'missing';
      if (user.role === 'admin' && changes.role !== undefined && changes.role !== 'admin' && (await m.countBy(UserEntity, { role: 'admin' })) <= 1) return 'last-admin';
      if (Object.keys(changes).length > 0) await m.update(UserEntity, { id }, changes);
      if (revoke) {
        await m.delete(SessionEntity, { userId: id });
        await m.delete(ApiTokenEntity, { userId: id });
      }
      return 'ok';
    });
  }

  /** Deletes user `id` with its sessions and tokens in one transaction, unless it is the last admin (see {@link updateChecked}). */
  async deleteChecked(id: number): Promise<'ok' | 'missing' | 'last-admin'> {
    return this.dataSource.transaction(async (m) => {
      const user = await m.findOneBy(UserEntity, { id });
      if (!user) return 'missing';
      if (user.role === 'admin' && (await m.countBy(UserEntity, { role: 'admin' })) <= 1) return 'last-admin';
      await m.delete(SessionEntity, { userId: id });
      await m.delete(ApiTokenEntity, { userId: id });
      await m.delete(UserEntity, { id });
      return 'ok';
    });
  }

  listTokens(userId: number): Promise<ApiTokenEntity[]> {
    return this.tokens.find({ where: { userId }, order: { id: 'ASC' } });
  }

  createToken(token: Omit<ApiTokenEntity, 'id'>): Promise<ApiTokenEntity> {
    return this.tokens.save(this.tokens.create(token));
  }

  findTokenByHash(tokenHash: string): Promise<ApiTokenEntity | null> {
    return this.tokens.findOneBy({ tokenHash });
  }

  async touchToken(id: number, nowS: number): Promise<void> {
    await this.tokens.update({ id }, { lastUsedAt: nowS });
  }

  /** Deletes every API token of the user; answers how many. */
  async deleteTokensOf(userId: number): Promise<number> {
    return (await this.tokens.delete({ userId })).affected ?? 0;
  }

  /** Returns whether a token of that user was deleted. */
  async deleteToken(userId: number, id: number): Promise<boolean> {
    const result = await this.tokens.delete({ id, userId });
    return (result.affected ?? 0) > 0;
  }
}
