/**
 * Main-thread time one slice of flow-record work (the history writer's column
 * filling, the alert checks) may take before it yields to I/O: an API request
 * that arrives meanwhile waits at most about this long per slice in the queue.
 */
export const SLICE_MS = 15;

/** Longest pause between two slices while API requests are in flight, ms. */
const MAX_PAUSE_MS = 50;

let inFlight = 0;

/**
 * Express middleware of the control plane: counts the HTTP requests in flight, which slices
 * give way to (see {@link TimeSlice.next}).
 */
export function countApiRequests(_req: unknown, res: { once(event: 'close', listener: () => void): unknown }, next: () => void): void {
  inFlight++;
  res.once('close', () => inFlight--);
  next();
}

/**
 * Work on the event loop in time-budgeted slices (docs/reliability.md, *Soak*):
 * `yieldIfDue()` between units of work returns at once while the slice has
 * time left, and otherwise yields with setImmediate — timers and I/O
 * (HTTP requests, Redis and SQLite answers) run — and starts a new slice.
 */
export class TimeSlice {
  private start = performance.now();

  constructor(private readonly budgetMs = SLICE_MS) {}

  /** Whether this slice's time is up. */
  get due(): boolean {
    return performance.now() - this.start >= this.budgetMs;
  }

  /**
   * Yields to I/O and starts a new slice. While API requests are in flight it then also pauses
   * as long as the slice ran (at most MAX_PAUSE_MS): the requests get at least half of the event
   * loop whatever the monitored traffic does; the flow records wait (bounded queues,
   * docs/flow-records.md).
   */
  async next(): Promise<void> {
    const ran = performance.now() - this.start;
    await new Promise((resolve) => setImmediate(resolve));
    if (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_PAUSE_MS, Math.ceil(ran))));
    this.start = performance.now();
  }

  /** Yields (see {@link next}) if this slice's time is up. */
  async yieldIfDue(): Promise<void> {
    if (this.due) await this.next();
  }
}
