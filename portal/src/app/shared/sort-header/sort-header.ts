import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import type { SortOrder } from '@flowprobe/api';

/** Current sort of a server-side table. */
export interface SortState<K extends string = string> {
  sort: K;
  order: SortOrder;
}

/**
 * A sortable column header: `<th appSortKey="bytes" [current]="sort()" (sortChange)="…">Bytes</th>`.
 * First click sorts descending (largest traffic first, what one looks for), the next one flips.
 */
@Component({
  selector: 'th[appSortKey]',
  template: `<button type="button" class="sort-button" (click)="toggle()"><ng-content /><span class="arrow" aria-hidden="true">{{ arrow() }}</span></button>`,
  host: { '[attr.aria-sort]': 'ariaSort()', '[class.sorted]': 'active()' },
  styles: `
    .sort-button { all: unset; cursor: pointer; display: inline-flex; gap: 0.25rem; align-items: center; white-space: nowrap; }
    .sort-button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
    .arrow { font-size: 0.75em; min-width: 0.75em; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SortHeader {
  readonly appSortKey = input.required<string>();
  readonly current = input.required<SortState>();
  readonly sortChange = output<SortState>();

  protected readonly active = computed(() => this.current().sort === this.appSortKey());
  protected readonly arrow = computed(() => (this.active() ? (this.current().order === 'desc' ? '▼' : '▲') : ''));
  protected readonly ariaSort = computed(() => (this.active() ? (this.current().order === 'desc' ? 'descending' : 'ascending') : 'none'));

  protected toggle(): void {
    const order: SortOrder = this.active() && this.current().order === 'desc' ? 'asc' : 'desc';
    this.sortChange.emit({ sort: this.appSortKey(), order });
  }
}
