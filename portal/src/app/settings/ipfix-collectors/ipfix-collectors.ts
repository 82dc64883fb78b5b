import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { firstValueFrom } from 'rxjs';
import type { IpfixCollectorRequest, IpfixCollectorView } from '@flowprobe/api';
import { API_BASE, ApiClient, errorMessage } from '../../core/api-client';
import { latestValue } from '../../core/latest-value';
import { pollEvery } from '../../core/poll';
import { FORMAT_PIPES } from '../../shared/format/format';
import { LoadState } from '../../shared/load-state/load-state';

/** The form's state: a request plus the id of the collector being edited. */
type CollectorDraft = Required<IpfixCollectorRequest> & { id?: string };

function emptyDraft(): CollectorDraft {
  return { name: '', host: '', port: 4739, transport: 'udp', mode: 'biflow', observation_domain_id: 1, enabled: true };
}

/** IPFIX collectors: add, edit, delete, watch each exporter's counters. */
@Component({
  selector: 'app-ipfix-collectors',
  imports: [FormsModule, LoadState, ...FORMAT_PIPES],
  templateUrl: './ipfix-collectors.html',
  styleUrl: '../recipients/recipients.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class IpfixCollectors {
  private readonly api = inject(ApiClient);
  protected readonly collectors = httpResource<IpfixCollectorView[]>(() => `${API_BASE}/ipfix/collectors`);
  protected readonly collectorsData = latestValue(this.collectors);
  protected readonly draft = signal<CollectorDraft | null>(null);
  protected readonly saving = signal(false);
  protected readonly formError = signal('');

  constructor() {
    // Counters move as flows end.
    pollEvery(3_000, this.collectors);
  }

  protected add(): void {
    this.formError.set('');
    this.draft.set(emptyDraft());
  }

  protected edit(c: IpfixCollectorView): void {
    this.formError.set('');
    const { id, name, host, port, transport, mode, observation_domain_id, enabled } = c;
    this.draft.set({ id, name, host, port, transport, mode, observation_domain_id, enabled });
  }

  protected patch(change: Partial<CollectorDraft>): void {
    const d = this.draft();
    if (d) this.draft.set({ ...d, ...change });
  }

  protected async save(): Promise<void> {
    const d = this.draft();
    if (!d) return;
    this.saving.set(true);
    this.formError.set('');
    try {
      const { id, ...body } = d;
      const request = { ...body, port: Number(body.port), observation_domain_id: Number(body.observation_domain_id) };
      await firstValueFrom(id ? this.api.updateIpfixCollector(id, request) : this.api.createIpfixCollector(request));
      this.draft.set(null);
      this.collectors.reload();
    } catch (error) {
      this.formError.set(errorMessage(error));
    } finally {
      this.saving.set(false);
    }
  }

  protected async remove(c: IpfixCollectorView): Promise<void> {
    if (!confirm(`Delete the collector "${c.name}"? Records still queued for it are discarded.`)) return;
    try {
      await firstValueFrom(this.api.deleteIpfixCollector(c.id));
      this.collectors.reload();
    } catch (error) {
      this.formError.set(errorMessage(error));
    }
  }

  protected target(c: IpfixCollectorView): string {
    const host = c.host.includes(':') ? `[${c.host}]` : c.host;
    return `ipfix${c.transport === 'tcp' ? '+tcp' : ''}://${host}:${c.port} · ${c.mode} · domain ${c.observation_domain_id}`;
  }
}
