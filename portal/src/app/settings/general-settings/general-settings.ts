import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, effect, inject, signal } from '@angular/core';
import { latestValue } from '../../core/latest-value';
import { FormsModule } from '@angular/forms';
import type { RetentionSettings, Settings, SystemInfo } from '@flowprobe/api';
import { firstValueFrom } from 'rxjs';
import { API_BASE, ApiClient, errorMessage } from '../../core/api-client';
import { LoadState } from '../../shared/load-state/load-state';

/** Retention fields in display order, with what each keeps. */
const RETENTION_FIELDS: { key: keyof RetentionSettings; label: string }[] = [
  { key: 'minute_days', label: 'Per-minute interface series' },
  { key: 'five_minute_days', label: 'Per-5-minute host series' },
  { key: 'hourly_days', label: 'Hourly rollups' },
  { key: 'daily_days', label: 'Daily rollups' },
  { key: 'alerts_days', label: 'Past alerts' },
];

/** Capture sources (read-only, from the boot config), local networks, live period and retention. */
@Component({
  selector: 'app-general-settings',
  imports: [FormsModule, LoadState],
  templateUrl: './general-settings.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class GeneralSettings {
  private readonly api = inject(ApiClient);

  protected readonly settings = httpResource<Settings>(() => `${API_BASE}/settings`);
  protected readonly system = httpResource<SystemInfo>(() => `${API_BASE}/system`);
  protected readonly retentionFields = RETENTION_FIELDS;

  /** Editable copy: one CIDR per line. */
  protected readonly localNetworks = signal('');
  protected readonly liveIntervalMs = signal(1000);
  protected readonly retention = signal<RetentionSettings | null>(null);
  protected readonly saving = signal(false);
  protected readonly error = signal('');
  protected readonly saved = signal(false);

  protected readonly settingsData = latestValue(this.settings);
  protected readonly systemData = latestValue(this.system);

  constructor() {
    // Fill the form whenever the server's settings (re)load.
    effect(() => {
      const s = this.settingsData();
      if (!s) return;
      this.localNetworks.set(s.local_networks.join('\n'));
      this.liveIntervalMs.set(s.live_interval_ms);
      this.retention.set({ ...s.retention });
    });
  }

  protected setRetention(key: keyof RetentionSettings, value: number): void {
    const current = this.retention();
    if (current) this.retention.set({ ...current, [key]: value });
    this.saved.set(false);
  }

  protected async save(): Promise<void> {
    this.saving.set(true);
    this.error.set('');
    this.saved.set(false);
    try {
      const body = {
        local_networks: this.localNetworks()
          .split(/[\s,]+/)
          .map((s) => s.trim())
          .filter(Boolean),
        live_interval_ms: Number(this.liveIntervalMs()),
        retention: this.retention() ?? undefined,
      };
      const updated = await firstValueFrom(this.api.updateSettings(body));
      this.settings.set(updated);
      this.saved.set(true);
    } catch (error) {
      this.error.set(errorMessage(error));
    } finally {
      this.saving.set(false);
    }
  }
}
