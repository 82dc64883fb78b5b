import type Redis from 'ioredis';
import { RecipientStats } from '../recipient.types';

/** Counters kept per recipient in the hash `siem:stats:<id>`. */
type StatsHash = Partial<Record<'delivered' | 'failed' | 'dropped' | 'last_error' | 'last_error_time' | 'last_delivery_time', string>>;

/** KEYS[1] queue, KEYS[2] in-flight, ARGV[1] max: LMOVE RIGHT→LEFT until empty or max. */
const TAKE_SCRIPT = `
local out = {}
for i = 1, tonumber(ARGV[1]) do
  local v = redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT')
  if not v then break end
  out[i] = v
end
return out`;

/**
 * KEYS[1] queue, KEYS[2] stats, ARGV[1] cap, ARGV[2..] items oldest first: LPUSH them, then trim
 * past the cap and count what was trimmed, in one atomic step (a consumer taking items between a
 * push and its trim would make the count wrong).
 */
const ENQUEUE_SCRIPT = `
local len = 0
for i = 2, #ARGV do len = redis.call('LPUSH', KEYS[1], ARGV[i]) end
local over = len - tonumber(ARGV[1])
if over > 0 then
  redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[1]) - 1)
  redis.call('HINCRBY', KEYS[2], 'dropped', over)
end
return len`;

/**
 * Redis side of the per-recipient durable queues. Producers LPUSH serialized
 * alerts to `siem:queue:<id>`; the consumer LMOVEs the oldest (right end) to
 * `siem:inflight:<id>` and LREMs them once delivered, so an item is always in
 * exactly one of the two lists until acknowledged. Items are unique strings
 * (alert id + status inside), which LREM relies on.
 */
export class SiemQueueRepository {
  constructor(
    private readonly redis: Redis,
    /** Key prefix, e.g. '' in production, 'test:<uuid>:' in tests. */
    private readonly prefix = '',
    /** Oldest items are trimmed past this length (a SIEM down for days must not eat Redis' memory). */
    private readonly maxQueueLength = 1_000_000,
  ) {}

  queueKey(id: string): string {
    return `${this.prefix}siem:queue:${id}`;
  }
  inflightKey(id: string): string {
    return `${this.prefix}siem:inflight:${id}`;
  }
  statsKey(id: string): string {
    return `${this.prefix}siem:stats:${id}`;
  }
  deadKey(id: string): string {
    return `${this.prefix}siem:dead:${id}`;
  }

  /** Appends one item to several recipients' queues in one round trip. */
  enqueue(recipientIds: string[], item: string): Promise<void> {
    return this.enqueueMany([{ recipientIds, item }]);
  }

  /**
   * Appends items (each to its recipients' queues), in order, in one round trip; past the cap the
   * oldest are trimmed and counted in `dropped`, atomically with the push.
   */
  async enqueueMany(entries: { recipientIds: string[]; item: string }[]): Promise<void> {
    const byRecipient = new Map<string, string[]>();
    for (const e of entries) {
      for (const id of e.recipientIds) {
        let items = byRecipient.get(id);
        if (!items) byRecipient.set(id, (items = []));
        items.push(e.item);
      }
    }
    if (!byRecipient.size) return;
    const p = this.redis.pipeline();
    for (const [id, items] of byRecipient) p.eval(ENQUEUE_SCRIPT, 2, this.queueKey(id), this.statsKey(id), this.maxQueueLength, ...items);
    for (const [err] of (await p.exec()) ?? []) if (err) throw err;
  }

  /**
   * Moves up to `max` oldest items to the in-flight list and returns them,
   * oldest first: one server-side script, so an almost empty queue costs one
   * command, not `max` LMOVEs, and the batch moves atomically.
   */
  async take(id: string, max: number): Promise<string[]> {
    return (await this.redis.eval(TAKE_SCRIPT, 2, this.queueKey(id), this.inflightKey(id), max)) as string[];
  }

  /** Acknowledges delivered items: removes them from in-flight and counts them. LREM from the tail (count -1): the oldest items sit there, so each removal is near O(1). */
  async ack(id: string, items: string[], nowIso: string): Promise<void> {
    const p = this.redis.multi();
    for (const item of items) p.lrem(this.inflightKey(id), -1, item);
    p.hincrby(this.statsKey(id), 'delivered', items.length);
    p.hset(this.statsKey(id), 'last_delivery_time', nowIso);
    await p.exec();
  }

  /** Puts in-flight items back at the consuming end of the queue, oldest consumed first. */
  async requeue(id: string, items: string[]): Promise<void> {
    if (!items.length) return;
    const p = this.redis.multi();
    for (const item of items) p.lrem(this.inflightKey(id), -1, item);
    // RPUSH newest first so the oldest ends up rightmost, where LMOVE takes from.
    p.rpush(this.queueKey(id), ...[...items].reverse());
    await p.exec();
  }

  /** Moves every in-flight item back to the queue (startup recovery after a crash or restart). Returns how many. */
  async recoverInflight(id: string): Promise<number> {
    let n = 0;
    // LEFT→RIGHT keeps the order: the newest in-flight item goes first, the oldest ends up rightmost.
    while ((await this.redis.lmove(this.inflightKey(id), this.queueKey(id), 'LEFT', 'RIGHT')) !== null) n++;
    return n;
  }

  /** Records a failed attempt of `count` items. */
  async recordFailure(id: string, count: number, error: string, nowIso: string): Promise<void> {
    await this.redis
      .multi()
      .hincrby(this.statsKey(id), 'failed', count)
      .hset(this.statsKey(id), 'last_error', error.slice(0, 500), 'last_error_time', nowIso)
      .exec();
  }

  /** Moves undeliverable items to the dead list (kept for inspection, newest 1000). */
  async bury(id: string, items: string[], error: string, nowIso: string): Promise<void> {
    const p = this.redis.multi();
    for (const item of items) p.lrem(this.inflightKey(id), -1, item);
    p.lpush(this.deadKey(id), ...items);
    p.ltrim(this.deadKey(id), 0, 999);
    p.hincrby(this.statsKey(id), 'failed', items.length);
    p.hset(this.statsKey(id), 'last_error', error.slice(0, 500), 'last_error_time', nowIso);
    await p.exec();
  }

  async stats(id: string): Promise<Omit<RecipientStats, 'buffered'>> {
    const [[, depth], [, inflight], [, hash]] = ((await this.redis
      .pipeline()
      .llen(this.queueKey(id))
      .llen(this.inflightKey(id))
      .hgetall(this.statsKey(id))
      .exec()) ?? []) as [unknown, number][] & [unknown, StatsHash][];
    const h = hash as unknown as StatsHash;
    return {
      queue_depth: depth as number,
      inflight: inflight as number,
      delivered: Number(h.delivered ?? 0),
      failed: Number(h.failed ?? 0),
      dropped: Number(h.dropped ?? 0),
      last_error: h.last_error ?? null,
      last_error_time: h.last_error_time ?? null,
      last_delivery_time: h.last_delivery_time ?? null,
    };
  }

  /** Deletes a recipient's queues and counters (recipient deleted). */
  async purge(id: string): Promise<void> {
    await this.redis.del(this.queueKey(id), this.inflightKey(id), this.statsKey(id), this.deadKey(id));
  }
}
