import { ChangeDetectionStrategy, Component, inject, input, output } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { FlowSummary } from '@flowprobe/api';
import { Clock } from '../../core/clock';
import { FORMAT_PIPES } from '../format/format';
import { SortHeader, SortState } from '../sort-header/sort-header';

/** Flows as a table (flows page, host detail, dashboard top flows); sorting is the caller's (server-side). */
@Component({
  selector: 'app-flow-table',
  imports: [RouterLink, SortHeader, ...FORMAT_PIPES],
  templateUrl: './flow-table.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FlowTable {
  readonly flows = input.required<FlowSummary[]>();
  /** Null: headers are not sortable (e.g. a fixed "top" list). */
  readonly sort = input<SortState | null>(null);
  /** Fewer columns, for dashboard cards. */
  readonly compact = input(false);
  readonly sortChange = output<SortState>();

  protected readonly clock = inject(Clock);

  /** "Ireland · AS14618 AMAZON-AES": the tooltip of an endpoint's place. */
  protected geoTitle(country = '', asn = 0, org = ''): string {
    return [country, asn ? `AS${asn} ${org}`.trim() : ''].filter(Boolean).join(' · ');
  }
}
