import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, linkedSignal, signal, untracked } from '@angular/core';
import { latestValue } from '../../core/latest-value';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import type { AlertPage, FlowListResponse, HistorySeriesResponse, HostDetail, TimeseriesResponse } from '@flowprobe/api';
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
import { RangeChoice, RangePicker, choiceFromParams, choiceParams, choiceWindow, sameChoice } from '../../shared/range-picker/range-picker';
import { stackedRateSeries } from '../../shared/line-chart/stacked-series';
import { RANGES, trafficSeries } from './traffic-series';

/** The host is polled this often, ms; the "Live" range plots each answer. */
const LIVE_POLL_MS = 2_000;
/** Live samples kept: 5 minutes. */
const LIVE_SAMPLES = 150;

/** One host: counters, traffic over a chosen range, applications, its flows and alerts. */
@Component({
  selector: 'app-host-detail',
  imports: [RouterLink, LineChart, DoughnutChart, FlowTable, AlertTable, LoadState, RangePicker, ...FORMAT_PIPES],
  templateUrl: './host-detail.html',
  styleUrl: './host-detail.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HostDetailPage {
  protected readonly clock = inject(Clock);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  /** Route parameter. */
  readonly ip = input.required<string>();
  /** Start of the History link's range: the last 24 hours (to now). */
  protected historyFromMs(): number {
    return Math.floor((this.clock.now() - 86_400) * 1000);
  }
  /** Optional query parameter, for hosts seen on several VLANs. */
  readonly vlan = input<string>();
  /** The range in the URL (`?range=1h`, or a custom `?from=&to=` in ms), so a reload or a link opens the same range. */
  readonly range = input<string>();
  readonly from = input<string>();
  readonly to = input<string>();

  protected readonly ranges = RANGES;
  /** A preset (Live, 1 h...) or a custom from/to, typed or dragged on the chart; kept in the URL. */
  protected readonly choice = linkedSignal<RangeChoice>(() => choiceFromParams(RANGES, { range: this.range(), from: this.from(), to: this.to() }), {
    equal: sameChoice,
  });
  /** Bumped by the 60 s poll: a preset's window ends now. */
  private readonly now = signal(Date.now());
  /** The stored range shown, [from, to] ms; null = live. */
  protected readonly window = computed(() => choiceWindow(this.choice(), this.now()));
  protected readonly flowSort = signal<SortState>({ sort: 'bytes', order: 'desc' });

  protected readonly host = httpResource<HostDetail>(() => ({
    url: `${API_BASE}/hosts/${encodeURIComponent(this.ip())}`,
    params: queryParams({ vlan: this.vlan() }),
  }));
  protected readonly timeseries = httpResource<TimeseriesResponse>(() => {
    const w = this.window();
    if (!w) return undefined;
    return {
      url: `${API_BASE}/timeseries`,
      params: { metric: 'host:traffic', entity: this.vlan() ? `${this.ip()}@${this.vlan()}` : this.ip(), from: Math.floor(w[0] / 1000), to: Math.ceil(w[1] / 1000) },
    };
  });
  /** Bytes by application over the range (the last hour for Live), from the flow history, stacked. */
  protected readonly appHistory = httpResource<HistorySeriesResponse>(() => {
    const w = this.window() ?? [this.now() - 3_600_000, this.now()];
    return { url: `${API_BASE}/history/series`, params: { from: Math.floor(w[0]), to: Math.ceil(w[1]), host: this.ip(), by: 'application', limit: 6 } };
  });
  protected readonly appHistorySeries = computed<LineSeries[]>(() => {
    const s = this.appHistoryData();
    return s ? stackedRateSeries(s) : [];
  });
  protected readonly appHistoryRange = computed<[number, number] | null>(() => {
    const s = this.appHistoryData();
    return s ? [s.from_ms, s.to_ms] : null;
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
    if (!this.window()) return [{ label: 'Throughput', points: this.liveSamples() }];
    const ts = this.timeseriesData();
    return ts ? trafficSeries(ts) : [];
  });
  protected readonly trafficRange = computed<[number, number] | null>(() => {
    const ts = this.timeseriesData();
    return this.window() && ts ? [ts.from * 1000, ts.to * 1000] : null;
  });
  protected readonly applications = computed<Slice[]>(() =>
    this.hostData()?.applications.map((a) => ({ label: a.name, value: a.bytes })) ?? [],
  );
  protected readonly notFound = computed(() => (this.host.error() as { status?: number } | undefined)?.status === 404);

  protected readonly hostData = latestValue(this.host);
  protected readonly timeseriesData = latestValue(this.timeseries);
  protected readonly appHistoryData = latestValue(this.appHistory);
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
    pollEvery(60_000, this.timeseries, this.appHistory);
  }

  /** A range picked or dragged on a chart: the stored series of that range, written to the URL (a live chart keeps its own zoom). */
  protected choose(choice: RangeChoice): void {
    this.choice.set(choice);
    void this.router.navigate([], { relativeTo: this.route, queryParams: choiceParams(choice), queryParamsHandling: 'merge', replaceUrl: true });
  }

  protected zoomTo(range: [number, number]): void {
    this.choose({ kind: 'custom', fromMs: range[0], toMs: range[1] });
  }
}
