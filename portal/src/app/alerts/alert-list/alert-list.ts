import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, linkedSignal, signal, untracked } from '@angular/core';
import { latestValue } from '../../core/latest-value';
import { FormsModule } from '@angular/forms';
import type { AlertPage, AlertSeverity, AlertView } from '@flowprobe/api';
import { firstValueFrom } from 'rxjs';
import { API_BASE, ApiClient, errorMessage } from '../../core/api-client';
import { Auth } from '../../core/auth';
import { LiveSocket } from '../../core/live-socket';
import { pollEvery, queryParams } from '../../core/poll';
import { AlertTable } from '../../shared/alert-table/alert-table';
import { FORMAT_PIPES } from '../../shared/format/format';
import { ExportLinks } from '../../shared/export-links/export-links';
import { LoadState } from '../../shared/load-state/load-state';
import { Pager } from '../../shared/pager/pager';
import { SEVERITY_ORDER } from '../../shared/severity-badge/severity-badge';

/** Time filter choices, seconds back from now (0 = any time). */
const PERIODS = [
  { label: 'Any time', seconds: 0 },
  { label: 'Last hour', seconds: 3600 },
  { label: 'Last 24 h', seconds: 86_400 },
  { label: 'Last 7 days', seconds: 7 * 86_400 },
];

/** Engaged and past alerts with filters by severity, entity, host and time; acknowledge. */
@Component({
  selector: 'app-alert-list',
  imports: [ExportLinks, FormsModule, AlertTable, LoadState, Pager, ...FORMAT_PIPES],
  templateUrl: './alert-list.html',
  styles: `
    .bulk-bar { display: flex; gap: 0.6rem; align-items: center; flex-wrap: wrap; margin: 0.25rem 0 0.75rem; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AlertList {
  private readonly api = inject(ApiClient);
  private readonly live = inject(LiveSocket);
  protected readonly auth = inject(Auth);

  protected readonly severities = [...SEVERITY_ORDER].reverse();
  protected readonly periods = PERIODS;
  /** `?tab=past` (the navigation badge opens the tab its alerts are in). */
  readonly tab = input<string>();
  protected readonly state = linkedSignal<'engaged' | 'past'>(() => (this.tab() === 'past' ? 'past' : 'engaged'));
  protected readonly severity = signal<AlertSeverity | ''>('');
  protected readonly entity = signal<'flow' | 'host' | 'interface' | ''>('');
  protected readonly host = signal('');
  protected readonly periodS = signal(0);
  protected readonly acknowledged = signal<'' | 'true' | 'false'>('');
  protected readonly limit = signal(25);
  protected readonly offset = linkedSignal({
    source: () => [this.state(), this.severity(), this.entity(), this.host(), this.periodS(), this.acknowledged(), this.limit()],
    computation: () => 0,
  });
  protected readonly actionError = signal('');

  /** Filters: the page's query, the export's and the bulk acknowledgement's. */
  protected readonly query = computed(() =>
    queryParams({
      state: this.state(),
      severity: this.severity(),
      entity: this.entity(),
      host: this.host().trim(),
      from: this.periodS() ? Math.floor(Date.now() / 1000) - this.periodS() : undefined,
      acknowledged: this.state() === 'past' ? this.acknowledged() : '',
    }),
  );
  protected readonly alerts = httpResource<AlertPage>(() => ({
    url: `${API_BASE}/alerts`,
    params: { ...this.query(), limit: this.limit(), offset: this.offset() },
  }));
  protected readonly filtered = computed(() => !!(this.severity() || this.entity() || this.host() || this.periodS() || (this.state() === 'past' && this.acknowledged())));

  /** The last page loaded, kept on screen while the next one loads. */
  protected readonly rows = latestValue(this.alerts);

  constructor() {
    pollEvery(10_000, this.alerts);
    // A new alert on the live socket: show it now rather than at the next poll.
    effect(() => {
      if (this.live.alerts().length) untracked(() => this.alerts.reload());
      this.live.markAlertsSeen();
    });
  }

  /** "Acknowledge all matching": asked first with the count, then one request with the filters. */
  protected readonly confirmBulk = signal(false);
  protected readonly bulkResult = signal<string>('');

  protected async acknowledgeMatching(): Promise<void> {
    this.actionError.set('');
    this.confirmBulk.set(false);
    // The list's filters but the state (past only) and the status (only unacknowledged ones change).
    const { state: _state, acknowledged: _ack, ...filters } = this.query();
    try {
      const { acknowledged } = await firstValueFrom(this.api.acknowledgeAlerts(filters));
      this.bulkResult.set(`${acknowledged} alert${acknowledged === 1 ? '' : 's'} acknowledged.`);
      this.alerts.reload();
    } catch (error) {
      this.actionError.set(`Could not acknowledge: ${errorMessage(error)}`);
    }
  }

  protected async acknowledge(alert: AlertView): Promise<void> {
    this.actionError.set('');
    try {
      await firstValueFrom(this.api.acknowledgeAlert(alert.id));
      this.alerts.reload();
    } catch (error) {
      this.actionError.set(`Could not acknowledge: ${errorMessage(error)}`);
    }
  }
}
