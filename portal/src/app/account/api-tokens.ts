import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import type { ApiTokenInfo, CreateTokenResponse } from '@flowprobe/api';
import { firstValueFrom } from 'rxjs';
import { API_BASE, ApiClient, errorMessage } from '../core/api-client';
import { Clock } from '../core/clock';
import { latestValue } from '../core/latest-value';
import { FORMAT_PIPES } from '../shared/format/format';
import { LoadState } from '../shared/load-state/load-state';

/** The signed-in user's API tokens: list, create (the secret shown once, with a copy button), revoke. */
@Component({
  selector: 'app-api-tokens',
  imports: [FormsModule, LoadState, ...FORMAT_PIPES],
  templateUrl: './api-tokens.html',
  styles: `
    .token-secret { background: var(--warn-bg); border: 1px solid var(--warn-border); padding: 0.6rem 0.8rem; border-radius: 6px; margin: 0.75rem 0; word-break: break-all; }
    .token-secret .row { display: flex; gap: 0.5rem; align-items: center; margin: 0.4rem 0; flex-wrap: wrap; }
    .inline-form { display: flex; gap: 0.5rem; flex-wrap: wrap; align-items: flex-end; margin-top: 0.75rem; }
    .inline-form .field { margin: 0; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ApiTokens {
  private readonly api = inject(ApiClient);
  protected readonly clock = inject(Clock);

  protected readonly tokens = httpResource<ApiTokenInfo[]>(() => `${API_BASE}/users/me/tokens`);
  protected readonly tokensData = latestValue(this.tokens);
  protected readonly tokenName = signal('');
  protected readonly tokenDays = signal<number | null>(90);
  protected readonly tokenError = signal('');
  /** The secret of the token just created: shown once, never retrievable again. */
  protected readonly createdToken = signal<CreateTokenResponse | null>(null);
  protected readonly copied = signal(false);

  protected async createToken(): Promise<void> {
    this.tokenError.set('');
    this.copied.set(false);
    try {
      const days = this.tokenDays();
      const token = await firstValueFrom(this.api.createToken({ name: this.tokenName().trim(), ...(days ? { expires_in_days: Number(days) } : {}) }));
      this.createdToken.set(token);
      this.tokenName.set('');
      this.tokens.reload();
    } catch (error) {
      this.tokenError.set(errorMessage(error));
    }
  }

  protected async copy(token: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(token);
      this.copied.set(true);
    } catch {
      this.tokenError.set('The browser refused the clipboard: select the token and copy it by hand.');
    }
  }

  protected async revokeToken(token: ApiTokenInfo): Promise<void> {
    if (!confirm(`Revoke the token "${token.name}"? Scripts using it get 401 from now on.`)) return;
    try {
      await firstValueFrom(this.api.deleteToken(token.id));
      this.tokens.reload();
    } catch (error) {
      this.tokenError.set(errorMessage(error));
    }
  }
}
