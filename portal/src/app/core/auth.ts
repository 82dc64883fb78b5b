import { HttpErrorResponse } from '@angular/common/http';
import { Injectable, computed, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import type { UserInfo } from '@flowprobe/api';
import { firstValueFrom } from 'rxjs';
import { ApiClient } from './api-client';

/**
 * Who is signed in. The session itself is the httpOnly cookie the control plane
 * sets; this service only mirrors `GET /auth/me` so routes and menus can react.
 */
@Injectable({ providedIn: 'root' })
export class Auth {
  private readonly api = inject(ApiClient);
  private readonly router = inject(Router);

  /** The signed-in user; null when signed out (or the session expired). */
  readonly user = signal<UserInfo | null>(null);
  readonly isAdmin = computed(() => this.user()?.role === 'admin');
  readonly mustChangePassword = computed(() => this.user()?.must_change_password === true);
  /**
   * Whether the start-up session check has answered. Until then the first page renders optimistically
   * (its own API calls are authenticated by the server like every call); see `auth-guards.ts`.
   */
  readonly known = signal(false);
  private session: Promise<void> | null = null;

  /** Reads the session once at start-up (once: later calls share the answer); a 401 just means "signed out". */
  restoreSession(): Promise<void> {
    this.session ??= (async () => {
      try {
        this.user.set(await firstValueFrom(this.api.me()));
      } catch (error) {
        if (!(error instanceof HttpErrorResponse) || error.status !== 401) console.warn('session check failed', error);
        this.user.set(null);
      } finally {
        this.known.set(true);
      }
    })();
    return this.session;
  }

  async login(username: string, password: string): Promise<UserInfo> {
    const response = await firstValueFrom(this.api.login(username, password));
    this.user.set(response.user);
    this.known.set(true);
    return response.user;
  }

  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await firstValueFrom(this.api.changePassword({ current_password: currentPassword, new_password: newPassword }));
    // The server cleared must_change_password; read it back rather than assume.
    this.user.set(await firstValueFrom(this.api.me()));
  }

  async logout(): Promise<void> {
    try {
      await firstValueFrom(this.api.logout());
    } finally {
      this.sessionEnded();
    }
  }

  /**
   * Called when the API answers 401: forget the user and go to the login page. Before the start-up
   * session check has answered, a 401 only says there is no session: that check sends the page to
   * the sign-in (with the page asked for as `next`), not as an expired session.
   */
  sessionEnded(): void {
    if (!this.known()) return;
    this.user.set(null);
    if (!this.router.url.startsWith('/login')) void this.router.navigate(['/login'], { queryParams: { expired: 1 } });
  }
}
