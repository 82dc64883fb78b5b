import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { latestValue } from '../../core/latest-value';
import { RouterLink } from '@angular/router';
import type { AlertPage, FlowListResponse, HostDetail, TimeseriesResponse } from '@flowprobe/api';
import { API_BASE } from '../../core/api-client';
import { Clock } from '../../core/clock';
import { pollEvery, queryParams } from '../../core/poll';
import { AlertTable } from '../../shared/alert-table/alert-table';
import { DoughnutChart, Slice } from '../../shared/doughnut-chart/doughnut-chart';
import { FlowTable } from '../../shared/flow-table/flow-table';
import { FORMAT_PIPES } from '../../shared/format/format';
import { LineChart, LineSeries } from '../../shared/line-chart/line-chart';
import { LoadState } from '../../shared/load-state/load-state';
import { SortState } from '../../shared/sort-header/sort-header';
import { RANGES, TimeRange, trafficSeries } from './traffic-series';

/** The host is polled this often, ms; the "Live" range plots each answer. */
const LIVE_POLL_MS = 2_000;
/** Live samples kept: 5 minutes. */
const LIVE_SAMPLES = 150;

/** One host: counters, traffic over a chosen range, applications, its flows and alerts. */
@Component({
  selector: 'app-host-detail',
  imports: [RouterLink, LineChart, DoughnutChart, FlowTable, AlertTable, LoadState, ...FORMAT_PIPES],
  templateUrl: './host-detail.html',
  styleUrl: './host-detail.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HostDetailPage {
  protected readonly clock = inject(Clock);

  /** Route parameter. */
  readonly ip = input.required<string>();
  /** Start of the History link's range: the last 24 hours (to now). */
  protected historyFromMs(): number {
    return Math.floor((this.clock.now() - 86_400) * 1000);
  }
  /** Optional query parameter, for hosts seen on several VLANs. */
  readonly vlan = input<string>();

  protected readonly ranges = RANGES;
  protected readonly range = signal<TimeRange>(RANGES[0]);
  protected readonly flowSort = signal<SortState>({ sort: 'bytes', order: 'desc' });

  protected readonly host = httpResource<HostDetail>(() => ({
    url: `${API_BASE}/hosts/${encodeURIComponent(this.ip())}`,
    params: queryParams({ vlan: this.vlan() }),
  }));
  protected readonly timeseries = httpResource<TimeseriesResponse>(() => {
    if (!this.range().seconds) return undefined;
    const to = Math.floor(Date.now() / 1000);
    return {
      url: `${API_BASE}/timeseries`,
      params: { metric: 'host:traffic', entity: this.vlan() ? `${this.ip()}@${this.vlan()}` : this.ip(), from: to - this.range().seconds, to },
    };
  });
  protected readonly flows = httpResource<FlowListResponse>(() => ({
    url: `${API_BASE}/flows`,
    params: { host: this.ip(), sort: this.flowSort().sort, order: this.flowSort().order, limit: 25 },
  }));
  protected readonly alerts = httpResource<AlertPage>(() => ({
    url: `${API_BASE}/alerts`,
    params: { host: this.ip(), state: 'engaged', limit: 50, offset: 0 },
  }));
  protected readonly pastAlerts = httpResource<AlertPage>(() => ({
    url: `${API_BASE}/alerts`,
    params: { host: this.ip(), state: 'past', limit: 20, offset: 0 },
  }));

  /** Throughput samples polled since the page opened (the "Live" range), oldest first. */
  private readonly liveSamples = signal<{ x: number; y: number }[]>([]);
  protected readonly traffic = computed<LineSeries[]>(() => {
    if (!this.range().seconds) return [{ label: 'Throughput', points: this.liveSamples() }];
    const ts = this.timeseriesData();
    return ts ? trafficSeries(ts) : [];
  });
  protected readonly trafficRange = computed<[number, number] | null>(() => {
    const ts = this.timeseriesData();
    return this.range().seconds && ts ? [ts.from * 1000, ts.to * 1000] : null;
  });
  protected readonly applications = computed<Slice[]>(() =>
    this.hostData()?.applications.map((a) => ({ label: a.name, value: a.bytes })) ?? [],
  );
  protected readonly notFound = computed(() => (this.host.error() as { status?: number } | undefined)?.status === 404);

  protected readonly hostData = latestValue(this.host);
  protected readonly timeseriesData = latestValue(this.timeseries);
  protected readonly flowsData = latestValue(this.flows);
  protected readonly alertsData = latestValue(this.alerts);
  protected readonly pastAlertsData = latestValue(this.pastAlerts);

  constructor() {
    pollEvery(LIVE_POLL_MS, this.host);
    pollEvery(5_000, this.flows, this.alerts);
    effect(() => {
      const host = this.hostData();
      if (!host || host.ip !== this.ip()) return;
      const sample = { x: Date.now(), y: host.thpt.bps };
      untracked(() => this.liveSamples.update((s) => [...s, sample].slice(-LIVE_SAMPLES)));
    });
    pollEvery(60_000, this.timeseries);
  }
}
