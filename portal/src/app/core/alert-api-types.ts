/**
 * Alert list query the portal sends. The response and SIEM-recipient shapes
 * (`AlertView`, `AlertPage`, `RecipientView`, `RecipientRequest`) come from the
 * control plane's `@flowprobe/api`; only the query, a class-validator DTO there,
 * is written out here.
 */
import type { AlertSeverity } from '@flowprobe/api';

/** `GET /api/v1/alerts` query; `severity` is a minimum. */
export interface AlertListQuery {
  state: 'engaged' | 'past';
  severity?: AlertSeverity;
  entity?: 'flow' | 'host' | 'interface';
  host?: string;
  check?: string;
  /** UNIX seconds. */
  from?: number;
  to?: number;
  acknowledged?: boolean;
  limit: number;
  offset: number;
}
