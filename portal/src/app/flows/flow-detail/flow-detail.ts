import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { AlertPage, FlowDetail } from '@flowprobe/api';
import { API_BASE } from '../../core/api-client';
import { Clock } from '../../core/clock';
import { latestValue } from '../../core/latest-value';
import { pollEvery } from '../../core/poll';
import { AlertTable } from '../../shared/alert-table/alert-table';
import { FORMAT_PIPES } from '../../shared/format/format';
import { LoadState } from '../../shared/load-state/load-state';

/**
 * One active flow: both endpoints with their names, application, category,
 * server name, risks with what they mean, score, counters per direction, TCP
 * flags, retransmissions, timings, Community ID, DPI metadata, and the alerts
 * raised on it. Polled while open; once the flow ends the last answer stays.
 */
@Component({
  selector: 'app-flow-detail',
  imports: [RouterLink, AlertTable, LoadState, ...FORMAT_PIPES],
  templateUrl: './flow-detail.html',
  styles: `
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.3rem 0.9rem; margin: 0; }
    dt { color: var(--text-muted); } dd { margin: 0; overflow-wrap: anywhere; }
    .direction th, .direction td { text-align: right; } .direction th:first-child, .direction td:first-child { text-align: left; }
    .risks li { margin-bottom: 0.4rem; }
    .score-high { color: var(--danger); font-weight: 600; }
    .copy { margin-left: 0.4rem; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FlowDetailPage {
  protected readonly clock = inject(Clock);

  /** Route parameters. */
  readonly ifid = input.required<string>();
  readonly key = input.required<string>();

  protected readonly flow = httpResource<FlowDetail>(() => ({
    url: `${API_BASE}/flows/${encodeURIComponent(this.key())}`,
    params: { ifid: this.ifid() },
  }));
  protected readonly flowData = latestValue(this.flow);
  /** 404: the flow ended (or the key is stale); the last answer stays on screen. */
  protected readonly ended = computed(() => (this.flow.error() as { status?: number } | undefined)?.status === 404);

  protected readonly alerts = httpResource<AlertPage>(() => {
    const entity = this.flowData()?.alert_entity_value;
    if (!entity) return undefined;
    // Flow alerts are stored at once (status "triggered"); a label names its 5-tuple, so keep those of this flow's lifetime.
    return { url: `${API_BASE}/alerts`, params: { state: 'past', entity: 'flow', entity_value: entity, from: Math.floor(this.flowData()!.first_seen), limit: 50 } };
  });
  protected readonly alertsData = latestValue(this.alerts);

  constructor() {
    pollEvery(3_000, this.flow, this.alerts);
  }

  /** Start of the History range linked from the page: a minute before the flow's first packet, ms. */
  protected historyFromMs(f: FlowDetail): number {
    return Math.floor((f.first_seen - 60) * 1000);
  }

  protected infoEntries(f: FlowDetail): [string, string | number][] {
    return Object.entries(f.info);
  }

  protected copy(text: string): void {
    void navigator.clipboard?.writeText(text);
  }
}
