import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Router } from '@angular/router';
import { errorMessage } from '../core/api-client';
import { Auth } from '../core/auth';

/** Minimum password length the control plane enforces. */
/** Shortest password the API accepts. */
export const MIN_PASSWORD_LENGTH = 8;

/** The password change every account must make at its first login (and anyone may make later). */
@Component({
  selector: 'app-change-password',
  imports: [FormsModule],
  templateUrl: './change-password.html',
  styleUrl: './login.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChangePassword {
  protected readonly auth = inject(Auth);
  private readonly router = inject(Router);

  protected readonly current = signal('');
  protected readonly next = signal('');
  protected readonly repeat = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal('');
  protected readonly minLength = MIN_PASSWORD_LENGTH;

  protected readonly problem = computed(() => {
    if (this.next() && this.next().length < MIN_PASSWORD_LENGTH) return `At least ${MIN_PASSWORD_LENGTH} characters.`;
    if (this.next() && this.next() === this.current()) return 'Choose a password different from the current one.';
    if (this.repeat() && this.repeat() !== this.next()) return 'The two new passwords differ.';
    return '';
  });

  protected async submit(): Promise<void> {
    if (this.problem()) return;
    this.busy.set(true);
    this.error.set('');
    try {
      await this.auth.changePassword(this.current(), this.next());
      await this.router.navigateByUrl('/dashboard');
    } catch (error) {
      const status = (error as { status?: number }).status;
      this.error.set(status === 401 ? 'The current password is wrong.' : errorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }
}
