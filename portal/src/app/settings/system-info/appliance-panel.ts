import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import type { ApplianceStatus, TlsInfo } from '@flowprobe/api';
import { firstValueFrom } from 'rxjs';
import { API_BASE, ApiClient, errorMessage } from '../../core/api-client';
import { latestValue } from '../../core/latest-value';
import { pollEvery } from '../../core/poll';
import { FORMAT_PIPES } from '../../shared/format/format';
import { LoadState } from '../../shared/load-state/load-state';

type PowerAction = 'reboot' | 'shutdown';

/**
 * The appliance section of the System page: HTTPS certificate (and its
 * replacement), management network, NTP, disks, reboot and shutdown.
 */
@Component({
  selector: 'app-appliance-panel',
  imports: [FormsModule, LoadState, ...FORMAT_PIPES],
  templateUrl: './appliance-panel.html',
  styles: `
    .meter { height: 0.45rem; background: var(--surface-muted); border-radius: 3px; overflow: hidden; margin-top: 0.3rem; border: 1px solid var(--border); }
    .meter > div { height: 100%; background: var(--accent); }
    .meter.high > div { background: var(--sev-error); }
    .ok { color: var(--ok); } .bad { color: var(--danger); }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 0.8rem; margin: 0.4rem 0; }
    dt { color: var(--muted, #666); } dd { margin: 0; overflow-wrap: anywhere; }
    textarea { width: 100%; }
    .confirm { display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; margin-top: 0.5rem; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AppliancePanel {
  private readonly api = inject(ApiClient);

  protected readonly status = httpResource<ApplianceStatus>(() => `${API_BASE}/system/appliance`);
  protected readonly tls = httpResource<TlsInfo>(() => `${API_BASE}/system/tls`);
  protected readonly statusData = latestValue(this.status);
  protected readonly tlsData = latestValue(this.tls);

  protected readonly certificatePem = signal('');
  protected readonly keyPem = signal('');
  protected readonly uploading = signal(false);
  protected readonly uploadError = signal('');
  protected readonly uploaded = signal(false);

  /** The action waiting for the admin's confirmation, if any. */
  protected readonly confirming = signal<PowerAction | null>(null);
  protected readonly powerMessage = signal('');
  protected readonly powerError = signal('');

  constructor() {
    pollEvery(10_000, this.status);
  }

  protected usedPct(disk: { total: number; used: number }): number {
    return disk.total ? (100 * disk.used) / disk.total : 0;
  }

  /** Reads a chosen PEM file into the matching field. */
  protected async readFile(event: Event, into: 'certificate' | 'key'): Promise<void> {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (!file) return;
    const text = await file.text();
    (into === 'certificate' ? this.certificatePem : this.keyPem).set(text);
    this.uploaded.set(false);
  }

  protected async upload(): Promise<void> {
    this.uploading.set(true);
    this.uploadError.set('');
    this.uploaded.set(false);
    try {
      await firstValueFrom(this.api.uploadCertificate({ certificate: this.certificatePem(), private_key: this.keyPem() }));
      // The key leaves the page once uploaded.
      this.keyPem.set('');
      this.certificatePem.set('');
      this.uploaded.set(true);
      this.tls.reload();
    } catch (error) {
      this.uploadError.set(errorMessage(error));
    } finally {
      this.uploading.set(false);
    }
  }

  protected async power(action: PowerAction): Promise<void> {
    this.confirming.set(null);
    this.powerError.set('');
    this.powerMessage.set('');
    try {
      await firstValueFrom(this.api.power(action));
      this.powerMessage.set(action === 'reboot' ? 'Rebooting: the portal comes back in a minute or two.' : 'Shutting down.');
    } catch (error) {
      this.powerError.set(errorMessage(error));
    }
  }
}
