import { ChangeDetectionStrategy, Component, computed, input, linkedSignal, model } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { RangeChoice, TimeRange, toLocalInput } from './range-params';

export { choiceFromParams, choiceParams, choiceWindow, presetId, sameChoice, toLocalInput } from './range-params';
export type { RangeChoice, RangeParams, TimeRange } from './range-params';

/**
 * Presets plus a custom from/to (the same range a drag on the chart selects): the
 * shared range control of the pages with a timeseries chart.
 */
@Component({
  selector: 'app-range-picker',
  imports: [FormsModule],
  template: `
    <div class="range-picker" role="group" aria-label="time range">
      @for (r of ranges(); track r.label) {
        <button type="button" class="btn btn-small" [class.btn-primary]="isPreset(r)" (click)="value.set({ kind: 'preset', range: r })">{{ r.label }}</button>
      }
      <button type="button" class="btn btn-small" data-testid="range-custom" [class.btn-primary]="value().kind === 'custom'" (click)="editing.set(!editing())">Custom…</button>
    </div>
    @if (editing() || value().kind === 'custom') {
      <form class="custom-range small" (submit)="$event.preventDefault(); apply()">
        <label>From <input type="datetime-local" name="from" data-testid="range-from" [ngModel]="from()" (ngModelChange)="from.set($event)" /></label>
        <label>To <input type="datetime-local" name="to" data-testid="range-to" [ngModel]="to()" (ngModelChange)="to.set($event)" /></label>
        <button type="submit" class="btn btn-small" data-testid="range-apply" [disabled]="!!problem()">Apply</button>
        @if (problem()) { <span class="muted">{{ problem() }}</span> }
      </form>
    }
  `,
  styles: `
    :host { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; justify-content: flex-end; }
    .custom-range { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; }
    .custom-range input { font-size: 0.85em; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RangePicker {
  readonly ranges = input.required<TimeRange[]>();
  readonly value = model.required<RangeChoice>();

  protected readonly editing = linkedSignal(() => this.value().kind === 'custom');
  /** The inputs follow the choice (a zoom on the chart fills them), and can be edited. */
  protected readonly from = linkedSignal(() => {
    const v = this.value();
    return toLocalInput(v.kind === 'custom' ? v.fromMs : Date.now() - (v.range.seconds || 3600) * 1000);
  });
  protected readonly to = linkedSignal(() => {
    const v = this.value();
    return toLocalInput(v.kind === 'custom' ? v.toMs : Date.now());
  });
  protected readonly problem = computed(() => {
    const from = Date.parse(this.from());
    const to = Date.parse(this.to());
    if (!Number.isFinite(from) || !Number.isFinite(to)) return 'Enter both times.';
    return to <= from ? 'The end must be after the start.' : '';
  });

  protected isPreset(r: TimeRange): boolean {
    const v = this.value();
    return v.kind === 'preset' && v.range === r;
  }

  protected apply(): void {
    if (this.problem()) return;
    this.value.set({ kind: 'custom', fromMs: Date.parse(this.from()), toMs: Date.parse(this.to()) });
  }
}
