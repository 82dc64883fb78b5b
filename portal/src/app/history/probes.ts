import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { RouterLink } from '@angular/router';
import type { HistoryProbe, HistoryProbesResponse, HistoryUsage } from '@flowprobe/api';
import { API_BASE } from '../core/api-client';
import { FORMAT_PIPES } from '../shared/format/format';
import { LoadState } from '../shared/load-state/load-state';

/** Range presets, ms back from now. */
const PRESETS = [
  { id: '15m', label: 'Last 15 min', ms: 15 * 60_000 },
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '24h', label: 'Last 24 h', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
] as const;

/** A probe whose latest record is older than this is marked silent. */
export const SILENT_AFTER_MS = 5 * 60_000;

/**
 * The probes writing into the history store (GET /api/v1/history/probes): with a
 * ClickHouse backend shared by a fleet, every probe that wrote in the range, its
 * records, flows and bytes, its throughput over the range and its last record (a
 * probe that went quiet stands out); with the embedded store, this probe. Each
 * links to the History page filtered on it.
 */
@Component({
  selector: 'app-history-probes',
  imports: [FormsModule, RouterLink, LoadState, ...FORMAT_PIPES],
  template: `
    <div class="page-header">
      <h1>Probes</h1>
      <span class="muted" data-testid="probes-total">{{ rows().length }} writing into the {{ backendLabel() }}</span>
      <span class="spacer"></span>
      <a class="btn" routerLink="/history">History</a>
    </div>
    <section class="card">
      <form class="filters" (submit)="$event.preventDefault()">
        <label>
          Range
          <select name="preset" [ngModel]="preset()" (ngModelChange)="choose($event)">
            @for (p of presets; track p.id) {
              <option [value]="p.id">{{ p.label }}</option>
            }
          </select>
        </label>
        <button type="button" class="btn" (click)="refresh()">Refresh</button>
      </form>
      <app-load-state
        what="probes"
        [loading]="probes.isLoading()"
        [hasValue]="probes.hasValue()"
        [error]="probes.error()"
        [empty]="rows().length === 0"
        emptyTitle="No probe wrote a flow record in this range."
        (retry)="probes.reload()"
      >
        <div class="table-scroll">
          <table class="data-table" data-testid="probes-table" [attr.data-from]="probes.value()?.from_ms" [attr.data-to]="probes.value()?.to_ms">
            <thead>
              <tr>
                <th>Probe</th><th class="num">Records</th><th class="num">Flows</th><th class="num">Bytes</th><th class="num">Packets</th>
                <th class="num">Records/s</th><th class="num">Throughput</th><th>Last record</th>
              </tr>
            </thead>
            <tbody>
              @for (p of rows(); track p.probe) {
                <tr [class.silent]="silent(p)">
                  <td><a [routerLink]="['/history']" [queryParams]="{ probe: p.probe }">{{ p.probe }}</a></td>
                  <td class="num">{{ p.records | count }}</td>
                  <td class="num">{{ p.flows | count }}</td>
                  <td class="num">{{ p.bytes | bytes }}</td>
                  <td class="num">{{ p.packets | count }}</td>
                  <td class="num">{{ p.records_per_s.toFixed(p.records_per_s < 10 ? 2 : 0) }}</td>
                  <td class="num">{{ p.bytes_per_s * 8 | bitRate }}</td>
                  <td>
                    {{ p.last_record_ms / 1000 | dateTime }}
                    <span class="muted small">({{ p.last_record_ms / 1000 | relativeTime: nowS() }})</span>
                    @if (silent(p)) {
                      <span class="badge sev-warning" data-testid="probe-silent">silent</span>
                    }
                  </td>
                </tr>
              }
            </tbody>
          </table>
        </div>
      </app-load-state>
    </section>
  `,
  styles: `
    .filters { display: flex; gap: 12px; align-items: end; margin-bottom: 12px; }
    tr.silent td:first-child { color: var(--sev-warning); }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HistoryProbes {
  protected readonly presets = PRESETS;
  protected readonly preset = signal<string>('1h');
  /** Bumped by "Refresh" and a preset's change: the range ends now. */
  private readonly now = signal(Date.now());
  protected readonly nowS = computed(() => this.now() / 1000);

  protected readonly probes = httpResource<HistoryProbesResponse>(() => {
    const p = PRESETS.find((x) => x.id === this.preset()) ?? PRESETS[1];
    return { url: `${API_BASE}/history/probes`, params: { from: this.now() - p.ms, to: this.now() } };
  });
  protected readonly usage = httpResource<HistoryUsage>(() => `${API_BASE}/history/usage`);
  protected readonly rows = computed<HistoryProbe[]>(() => this.probes.value()?.data ?? []);
  protected readonly backendLabel = computed(() => {
    const u = this.usage.value();
    if (!u) return 'history store';
    return u.backend === 'clickhouse' ? `shared ClickHouse store${u.clickhouse?.cluster ? ` (cluster ${u.clickhouse.cluster})` : ''}` : 'embedded store';
  });

  protected choose(preset: string): void {
    this.preset.set(preset);
    this.now.set(Date.now());
  }

  protected refresh(): void {
    this.now.set(Date.now());
  }

  protected silent(p: HistoryProbe): boolean {
    return this.now() - p.last_record_ms > SILENT_AFTER_MS;
  }
}
