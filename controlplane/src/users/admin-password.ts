import { chownSync, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { SessionsRepository } from '../auth/sessions.repository';
import { hashPassword } from '../auth/password-hasher';
import { openDatabase } from '../database/data-source';
import { FEATURE_DATABASE } from '../feature-modules';
import { MIN_PASSWORD_LENGTH } from './dto/user.dto';
import { UsersRepository } from '../auth/users.repository';

/** Longest password accepted, characters (as the API's DTOs). */
const MAX_PASSWORD_LENGTH = 256;

/** The password given to {@link setAdminPassword} is unusable; `message` says why. */
export class AdminPasswordError extends Error {
  readonly code = 'FLOWPROBE_BAD_PASSWORD';
}

/** Why `password` cannot be an admin password, or undefined when it can. */
export function adminPasswordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `too short: at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `too long: at most ${MAX_PASSWORD_LENGTH} characters`;
  if (/[\u0000-\u001f\u007f]/.test(password)) return 'contains a control character (a line break?)';
  return undefined;
}

/**
 * Sets the password of the admin `username` in the SQLite database at
 * `dbPath` (created and migrated when missing), creating the user when it
 * does not exist; the user's sessions are ended. This is the console setup's
 * way in: it works while the appliance runs (SQLite locking, WAL) and the
 * next login reads the new hash. No password change is asked at the next
 * login (the admin chose this one). When run as root, files it creates are
 * given to the owner of the database's folder, so the service can still
 * write them.
 */
export async function setAdminPassword(dbPath: string, username: string, password: string): Promise<{ created: boolean }> {
  const problem = adminPasswordProblem(password);
  if (problem) throw new AdminPasswordError(`password ${problem}`);
  const passwordHash = await hashPassword(password);
  const dataSource = await openDatabase(dbPath, FEATURE_DATABASE);
  try {
    const users = new UsersRepository(dataSource);
    const existing = await users.findByUsername(username);
    if (existing) {
      await users.update(existing.id, { passwordHash, role: 'admin', mustChangePassword: false });
      await new SessionsRepository(dataSource).deleteForUser(existing.id);
    } else {
      await users.create({ username, passwordHash, role: 'admin', mustChangePassword: false, createdAt: Math.floor(Date.now() / 1000), lastLoginAt: null });
    }
    return { created: !existing };
  } finally {
    await dataSource.destroy();
    giveToFolderOwner(dbPath);
  }
}

function giveToFolderOwner(dbPath: string): void {
  if (process.getuid?.() !== 0) return;
  const owner = statSync(dirname(dbPath));
  for (const file of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) {
    if (existsSync(file)) chownSync(file, owner.uid, owner.gid);
  }
}
