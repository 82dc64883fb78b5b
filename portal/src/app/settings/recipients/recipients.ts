import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { latestValue } from '../../core/latest-value';
import { FormsModule } from '@angular/forms';
import { firstValueFrom } from 'rxjs';
import type { RecipientView } from '@flowprobe/api';
import { API_BASE, ApiClient, errorMessage } from '../../core/api-client';
import { Clock } from '../../core/clock';
import { pollEvery } from '../../core/poll';
import { FORMAT_PIPES } from '../../shared/format/format';
import { LoadState } from '../../shared/load-state/load-state';
import { SEVERITY_ORDER } from '../../shared/severity-badge/severity-badge';
import { RecipientDraft, describeTarget, emptyDraft, fromDraft, toDraft } from './recipient-form';

/** SIEM recipients: add, edit, delete, watch their queues, send a test alert. */
@Component({
  selector: 'app-recipients',
  imports: [FormsModule, LoadState, ...FORMAT_PIPES],
  templateUrl: './recipients.html',
  styleUrl: './recipients.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Recipients {
  private readonly api = inject(ApiClient);
  protected readonly clock = inject(Clock);

  protected readonly recipients = httpResource<RecipientView[]>(() => `${API_BASE}/recipients`);
  protected readonly severities = SEVERITY_ORDER;
  protected readonly describeTarget = describeTarget;
  /** The recipient being edited or created; null when the form is closed. */
  protected readonly draft = signal<RecipientDraft | null>(null);
  protected readonly saving = signal(false);
  protected readonly formError = signal('');
  /** Outcome of the last "send test alert", per recipient id. */
  protected readonly testResult = signal<Record<string, { ok: boolean; text: string }>>({});

  protected readonly recipientsData = latestValue(this.recipients);

  constructor() {
    // Queue depth and delivery counters move as alerts flow.
    pollEvery(3_000, this.recipients);
  }

  protected add(): void {
    this.formError.set('');
    this.draft.set(emptyDraft());
  }

  protected edit(r: RecipientView): void {
    this.formError.set('');
    this.draft.set(toDraft(r));
  }

  protected patch(change: Partial<RecipientDraft>): void {
    const d = this.draft();
    if (d) this.draft.set({ ...d, ...change });
  }

  protected async save(): Promise<void> {
    const d = this.draft();
    if (!d) return;
    this.saving.set(true);
    this.formError.set('');
    try {
      const body = fromDraft(d);
      await firstValueFrom(d.id ? this.api.updateRecipient(d.id, body) : this.api.createRecipient(body));
      this.draft.set(null);
      this.recipients.reload();
    } catch (error) {
      this.formError.set(errorMessage(error));
    } finally {
      this.saving.set(false);
    }
  }

  protected async remove(r: RecipientView): Promise<void> {
    if (!confirm(`Delete the recipient "${r.name}"? Alerts still queued for it are discarded.`)) return;
    try {
      await firstValueFrom(this.api.deleteRecipient(r.id));
      this.recipients.reload();
    } catch (error) {
      this.setResult(r.id, false, errorMessage(error));
    }
  }

  protected async sendTest(r: RecipientView): Promise<void> {
    this.setResult(r.id, true, 'Sending…');
    try {
      await firstValueFrom(this.api.sendTestAlert(r.id));
      this.setResult(r.id, true, 'Test alert queued.');
      this.recipients.reload();
    } catch (error) {
      this.setResult(r.id, false, errorMessage(error));
    }
  }

  /** Last delivery as UNIX seconds (the API gives RFC 3339), 0 = never. */
  protected deliveredAt(r: RecipientView): number {
    const t = r.stats?.last_delivery_time;
    return t ? Date.parse(t) / 1000 : 0;
  }

  private setResult(id: string, ok: boolean, text: string): void {
    this.testResult.update((all) => ({ ...all, [id]: { ok, text } }));
  }
}
