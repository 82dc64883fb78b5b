import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, effect, inject, signal } from '@angular/core';
import { latestValue } from '../../core/latest-value';
import { FormsModule } from '@angular/forms';
import type { CheckInfo, CheckParamUnit, Settings } from '@flowprobe/api';
import { firstValueFrom } from 'rxjs';
import { API_BASE, ApiClient, errorMessage } from '../../core/api-client';
import { LoadState } from '../../shared/load-state/load-state';

type CheckConfig = Settings['checks'][string];
type ParamValue = number | boolean | string;

/** A unit an admin may type a threshold in, and what it multiplies. */
interface UnitChoice {
  label: string;
  factor: number;
}

/** Units offered per kind of setting (largest that divides the value is shown first). */
const UNIT_CHOICES: Partial<Record<CheckParamUnit, UnitChoice[]>> = {
  bytes: [
    { label: 'B', factor: 1 },
    { label: 'KiB', factor: 1024 },
    { label: 'MiB', factor: 1024 ** 2 },
    { label: 'GiB', factor: 1024 ** 3 },
    { label: 'TiB', factor: 1024 ** 4 },
  ],
  seconds: [
    { label: 's', factor: 1 },
    { label: 'min', factor: 60 },
    { label: 'h', factor: 3600 },
    { label: 'd', factor: 86400 },
  ],
};
/** Fixed suffix of the other kinds. */
const UNIT_SUFFIX: Record<CheckParamUnit, string> = { bytes: '', seconds: '', percent: '%', per_minute: 'per minute', score: '', count: '' };

/** The largest unit in which `value` is a whole number (1073741824 bytes -> 1 GiB). */
export function bestUnit(value: number, choices: UnitChoice[]): UnitChoice {
  for (let i = choices.length - 1; i > 0; i--) if (value !== 0 && value % choices[i].factor === 0) return choices[i];
  return choices[0];
}

/** One tunable parameter: its value as stored, and as shown (number in `unit`). */
interface ParamRow {
  key: string;
  value: ParamValue;
  label: string;
  units: UnitChoice[];
  unit: UnitChoice | null;
  suffix: string;
}

/** One row of the form: a check and its tunable parameters (every key but `enabled`). */
interface CheckRow {
  id: string;
  title: string;
  description: string;
  entity: string;
  enabled: boolean;
  params: ParamRow[];
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
    .param input[type='number'] { width: 7rem; }
    .with-unit { display: inline-flex; gap: 0.3rem; align-items: center; color: var(--text); }
    .save-bar { display: flex; gap: 0.75rem; align-items: center; margin-top: 1rem; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CheckSettings {
  private readonly api = inject(ApiClient);

  protected readonly settings = httpResource<Settings>(() => `${API_BASE}/settings`);
  /** Names, descriptions and units of the checks (the settings hold only ids and numbers). */
  protected readonly catalog = httpResource<CheckInfo[]>(() => `${API_BASE}/alerts/checks`);
  protected readonly catalogData = latestValue(this.catalog);
  protected readonly rows = signal<CheckRow[]>([]);
  protected readonly filter = signal('');
  protected readonly visible = computed(() => {
    const q = this.filter().trim().toLowerCase();
    return q ? this.rows().filter((r) => `${r.id} ${r.title} ${r.description}`.toLowerCase().includes(q)) : this.rows();
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
      const info = new Map((this.catalogData() ?? []).map((c) => [c.id, c]));
      this.rows.set(
        Object.keys(checks)
          .map((id) => {
            const c = info.get(id);
            return {
              id,
              title: c?.title ?? humanize(id),
              description: c?.description ?? '',
              entity: c?.entity ?? '',
              enabled: checks[id].enabled,
              params: Object.entries(checks[id])
                .filter(([key]) => key !== 'enabled')
                .map(([key, value]) => {
                  const unit = c?.params[key]?.unit ?? 'count';
                  const units = UNIT_CHOICES[unit] ?? [];
                  return {
                    key,
                    value,
                    label: c?.params[key]?.label ?? humanize(key),
                    units,
                    unit: units.length && typeof value === 'number' ? bestUnit(value, units) : null,
                    suffix: UNIT_SUFFIX[unit],
                  };
                }),
            };
          })
          .sort((a, b) => a.entity.localeCompare(b.entity) || a.title.localeCompare(b.title)),
      );
    });
  }

  /** A number as shown in its unit (1073741824 in GiB -> 1). */
  protected shown(p: ParamRow): number | ParamValue {
    return p.unit && typeof p.value === 'number' ? p.value / p.unit.factor : p.value;
  }

  protected setUnit(row: CheckRow, key: string, label: string): void {
    this.updateParam(row, key, (p) => {
      const unit = p.units.find((u) => u.label === label) ?? p.unit;
      // The number on screen stays; what it means changes with the unit.
      return { ...p, unit, value: typeof p.value === 'number' && p.unit && unit ? (p.value / p.unit.factor) * unit.factor : p.value };
    });
  }

  private updateParam(row: CheckRow, key: string, change: (p: ParamRow) => ParamRow): void {
    this.rows.update((rows) => rows.map((r) => (r !== row ? r : { ...r, params: r.params.map((p) => (p.key === key ? change(p) : p)) })));
    this.saved.set(false);
  }

  protected setEnabled(row: CheckRow, enabled: boolean): void {
    this.rows.update((rows) => rows.map((r) => (r === row ? { ...r, enabled } : r)));
    this.saved.set(false);
  }

  protected setParam(row: CheckRow, key: string, raw: string | boolean): void {
    this.updateParam(row, key, (p) => ({ ...p, value: typeof p.value === 'number' ? Number(raw) * (p.unit?.factor ?? 1) : raw }));
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
