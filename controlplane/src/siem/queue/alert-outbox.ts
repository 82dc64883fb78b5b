import type Redis from 'ioredis';
import { SiemQueueRepository } from './siem-queue.repository';

interface Buffered {
  recipientIds: string[];
  item: string;
}

/**
 * Producer side of the SIEM queues, tolerant of a dead Redis: while Redis is
 * not ready (or a push fails) alerts wait in a bounded in-memory FIFO, which
 * is flushed in order as soon as the client is ready again. Past `maxBuffered`
 * the oldest buffered alert is dropped and counted per recipient. The buffer
 * is memory: alerts in it are lost if the process stops before Redis returns.
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
  publish(recipientIds: string[], item: string): Promise<void> {
    return this.publishMany([{ recipientIds, item }]);
  }

  /** Queues serialized alerts (in order) in one Redis round trip. Never throws. */
  async publishMany(entries: Buffered[]): Promise<void> {
    const todo = entries.filter((e) => e.recipientIds.length);
    if (!todo.length) return;
    if (this.buffer.length === 0 && this.redis.status === 'ready') {
      try {
        await this.queue.enqueueMany(todo);
        this.onQueued([...new Set(todo.flatMap((e) => e.recipientIds))]);
        return;
      } catch {
        // fall through to the buffer (a retried push may repeat an item: at-least-once)
      }
    }
    for (const e of todo) this.hold(e);
    void this.flush();
  }

  private hold(b: Buffered): void {
    this.buffer.push(b);
    if (this.buffer.length > this.maxBuffered) {
      const lost = this.buffer.shift()!;
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
        this.onQueued(b.recipientIds);
      }
    })().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }
}
