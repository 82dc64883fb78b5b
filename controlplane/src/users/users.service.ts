import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { ApiTokenInfo, CreateTokenResponse, UserInfo } from '../api';
import { AuthCache } from '../auth/auth-cache';
import { hashSecret } from '../auth/auth.service';
import type { AuthUser } from '../auth/auth-user';
import { hashPassword, verifyPassword } from '../auth/password-hasher';
import { SessionsRepository } from '../auth/sessions.repository';
import { CONTROL_PLANE_OPTIONS, ControlPlaneOptions } from '../config/control-plane-options';
import type { ApiTokenEntity } from '../auth/api-token.entity';
import type { ChangePasswordDto, CreateTokenDto, CreateUserDto, UpdateUserDto } from './dto/user.dto';
import { toUserInfo } from '../auth/user-info';
import type { UserEntity } from '../auth/user.entity';
import { UsersRepository } from '../auth/users.repository';

/** File beside the database holding a generated first-start admin password (mode 0600, written once, removed once the password is changed). */
export { INITIAL_PASSWORD_FILE } from '../auth/auth.service';
import { INITIAL_PASSWORD_FILE } from '../auth/auth.service';

const nowS = (): number => Math.floor(Date.now() / 1000);

function toTokenInfo(token: ApiTokenEntity): ApiTokenInfo {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    created_at: token.createdAt,
    expires_at: token.expiresAt,
    last_used_at: token.lastUsedAt,
  };
}

/** Users, their passwords and API tokens; creates the first admin. */
@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly authCache: AuthCache,
    @Inject(CONTROL_PLANE_OPTIONS) private readonly options: ControlPlaneOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureInitialAdmin();
    // A password file outliving the change (crash between the two) goes now.
    const admin = await this.users.findByUsername('admin');
    if (!admin || !admin.mustChangePassword) this.removeInitialPasswordFile();
  }

  private get initialPasswordFile(): string {
    return join(dirname(this.options.database.path), INITIAL_PASSWORD_FILE);
  }

  /** The generated first-start password is useless once changed: it does not stay on disk. */
  private removeInitialPasswordFile(): void {
    rmSync(this.initialPasswordFile, { force: true });
  }

  /**
   * With no user at all, creates `admin` with FLOWPROBE_ADMIN_PASSWORD or a
   * random password written once to a 0600 file beside the database; either
   * way it must be changed at first login. In appliance mode (`requireSetup`)
   * it creates nobody: `flowprobe admin-password` does, from the console.
   */
  async ensureInitialAdmin(): Promise<void> {
    if ((await this.users.count()) > 0) return;
    if (this.options.auth.requireSetup) {
      this.logger.warn('No user yet: login is refused until the console setup sets the admin password (flowprobe admin-password)');
      return;
    }
    let password = this.options.auth.initialAdminPassword;
    if (password) {
      this.logger.log('Created user "admin" with the password from FLOWPROBE_ADMIN_PASSWORD (change required at first login)');
    } else {
      password = randomBytes(12).toString('base64url');
      const file = this.initialPasswordFile;
      // 'wx': never overwrite a file an earlier start wrote.
      writeFileSync(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
      this.logger.warn(`Created user "admin" with generated password "${password}" (also in ${file}); change required at first login`);
    }
    await this.users.create({
      username: 'admin',
      passwordHash: await hashPassword(password),
      role: 'admin',
      mustChangePassword: true,
      createdAt: nowS(),
      lastLoginAt: null,
    });
  }

  async list(): Promise<UserInfo[]> {
    return (await this.users.list()).map(toUserInfo);
  }

  async get(id: number): Promise<UserInfo> {
    return toUserInfo(await this.findOrFail(id));
  }

  async create(dto: CreateUserDto): Promise<UserInfo> {
    if (await this.users.findByUsername(dto.username)) throw new ConflictException(`User "${dto.username}" exists`);
    const user = await this.users.create({
      username: dto.username,
      passwordHash: await hashPassword(dto.password),
      role: dto.role,
      // An admin-set password is temporary: the user picks their own at first login.
      mustChangePassword: true,
      createdAt: nowS(),
      lastLoginAt: null,
    });
    return toUserInfo(user);
  }

  /**
   * Role, password and pending-change flag. The last admin cannot be demoted
   * (checked in the transaction that writes). A password set by an admin
   * (a reset) revokes every session and API token of the user; a role change
   * closes the user's sessions.
   */
  async update(id: number, dto: UpdateUserDto): Promise<UserInfo> {
    await this.findOrFail(id);
    const changes: Partial<UserEntity> = {};
    if (dto.role) changes.role = dto.role;
    if (dto.password) {
      changes.passwordHash = await hashPassword(dto.password);
      changes.mustChangePassword = dto.must_change_password ?? true;
    } else if (dto.must_change_password !== undefined) {
      changes.mustChangePassword = dto.must_change_password;
    }
    const result = await this.users.updateChecked(id, changes, !!dto.password);
    if (result === 'missing') throw new NotFoundException(`User ${id} not found`);
    if (result === 'last-admin') throw new BadRequestException('Cannot demote the last admin');
    if (dto.role) await this.sessions.deleteForUser(id);
    this.authCache.clear();
    return toUserInfo(await this.findOrFail(id));
  }

  async delete(actor: AuthUser, id: number): Promise<void> {
    if (id === actor.id) throw new BadRequestException('Cannot delete yourself');
    const result = await this.users.deleteChecked(id);
    if (result === 'missing') throw new NotFoundException(`User ${id} not found`);
    if (result === 'last-admin') throw new BadRequestException('Cannot delete the last admin');
    this.authCache.clear();
  }

  /** Admins: the API tokens of any user (never their secrets). */
  async listTokensOf(userId: number): Promise<ApiTokenInfo[]> {
    await this.findOrFail(userId);
    return (await this.users.listTokens(userId)).map(toTokenInfo);
  }

  /** Admins: revokes one API token of any user. */
  async revokeTokenOf(userId: number, tokenId: number): Promise<void> {
    await this.findOrFail(userId);
    if (!(await this.users.deleteToken(userId, tokenId))) throw new NotFoundException(`Token ${tokenId} of user ${userId} not found`);
    this.authCache.clear();
  }

  /** Admins: revokes every API token of a user; answers how many. */
  async revokeAllTokensOf(userId: number): Promise<void> {
    await this.findOrFail(userId);
    await this.users.deleteTokensOf(userId);
    this.authCache.clear();
  }

  async me(actor: AuthUser): Promise<UserInfo> {
    return toUserInfo(await this.findOrFail(actor.id));
  }

  /** Changes the caller's own password; the user's other sessions are closed, this one stays. */
  async changePassword(actor: AuthUser, dto: ChangePasswordDto): Promise<void> {
    const user = await this.findOrFail(actor.id);
    if (!(await verifyPassword(dto.current_password, user.passwordHash))) throw new BadRequestException('current_password is wrong');
    if (dto.current_password === dto.new_password) throw new BadRequestException('new_password must differ from current_password');
    await this.users.update(user.id, { passwordHash: await hashPassword(dto.new_password), mustChangePassword: false });
    await this.sessions.deleteForUser(user.id, actor.sessionHash);
    this.authCache.clear();
    if (user.username === 'admin') this.removeInitialPasswordFile();
  }

  async listTokens(actor: AuthUser): Promise<ApiTokenInfo[]> {
    return (await this.users.listTokens(actor.id)).map(toTokenInfo);
  }

  async createToken(actor: AuthUser, dto: CreateTokenDto): Promise<CreateTokenResponse> {
    const token = `fp_${randomBytes(32).toString('base64url')}`;
    const now = nowS();
    const entity = await this.users.createToken({
      userId: actor.id,
      name: dto.name,
      prefix: token.slice(0, 10),
      tokenHash: hashSecret(token),
      createdAt: now,
      expiresAt: dto.expires_in_days ? now + dto.expires_in_days * 86400 : null,
      lastUsedAt: null,
    });
    return { ...toTokenInfo(entity), token };
  }

  async deleteToken(actor: AuthUser, id: number): Promise<void> {
    if (!(await this.users.deleteToken(actor.id, id))) throw new NotFoundException(`Token ${id} not found`);
    this.authCache.clear();
  }

  private async findOrFail(id: number): Promise<UserEntity> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundException(`User ${id} not found`);
    return user;
  }
}
