/**
 * Alert and SIEM-recipient API shapes (issue 6) the portal consumes.
 *
 * Why here and not in `@flowprobe/api`: the control plane's `api-types.ts` only
 * holds the alert as the live socket carries it; the alerts module owns the list,
 * acknowledge and recipient endpoints. The recipient configuration itself is the
 * control plane's own type, imported type-only.
 */
import type { AlertEvent, AlertSeverity, Page } from '@flowprobe/api';
import type { RecipientConfig, RecipientStats } from '../../../../controlplane/src/siem/recipient.types';

export type { RecipientConfig, RecipientStats };

/** An alert as listed by `GET /api/v1/alerts`. */
export interface AlertRecord extends AlertEvent {
  /** UNIX seconds the condition ended; null while engaged. */
  end_tstamp?: number | null;
  acknowledged?: boolean;
  /** Main IP the alert concerns, '' for interface alerts. */
  host?: string;
  title?: string;
}

/** `GET /api/v1/alerts` query; `state=engaged` lists the live ones, `past` the released ones. */
export interface AlertListQuery {
  state: 'engaged' | 'past';
  severity?: AlertSeverity;
  entity?: AlertEvent['entity'];
  host?: string;
  check?: string;
  /** UNIX seconds. */
  from?: number;
  to?: number;
  limit: number;
  offset: number;
}

export type AlertListResponse = Page<AlertRecord>;

/** A recipient with its delivery counters, as `GET /api/v1/recipients` lists it. */
export type RecipientWithStats = RecipientConfig & { stats?: RecipientStats };
