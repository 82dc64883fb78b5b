/* Kept apart from live-socket.ts (Angular, HttpClient) so plain-TypeScript unit specs can use the type. */

/** Rolling throughput history of one interface, oldest first (plain arrays, read by charts). */
export interface LiveSeries {
  id: number;
  name: string;
  /** Sample times, ms since epoch. */
  tsMs: number[];
  bps: number[];
  /** Remote -> local and local -> remote bits/s (by the configured local networks). */
  downloadBps: number[];
  uploadBps: number[];
  pps: number[];
  /** Drops counter as last reported (cumulative). */
  drops: number;
}
