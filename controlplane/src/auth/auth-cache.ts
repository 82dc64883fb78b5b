import { Injectable } from '@nestjs/common';
import type { AuthUser } from './auth-user';

/** How long a verified session or token is trusted without asking SQLite again, ms. */
export const AUTH_CACHE_MS = 5000;
/** Entries kept at most (a Map is insertion-ordered: the oldest go first). */
const AUTH_CACHE_MAX = 10_000;

/**
 * Secret hash → user for {@link AUTH_CACHE_MS}: without it every API call
 * costs two SQLite reads. Cleared whenever a user, session or token changes,
 * so logout, password changes and token deletion take effect at once.
 */
@Injectable()
export class AuthCache {
  private readonly entries = new Map<string, { user: AuthUser; untilMs: number }>();

  get(hash: string): AuthUser | null {
    const hit = this.entries.get(hash);
    if (!hit) return null;
    if (hit.untilMs < Date.now()) {
      this.entries.delete(hash);
      return null;
    }
    return hit.user;
  }

  /** Remembers `user` unless the credential expires before the cache entry would (`expiresAtS`, null = never). */
  set(hash: string, user: AuthUser, expiresAtS: number | null): AuthUser {
    const untilMs = Date.now() + AUTH_CACHE_MS;
    if (expiresAtS !== null && expiresAtS * 1000 <= untilMs) return user;
    if (this.entries.size >= AUTH_CACHE_MAX) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(hash, { user, untilMs });
    return user;
  }

  clear(): void {
    this.entries.clear();
  }
}
