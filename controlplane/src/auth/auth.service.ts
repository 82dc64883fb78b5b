import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { FirstRunHint, LoginResponse, UserInfo } from '../api';
import { CONTROL_PLANE_OPTIONS, ControlPlaneOptions } from '../config/control-plane-options';
import { UsersRepository } from './users.repository';
import { toUserInfo } from './user-info';
import { AuthCache } from './auth-cache';
import type { AuthUser } from './auth-user';
import { verifyPassword } from './password-hasher';
import { SessionsRepository } from './sessions.repository';

/** SHA-256 hex of a session or API token secret: what the database keeps. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

const nowS = (): number => Math.floor(Date.now() / 1000);

/** `last_used_at` of a token is written at most this often, s (not on every request). */
const TOKEN_TOUCH_S = 60;

// A valid-looking hash to verify against when the user does not exist, so a
// wrong username costs the same time as a wrong password.
const DUMMY_HASH = `scrypt$32768$8$1$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(32).toString('base64')}`;

/** File beside the database holding the generated first-start admin password (0600) until it is changed. */
export const INITIAL_PASSWORD_FILE = 'initial-admin-password';

/** Logins, sessions and API-token authentication. */
@Injectable()
export class AuthService {
  private readonly sessionTtlS: number;
  /** Mark the cookie `Secure` (appliance behind TLS). */
  readonly secureCookie: boolean;
  private readonly requireSetup: boolean;

  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly cache: AuthCache,
    @Inject(CONTROL_PLANE_OPTIONS) private readonly options: ControlPlaneOptions,
  ) {
    this.sessionTtlS = Math.round((options.auth.sessionTtlHours ?? 12) * 3600);
    this.secureCookie = (options.auth.secureCookie ?? false) || options.tls !== undefined;
    this.requireSetup = options.auth.requireSetup ?? false;
  }

  /** Appliance mode and no user exists yet: the console setup has not set the admin password. */
  async setupPending(): Promise<boolean> {
    return this.requireSetup && (await this.users.count()) === 0;
  }
  /**
   * Where the first admin password is, for the sign-in page, only while it is still the
   * initial one (the only user is `admin` and must still change it); else `{ where: 'none' }`.
   */
  async firstRun(): Promise<FirstRunHint> {
    if (await this.setupPending()) return { where: 'console' };
    if ((await this.users.count()) !== 1) return { where: 'none' };
    const admin = await this.users.findByUsername('admin');
    if (!admin || !admin.mustChangePassword) return { where: 'none' };
    const file = join(dirname(this.options.database.path), INITIAL_PASSWORD_FILE);
    if (existsSync(file)) return { where: 'file', file };
    return this.options.auth.initialAdminPassword ? { where: 'environment' } : { where: 'none' };
  }

  /** The caller as the API shows it (GET /auth/me). */
  async me(actor: AuthUser): Promise<UserInfo> {
    const user = await this.users.findById(actor.id);
    if (!user) throw new UnauthorizedException('User no longer exists');
    return toUserInfo(user);
  }


  /** Checks the credentials and opens a session; `secret` goes into the cookie. */
  async login(username: string, password: string): Promise<{ secret: string; response: LoginResponse }> {
    // Read on every login (not cached): the console's `flowprobe admin-password` writes the database while this runs.
    if (await this.setupPending()) {
      throw new ForbiddenException({
        statusCode: 403,
        error: 'setup_not_complete',
        message: 'Setup not complete: set the admin password on the appliance console (flowprobe-setup)',
      });
    }
    const user = await this.users.findByUsername(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok) throw new UnauthorizedException('Invalid username or password');
    const secret = randomBytes(32).toString('base64url');
    const now = nowS();
    const expiresAt = now + this.sessionTtlS;
    await this.sessions.create({ tokenHash: hashSecret(secret), userId: user.id, createdAt: now, expiresAt });
    await this.users.update(user.id, { lastLoginAt: now });
    user.lastLoginAt = now;
    return { secret, response: { user: toUserInfo(user), expires_at: expiresAt } };
  }

  async logout(sessionHash: string | undefined): Promise<void> {
    if (sessionHash) await this.sessions.delete(sessionHash);
    this.cache.clear();
  }

  /** Session cookie secret → user, or null when unknown or expired. */
  async authenticateSession(secret: string): Promise<AuthUser | null> {
    const tokenHash = hashSecret(secret);
    const hit = this.cache.get(tokenHash);
    if (hit) return hit;
    const session = await this.sessions.find(tokenHash);
    if (!session) return null;
    if (session.expiresAt <= nowS()) {
      await this.sessions.delete(tokenHash);
      return null;
    }
    const user = await this.users.findById(session.userId);
    if (!user) return null;
    const auth: AuthUser = { id: user.id, username: user.username, role: user.role, mustChangePassword: user.mustChangePassword, via: 'session', sessionHash: tokenHash };
    return this.cache.set(tokenHash, auth, session.expiresAt);
  }

  /** Bearer API token → user, or null when unknown or expired. */
  async authenticateToken(token: string): Promise<AuthUser | null> {
    const tokenHash = hashSecret(token);
    const hit = this.cache.get(tokenHash);
    if (hit) return hit;
    const entity = await this.users.findTokenByHash(tokenHash);
    const now = nowS();
    if (!entity || (entity.expiresAt !== null && entity.expiresAt <= now)) return null;
    const user = await this.users.findById(entity.userId);
    if (!user) return null;
    if (entity.lastUsedAt === null || now - entity.lastUsedAt >= TOKEN_TOUCH_S) await this.users.touchToken(entity.id, now);
    // Tokens are for scripts: they act with the user's role; a pending password change does not block them.
    const auth: AuthUser = { id: user.id, username: user.username, role: user.role, mustChangePassword: false, via: 'token' };
    return this.cache.set(tokenHash, auth, entity.expiresAt);
  }

  /** Authenticates from a Bearer header first, then the session cookie. */
  async authenticate(authorization: string | undefined, sessionSecret: string | undefined): Promise<AuthUser | null> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (bearer) return this.authenticateToken(bearer[1]);
    if (sessionSecret) return this.authenticateSession(sessionSecret);
    return null;
  }

  /** Housekeeping for the hourly job. */
  purgeExpiredSessions(): Promise<number> {
    return this.sessions.deleteExpired(nowS());
  }

  get sessionTtlSeconds(): number {
    return this.sessionTtlS;
  }
}
