import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { errorMessage } from '../core/api-client';
import { Auth } from '../core/auth';
import { MIN_PASSWORD_LENGTH } from '../login/change-password';
import { ApiTokens } from './api-tokens';

/** The signed-in user's own account (any role): change my password, my API tokens. */
@Component({
  selector: 'app-account',
  imports: [FormsModule, ApiTokens],
  templateUrl: './account.html',
  styles: `
    .stack { display: flex; flex-direction: column; gap: 1rem; max-width: 56rem; }
    form.password { display: grid; gap: 0.6rem; max-width: 24rem; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AccountPage {
  protected readonly auth = inject(Auth);

  protected readonly current = signal('');
  protected readonly next = signal('');
  protected readonly repeat = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal('');
  protected readonly done = signal(false);

  protected readonly problem = computed(() => {
    if (this.next() && this.next().length < MIN_PASSWORD_LENGTH) return `At least ${MIN_PASSWORD_LENGTH} characters.`;
    if (this.next() && this.next() === this.current()) return 'Choose a password different from the current one.';
    if (this.repeat() && this.repeat() !== this.next()) return 'The two new passwords differ.';
    return '';
  });

  protected async changePassword(): Promise<void> {
    if (this.problem() || !this.current() || !this.next() || this.next() !== this.repeat()) return;
    this.busy.set(true);
    this.error.set('');
    this.done.set(false);
    try {
      await this.auth.changePassword(this.current(), this.next());
      this.current.set('');
      this.next.set('');
      this.repeat.set('');
      this.done.set(true);
    } catch (error) {
      const status = (error as { status?: number }).status;
      this.error.set(status === 401 ? 'The current password is wrong.' : errorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }
}
