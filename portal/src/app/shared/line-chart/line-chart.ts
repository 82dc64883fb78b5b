import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, NgZone, afterNextRender, effect, inject, input, viewChild } from '@angular/core';
import type { ChartDataset } from 'chart.js';
import { formatClock, formatDateTime } from '../format/format-units';
import { CHART_COLORS, CHART_MIN_REDRAW_MS, Chart, ValueFormat, formatValue } from './chart-setup';

/** Shortest time span a live chart shows, ms. */
const MIN_LIVE_SPAN_MS = 60_000;

/** One line: `x` in ms since epoch, `y` in the chart's unit. */
export interface LineSeries {
  label: string;
  points: { x: number; y: number }[];
  color?: string;
  /** Dashed line (e.g. a total drawn over its parts). */
  dashed?: boolean;
  /** Overrides the chart's `fill` input for this line. */
  fill?: boolean;
}

/**
 * A time-series line chart. The chart.js instance is created once, outside
 * Angular's zone, and later inputs replace its data in place with animation off,
 * at most every {@link CHART_MIN_REDRAW_MS}: a steady 1 Hz feed never flickers
 * and never triggers change detection.
 *
 * The canvas carries `data-points` (points drawn) so tests and people can see it update,
 * and `data-series` (the line labels, `|`-separated).
 */
@Component({
  selector: 'app-line-chart',
  template: '<canvas #canvas role="img" [attr.aria-label]="ariaLabel()"></canvas>',
  styles: ':host { display: block; position: relative; height: var(--chart-height, 240px); min-width: 0; }',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LineChart {
  readonly series = input.required<LineSeries[]>();
  readonly format = input<ValueFormat>('bitRate');
  /** `clock` (HH:MM:SS) for live minutes, `date` for longer ranges. */
  readonly timeAxis = input<'clock' | 'date'>('clock');
  readonly fill = input(true);
  /** Live charts: show the last `windowMs` up to the newest point (a steady axis that scrolls). */
  readonly windowMs = input(0);
  /** Fixed charts: the x range in ms since epoch (the requested range, even where data is missing). */
  readonly xRange = input<[number, number] | null>(null);
  readonly ariaLabel = input('chart');

  private readonly canvas = viewChild.required<ElementRef<HTMLCanvasElement>>('canvas');
  private readonly zone = inject(NgZone);
  private chart: Chart<'line', { x: number; y: number }[]> | null = null;
  private pending: LineSeries[] | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastDrawMs = 0;

  constructor() {
    afterNextRender(() => this.zone.runOutsideAngular(() => this.create()));
    effect(() => this.schedule(this.series()));
    inject(DestroyRef).onDestroy(() => {
      clearTimeout(this.timer);
      this.chart?.destroy();
    });
  }

  /** Redraw with the current series, e.g. after their arrays were changed in place. */
  redraw(): void {
    this.schedule(this.series());
  }

  private create(): void {
    const format = this.format();
    const timeAxis = this.timeAxis();
    const formatTime = (ms: number) => (timeAxis === 'clock' ? formatClock(ms) : formatDateTime(ms / 1000).slice(5, 16));
    this.chart = new Chart(this.canvas().nativeElement, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        responsive: true,
        parsing: false,
        normalized: true,
        interaction: { mode: 'index', intersect: false },
        elements: {
          // A line needs two points: until then, show the lone points (scriptable, so re-evaluated on each update).
          point: { radius: (ctx) => ((ctx.dataset.data as unknown[]).length < 3 ? 3 : 0), hitRadius: 6 },
          line: { borderWidth: 2, tension: 0.25 },
        },
        scales: {
          x: { type: 'linear', ticks: { maxTicksLimit: 7, callback: (v) => formatTime(Number(v)) }, grid: { display: false } },
          y: { beginAtZero: true, ticks: { maxTicksLimit: 6, callback: (v) => formatValue(format, Number(v)) } },
        },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12 } },
          tooltip: {
            callbacks: {
              title: (items) => (items[0] ? formatDateTime(items[0].parsed.x! / 1000) : ''),
              label: (item) => `${item.dataset.label}: ${formatValue(format, item.parsed.y ?? 0)}`,
            },
          },
        },
      },
    });
    this.draw();
  }

  private schedule(series: LineSeries[]): void {
    this.pending = series;
    if (this.timer !== undefined || !this.chart) return;
    const waitMs = Math.max(0, this.lastDrawMs + CHART_MIN_REDRAW_MS - Date.now());
    this.zone.runOutsideAngular(() => {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        requestAnimationFrame(() => this.draw());
      }, waitMs);
    });
  }

  /** Replaces the datasets' data in place (same chart, same dataset objects when the labels match). */
  private draw(): void {
    const chart = this.chart;
    const series = this.pending ?? this.series();
    this.pending = null;
    if (!chart) return;
    const datasets = chart.data.datasets;
    series.forEach((s, i) => {
      const color = s.color ?? CHART_COLORS[i % CHART_COLORS.length];
      const existing = datasets[i] as ChartDataset<'line', { x: number; y: number }[]> | undefined;
      if (existing && existing.label === s.label) {
        existing.data = s.points;
      } else {
        datasets[i] = {
          label: s.label,
          data: s.points,
          borderColor: color,
          backgroundColor: `${color}22`,
          fill: (s.fill ?? this.fill()) ? 'origin' : false,
          ...(s.dashed ? { borderDash: [6, 4], borderWidth: 1.5 } : {}),
        };
      }
    });
    datasets.length = series.length;
    const x = chart.options.scales!['x']!;
    const range = this.xRange();
    const windowMs = this.windowMs();
    if (range) {
      x.min = range[0];
      x.max = range[1];
    } else if (windowMs) {
      const newest = Math.max(0, ...series.map((s) => s.points[s.points.length - 1]?.x ?? 0));
      const oldest = Math.min(newest, ...series.map((s) => s.points[0]?.x ?? newest));
      // Grow with the history up to the window, so a fresh page is not a mostly empty chart.
      x.min = newest - Math.min(windowMs, Math.max(MIN_LIVE_SPAN_MS, newest - oldest));
      x.max = newest;
    }
    chart.update('none');
    this.lastDrawMs = Date.now();
    const canvas = this.canvas().nativeElement;
    canvas.dataset['points'] = String(series.reduce((n, s) => n + s.points.length, 0));
    canvas.dataset['series'] = series.map((s) => s.label).join('|');
  }
}
