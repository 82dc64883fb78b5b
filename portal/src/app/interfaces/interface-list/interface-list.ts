import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, input, linkedSignal } from '@angular/core';
import { latestValue } from '../../core/latest-value';
import type { HistorySeriesResponse, InterfaceInfo, InterfaceListResponse, TimeseriesResponse } from '@flowprobe/api';
import { ActivatedRoute, Router } from '@angular/router';
import { API_BASE } from '../../core/api-client';
import { LIVE_HISTORY_SAMPLES, LiveSocket } from '../../core/live-socket';
import { pollEvery } from '../../core/poll';
import { FORMAT_PIPES } from '../../shared/format/format';
import { directionSeries } from '../../shared/line-chart/direction-series';
import { LineChart, LineSeries } from '../../shared/line-chart/line-chart';
import { LoadState } from '../../shared/load-state/load-state';
import { stackedRateSeries } from '../../shared/line-chart/stacked-series';
import { RangeChoice, RangePicker, TimeRange, choiceFromParams, choiceParams, choiceWindow, sameChoice } from '../../shared/range-picker/range-picker';

const HISTORY_RANGES: TimeRange[] = [
  { label: '1 h', seconds: 3600 },
  { label: '24 h', seconds: 86_400 },
  { label: '7 d', seconds: 7 * 86_400 },
];

/** Capture interfaces: counters, drops, per-queue load, live and historical throughput. */
@Component({
  selector: 'app-interface-list',
  imports: [LineChart, LoadState, RangePicker, ...FORMAT_PIPES],
  templateUrl: './interface-list.html',
  styleUrl: './interface-list.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class InterfaceList {
  private readonly live = inject(LiveSocket);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  protected readonly historyMs = computed(() => LIVE_HISTORY_SAMPLES * this.live.intervalMs());
  /** `?id=` preselects an interface. */
  readonly id = input<string>();
  /** The history's range in the URL (`?range=24h`, or a custom `?from=&to=` in ms), so a reload or a link opens the same range. */
  readonly range = input<string>();
  readonly from = input<string>();
  readonly to = input<string>();

  protected readonly interfaces = httpResource<InterfaceListResponse>(() => `${API_BASE}/interfaces`);
  protected readonly selectedId = linkedSignal(() => (this.id() !== undefined ? Number(this.id()) : null));
  protected readonly selected = computed<InterfaceInfo | undefined>(() => {
    const list = this.interfacesData() ?? [];
    return list.find((i) => i.id === this.selectedId()) ?? list[0];
  });
  protected readonly ranges = HISTORY_RANGES;
  /** A preset or a custom from/to (typed, or dragged on a chart); kept in the URL. */
  protected readonly choice = linkedSignal<RangeChoice>(() => choiceFromParams(HISTORY_RANGES, { range: this.range(), from: this.from(), to: this.to() }), {
    equal: sameChoice,
  });
  private readonly window = computed(() => choiceWindow(this.choice(), Date.now())!);

  protected readonly history = httpResource<TimeseriesResponse>(() => {
    const iface = this.selected();
    if (!iface) return undefined;
    const [from, to] = this.window();
    return { url: `${API_BASE}/timeseries`, params: { metric: 'interface:traffic', entity: String(iface.id), from: Math.floor(from / 1000), to: Math.ceil(to / 1000) } };
  });
  /** Bytes by application over the range, from the flow history (every interface of the store), stacked. */
  protected readonly appHistory = httpResource<HistorySeriesResponse>(() => {
    const [from, to] = this.window();
    return { url: `${API_BASE}/history/series`, params: { from: Math.floor(from), to: Math.ceil(to), by: 'application', limit: 6 } };
  });
  protected readonly appHistorySeries = computed<LineSeries[]>(() => {
    const s = this.appHistoryData();
    return s ? stackedRateSeries(s) : [];
  });
  protected readonly appHistoryRange = computed<[number, number] | null>(() => {
    const s = this.appHistoryData();
    return s ? [s.from_ms, s.to_ms] : null;
  });

  protected readonly liveSeries = computed<LineSeries[]>(() => {
    this.live.revision();
    const iface = this.selected();
    const series = this.live.series().find((s) => s.id === iface?.id);
    return series ? directionSeries([series]) : [];
  });
  protected readonly historySeries = computed<LineSeries[]>(() => {
    const ts = this.historyData();
    if (!ts) return [];
    return [
      { label: 'Throughput', points: ts.points.map((p) => ({ x: p.t * 1000, y: p['bps'] ?? ((p['bytes'] ?? 0) * 8) / ts.step })) },
      { label: 'Drops/s', points: ts.points.map((p) => ({ x: p.t * 1000, y: (p['drops'] ?? 0) / ts.step })) },
    ];
  });
  protected readonly historyRange = computed<[number, number] | null>(() => {
    const ts = this.historyData();
    return ts ? [ts.from * 1000, ts.to * 1000] : null;
  });
  protected readonly decodeErrors = computed(() => Object.entries(this.selected()?.decode_errors ?? {}).filter(([, n]) => n > 0));
  protected readonly maxQueuePackets = computed(() => Math.max(1, ...(this.selected()?.queues.map((q) => q.packets) ?? [])));

  protected readonly interfacesData = latestValue(this.interfaces);
  protected readonly historyData = latestValue(this.history);
  protected readonly appHistoryData = latestValue(this.appHistory);

  constructor() {
    pollEvery(2_000, this.interfaces);
    pollEvery(60_000, this.history, this.appHistory);
  }

  /** A range picked, or dragged on a stored chart: load that range, and write it to the URL. */
  protected choose(choice: RangeChoice): void {
    this.choice.set(choice);
    void this.router.navigate([], { relativeTo: this.route, queryParams: choiceParams(choice), queryParamsHandling: 'merge', replaceUrl: true });
  }

  protected zoomTo(range: [number, number]): void {
    this.choose({ kind: 'custom', fromMs: range[0], toMs: range[1] });
  }

  protected dropRate(iface: InterfaceInfo): string {
    const seen = iface.packets + iface.drops;
    return seen ? ((100 * iface.drops) / seen).toFixed(3) : '0.000';
  }
}
