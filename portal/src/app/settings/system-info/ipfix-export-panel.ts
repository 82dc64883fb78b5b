import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { IpfixCollectorView } from '@flowprobe/api';
import { API_BASE } from '../../core/api-client';
import { latestValue } from '../../core/latest-value';
import { pollEvery } from '../../core/poll';
import { FORMAT_PIPES } from '../../shared/format/format';
import { LoadState } from '../../shared/load-state/load-state';

/**
 * The IPFIX exporter's counters per collector on the System page (records,
 * messages = packets, bytes sent, templates, drops, queue), from
 * `GET /api/v1/ipfix/collectors` (the same counters as /metrics), polled.
 */
@Component({
  selector: 'app-ipfix-export-panel',
  imports: [LoadState, RouterLink, ...FORMAT_PIPES],
  templateUrl: './ipfix-export-panel.html',
  styles: `
    .ok { color: var(--ok); } .bad { color: var(--danger); }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class IpfixExportPanel {
  protected readonly collectors = httpResource<IpfixCollectorView[]>(() => `${API_BASE}/ipfix/collectors`);
  protected readonly collectorsData = latestValue(this.collectors);

  constructor() {
    pollEvery(3_000, this.collectors);
  }
}
