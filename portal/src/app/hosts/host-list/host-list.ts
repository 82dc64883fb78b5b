import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, input, linkedSignal, signal } from '@angular/core';
import { latestValue } from '../../core/latest-value';
import { FormsModule } from '@angular/forms';
import { RouterLink } from '@angular/router';
import type { HostListQuery, HostListResponse } from '@flowprobe/api';
import { API_BASE } from '../../core/api-client';
import { Clock } from '../../core/clock';
import { pollEvery, queryParams } from '../../core/poll';
import { FORMAT_PIPES } from '../../shared/format/format';
import { ExportLinks } from '../../shared/export-links/export-links';
import { LoadState } from '../../shared/load-state/load-state';
import { Pager } from '../../shared/pager/pager';
import { SortHeader, SortState } from '../../shared/sort-header/sort-header';

type HostSort = NonNullable<HostListQuery['sort']>;

/** Active hosts: sorted, filtered and paginated by the server, refreshed every 5 s. */
@Component({
  selector: 'app-host-list',
  imports: [ExportLinks, FormsModule, RouterLink, LoadState, Pager, SortHeader, ...FORMAT_PIPES],
  templateUrl: './host-list.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HostList {
  protected readonly clock = inject(Clock);

  protected readonly search = signal('');
  protected readonly locality = signal<'' | 'true' | 'false'>('');
  /** Country (ISO code) and AS number filters, as typed; sent once they are valid. */
  /** `?country=` / `?asn=` from the dashboard's top countries and ASes. */
  readonly country = input<string>();
  readonly asn = input<string>();
  protected readonly countryText = linkedSignal(() => this.country() ?? '');
  protected readonly asnText = linkedSignal(() => this.asn() ?? '');
  private readonly countryParam = computed(() => (/^[A-Za-z]{2}$/.test(this.countryText().trim()) ? this.countryText().trim().toUpperCase() : ''));
  private readonly asnParam = computed(() => (/^\d{1,10}$/.test(this.asnText().trim().replace(/^AS/i, '')) ? this.asnText().trim().replace(/^AS/i, '') : ''));
  protected readonly sort = signal<SortState<HostSort>>({ sort: 'bytes', order: 'desc' });
  protected readonly limit = signal(25);
  /** Back to the first page whenever the filter, sort or page size changes. */
  protected readonly offset = linkedSignal({
    source: () => [this.search(), this.locality(), this.countryParam(), this.asnParam(), this.sort(), this.limit()],
    computation: () => 0,
  });

  /** Filters and sort: the page's query and the export's. */
  protected readonly query = computed(() =>
    queryParams({ sort: this.sort().sort, order: this.sort().order, q: this.search().trim(), local: this.locality(), country: this.countryParam(), asn: this.asnParam() }),
  );
  protected readonly hosts = httpResource<HostListResponse>(() => ({
    url: `${API_BASE}/hosts`,
    params: { ...this.query(), limit: this.limit(), offset: this.offset() },
  }));
  /** Keeps the previous page on screen while the next one loads (no flicker on sort or paging). */
  protected readonly filtered = computed(() => !!this.search().trim() || !!this.locality() || !!this.countryParam() || !!this.asnParam());

  /** The last page loaded, kept on screen while the next one loads. */
  protected readonly rows = latestValue(this.hosts);

  constructor() {
    pollEvery(5_000, this.hosts);
  }

  /** Filters the list by a row's country or AS (a click on it). */
  protected filterBy(place: { country?: string; asn?: number }): void {
    if (place.country) this.countryText.set(place.country);
    if (place.asn) this.asnText.set(String(place.asn));
  }

  protected setSort(state: SortState): void {
    this.sort.set(state as SortState<HostSort>);
  }
}
