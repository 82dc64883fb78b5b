import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { AlertView, CheckInfo } from '@flowprobe/api';
import { firstValueFrom } from 'rxjs';
import { API_BASE, ApiClient, errorMessage } from '../../core/api-client';
import { Auth } from '../../core/auth';
import { Clock } from '../../core/clock';
import { latestValue } from '../../core/latest-value';
import { FORMAT_PIPES } from '../../shared/format/format';
import { LoadState } from '../../shared/load-state/load-state';
import { SeverityBadge } from '../../shared/severity-badge/severity-badge';

/** How far around an alert its History link reaches. */
const HISTORY_MARGIN_MS = 15 * 60_000;

/**
 * One alert: what (check, severity, score), why (its description and what the
 * check looks for), the evidence (the check's details, the flow's endpoints and
 * counters), links to the host and the flow, and acknowledgement.
 */
@Component({
  selector: 'app-alert-detail',
  imports: [RouterLink, LoadState, SeverityBadge, ...FORMAT_PIPES],
  templateUrl: './alert-detail.html',
  styles: `
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.3rem 0.9rem; margin: 0; }
    dt { color: var(--text-muted); } dd { margin: 0; overflow-wrap: anywhere; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AlertDetailPage {
  private readonly api = inject(ApiClient);
  protected readonly auth = inject(Auth);
  protected readonly clock = inject(Clock);

  /** Route parameter. */
  readonly id = input.required<string>();

  protected readonly alert = httpResource<AlertView>(() => `${API_BASE}/alerts/${encodeURIComponent(this.id())}`);
  protected readonly alertData = latestValue(this.alert);
  protected readonly checks = httpResource<CheckInfo[]>(() => `${API_BASE}/alerts/checks`);
  protected readonly check = computed(() => (this.checks.hasValue() ? this.checks.value()?.find((c) => c.id === this.alertData()?.check) : undefined));
  protected readonly details = computed(() => Object.entries(this.alertData()?.details ?? {}));
  protected readonly actionError = signal('');
  /**
   * History opened on the alert's host (or its flow's client) from 15 minutes
   * before the alert was raised to 15 minutes after it ended (or was raised).
   */
  protected readonly historyLink = computed(() => {
    const a = this.alertData();
    const host = a?.host ?? a?.flow?.client.ip;
    if (!a || !host) return null;
    const raised = Date.parse(a.time);
    const ended = a.end_time ? Date.parse(a.end_time) : raised;
    if (!Number.isFinite(raised) || !Number.isFinite(ended)) return null;
    return { host, from: raised - HISTORY_MARGIN_MS, to: ended + HISTORY_MARGIN_MS };
  });

  protected unixS(iso: string | null): number | null {
    return iso ? Date.parse(iso) / 1000 : null;
  }

  protected async acknowledge(): Promise<void> {
    this.actionError.set('');
    try {
      await firstValueFrom(this.api.acknowledgeAlert(this.id()));
      this.alert.reload();
    } catch (error) {
      this.actionError.set(`Could not acknowledge: ${errorMessage(error)}`);
    }
  }
}
