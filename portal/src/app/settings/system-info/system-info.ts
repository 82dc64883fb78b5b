import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed } from '@angular/core';
import { latestValue } from '../../core/latest-value';
import type { HealthResponse, SystemInfo } from '@flowprobe/api';
import { API_BASE } from '../../core/api-client';
import { pollEvery } from '../../core/poll';
import { FORMAT_PIPES } from '../../shared/format/format';
import { LoadState } from '../../shared/load-state/load-state';
import { AppliancePanel } from './appliance-panel';
import { IpfixExportPanel } from './ipfix-export-panel';
import { UpgradePanel } from './upgrade-panel';

/** Version, uptime, CPU, memory, disk, Redis and health of the appliance, and the IPFIX exporter's counters. */
@Component({
  selector: 'app-system-info',
  imports: [LoadState, AppliancePanel, IpfixExportPanel, UpgradePanel, ...FORMAT_PIPES],
  templateUrl: './system-info.html',
  styles: `
    .meter { height: 0.45rem; background: var(--surface-muted); border-radius: 3px; overflow: hidden; margin-top: 0.3rem; border: 1px solid var(--border); }
    .meter > div { height: 100%; background: var(--accent); }
    .meter.high > div { background: var(--sev-error); }
    .ok { color: var(--ok); } .bad { color: var(--danger); }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SystemInfoPage {
  protected readonly system = httpResource<SystemInfo>(() => `${API_BASE}/system`);
  protected readonly health = httpResource<HealthResponse>(() => '/healthz');

  protected readonly memoryUsedPct = computed(() => {
    const m = this.systemData()?.memory;
    return m && m.total ? (100 * (m.total - m.free)) / m.total : 0;
  });
  protected readonly diskUsedPct = computed(() => {
    const d = this.systemData()?.disk;
    return d && d.total ? (100 * (d.total - d.free)) / d.total : 0;
  });
  protected readonly loadPct = computed(() => {
    const c = this.systemData()?.cpu;
    return c && c.cores ? Math.min(100, (100 * c.load_avg[0]) / c.cores) : 0;
  });

  protected readonly systemData = latestValue(this.system);
  protected readonly healthData = latestValue(this.health);

  constructor() {
    pollEvery(10_000, this.system, this.health);
  }
}
