import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, NgZone, afterNextRender, effect, inject, input, output, viewChild } from '@angular/core';
import { CHART_COLORS, Chart, ValueFormat, formatValue } from '../line-chart/chart-setup';

/** One slice of a doughnut. */
export interface Slice {
  label: string;
  value: number;
}

/**
 * A doughnut (top applications, breakdowns), created outside Angular's zone and
 * updated in place: labels and values change, the chart object stays.
 */
@Component({
  selector: 'app-doughnut-chart',
  template: '<canvas #canvas role="img" [attr.aria-label]="ariaLabel()"></canvas>',
  styles: ':host { display: block; position: relative; height: var(--chart-height, 240px); min-width: 0; }',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DoughnutChart {
  readonly slices = input.required<Slice[]>();
  readonly format = input<ValueFormat>('bytes');
  readonly ariaLabel = input('chart');
  /** A slice or its legend entry was clicked (e.g. "Other" opens the full breakdown). */
  readonly sliceClick = output<string>();

  private readonly canvas = viewChild.required<ElementRef<HTMLCanvasElement>>('canvas');
  private readonly zone = inject(NgZone);
  private chart: Chart<'doughnut', number[], string> | null = null;

  constructor() {
    afterNextRender(() => this.zone.runOutsideAngular(() => this.create()));
    effect(() => {
      const slices = this.slices();
      this.zone.runOutsideAngular(() => this.draw(slices));
    });
    inject(DestroyRef).onDestroy(() => this.chart?.destroy());
  }

  private create(): void {
    const format = this.format();
    this.chart = new Chart(this.canvas().nativeElement, {
      type: 'doughnut',
      data: { labels: [], datasets: [{ data: [], backgroundColor: CHART_COLORS, borderWidth: 1 }] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        cutout: '62%',
        onClick: (_event, elements) => {
          const label = elements[0] ? (this.chart?.data.labels?.[elements[0].index] as string | undefined) : undefined;
          if (label !== undefined) this.zone.run(() => this.sliceClick.emit(label));
        },
        onHover: (event, elements) => {
          const target = event.native?.target as HTMLElement | undefined;
          if (target) target.style.cursor = elements.length ? 'pointer' : 'default';
        },
        plugins: {
          legend: {
            position: 'right',
            labels: { boxWidth: 12, boxHeight: 12 },
            onClick: (_event, item) => this.zone.run(() => this.sliceClick.emit(item.text)),
          },
          tooltip: { callbacks: { label: (item) => `${item.label}: ${formatValue(format, Number(item.raw))}` } },
        },
      },
    });
    this.draw(this.slices());
  }

  private draw(slices: Slice[]): void {
    const chart = this.chart;
    if (!chart) return;
    chart.data.labels = slices.map((s) => s.label);
    chart.data.datasets[0].data = slices.map((s) => s.value);
    chart.update('none');
    this.canvas().nativeElement.dataset['points'] = String(slices.length);
  }
}
