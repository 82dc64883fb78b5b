import { HttpEventType, httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import type { UpgradeStatus } from '@flowprobe/api';
import { firstValueFrom } from 'rxjs';
import { API_BASE, ApiClient, errorMessage } from '../../core/api-client';
import { latestValue } from '../../core/latest-value';
import { pollEvery } from '../../core/poll';
import { FORMAT_PIPES } from '../../shared/format/format';
import { LoadState } from '../../shared/load-state/load-state';

/**
 * Updates on the System page (docs/upgrades.md): the running version and
 * slot, the last upgrade (installed, upgraded, or rolled back and why), the
 * bundle upload with its progress, then "reboot into the new version".
 */
@Component({
  selector: 'app-upgrade-panel',
  imports: [LoadState, ...FORMAT_PIPES],
  templateUrl: './upgrade-panel.html',
  styles: `
    .meter { height: 0.45rem; background: var(--surface-muted); border-radius: 3px; overflow: hidden; margin-top: 0.3rem; border: 1px solid var(--border); }
    .meter > div { height: 100%; background: var(--accent); }
    .ok { color: var(--ok); } .bad { color: var(--danger); }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 0.8rem; margin: 0.4rem 0; }
    dt { color: var(--muted, #666); } dd { margin: 0; overflow-wrap: anywhere; }
    .confirm { display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; margin-top: 0.5rem; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UpgradePanel {
  private readonly api = inject(ApiClient);

  protected readonly status = httpResource<UpgradeStatus>(() => `${API_BASE}/system/upgrade`);
  protected readonly data = latestValue(this.status);

  protected readonly file = signal<File | null>(null);
  /** Upload progress 0..100 while the bundle is sent, null otherwise. */
  protected readonly progress = signal<number | null>(null);
  protected readonly error = signal('');
  protected readonly confirming = signal(false);
  protected readonly message = signal('');

  constructor() {
    pollEvery(5_000, this.status);
  }

  protected choose(event: Event): void {
    this.file.set((event.target as HTMLInputElement).files?.[0] ?? null);
    this.error.set('');
  }

  protected async upload(): Promise<void> {
    const file = this.file();
    if (!file) return;
    this.error.set('');
    this.progress.set(0);
    try {
      await new Promise<void>((resolve, reject) => {
        this.api.uploadBundle(file).subscribe({
          next: (event) => {
            if (event.type === HttpEventType.UploadProgress) this.progress.set(event.total ? Math.round((100 * event.loaded) / event.total) : 0);
          },
          error: reject,
          complete: resolve,
        });
      });
      this.file.set(null);
      this.status.reload();
    } catch (error) {
      this.error.set(errorMessage(error));
    } finally {
      this.progress.set(null);
    }
  }

  protected async reboot(): Promise<void> {
    this.confirming.set(false);
    this.error.set('');
    try {
      await firstValueFrom(this.api.power('reboot'));
      this.message.set('Rebooting into the new version: the portal comes back in a few minutes. If the new version does not come up healthy, the appliance returns to this one by itself.');
    } catch (error) {
      this.error.set(errorMessage(error));
    }
  }
}
