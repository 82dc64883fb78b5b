import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { ApiTokenEntity } from './api-token.entity';
import { UserEntity } from './user.entity';

/** SQLite access for users and their API tokens. */
@Injectable()
export class UsersRepository {
  private readonly users: Repository<UserEntity>;
  private readonly tokens: Repository<ApiTokenEntity>;

  constructor(dataSource: DataSource) {
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

  /** Returns whether a token of that user was deleted. */
  async deleteToken(userId: number, id: number): Promise<boolean> {
    const result = await this.tokens.delete({ id, userId });
    return (result.affected ?? 0) > 0;
  }
}
