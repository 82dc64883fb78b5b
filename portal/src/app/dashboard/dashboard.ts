import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { latestValue } from '../core/latest-value';
import { RouterLink } from '@angular/router';
import type { AlertPage, AlertSeverity, FlowListResponse, FlowTrafficSummary, HostListResponse, HostPlaces, InterfaceListResponse } from '@flowprobe/api';
import { DASHBOARD_REQUESTS } from './dashboard-requests';
import { Clock } from '../core/clock';
import { LIVE_HISTORY_SAMPLES, LiveSocket } from '../core/live-socket';
import { pollEvery } from '../core/poll';
import { DoughnutChart, Slice } from '../shared/doughnut-chart/doughnut-chart';
import { FlowTable } from '../shared/flow-table/flow-table';
import { FORMAT_PIPES } from '../shared/format/format';
import { directionSeries } from '../shared/line-chart/direction-series';
import { LineChart, LineSeries } from '../shared/line-chart/line-chart';
import { LoadState } from '../shared/load-state/load-state';
import { SEVERITY_ORDER, SeverityBadge } from '../shared/severity-badge/severity-badge';
import { topApplications } from './top-applications';

/** Tables and rankings refresh every 5 s; the throughput chart follows the live socket (1 s). */
const REFRESH_MS = 5_000;

/** The overview: live throughput, top talkers, applications, flows, alerts and drops. */
@Component({
  selector: 'app-dashboard',
  imports: [RouterLink, LineChart, DoughnutChart, FlowTable, LoadState, SeverityBadge, ...FORMAT_PIPES],
  templateUrl: './dashboard.html',
  styleUrl: './dashboard.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Dashboard {
  protected readonly live = inject(LiveSocket);
  /** Time span the live chart shows, ms. */
  protected readonly historyMs = computed(() => LIVE_HISTORY_SAMPLES * this.live.intervalMs());
  protected readonly clock = inject(Clock);

  protected readonly hosts = httpResource<HostListResponse>(() => DASHBOARD_REQUESTS.hosts);
  protected readonly flows = httpResource<FlowListResponse>(() => DASHBOARD_REQUESTS.flows);
  /** Active traffic by server port, local↔remote pair, category and application (server-side, the 20 000 largest flows): also the applications doughnut. */
  protected readonly summary = httpResource<FlowTrafficSummary>(() => DASHBOARD_REQUESTS.summary);
  /** The full application breakdown is open ("Other" in the doughnut, or its link). */
  protected readonly breakdownOpen = signal(false);
  /** Remote hosts by country and AS (only shown when a geolocation database is configured). */
  protected readonly places = httpResource<HostPlaces>(() => DASHBOARD_REQUESTS.places);
  protected readonly interfaces = httpResource<InterfaceListResponse>(() => DASHBOARD_REQUESTS.interfaces);
  protected readonly engagedAlerts = httpResource<AlertPage>(() => DASHBOARD_REQUESTS.engagedAlerts);

  /** Download, upload and total per interface from the live socket's rolling history. */
  protected readonly throughput = computed<LineSeries[]>(() => {
    this.live.revision(); // recompute on every live sample
    return directionSeries(this.live.series());
  });
  protected readonly totals = computed(() => {
    const samples = this.live.latest();
    const fromList = this.interfacesData() ?? [];
    const source = samples.length ? samples : fromList;
    return {
      bps: source.reduce((n, i) => n + i.thpt.bps, 0),
      downloadBps: source.reduce((n, i) => n + i.thpt.download_bps, 0),
      uploadBps: source.reduce((n, i) => n + i.thpt.upload_bps, 0),
      pps: source.reduce((n, i) => n + i.thpt.pps, 0),
      hosts: source.reduce((n, i) => n + i.num_hosts, 0),
      flows: source.reduce((n, i) => n + i.num_flows, 0),
      drops: source.reduce((n, i) => n + i.drops, 0),
      known: source.length > 0,
    };
  });
  protected readonly applications = computed<Slice[]>(() =>
    topApplications(this.summaryData()?.applications ?? []),
  );
  protected readonly severities = computed(() => {
    const alerts = this.engagedAlertsData()?.data ?? [];
    const counts = new Map<AlertSeverity, number>();
    for (const alert of alerts) counts.set(alert.severity, (counts.get(alert.severity) ?? 0) + 1);
    return [...SEVERITY_ORDER].reverse().map((severity) => ({ severity, count: counts.get(severity) ?? 0 }));
  });
  protected readonly engagedTotal = computed(() => this.engagedAlertsData()?.total ?? 0);
  protected readonly maxHostBytes = computed(() => Math.max(1, ...(this.hostsData()?.data.map((h) => h.bytes.total) ?? [])));

  protected readonly hostsData = latestValue(this.hosts);
  protected readonly flowsData = latestValue(this.flows);
  protected readonly interfacesData = latestValue(this.interfaces);
  protected readonly placesData = latestValue(this.places);
  protected readonly summaryData = latestValue(this.summary);
  protected readonly maxPortBytes = computed(() => Math.max(1, ...(this.summaryData()?.ports.map((p) => p.bytes) ?? [])));
  protected readonly maxPairBytes = computed(() => Math.max(1, ...(this.summaryData()?.pairs.map((p) => p.bytes) ?? [])));
  protected readonly categoryTotal = computed(() => Math.max(1, (this.summaryData()?.categories ?? []).reduce((n, c) => n + c.bytes, 0)));
  protected readonly applicationTotal = computed(() => Math.max(1, (this.summaryData()?.applications ?? []).reduce((n, a) => n + a.bytes, 0)));
  protected readonly maxCountryBytes = computed(() => Math.max(1, ...(this.placesData()?.countries.map((c) => c.bytes) ?? [])));
  protected readonly maxAsnBytes = computed(() => Math.max(1, ...(this.placesData()?.asns.map((a) => a.bytes) ?? [])));
  protected readonly engagedAlertsData = latestValue(this.engagedAlerts);

  constructor() {
    pollEvery(REFRESH_MS, this.hosts, this.flows, this.interfaces, this.engagedAlerts);
    pollEvery(REFRESH_MS * 3, this.places, this.summary);
  }

  /** "Other" (slice or legend) opens the full breakdown; another slice opens the flows of that application. */
  protected onApplicationClick(label: string): void {
    if (label === 'Other') this.breakdownOpen.set(true);
  }
}
