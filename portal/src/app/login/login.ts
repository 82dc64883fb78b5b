import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import type { FirstRunHint } from '@flowprobe/api';
import { FormsModule } from '@angular/forms';
import { Router } from '@angular/router';
import { API_BASE, errorMessage } from '../core/api-client';
import { Auth } from '../core/auth';

/** Sign-in form; sends a first login on to the password change. */
@Component({
  selector: 'app-login',
  imports: [FormsModule],
  templateUrl: './login.html',
  styleUrl: './login.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Login {
  private readonly auth = inject(Auth);
  private readonly router = inject(Router);

  /** Where to go after signing in (query parameter set by the guard). */
  readonly next = input<string>();
  /** Set when the session expired (query parameter). */
  readonly expired = input<string>();

  protected readonly username = signal('');
  protected readonly password = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal('');
  /** Where the first admin password is, on a fresh install only (the API says 'none' once it was changed). */
  private readonly firstRunResource = httpResource<FirstRunHint>(() => `${API_BASE}/auth/first-run`);
  protected readonly firstRunLoaded = computed(() => this.firstRunResource.hasValue());
  protected readonly firstRun = computed<FirstRunHint>(() => (this.firstRunResource.hasValue() ? this.firstRunResource.value() : { where: 'none' }));

  protected async submit(): Promise<void> {
    this.busy.set(true);
    this.error.set('');
    try {
      const user = await this.auth.login(this.username().trim(), this.password());
      await this.router.navigateByUrl(user.must_change_password ? '/login/change-password' : this.next() || '/dashboard');
    } catch (error) {
      const status = (error as { status?: number }).status;
      this.error.set(
        status === 401 ? 'Wrong user name or password.' : status === 429 ? 'Too many attempts: wait a minute and try again.' : errorMessage(error),
      );
    } finally {
      this.busy.set(false);
    }
  }
}
