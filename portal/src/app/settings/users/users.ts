import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { latestValue } from '../../core/latest-value';
import { FormsModule } from '@angular/forms';
import type { Role, UserInfo, UserListResponse } from '@flowprobe/api';
import { firstValueFrom } from 'rxjs';
import { API_BASE, ApiClient, errorMessage } from '../../core/api-client';
import { Auth } from '../../core/auth';
import { Clock } from '../../core/clock';
import { FORMAT_PIPES } from '../../shared/format/format';
import { ApiTokens } from '../../account/api-tokens';
import { LoadState } from '../../shared/load-state/load-state';

/** Users (admin CRUD) and the signed-in admin's own API tokens (also under My account). */
@Component({
  selector: 'app-users',
  imports: [FormsModule, LoadState, ApiTokens, ...FORMAT_PIPES],
  templateUrl: './users.html',
  styles: `
    .inline-form { display: flex; gap: 0.5rem; flex-wrap: wrap; align-items: flex-end; margin-top: 0.75rem; }
    .inline-form .field { margin: 0; }
    .stack { display: flex; flex-direction: column; gap: 1rem; }
    .row-actions { display: flex; flex-wrap: wrap; gap: 0.3rem; justify-content: flex-end; }
    .reset { display: inline-flex; gap: 0.3rem; align-items: center; }
    .reset input { width: 11rem; padding: 0.2rem 0.4rem; font-size: 0.8rem; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Users {
  private readonly api = inject(ApiClient);
  protected readonly auth = inject(Auth);
  protected readonly clock = inject(Clock);

  protected readonly users = httpResource<UserListResponse>(() => `${API_BASE}/users`);

  protected readonly newUsername = signal('');
  protected readonly newPassword = signal('');
  protected readonly newRole = signal<Role>('viewer');
  protected readonly userError = signal('');
  protected readonly userInfo = signal('');


  protected async createUser(): Promise<void> {
    this.userError.set('');
    this.userInfo.set('');
    try {
      const user = await firstValueFrom(this.api.createUser({ username: this.newUsername().trim(), password: this.newPassword(), role: this.newRole() }));
      this.userInfo.set(`${user.username} created; they choose their own password at first sign-in.`);
      this.newUsername.set('');
      this.newPassword.set('');
      this.users.reload();
    } catch (error) {
      this.userError.set(errorMessage(error));
    }
  }

  protected async setRole(user: UserInfo, role: Role): Promise<void> {
    await this.run(() => firstValueFrom(this.api.updateUser(user.id, { role })), `${user.username} is now ${role}.`);
  }

  /** The user whose password is being reset (inline form), and the temporary password typed. */
  protected readonly resetting = signal<number | null>(null);
  protected readonly temporaryPassword = signal('');

  protected startReset(user: UserInfo): void {
    this.temporaryPassword.set('');
    this.resetting.set(user.id);
  }

  protected async resetPassword(user: UserInfo): Promise<void> {
    const password = this.temporaryPassword();
    await this.run(
      () => firstValueFrom(this.api.updateUser(user.id, { password, must_change_password: true })),
      `Password of ${user.username} reset: they choose a new one at their next sign-in.`,
    );
    this.resetting.set(null);
  }

  protected async deleteUser(user: UserInfo): Promise<void> {
    if (!confirm(`Delete the user ${user.username}? Their sessions and API tokens stop working.`)) return;
    await this.run(() => firstValueFrom(this.api.deleteUser(user.id)), `${user.username} deleted.`);
  }

  private async run(action: () => Promise<unknown>, done: string): Promise<void> {
    this.userError.set('');
    this.userInfo.set('');
    try {
      await action();
      this.userInfo.set(done);
      this.users.reload();
    } catch (error) {
      this.userError.set(errorMessage(error));
    }
  }

  protected readonly usersData = latestValue(this.users);
}
