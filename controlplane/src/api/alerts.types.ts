/**
 * Alerts: version 1 of the alert schema (`docs/alert-schema.v1.json`, the shape
 * every SIEM body and the webhook are rendered from), GET /api/v1/alerts and the
 * alert the live socket carries. Changing or removing a v1 field is a new schema version.
 */

/** Severity names in ntopng's order, lowest first (the runtime list is `SEVERITIES` in alerts/alert-event.ts). */
export type AlertSeverity = 'info' | 'notice' | 'warning' | 'error' | 'critical' | 'emergency';

/**
 * An alert as pushed on the live socket and kept in the Redis `alerts:recent` list.
 * The alerts module owns the full alert API; it may add fields here.
 */
export interface AlertEvent {
  id: string;
  check: string;
  severity: AlertSeverity;
  score: number;
  entity: 'flow' | 'host' | 'interface';
  /** Flow key, host IP or interface id. */
  entity_value: string;
  /** UNIX seconds. */
  tstamp: number;
  message: string;
  /** `engaged` while the condition holds, `released` after. */
  state?: 'engaged' | 'released';
}

/** What an alert is about (ntopng's alert entities). */
export type AlertEntityType = 'flow' | 'host' | 'interface';

/**
 * Lifecycle event this message reports: `engaged` (condition started and
 * holds), `released` (condition over), `triggered` (one-shot alert such as a
 * flow alert), `test` (sent by "send test alert").
 */
export type AlertStatus = 'engaged' | 'released' | 'triggered' | 'test';

export interface AlertEndpoint {
  ip: string;
  port: number;
}

/** Flow context, present when `entity.type` is `flow`. */
export interface AlertFlowContext {
  key: string;
  l4: string;
  l7: string;
  vlan: number;
  client: AlertEndpoint;
  server: AlertEndpoint;
  server_name: string;
  cli2srv: { packets: number; bytes: number };
  srv2cli: { packets: number; bytes: number };
  risks: string[];
  first_seen: number;
  last_seen: number;
}

/** Version 1 of the alert schema. */
export interface AlertEventV1 {
  schema: 'flowprobe.alert.v1';
  /** Alert id (UUID). The same alert's engaged and released messages share it; `(id, status)` identifies a message. */
  id: string;
  status: AlertStatus;
  /** When the condition was first seen, RFC 3339 UTC with milliseconds. */
  time: string;
  /** When released, else null. */
  end_time: string | null;
  severity: AlertSeverity;
  score: number;
  /** Check id, e.g. `syn_scan`, `clear_text_credentials`. */
  check: string;
  title: string;
  description: string;
  entity: { type: AlertEntityType; value: string };
  /** Main IP the alert concerns (flow client / host), '' for interface alerts. */
  host: string;
  observer: { hostname: string; interface: string; product: 'flowprobe'; version: string };
  flow?: AlertFlowContext;
  /** Check-specific values (thresholds, counters), flat. */
  details: Record<string, string | number | boolean>;
}

/**
 * An alert as GET /api/v1/alerts answers it: the v1 event plus its state in
 * the probe. Plain types only, so the portal can `import type` it.
 */
export type AlertView = AlertEventV1 & {
  state: 'engaged' | 'past';
  ifid: number;
  acknowledged: boolean;
  acknowledged_by: string | null;
  /** UNIX seconds. */
  acknowledged_at: number | null;
};

/** GET /api/v1/alerts response. */
export interface AlertPage {
  total: number;
  data: AlertView[];
}

/** POST /api/v1/alerts/acknowledge answer. */
export interface BulkAcknowledgeResponse {
  /** Past alerts that were unacknowledged and matched. */
  acknowledged: number;
}

/** Unit of a check setting, for display: `bytes` (1 GiB), `seconds` (1 h), `percent`, `per_minute`, `score`, `count`. */
export type CheckParamUnit = 'bytes' | 'seconds' | 'percent' | 'per_minute' | 'score' | 'count';

/** GET /api/v1/alerts/checks: one check as the Checks page shows it. */
export interface CheckInfo {
  id: string;
  /** Human name ("SYN scan", "Weak TLS cipher"). */
  title: string;
  /** One line: what raises it. */
  description: string;
  entity: AlertEntityType;
  /** Setting key -> what it is and its unit (`enabled` left out). */
  params: Record<string, { label: string; unit: CheckParamUnit }>;
}
