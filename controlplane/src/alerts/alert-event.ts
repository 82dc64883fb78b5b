/**
 * The alert as it leaves the probe: version 1 of flowprobe's alert schema
 * (`docs/alert-schema.v1.json`, types in api/alerts.types.ts) and its severities.
 * Every SIEM body (JSON, CEF, ECS) and the webhook are rendered from this one
 * shape, so a field added there reaches all of them.
 */

import type { AlertSeverity } from '../api/alerts.types';

export type { AlertEndpoint, AlertEntityType, AlertEventV1, AlertFlowContext, AlertSeverity, AlertStatus } from '../api/alerts.types';
export type Severity = AlertSeverity;

/** Severity names in ntopng's order, lowest first. */
export const SEVERITIES = ['info', 'notice', 'warning', 'error', 'critical', 'emergency'] as const satisfies readonly AlertSeverity[];

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
