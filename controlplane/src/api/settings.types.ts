/** Settings (/api/v1/settings). */

/** Retention of timeseries and past alerts, in days. */
export interface RetentionSettings {
  minute_days: number;
  five_minute_days: number;
  hourly_days: number;
  daily_days: number;
  alerts_days: number;
}

/**
 * GET /api/v1/settings (any role) and PUT /api/v1/settings (admin, partial body,
 * answers the full settings). Unknown keys are a 400.
 */
export interface Settings {
  /** CIDRs of local networks; hosts first seen after a change are classified by them (existing hosts keep theirs). */
  local_networks: string[];
  retention: RetentionSettings;
  /** Period of the Redis / WebSocket live publication, 250..10000 ms. */
  live_interval_ms: number;
  /**
   * CIDRs a SIEM recipient or an IPFIX collector may reach although they are loopback, link-local
   * or cloud-metadata addresses (refused by default: docs/security.md). Empty by default.
   */
  siem_allowed_destinations: string[];
  /** Per-check settings, owned by the alerts module: `{ "<check>": { enabled, ...thresholds } }`. */
  checks: Record<string, { enabled: boolean; [param: string]: number | boolean | string }>;
}

export type UpdateSettingsRequest = Partial<Settings>;
