import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, NgZone, afterNextRender, effect, inject, input, output, signal, untracked, viewChild } from '@angular/core';
import type { ChartDataset } from 'chart.js';
import { formatDateTime } from '../format/format-units';
import { CHART_COLORS, CHART_MIN_REDRAW_MS, Chart, ValueFormat, formatValue } from './chart-setup';
import { formatTick, timeStep, timeTicks } from './time-axis';

/** A drag narrower than this (px) is a click, not a zoom. */
const MIN_ZOOM_DRAG_PX = 6;

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
 * A time-series line chart, the one every page uses. The chart.js instance is created
 * once, outside Angular's zone, and later inputs replace its data in place with animation
 * off, at most every {@link CHART_MIN_REDRAW_MS}: a steady 1 Hz feed never flickers and
 * never triggers change detection.
 *
 * Time axis: date-aware ticks at every range (`time-axis.ts`: steps aligned to the local
 * clock, the date where the day changes). Zoom: dragging across the plot selects a
 * from/to range; the chart shows it at once (a live chart stops scrolling) and emits
 * `zoomed` so a page with stored data can load that range in finer steps; "Reset zoom"
 * goes back and emits `zoomReset`.
 *
 * The canvas carries `data-points` (points drawn) so tests and people can see it update,
 * `data-series` (the line labels, `|`-separated), `data-sums` (each line's sum of y, in the
 * same order), `data-x-min`/`data-x-max` (the
 * visible range, ms) and `data-ticks` (the time labels, `|`-separated).
 */
@Component({
  selector: 'app-line-chart',
  template: `
    <canvas #canvas role="img" [attr.aria-label]="ariaLabel()"></canvas>
    <div #selection class="zoom-selection" hidden></div>
    @if (zoom()) {
      <button type="button" class="btn btn-small zoom-reset" data-testid="zoom-reset" (click)="resetZoom()">Reset zoom</button>
    }
  `,
  styles: `
    :host { display: block; position: relative; height: var(--chart-height, 240px); min-width: 0; }
    canvas { cursor: crosshair; touch-action: pan-y; }
    .zoom-selection { position: absolute; top: 0; bottom: 28px; background: var(--accent, #2563eb); opacity: 0.15; pointer-events: none; }
    .zoom-reset { position: absolute; top: 0; right: 0; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LineChart {
  readonly series = input.required<LineSeries[]>();
  readonly format = input<ValueFormat>('bitRate');
  /** Ignored (kept for templates): the ticks pick their unit and show dates from the visible span. */
  readonly timeAxis = input<'clock' | 'date'>('clock');
  readonly fill = input(true);
  /** Live charts: show the last `windowMs` up to the newest point (a steady axis that scrolls). */
  readonly windowMs = input(0);
  /** Fixed charts: the x range in ms since epoch (the requested range, even where data is missing). */
  readonly xRange = input<[number, number] | null>(null);
  readonly ariaLabel = input('chart');
  /** A range selected by dragging, [from, to] ms since epoch. */
  readonly zoomed = output<[number, number]>();
  /** "Reset zoom" was pressed. */
  readonly zoomReset = output<void>();
  /** The range the user zoomed into, shown until reset or until the page sets a new `xRange`. */
  protected readonly zoom = signal<[number, number] | null>(null);

  private readonly canvas = viewChild.required<ElementRef<HTMLCanvasElement>>('canvas');
  private readonly selection = viewChild.required<ElementRef<HTMLDivElement>>('selection');
  private readonly zone = inject(NgZone);
  private chart: Chart<'line', { x: number; y: number }[]> | null = null;
  private pending: LineSeries[] | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastDrawMs = 0;
  /** Some point was drawn already (until then a new series is drawn without waiting). */
  private drewPoints = false;

  constructor() {
    afterNextRender(() => this.zone.runOutsideAngular(() => this.create()));
    effect(() => this.schedule(this.series()));
    // A new range from the page (e.g. the zoomed range loaded in finer steps) replaces the local zoom.
    effect(() => {
      this.xRange();
      this.zoom.set(null);
    });
    inject(DestroyRef).onDestroy(() => {
      clearTimeout(this.timer);
      this.chart?.destroy();
    });
  }

  /** Redraw with the current series, e.g. after their arrays were changed in place. */
  redraw(): void {
    this.schedule(this.series());
  }

  protected resetZoom(): void {
    this.zoom.set(null);
    this.zoomReset.emit();
    this.redraw();
  }

  private create(): void {
    const format = this.format();
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
          x: {
            type: 'linear',
            // Date-aware ticks: aligned to the local clock, the date where the day changes.
            afterBuildTicks: (scale) => {
              scale.ticks = timeTicks(scale.min, scale.max, 7).map((value) => ({ value }));
            },
            ticks: {
              autoSkip: false,
              maxRotation: 0,
              callback: (v, i, ticks) => formatTick(Number(v), timeStep(ticks[0]?.value ?? 0, ticks[ticks.length - 1]?.value ?? 0, 7), i > 0 ? ticks[i - 1].value : null),
            },
            grid: { display: false },
          },
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
    this.listenForZoom(this.canvas().nativeElement);
    this.draw();
  }

  /** Drag across the plot area to zoom (outside the zone: pointer moves trigger no change detection). */
  private listenForZoom(canvas: HTMLCanvasElement): void {
    let startX: number | null = null;
    const box = this.selection().nativeElement;
    const clampX = (x: number) => {
      const area = this.chart?.chartArea;
      return area ? Math.min(Math.max(x, area.left), area.right) : x;
    };
    const offsetX = (e: PointerEvent) => e.clientX - canvas.getBoundingClientRect().left;
    canvas.addEventListener('pointerdown', (e) => {
      const area = this.chart?.chartArea;
      const x = offsetX(e);
      if (e.button !== 0 || !area || x < area.left || x > area.right) return;
      startX = clampX(x);
      canvas.setPointerCapture(e.pointerId);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (startX === null) return;
      const x = clampX(offsetX(e));
      box.hidden = Math.abs(x - startX) < MIN_ZOOM_DRAG_PX;
      box.style.left = `${Math.min(x, startX)}px`;
      box.style.width = `${Math.abs(x - startX)}px`;
    });
    const end = (e: PointerEvent) => {
      if (startX === null) return;
      const x = clampX(offsetX(e));
      const from = startX;
      startX = null;
      box.hidden = true;
      const scale = this.chart?.scales['x'];
      if (!scale || Math.abs(x - from) < MIN_ZOOM_DRAG_PX || e.type === 'pointercancel') return;
      const range: [number, number] = [Math.round(scale.getValueForPixel(Math.min(x, from))!), Math.round(scale.getValueForPixel(Math.max(x, from))!)];
      this.zone.run(() => {
        this.zoom.set(range);
        this.zoomed.emit(range);
      });
      this.redraw();
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  private schedule(series: LineSeries[]): void {
    this.pending = series;
    if (this.timer !== undefined || !this.chart) return;
    // A live chart's first points (the kept series right after the empty first draw) are drawn at once, in
    // this task (on a busy cold page a timer and an animation frame more can cost a few hundred ms).
    if (!this.drewPoints && untracked(() => this.windowMs()) > 0 && series.some((s) => s.points.length > 0)) {
      // untracked: the inputs draw() reads (zoom, range, window) do not become this effect's dependencies.
      untracked(() => this.zone.runOutsideAngular(() => this.draw()));
      return;
    }
    // Other first points are drawn at the next frame; the limit is for a steady feed.
    const waitMs = this.drewPoints ? Math.max(0, this.lastDrawMs + CHART_MIN_REDRAW_MS - Date.now()) : 0;
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
    const range = this.zoom() ?? this.xRange();
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
    const points = series.reduce((n, s) => n + s.points.length, 0);
    if (points > 0) this.drewPoints = true;
    canvas.dataset['points'] = String(points);
    canvas.dataset['series'] = series.map((s) => s.label).join('|');
    canvas.dataset['sums'] = series.map((s) => s.points.reduce((n, p) => n + p.y, 0)).join('|');
    const scale = chart.scales['x'];
    if (scale) {
      canvas.dataset['xMin'] = String(Math.round(scale.min));
      canvas.dataset['xMax'] = String(Math.round(scale.max));
      canvas.dataset['ticks'] = scale.ticks.map((t) => String(t.label ?? '')).join('|');
    }
  }
}
