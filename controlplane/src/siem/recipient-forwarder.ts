import { AlertEventV1 } from '../alerts/alert-event';
import { formatSyslogMessage } from './formats/syslog-message';
import { SiemQueueRepository } from './queue/siem-queue.repository';
import { RecipientConfig } from './recipient.types';
import { PermanentDeliveryError, SiemTransport } from './transports/siem-transport';

export interface ForwarderOptions {
  /** First retry delay (ms); doubles per consecutive failure. */
  backoffBaseMs?: number;
  /** Cap of the retry delay (ms). */
  backoffMaxMs?: number;
  /** Poll period when the queue is empty and nobody woke us (ms): covers producers in other processes. */
  idlePollMs?: number;
  /** Log sink (the Nest logger in the app). */
  log?: (level: 'warn' | 'error' | 'log', msg: string) => void;
}

interface PendingBatch {
  items: string[];
  generation: number;
  writtenAtMs: number;
}

/** Renders queued items (serialized alerts) into what the recipient's transport sends. */
export function renderForRecipient(recipient: RecipientConfig, items: string[]): string[] {
  if (recipient.type === 'webhook') return items;
  const opts = recipient.syslog!;
  return items.map((item) => formatSyslogMessage(JSON.parse(item) as AlertEventV1, opts));
}

/**
 * The consumer of one recipient's queue. Takes batches into the in-flight
 * list, sends them, and acknowledges them once delivered (after the
 * transport's settle period for stream sockets). Failures put the batch back
 * and wait an exponential backoff with full jitter (AWS architecture blog,
 * "Exponential Backoff And Jitter"): delay = random(0, min(max, base·2^n)).
 * At start it first moves whatever a previous run left in flight back to the
 * queue, so a crash or restart re-sends rather than loses.
 */
export class RecipientForwarder {
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wakeUp: (() => void) | null = null;
  /** A wake() that arrived while the loop was busy: the next sleep returns at once. */
  private woken = false;
  private pending: PendingBatch[] = [];
  /** Items to put back in the queue that could not be (Redis down); retried every loop. */
  private stranded: string[] = [];
  /** Delivered items whose acknowledgement failed (Redis down); retried every loop. */
  private unacked: string[] = [];
  private consecutiveFailures = 0;
  private readonly opts: Required<ForwarderOptions>;

  constructor(
    readonly recipient: RecipientConfig,
    private readonly queue: SiemQueueRepository,
    private readonly transport: SiemTransport,
    opts: ForwarderOptions = {},
  ) {
    this.opts = {
      backoffBaseMs: opts.backoffBaseMs ?? 500,
      backoffMaxMs: opts.backoffMaxMs ?? 60_000,
      idlePollMs: opts.idlePollMs ?? 1000,
      log: opts.log ?? (() => undefined),
    };
    this.transport.on('lost', (generation: number, err: Error) => {
      void this.requeueLost(generation, err);
    });
  }

  /** Starts consuming (recovering in-flight items first). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.run();
  }

  /** Signals new items (same-process producers), so delivery does not wait for the poll period. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Stops after the current batch and its settle period (≤ 1 s); what cannot be acknowledged stays in flight for the next start. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loopDone;
    await this.transport.close();
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wakeUp = done;
    }).then(() => {
      this.wakeUp = null;
      this.woken = false;
    });
  }

  private async run(): Promise<void> {
    const id = this.recipient.id;
    const batchSize = this.recipient.batchSize ?? 100;
    let recovered = false;
    while (this.running) {
      try {
        if (!recovered) {
          const n = await this.queue.recoverInflight(id);
          if (n) this.opts.log('log', `recipient ${id}: ${n} in-flight alerts from a previous run queued again`);
          recovered = true;
        }
        if (this.stranded.length) {
          await this.queue.requeue(id, this.stranded);
          this.stranded = [];
        }
        if (this.unacked.length) {
          await this.queue.ack(id, this.unacked, new Date().toISOString());
          this.unacked = [];
        }
        await this.settle();
        const items = await this.queue.take(id, batchSize);
        if (!items.length) {
          await this.sleep(this.pending.length ? Math.min(this.transport.settleMs, this.opts.idlePollMs) : this.opts.idlePollMs);
          continue;
        }
        await this.deliver(items);
      } catch (err) {
        // Redis itself is unreachable: wait and try again; items stay where they were.
        this.opts.log('warn', `recipient ${id}: queue unavailable: ${(err as Error).message}`);
        await this.sleep(this.backoffMs());
      }
    }
    // Graceful stop: give what was just written its settle period, so a clean restart re-sends nothing.
    if (this.pending.length) await new Promise((r) => setTimeout(r, this.transport.settleMs));
    await this.settle().catch(() => undefined);
  }

  private async deliver(items: string[]): Promise<void> {
    const id = this.recipient.id;
    const generation = this.transport.generation;
    try {
      await this.transport.send(renderForRecipient(this.recipient, items));
    } catch (err) {
      const message = (err as Error).message;
      const now = new Date().toISOString();
      if (err instanceof PermanentDeliveryError) {
        await this.queue.bury(id, items, message, now).catch(() => this.stranded.push(...items));
        this.opts.log('error', `recipient ${id}: ${items.length} alerts undeliverable: ${message}`);
        return;
      }
      await this.requeueOrStrand(items);
      await this.queue.recordFailure(id, items.length, message, now).catch(() => undefined);
      this.consecutiveFailures++;
      const delay = this.backoffMs();
      this.opts.log('warn', `recipient ${id}: delivery failed (${message}); retry in ${delay} ms`);
      await this.sleep(delay);
      return;
    }
    this.consecutiveFailures = 0;
    if (this.transport.generation !== generation) {
      // The connection died between our write and now: its 'lost' event has passed, re-send ourselves.
      await this.requeueOrStrand(items);
      return;
    }
    if (this.transport.settleMs === 0) {
      await this.ackOrKeep(items);
    } else {
      this.pending.push({ items, generation, writtenAtMs: Date.now() });
    }
  }

  /** Acknowledges batches written long enough ago on a connection that is still alive. */
  private async settle(): Promise<void> {
    if (!this.pending.length) return;
    const cutoff = Date.now() - this.transport.settleMs;
    const live = this.transport.generation;
    const done: string[] = [];
    while (this.pending.length && this.pending[0].writtenAtMs <= cutoff) {
      const b = this.pending.shift()!;
      // A batch from a dead connection was already requeued by requeueLost.
      if (b.generation === live) done.push(...b.items);
    }
    if (done.length) await this.ackOrKeep(done);
  }

  /** Acknowledges, or keeps the items for the next loop when Redis does not answer (never re-sent meanwhile). */
  private async ackOrKeep(items: string[]): Promise<void> {
    try {
      await this.queue.ack(this.recipient.id, items, new Date().toISOString());
    } catch {
      this.unacked.push(...items);
    }
  }

  /** Puts items back in the queue, or keeps them for the next loop when Redis does not answer. */
  private async requeueOrStrand(items: string[]): Promise<void> {
    try {
      await this.queue.requeue(this.recipient.id, items);
    } catch {
      this.stranded.push(...items);
    }
  }

  private async requeueLost(generation: number, err: Error): Promise<void> {
    const lost = this.pending.filter((b) => b.generation === generation);
    if (!lost.length) return;
    this.pending = this.pending.filter((b) => b.generation !== generation);
    const items = lost.flatMap((b) => b.items);
    this.opts.log('warn', `recipient ${this.recipient.id}: connection lost (${err.message}); ${items.length} unsettled alerts will be sent again`);
    await this.requeueOrStrand(items);
    await this.queue.recordFailure(this.recipient.id, 0, `connection lost: ${err.message}`, new Date().toISOString()).catch(() => undefined);
  }

  private backoffMs(): number {
    const n = Math.max(this.consecutiveFailures, 1);
    const cap = Math.min(this.opts.backoffMaxMs, this.opts.backoffBaseMs * 2 ** Math.min(n - 1, 30));
    return Math.floor(Math.random() * cap);
  }
}
