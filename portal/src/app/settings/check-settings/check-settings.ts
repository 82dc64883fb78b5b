import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, effect, inject, signal } from '@angular/core';
import { latestValue } from '../../core/latest-value';
import { FormsModule } from '@angular/forms';
import type { Settings } from '@flowprobe/api';
import { firstValueFrom } from 'rxjs';
import { API_BASE, ApiClient, errorMessage } from '../../core/api-client';
import { LoadState } from '../../shared/load-state/load-state';

type CheckConfig = Settings['checks'][string];
type ParamValue = number | boolean | string;

/** One row of the form: a check and its tunable parameters (every key but `enabled`). */
interface CheckRow {
  id: string;
  enabled: boolean;
  params: { key: string; value: ParamValue }[];
}

/** "syn_scan" → "Syn scan"; "threshold_pps" → "Threshold pps". */
function humanize(id: string): string {
  const words = id.replace(/[_.-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Enable, disable and tune the alert checks (flow, host and interface). */
@Component({
  selector: 'app-check-settings',
  imports: [FormsModule, LoadState],
  templateUrl: './check-settings.html',
  styles: `
    .param { display: inline-flex; flex-direction: column; gap: 0.15rem; margin: 0 0.75rem 0.35rem 0; font-size: 0.8rem; color: var(--text-muted); }
    .param input[type='number'] { width: 8rem; }
    .save-bar { display: flex; gap: 0.75rem; align-items: center; margin-top: 1rem; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CheckSettings {
  private readonly api = inject(ApiClient);

  protected readonly settings = httpResource<Settings>(() => `${API_BASE}/settings`);
  protected readonly rows = signal<CheckRow[]>([]);
  protected readonly filter = signal('');
  protected readonly visible = computed(() => {
    const q = this.filter().trim().toLowerCase();
    return q ? this.rows().filter((r) => r.id.toLowerCase().includes(q)) : this.rows();
  });
  protected readonly saving = signal(false);
  protected readonly error = signal('');
  protected readonly saved = signal(false);
  protected readonly humanize = humanize;

  protected readonly settingsData = latestValue(this.settings);

  constructor() {
    effect(() => {
      const checks = this.settingsData()?.checks;
      if (!checks) return;
      this.rows.set(
        Object.keys(checks)
          .sort()
          .map((id) => ({
            id,
            enabled: checks[id].enabled,
            params: Object.entries(checks[id])
              .filter(([key]) => key !== 'enabled')
              .map(([key, value]) => ({ key, value })),
          })),
      );
    });
  }

  protected setEnabled(row: CheckRow, enabled: boolean): void {
    this.rows.update((rows) => rows.map((r) => (r === row ? { ...r, enabled } : r)));
    this.saved.set(false);
  }

  protected setParam(row: CheckRow, key: string, raw: string | boolean): void {
    this.rows.update((rows) =>
      rows.map((r) => {
        if (r !== row) return r;
        const params = r.params.map((p) => {
          if (p.key !== key) return p;
          const value: ParamValue = typeof p.value === 'number' ? Number(raw) : raw;
          return { key, value };
        });
        return { ...r, params };
      }),
    );
    this.saved.set(false);
  }

  protected typeOf(value: ParamValue): string {
    return typeof value;
  }

  protected async save(): Promise<void> {
    this.saving.set(true);
    this.error.set('');
    try {
      const checks: Record<string, CheckConfig> = {};
      for (const row of this.rows()) {
        checks[row.id] = { enabled: row.enabled, ...Object.fromEntries(row.params.map((p) => [p.key, p.value])) };
      }
      this.settings.set(await firstValueFrom(this.api.updateSettings({ checks })));
      this.saved.set(true);
    } catch (error) {
      this.error.set(errorMessage(error));
    } finally {
      this.saving.set(false);
    }
  }
}
