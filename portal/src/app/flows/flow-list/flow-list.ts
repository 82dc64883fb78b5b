import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, input, linkedSignal, signal } from '@angular/core';
import { latestValue } from '../../core/latest-value';
import { FormsModule } from '@angular/forms';
import type { FlowListResponse } from '@flowprobe/api';
import { API_BASE } from '../../core/api-client';
import { pollEvery, queryParams } from '../../core/poll';
import { FlowTable } from '../../shared/flow-table/flow-table';
import { FORMAT_PIPES } from '../../shared/format/format';
import { ExportLinks } from '../../shared/export-links/export-links';
import { LoadState } from '../../shared/load-state/load-state';
import { Pager } from '../../shared/pager/pager';
import { SortState } from '../../shared/sort-header/sort-header';

/** Live flows refresh this often, ms. */
const REFRESH_MS = 3_000;

/** Active flows with filters (host, port, L4, application), server-side sort and pages. */
@Component({
  selector: 'app-flow-list',
  imports: [ExportLinks, FormsModule, FlowTable, LoadState, Pager, ...FORMAT_PIPES],
  templateUrl: './flow-list.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FlowList {
  /** `?host=` from a host page's "Open in Flows". */
  readonly host = input<string>();

  protected readonly hostFilter = linkedSignal(() => this.host() ?? '');
  protected readonly port = signal('');
  protected readonly l4 = signal('');
  protected readonly l7 = signal('');
  /** An endpoint's country (ISO code) or AS number. */
  protected readonly country = signal('');
  protected readonly asn = signal('');
  private readonly countryParam = computed(() => (/^[A-Za-z]{2}$/.test(this.country().trim()) ? this.country().trim().toUpperCase() : undefined));
  private readonly asnParam = computed(() => {
    const v = this.asn().trim().replace(/^AS/i, '');
    return /^\d{1,10}$/.test(v) && Number(v) > 0 ? Number(v) : undefined;
  });
  protected readonly sort = signal<SortState>({ sort: 'bytes', order: 'desc' });
  protected readonly limit = signal(25);
  protected readonly offset = linkedSignal({
    source: () => [this.hostFilter(), this.port(), this.l4(), this.l7(), this.countryParam(), this.asnParam(), this.sort(), this.limit()],
    computation: () => 0,
  });
  protected readonly l4Options = ['TCP', 'UDP', 'ICMP', 'ICMPv6', 'GRE', 'ESP', 'SCTP'];

  /** Filters and sort: the page's query and the export's. */
  protected readonly query = computed(() =>
    queryParams({
      host: this.hostFilter().trim(),
      port: /^\d+$/.test(this.port().trim()) ? Number(this.port().trim()) : undefined,
      l4: this.l4(),
      l7: this.l7().trim(),
      country: this.countryParam(),
      asn: this.asnParam(),
      sort: this.sort().sort,
      order: this.sort().order,
    }),
  );
  protected readonly flows = httpResource<FlowListResponse>(() => ({
    url: `${API_BASE}/flows`,
    params: { ...this.query(), limit: this.limit(), offset: this.offset() },
  }));
  protected readonly filtered = computed(() => !!(this.hostFilter() || this.port() || this.l4() || this.l7() || this.countryParam() || this.asnParam()));
  protected readonly portInvalid = computed(() => this.port().trim() !== '' && !/^\d+$/.test(this.port().trim()));

  /** The last page loaded, kept on screen while the next one loads. */
  protected readonly rows = latestValue(this.flows);

  constructor() {
    pollEvery(REFRESH_MS, this.flows);
  }

  protected clear(): void {
    this.hostFilter.set('');
    this.port.set('');
    this.l4.set('');
    this.l7.set('');
    this.country.set('');
    this.asn.set('');
  }
}
