import { Injectable } from '@nestjs/common';

/** Consecutive failures on one account before it is locked. */
export const ACCOUNT_FREE_FAILURES = 5;
/** First lock, doubled per further failure, capped at {@link ACCOUNT_LOCK_MAX_MS}. */
export const ACCOUNT_LOCK_BASE_MS = 1000;
export const ACCOUNT_LOCK_MAX_MS = 15 * 60_000;
/** How long an address that logged in to an account successfully stays trusted for it. */
export const TRUSTED_ADDRESS_MS = 30 * 24 * 3600_000;
/** Accounts and trusted addresses tracked at most (oldest forgotten first): memory stays bounded under a spray of usernames. */
const MAX_TRACKED = 10_000;

interface AccountState {
  failures: number;
  lockedUntilMs: number;
  lastFailureMs: number;
}

/**
 * Per-account login throttling (the per-address limit is the Throttler guard
 * on the login route). After {@link ACCOUNT_FREE_FAILURES} consecutive
 * failures an account is locked for 1 s, doubling per further failure up to
 * 15 min; a success resets it. So that an attacker cannot keep an admin
 * locked out forever by failing on purpose, the lock does not apply to an
 * address the account logged in from successfully in the last 30 days (as
 * OWASP's "device cookie" scheme, by address), and it never exceeds 15 min.
 * Unknown usernames are tracked alike, so a lock says nothing about whether
 * an account exists. In memory: a restart clears it.
 */
@Injectable()
export class LoginThrottle {
  private readonly accounts = new Map<string, AccountState>();
  /** `username\0address` → last successful login, ms. */
  private readonly trusted = new Map<string, number>();

  private static key(username: string): string {
    return username.toLowerCase();
  }

  /** Milliseconds `address` must wait before trying `username` again (0: go ahead). */
  retryAfterMs(username: string, address: string, nowMs = Date.now()): number {
    const state = this.accounts.get(LoginThrottle.key(username));
    if (!state || state.lockedUntilMs <= nowMs) return 0;
    const trustedAt = this.trusted.get(`${LoginThrottle.key(username)}\0${address}`);
    if (trustedAt !== undefined && nowMs - trustedAt < TRUSTED_ADDRESS_MS) return 0;
    return state.lockedUntilMs - nowMs;
  }

  failed(username: string, nowMs = Date.now()): void {
    const key = LoginThrottle.key(username);
    const state = this.accounts.get(key) ?? { failures: 0, lockedUntilMs: 0, lastFailureMs: 0 };
    // A quiet period as long as the longest lock forgives earlier failures.
    if (nowMs - state.lastFailureMs > ACCOUNT_LOCK_MAX_MS) state.failures = 0;
    state.failures++;
    state.lastFailureMs = nowMs;
    if (state.failures >= ACCOUNT_FREE_FAILURES) {
      const lockMs = Math.min(ACCOUNT_LOCK_MAX_MS, ACCOUNT_LOCK_BASE_MS * 2 ** Math.min(30, state.failures - ACCOUNT_FREE_FAILURES));
      state.lockedUntilMs = nowMs + lockMs;
    }
    this.remember(this.accounts, key, state);
  }

  succeeded(username: string, address: string, nowMs = Date.now()): void {
    const key = LoginThrottle.key(username);
    this.accounts.delete(key);
    this.remember(this.trusted, `${key}\0${address}`, nowMs);
  }

  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    if (map.size >= MAX_TRACKED) map.delete(map.keys().next().value as string);
    map.set(key, value);
  }
}
