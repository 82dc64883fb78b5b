import type Redis from 'ioredis';
import { SiemQueueRepository } from './siem-queue.repository';

interface Entry {
  recipientIds: string[];
  item: string;
}

interface Buffered extends Entry {
  /** Called once: true when the entry reached Redis, false when it was dropped from the buffer. */
  settle?: (queued: boolean) => void;
}

/** What `publishMany` answers: `queued` resolves true once every entry is in Redis, false if one was dropped. */
export interface Publication {
  queued: Promise<boolean>;
}

const QUEUED: Publication = { queued: Promise.resolve(true) };

/** One settle callback per entry; the promise resolves when all settled (true) or at the first drop (false). */
function settleGroup(n: number): { queued: Promise<boolean>; settle: (queued: boolean) => void } {
  let resolve!: (queued: boolean) => void;
  const queued = new Promise<boolean>((r) => (resolve = r));
  let left = n;
  return {
    queued,
    settle: (ok) => {
      if (!ok) resolve(false);
      else if (--left === 0) resolve(true);
    },
  };
}

/**
 * Producer side of the SIEM queues, tolerant of a dead Redis: while Redis is
 * not ready (or a push fails) alerts wait in a bounded in-memory FIFO, which
 * is flushed in order as soon as the client is ready again. Past `maxBuffered`
 * the oldest buffered alert is dropped and counted per recipient. The buffer
 * is memory: alerts in it are lost if the process stops before Redis returns,
 * which is why `publishMany` says when its entries really reached Redis (the
 * alert outbox in SQLite keeps them until then: docs/reliability.md).
 */
export class AlertOutbox {
  private buffer: Buffered[] = [];
  private flushing: Promise<void> | null = null;
  private readonly droppedBy = new Map<string, number>();

  constructor(
    private readonly redis: Redis,
    private readonly queue: SiemQueueRepository,
    private readonly maxBuffered = 10_000,
    private readonly onQueued: (recipientIds: string[]) => void = () => undefined,
  ) {
    redis.on('ready', () => void this.flush());
  }

  /** Queues one serialized alert for the given recipients. Never throws. */
  publish(recipientIds: string[], item: string): Promise<Publication> {
    return this.publishMany([{ recipientIds, item }]);
  }

  /**
   * Queues serialized alerts (in order) in one Redis round trip. Never throws: while Redis is
   * down they wait in the memory buffer, and the answer's `queued` resolves once they are in
   * Redis (false if one was dropped from the buffer first).
   */
  async publishMany(entries: Entry[]): Promise<Publication> {
    const todo = entries.filter((e) => e.recipientIds.length);
    if (!todo.length) return QUEUED;
    if (this.buffer.length === 0 && this.redis.status === 'ready') {
      try {
        await this.queue.enqueueMany(todo);
        this.onQueued([...new Set(todo.flatMap((e) => e.recipientIds))]);
        return QUEUED;
      } catch {
        // fall through to the buffer (a retried push may repeat an item: at-least-once)
      }
    }
    const group = settleGroup(todo.length);
    for (const e of todo) this.hold({ ...e, settle: group.settle });
    void this.flush();
    return { queued: group.queued };
  }

  private hold(b: Buffered): void {
    this.buffer.push(b);
    if (this.buffer.length > this.maxBuffered) {
      const lost = this.buffer.shift()!;
      lost.settle?.(false);
      for (const id of lost.recipientIds) this.droppedBy.set(id, (this.droppedBy.get(id) ?? 0) + 1);
    }
  }

  /** Alerts waiting in memory for this recipient. */
  buffered(recipientId: string): number {
    return this.buffer.reduce((n, b) => n + (b.recipientIds.includes(recipientId) ? 1 : 0), 0);
  }

  /** Alerts dropped from the memory buffer for this recipient since start. */
  dropped(recipientId: string): number {
    return this.droppedBy.get(recipientId) ?? 0;
  }

  /** Pushes the buffer to Redis in order; stops at the first failure and leaves the rest. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = (async () => {
      while (this.buffer.length && this.redis.status === 'ready') {
        const b = this.buffer[0];
        try {
          await this.queue.enqueue(b.recipientIds, b.item);
        } catch {
          break;
        }
        this.buffer.shift();
        b.settle?.(true);
        this.onQueued(b.recipientIds);
      }
    })().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }
}
