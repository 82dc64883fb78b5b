import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { API_BASE } from '../../core/api-client';

/**
 * "Download CSV / JSON" of what a table shows: every row its filters and sort
 * match (not only the page), streamed by the API's `/<table>/export` endpoint.
 */
@Component({
  selector: 'app-export-links',
  template: `
    <span class="export-links" role="group" aria-label="download">
      <span class="muted small">Download</span>
      <a class="btn btn-small" [href]="href('csv')" download data-testid="export-csv">CSV</a>
      <a class="btn btn-small" [href]="href('json')" download data-testid="export-json">JSON</a>
    </span>
  `,
  styles: `
    .export-links { display: inline-flex; gap: 0.35rem; align-items: center; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ExportLinks {
  /** `flows`, `hosts` or `alerts`. */
  readonly table = input.required<string>();
  /** The table's filters and sort (empty values left out). */
  readonly params = input<Record<string, string | number | boolean>>({});

  private readonly query = computed(() => new URLSearchParams(Object.entries(this.params()).map(([k, v]) => [k, String(v)])).toString());

  protected href(format: 'csv' | 'json'): string {
    const q = this.query();
    return `${API_BASE}/${this.table()}/export?format=${format}${q ? `&${q}` : ''}`;
  }
}
