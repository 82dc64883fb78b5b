import { BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';
import { AuthCache } from '../auth/auth-cache';
import { hashSecret } from '../auth/auth.service';
import type { AuthUser } from '../auth/auth-user';
import { hashPassword, verifyPassword } from '../auth/password-hasher';
import type { SessionsRepository } from '../auth/sessions.repository';
import type { UserEntity } from '../auth/user.entity';
import type { UsersRepository } from '../auth/users.repository';
import type { ControlPlaneOptions } from '../config/control-plane-options';
import { typedMock } from '../testing/typed.mock';
import { UsersService } from './users.service';

const actor: AuthUser = { id: 2, username: 'ops', role: 'admin', mustChangePassword: false, via: 'session', sessionHash: 'abc' };

describe('UsersService (users and sessions repositories mocked)', () => {
  const users = typedMock<UsersRepository>()('findById', 'findByUsername', 'create', 'update', 'updateChecked', 'deleteChecked', 'createToken', 'deleteToken');
  const sessions = typedMock<SessionsRepository>()('deleteForUser');
  const cache = new AuthCache();
  const service = new UsersService(users, sessions, cache, { database: { path: '/nonexistent/flowprobe.db' }, auth: {} } as ControlPlaneOptions);
  let ops: UserEntity;

  beforeAll(async () => {
    ops = { id: 2, username: 'ops', role: 'admin', mustChangePassword: false, passwordHash: await hashPassword('old-password-1'), createdAt: 1, lastLoginAt: null } as UserEntity;
  });

  beforeEach(() => {
    for (const m of [...Object.values(users), ...Object.values(sessions)]) (m as jest.Mock).mockReset();
    users.findById.mockImplementation(async (id: number) => (id === ops.id ? ops : null));
  });

  it('refuses a username in use, and makes a new user change the password an admin set', async () => {
    users.findByUsername.mockResolvedValueOnce(ops);
    await expect(service.create({ username: 'ops', password: 'x-password-1', role: 'viewer' })).rejects.toThrow(ConflictException);
    users.findByUsername.mockResolvedValueOnce(null);
    users.create.mockImplementation(async (u) => ({ id: 3, ...u }) as UserEntity);
    const created = await service.create({ username: 'ana', password: 'x-password-1', role: 'viewer' });
    expect(created).toMatchObject({ id: 3, username: 'ana', role: 'viewer', must_change_password: true });
    expect(await verifyPassword('x-password-1', users.create.mock.calls[0][0].passwordHash!)).toBe(true);
  });

  it('maps the repository verdicts of an update: missing is 404, the last admin 400; a role change closes the sessions', async () => {
    users.updateChecked.mockResolvedValueOnce('last-admin');
    await expect(service.update(2, { role: 'viewer' })).rejects.toThrow(new BadRequestException('Cannot demote the last admin'));
    expect(sessions.deleteForUser).not.toHaveBeenCalled();
    users.updateChecked.mockResolvedValueOnce('ok');
    await service.update(2, { role: 'viewer' });
    expect(sessions.deleteForUser).toHaveBeenCalledWith(2);
    await expect(service.update(9, { role: 'viewer' })).rejects.toThrow(NotFoundException);
  });

  it('a password reset by an admin asks the repository to revoke sessions and tokens and requires a change', async () => {
    users.updateChecked.mockResolvedValueOnce('ok');
    await service.update(2, { password: 'reset-password-1' });
    const [id, changes, revoke] = users.updateChecked.mock.calls[0];
    expect({ id, must: changes.mustChangePassword, revoke }).toEqual({ id: 2, must: true, revoke: true });
  });

  it('never deletes the caller, and maps the last-admin verdict', async () => {
    await expect(service.delete(actor, 2)).rejects.toThrow('Cannot delete yourself');
    users.deleteChecked.mockResolvedValueOnce('last-admin');
    await expect(service.delete(actor, 5)).rejects.toThrow('Cannot delete the last admin');
  });

  it('changes the own password only with the current one, keeps this session and closes the others', async () => {
    await expect(service.changePassword(actor, { current_password: 'wrong-password', new_password: 'new-password-2' })).rejects.toThrow('current_password is wrong');
    await expect(service.changePassword(actor, { current_password: 'old-password-1', new_password: 'old-password-1' })).rejects.toThrow('must differ');
    await service.changePassword(actor, { current_password: 'old-password-1', new_password: 'new-password-2' });
    expect(users.update.mock.calls[0][1]).toMatchObject({ mustChangePassword: false });
    expect(await verifyPassword('new-password-2', users.update.mock.calls[0][1].passwordHash!)).toBe(true);
    expect(sessions.deleteForUser).toHaveBeenCalledWith(2, 'abc');
  });

  it('stores only the hash of a new API token and shows the secret once', async () => {
    users.createToken.mockImplementation(async (t) => ({ id: 7, ...t }) as never);
    const created = await service.createToken(actor, { name: 'prometheus', expires_in_days: 30 });
    const stored = users.createToken.mock.calls[0][0];
    expect(created.token).toMatch(/^fp_[A-Za-z0-9_-]{43}$/);
    expect(stored).toMatchObject({ userId: 2, name: 'prometheus', prefix: created.token.slice(0, 10), tokenHash: hashSecret(created.token) });
    expect(JSON.stringify(stored)).not.toContain(created.token);
    expect(created.expires_at! - created.created_at).toBe(30 * 86400);
    users.deleteToken.mockResolvedValueOnce(false);
    await expect(service.deleteToken(actor, 8)).rejects.toThrow('Token 8 not found');
  });
});
