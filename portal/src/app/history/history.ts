import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, input, linkedSignal, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import type { HistoryFlow, HistorySeriesResponse, HistoryTopResponse, HistoryUsage } from '@flowprobe/api';
import { API_BASE } from '../core/api-client';
import { latestValue } from '../core/latest-value';
import { queryParams } from '../core/poll';
import { FORMAT_PIPES } from '../shared/format/format';
import { LineChart, type LineSeries } from '../shared/line-chart/line-chart';
import { CHART_COLORS } from '../shared/line-chart/chart-setup';
import { LoadState } from '../shared/load-state/load-state';
import { Pager } from '../shared/pager/pager';

/** Range presets, ms back from now. */
const PRESETS = [
  { id: '15m', label: 'Last 15 min', ms: 15 * 60_000 },
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '6h', label: 'Last 6 h', ms: 6 * 3_600_000 },
  { id: '24h', label: 'Last 24 h', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
] as const;

/** A time from the URL: epoch ms or ISO 8601; undefined when absent or unreadable. */
function parseTime(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/** ms as the value of an `<input type="datetime-local">` (local time, minutes). */
function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

/**
 * Flow history: every stored flow record over a chosen range (presets or
 * custom from/to), filtered by host, application and port, with the top
 * hosts and applications, bytes over time by application (stacked), and the
 * records themselves, each opening to its details. Reads /api/v1/history.
 */
@Component({
  selector: 'app-history',
  imports: [FormsModule, RouterLink, LineChart, LoadState, Pager, ...FORMAT_PIPES],
  templateUrl: './history.html',
  styleUrl: './history.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class History {
  /** `?from=&to=` (ms or ISO 8601), `?range=` (a preset), `?host=`, `?application=`: links from other pages; the page keeps its range there. */
  readonly from = input<string>();
  readonly range_ = input<string | undefined>(undefined, { alias: 'range' });
  readonly to = input<string>();
  readonly host = input<string>();
  readonly application = input<string>();
  /** `?probe=`: only this probe's records (a store shared by a fleet; the Probes page links here). */
  readonly probe = input<string>();

  protected readonly presets = PRESETS;
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  protected readonly preset = linkedSignal<string>(() =>
    parseTime(this.from()) !== undefined ? 'custom' : (PRESETS.find((p) => p.id === this.range_())?.id ?? '1h'),
  );
  protected readonly customFrom = linkedSignal(() => toLocalInput(parseTime(this.from()) ?? Date.now() - 3_600_000));
  // Without ?to=, up to the end of the current minute (the input has minutes: 'now' would leave out this minute's records).
  protected readonly customTo = linkedSignal(() => toLocalInput(parseTime(this.to()) ?? Date.now() + 60_000));
  protected readonly hostFilter = linkedSignal(() => this.host() ?? '');
  protected readonly appFilter = linkedSignal(() => this.application() ?? '');
  protected readonly port = signal('');
  protected readonly probeFilter = linkedSignal(() => this.probe() ?? '');
  /** Bumped by "Refresh": a preset's range ends now. */
  private readonly now = signal(Date.now());

  /** The range asked for, [fromMs, toMs). */
  protected readonly range = computed(() => {
    const p = PRESETS.find((x) => x.id === this.preset());
    if (p) return { fromMs: this.now() - p.ms, toMs: this.now() };
    const fromMs = Date.parse(this.customFrom());
    const toMs = Date.parse(this.customTo());
    return { fromMs, toMs };
  });
  protected readonly rangeError = computed(() => {
    const { fromMs, toMs } = this.range();
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) return 'Enter both times.';
    if (toMs <= fromMs) return 'The end must be after the start.';
    if (toMs - fromMs > 31 * 86_400_000) return 'A range spans at most 31 days.';
    return '';
  });
  private readonly validRange = computed(() => (this.rangeError() ? null : this.range()));
  protected readonly portInvalid = computed(() => this.port().trim() !== '' && !/^\d{1,5}$/.test(this.port().trim()));

  protected readonly limit = signal(25);
  protected readonly offset = linkedSignal({
    source: () => [this.validRange(), this.hostFilter(), this.appFilter(), this.port(), this.probeFilter(), this.limit()],
    computation: () => 0,
  });
  /** The record whose details are open (key + last_seen_ms). */
  protected readonly open = signal<string | null>(null);

  protected readonly flows = httpResource<{ total: number; data: HistoryFlow[] }>(() => {
    const r = this.validRange();
    if (!r) return undefined;
    return {
      url: `${API_BASE}/history/flows`,
      params: queryParams({
        from: r.fromMs,
        to: r.toMs,
        host: this.hostFilter().trim(),
        application: this.appFilter().trim(),
        probe: this.probeFilter() || undefined,
        port: /^\d{1,5}$/.test(this.port().trim()) ? Number(this.port().trim()) : undefined,
        sort: 'last_seen',
        order: 'desc',
        limit: this.limit(),
        offset: this.offset(),
      }),
    };
  });
  protected readonly rows = latestValue(this.flows);

  private top(by: 'hosts' | 'applications') {
    return httpResource<HistoryTopResponse>(() => {
      const r = this.validRange();
      return r ? { url: `${API_BASE}/history/top`, params: queryParams({ from: r.fromMs, to: r.toMs, by, metric: 'bytes', limit: 10, probe: this.probeFilter() || undefined }) } : undefined;
    });
  }
  protected readonly topHosts = this.top('hosts');
  protected readonly topApps = this.top('applications');
  protected readonly series = httpResource<HistorySeriesResponse>(() => {
    const r = this.validRange();
    return r ? { url: `${API_BASE}/history/series`, params: queryParams({ from: r.fromMs, to: r.toMs, by: 'application', limit: 6, probe: this.probeFilter() || undefined }) } : undefined;
  });
  protected readonly usage = httpResource<HistoryUsage>(() => `${API_BASE}/history/usage`);

  /** Bytes per bucket by application, stacked: each line is its own bytes plus those of the lines below it. */
  protected readonly chartSeries = computed<LineSeries[]>(() => {
    const s = this.series.value();
    if (!s) return [];
    const below = new Array<number>(s.buckets.length).fill(0);
    const stacked = s.series.map((line, i) => {
      const points = line.values.map((v, j) => ({ x: s.buckets[j], y: (below[j] += v) }));
      return { label: line.key, points, color: CHART_COLORS[i % CHART_COLORS.length] };
    });
    // The highest (cumulative) line first, so each smaller area is drawn over it.
    return stacked.reverse();
  });
  protected readonly chartRange = computed<[number, number] | null>(() => {
    const s = this.series.value();
    return s ? [s.from_ms, s.to_ms] : null;
  });

  protected choose(preset: string): void {
    this.preset.set(preset);
    this.now.set(Date.now());
    if (preset === 'custom') this.keepCustomInUrl();
    else this.setUrl({ range: preset, from: null, to: null });
  }

  /** A custom from/to typed in the picker (kept in the URL once both times are complete). */
  protected setCustom(which: 'from' | 'to', value: string): void {
    (which === 'from' ? this.customFrom : this.customTo).set(value);
    this.keepCustomInUrl();
  }

  private keepCustomInUrl(): void {
    const [fromMs, toMs] = [Date.parse(this.customFrom()), Date.parse(this.customTo())];
    if (Number.isFinite(fromMs) && Number.isFinite(toMs) && toMs > fromMs) this.setUrl({ range: null, from: fromMs, to: toMs });
  }

  /** The range in the URL (replacing the entry): a reload or a shared link opens the same range. */
  private setUrl(queryParams: Record<string, string | number | null>): void {
    void this.router.navigate([], { relativeTo: this.route, queryParams, queryParamsHandling: 'merge', replaceUrl: true });
  }

  protected refresh(): void {
    this.now.set(Date.now());
    this.usage.reload();
  }

  protected filterHost(ip: string): void {
    this.hostFilter.set(ip);
  }

  /** A range dragged on the chart becomes the custom range (whole minutes, as the inputs hold it). */
  protected zoomTo(range: [number, number]): void {
    this.preset.set('custom');
    this.customFrom.set(toLocalInput(range[0]));
    this.customTo.set(toLocalInput(Math.max(range[1], range[0] + 60_000)));
    this.keepCustomInUrl();
  }

  protected filterApp(app: string): void {
    this.appFilter.set(app);
  }

  protected toggle(f: HistoryFlow): void {
    const id = `${f.probe}|${f.key}|${f.last_seen_ms}`;
    this.open.set(this.open() === id ? null : id);
  }

  protected isOpen(f: HistoryFlow): boolean {
    return this.open() === `${f.probe}|${f.key}|${f.last_seen_ms}`;
  }

  protected percent(used: number): string {
    return `${(used * 100).toFixed(1)} %`;
  }

  protected bytes(f: HistoryFlow): number {
    return f.cli2srv.bytes + f.srv2cli.bytes;
  }

  protected csvUrl(): string {
    const r = this.validRange();
    if (!r) return '';
    const params = new URLSearchParams(
      Object.entries(queryParams({ from: r.fromMs, to: r.toMs, host: this.hostFilter().trim(), application: this.appFilter().trim(), probe: this.probeFilter() || undefined, format: 'csv', limit: 1_000_000 })).map(([k, v]) => [k, String(v)]),
    );
    return `${API_BASE}/history/flows?${params}`;
  }
}
