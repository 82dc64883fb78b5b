import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { ControlPlaneOptions } from '../config/control-plane-options';
import { openDatabase } from '../database/data-source';
import { AuthCache } from './auth-cache';
import { AuthService, hashSecret } from './auth.service';
import { hashPassword } from './password-hasher';
import { SessionsRepository } from './sessions.repository';
import { UsersRepository } from './users.repository';

const nowS = (): number => Math.floor(Date.now() / 1000);

describe('AuthService (real in-memory SQLite: users, sessions, tokens)', () => {
  let dataSource: DataSource;
  let users: UsersRepository;
  let sessions: SessionsRepository;
  let opsId: number;

  const service = (auth: ControlPlaneOptions['auth'] = {}, tls?: ControlPlaneOptions['tls']): AuthService =>
    new AuthService(users, sessions, new AuthCache(), { database: { path: ':memory:' }, auth, tls } as ControlPlaneOptions);

  beforeAll(async () => {
    dataSource = await openDatabase(':memory:');
    users = new UsersRepository(dataSource);
    sessions = new SessionsRepository(dataSource);
    const ops = await users.create({ username: 'ops', passwordHash: await hashPassword('right-password-1'), role: 'admin', mustChangePassword: false, createdAt: 1, lastLoginAt: null });
    opsId = ops.id;
  });

  afterAll(() => dataSource.destroy());

  it('opens a session for the right password, stores only its hash and records the login', async () => {
    const auth = service({ sessionTtlHours: 2 });
    const { secret, response } = await auth.login('ops', 'right-password-1');
    expect(response.user).toMatchObject({ username: 'ops', role: 'admin' });
    expect(response.expires_at - nowS()).toBeGreaterThan(2 * 3600 - 60);
    expect(response.expires_at - nowS()).toBeLessThanOrEqual(2 * 3600);
    expect(await sessions.find(secret)).toBeNull(); // the secret itself is nowhere in the database
    expect(await sessions.find(hashSecret(secret))).toMatchObject({ userId: opsId, expiresAt: response.expires_at });
    expect((await users.findById(opsId))!.lastLoginAt).toBeGreaterThanOrEqual(nowS() - 5);
    expect(await auth.authenticate(undefined, secret)).toMatchObject({ id: opsId, via: 'session', sessionHash: hashSecret(secret) });
  });

  it('answers a wrong password and an unknown user alike (401, same message)', async () => {
    const auth = service();
    await expect(auth.login('ops', 'wrong-password-1')).rejects.toThrow(new UnauthorizedException('Invalid username or password'));
    await expect(auth.login('nobody', 'right-password-1')).rejects.toThrow(new UnauthorizedException('Invalid username or password'));
  });

  it('refuses logins with setup_not_complete while appliance setup has created no user', async () => {
    const empty = await openDatabase(':memory:');
    try {
      const auth = new AuthService(new UsersRepository(empty), new SessionsRepository(empty), new AuthCache(), { database: { path: ':memory:' }, auth: { requireSetup: true } } as ControlPlaneOptions);
      expect(await auth.setupPending()).toBe(true);
      const err = await auth.login('admin', 'x').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ForbiddenException);
      expect((err as ForbiddenException).getResponse()).toMatchObject({ statusCode: 403, error: 'setup_not_complete' });
    } finally {
      await empty.destroy();
    }
    expect(await service({ requireSetup: true }).setupPending()).toBe(false); // a user exists here
  });

  it('drops an expired session on use, and the hourly purge deletes the others', async () => {
    const auth = service();
    await sessions.create({ tokenHash: hashSecret('expired-secret'), userId: opsId, createdAt: 1, expiresAt: nowS() - 1 });
    await sessions.create({ tokenHash: hashSecret('expired-too'), userId: opsId, createdAt: 1, expiresAt: nowS() - 10 });
    expect(await auth.authenticateSession('expired-secret')).toBeNull();
    expect(await sessions.find(hashSecret('expired-secret'))).toBeNull();
    expect(await auth.purgeExpiredSessions()).toBe(1);
    expect(await sessions.find(hashSecret('expired-too'))).toBeNull();
  });

  it('logout deletes the session and the cache forgets it at once', async () => {
    const auth = service();
    const { secret } = await auth.login('ops', 'right-password-1');
    const user = await auth.authenticateSession(secret);
    expect(user).not.toBeNull();
    await auth.logout(user!.sessionHash);
    expect(await auth.authenticateSession(secret)).toBeNull();
  });

  it('authenticates API tokens by hash: never the expired ones, last use written at most once a minute, Bearer first', async () => {
    const auth = service();
    const token = await users.createToken({ userId: opsId, name: 'ci', prefix: 'fp_ab', tokenHash: hashSecret('fp_abc-token'), createdAt: 1, expiresAt: null, lastUsedAt: null });
    await users.createToken({ userId: opsId, name: 'old', prefix: 'fp_ol', tokenHash: hashSecret('fp_old-token'), createdAt: 1, expiresAt: nowS() - 1, lastUsedAt: null });
    expect(await auth.authenticateToken('fp_old-token')).toBeNull();
    expect(await auth.authenticateToken('fp_unknown')).toBeNull();
    const viaToken = await auth.authenticate('Bearer fp_abc-token', 'a-session-secret-that-is-not-used');
    // A token acts with the user's role, a pending password change does not block it.
    expect(viaToken).toEqual({ id: opsId, username: 'ops', role: 'admin', mustChangePassword: false, via: 'token' });
    const used = (await users.findTokenByHash(hashSecret('fp_abc-token')))!.lastUsedAt;
    expect(used).toBeGreaterThanOrEqual(nowS() - 5);
    await users.touchToken(token.id, used! - 30); // used 30 s ago: a new use within the minute writes nothing
    await service().authenticateToken('fp_abc-token');
    expect((await users.findTokenByHash(hashSecret('fp_abc-token')))!.lastUsedAt).toBe(used! - 30);
    await users.touchToken(token.id, used! - 61); // over a minute ago: written again
    await service().authenticateToken('fp_abc-token');
    expect((await users.findTokenByHash(hashSecret('fp_abc-token')))!.lastUsedAt).toBeGreaterThanOrEqual(used!);
    expect(await auth.authenticate('Basic abc', undefined)).toBeNull();
  });

  it('marks the cookie Secure when asked or when TLS is on', () => {
    expect(service().secureCookie).toBe(false);
    expect(service({ secureCookie: true }).secureCookie).toBe(true);
    expect(service({}, { dir: '/nonexistent' } as ControlPlaneOptions['tls']).secureCookie).toBe(true);
  });
});
