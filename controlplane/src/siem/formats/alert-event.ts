/**
 * The alert as it leaves the probe: version 1 of flowprobe's alert schema
 * (`docs/alert-schema.v1.json`). Every SIEM body (JSON, CEF, ECS) and the
 * webhook are rendered from this one shape, so a field added here reaches all
 * of them. Changing or removing a field is a new schema version.
 */

/** Severity names in ntopng's order, lowest first. */
export const SEVERITIES = ['info', 'notice', 'warning', 'error', 'critical', 'emergency'] as const;
export type Severity = (typeof SEVERITIES)[number];

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
  severity: Severity;
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

/** The rank of a severity (info = 0 ... emergency = 5). */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** Score → severity as ntopng: ≥1 info, ≥10 notice, ≥50 warning, ≥100 error, ≥200 critical, ≥250 emergency. */
export function severityFromScore(score: number): Severity {
  if (score >= 250) return 'emergency';
  if (score >= 200) return 'critical';
  if (score >= 100) return 'error';
  if (score >= 50) return 'warning';
  if (score >= 10) return 'notice';
  return 'info';
}
