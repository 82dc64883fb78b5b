/** Periodic jobs (/api/v1/jobs). */

/** GET /api/v1/jobs (admin): state of the periodic jobs. */
export interface JobInfo {
  /** `live` is the Redis/WebSocket publication (every `live_interval_ms`). */
  name: 'second' | 'minute' | 'five_minute' | 'hourly' | 'daily' | 'live';
  runs: number;
  /** Runs skipped because the previous one was still running. */
  skipped: number;
  failures: number;
  last_started_at: number | null;
  last_duration_ms: number | null;
  last_error: string | null;
}
