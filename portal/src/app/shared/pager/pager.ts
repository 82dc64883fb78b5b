import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';

/** Page navigation for server-side paginated tables: "1–25 of 1 234" and previous/next. */
@Component({
  selector: 'app-pager',
  template: `
    <nav class="pager" aria-label="pagination">
      <span class="muted" data-testid="pager-range">{{ from() }}–{{ to() }} of {{ total() }}</span>
      <label class="muted">
        Rows
        <select data-testid="page-size" (change)="limitChange.emit(+$any($event.target).value)">
          @for (size of sizes(); track size) {
            <option [value]="size" [selected]="size === limit()">{{ size }}</option>
          }
        </select>
      </label>
      <button type="button" class="btn btn-small" [disabled]="offset() === 0" (click)="offsetChange.emit(prev())">‹ Prev</button>
      <button type="button" class="btn btn-small" [disabled]="to() >= total()" (click)="offsetChange.emit(offset() + limit())">Next ›</button>
    </nav>
  `,
  styles: `
    .pager { display: flex; align-items: center; justify-content: flex-end; gap: 0.75rem; padding: 0.5rem 0; flex-wrap: wrap; }
    select { margin-left: 0.25rem; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Pager {
  readonly total = input(0);
  readonly offset = input(0);
  readonly limit = input(25);
  readonly offsetChange = output<number>();
  readonly limitChange = output<number>();

  /** The sizes offered, with the current limit among them (a page size the select cannot show would disagree with the rows). */
  protected readonly sizes = computed(() => [...new Set([10, 25, 50, 100, this.limit()])].sort((a, b) => a - b));
  protected readonly from = computed(() => (this.total() === 0 ? 0 : this.offset() + 1));
  protected readonly to = computed(() => Math.min(this.offset() + this.limit(), this.total()));
  protected readonly prev = computed(() => Math.max(0, this.offset() - this.limit()));
}
