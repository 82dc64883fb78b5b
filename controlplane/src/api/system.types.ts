/** System information and health (/api/v1/system, /healthz). */

/** GET /api/v1/system (any role). */
export interface SystemInfo {
  version: string;
  hostname: string;
  /** Process uptime, seconds. */
  uptime: number;
  node: string;
  cpu: { model: string; cores: number; load_avg: [number, number, number] };
  memory: { total: number; free: number; process_rss: number };
  /** The filesystem holding the database. */
  disk: { path: string; total: number; free: number };
  /** Capture sources from the boot config (read-only here). */
  sources: { name: string; kind: 'pcap' | 'dpdk'; description: string }[];
  redis: { connected: boolean; url: string };
}

/** GET /healthz (no auth). 200 for `ok` and `degraded`, 503 for `down`. */
export interface HealthResponse {
  status: 'ok' | 'degraded' | 'down';
  capture: 'running' | 'stopped';
  redis: 'up' | 'down';
  database: 'up' | 'down';
  /** Parts running disabled because their stored configuration is unusable (e.g. a SIEM recipient), with the reason. */
  problems: { component: string; reason: string }[];
}
