import type Redis from 'ioredis';
import { AlertEventV1, severityRank } from '../alerts/alert-event';
import { AlertOutbox, Publication } from './queue/alert-outbox';
import { SiemQueueRepository } from './queue/siem-queue.repository';
import { ForwarderOptions, RecipientForwarder } from './recipient-forwarder';
import { RecipientConfig, RecipientStats } from './recipient.types';
import type { DestinationPolicy } from './destination-policy';
import { createTransport } from './transports/create-transport';

export interface SiemDispatcherOptions extends ForwarderOptions {
  /** Redis key prefix (tests isolate themselves with it). */
  prefix?: string;
  /** Settle period of stream transports (ms), see SyslogStreamTransport. */
  settleMs?: number;
  /** Alerts held in memory while Redis is down. */
  maxBuffered?: number;
  maxQueueLength?: number;
  /** false: only produce (e.g. a second process), no consumers. Default true. */
  consume?: boolean;
  /** Refused destination ranges the transports apply (the app passes the one with the admin's allowlist). */
  policy?: DestinationPolicy;
}

/** Whether a recipient wants an alert (test alerts always pass: they are addressed to one recipient). */
export function recipientAccepts(r: RecipientConfig, alert: AlertEventV1): boolean {
  if (!r.enabled) return false;
  if (alert.status === 'test') return true;
  if (severityRank(alert.severity) < severityRank(r.minSeverity)) return false;
  if (r.entities?.length && !r.entities.includes(alert.entity.type)) return false;
  if (r.checks?.length && !r.checks.includes(alert.check)) return false;
  return true;
}

/**
 * Fans alerts out to the recipients' durable queues and runs one forwarder
 * per enabled recipient. Framework-free so the same code runs in the Nest
 * service, in the fault-test child process and in the benchmark.
 */
export class SiemDispatcher {
  readonly queue: SiemQueueRepository;
  private readonly outbox: AlertOutbox;
  private recipients = new Map<string, RecipientConfig>();
  private forwarders = new Map<string, RecipientForwarder>();

  constructor(
    redis: Redis,
    private readonly opts: SiemDispatcherOptions = {},
  ) {
    this.queue = new SiemQueueRepository(redis, opts.prefix ?? '', opts.maxQueueLength);
    this.outbox = new AlertOutbox(redis, this.queue, opts.maxBuffered, (ids) => ids.forEach((id) => this.forwarders.get(id)?.wake()));
  }

  /** Applies a new recipient list: forwarders of changed or removed recipients stop, new ones start. */
  async setRecipients(configs: RecipientConfig[]): Promise<void> {
    const next = new Map(configs.map((c) => [c.id, c]));
    for (const [id, fwd] of this.forwarders) {
      const n = next.get(id);
      if (!n || !n.enabled || JSON.stringify(n) !== JSON.stringify(this.recipients.get(id))) {
        this.forwarders.delete(id);
        await fwd.stop();
      }
    }
    this.recipients = next;
    if (this.opts.consume === false) return;
    for (const c of configs) {
      if (!c.enabled || this.forwarders.has(c.id)) continue;
      let transport;
      try {
        transport = createTransport(c, this.opts.settleMs, this.opts.policy);
      } catch (err) {
        // Validated before it was stored; should a bad one get here anyway, it alone stays stopped.
        this.opts.log?.('error', `Recipient ${c.name} (${c.id}) not started: ${(err as Error).message}`);
        continue;
      }
      const fwd = new RecipientForwarder(c, this.queue, transport, this.opts);
      this.forwarders.set(c.id, fwd);
      fwd.start();
    }
  }

  /** Queues an alert for every recipient whose filters accept it. Never throws (Redis down: memory buffer). */
  async publish(alert: AlertEventV1): Promise<string[]> {
    return (await this.publishMany([alert]))[0];
  }

  /** Queues alerts (in order) in one Redis round trip; answers the recipient ids of each. */
  async publishMany(alerts: AlertEventV1[]): Promise<string[][]> {
    return (await this.publishQueued(alerts)).recipientIds;
  }

  /**
   * As publishMany, also answering when the alerts are in Redis (`queued`: at once when Redis is
   * up; once the memory buffer is flushed when it is down; false if the buffer dropped one).
   */
  async publishQueued(alerts: AlertEventV1[]): Promise<Publication & { recipientIds: string[][] }> {
    const recipients = [...this.recipients.values()];
    const entries = alerts.map((alert) => ({ recipientIds: recipients.filter((r) => recipientAccepts(r, alert)).map((r) => r.id), item: JSON.stringify(alert) }));
    const { queued } = await this.outbox.publishMany(entries);
    return { queued, recipientIds: entries.map((e) => e.recipientIds) };
  }

  /** Queues a test alert for one recipient. */
  async publishTo(recipientId: string, alert: AlertEventV1): Promise<void> {
    await this.outbox.publish([recipientId], JSON.stringify(alert));
  }

  async stats(recipientId: string): Promise<RecipientStats> {
    const buffered = this.outbox.buffered(recipientId);
    const droppedInMemory = this.outbox.dropped(recipientId);
    try {
      const s = await this.queue.stats(recipientId);
      return { ...s, buffered, dropped: s.dropped + droppedInMemory };
    } catch (err) {
      return {
        queue_depth: -1, inflight: -1, delivered: -1, failed: -1, buffered, dropped: droppedInMemory,
        last_error: `Redis unavailable: ${(err as Error).message}`, last_error_time: new Date().toISOString(), last_delivery_time: null,
      };
    }
  }

  /** Stops every forwarder (unsettled items stay in flight for the next start). */
  async close(): Promise<void> {
    const all = [...this.forwarders.values()];
    this.forwarders.clear();
    await Promise.all(all.map((f) => f.stop()));
  }
}
