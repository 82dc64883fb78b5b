/**
 * Alert and SIEM-recipient API shapes (issue 6) the portal consumes.
 *
 * `@flowprobe/api` only holds the alert as the live socket carries it; the alert
 * list and the recipients endpoints answer the alerts module's own shapes
 * (`AlertView` in alerts.service.ts, `RecipientView`/`RecipientDto` in siem/).
 * Those files pull in Nest and class-validator, so their shapes are restated here
 * over the control plane's plain type files, imported type-only.
 */
import type { Page } from '@flowprobe/api';
import type { AlertEventV1, Severity } from '../../../../controlplane/src/siem/formats/alert-event';
import type { RecipientStats } from '../../../../controlplane/src/siem/recipient.types';

export type { AlertEventV1, RecipientStats };

/** An alert as `GET /api/v1/alerts` lists it (schema v1 event + its state). */
export type AlertRecord = AlertEventV1 & {
  state: 'engaged' | 'past';
  ifid: number;
  acknowledged: boolean;
  acknowledged_by: string | null;
  /** UNIX seconds. */
  acknowledged_at: number | null;
};

/** `GET /api/v1/alerts` query; `severity` is a minimum. */
export interface AlertListQuery {
  state: 'engaged' | 'past';
  severity?: Severity;
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

export type AlertListResponse = Page<AlertRecord>;

/** Syslog options as the API reads and writes them (snake_case). */
export interface SyslogOptionsBody {
  host: string;
  port: number;
  transport: 'udp' | 'tcp' | 'tls';
  framing?: 'octet-counting' | 'newline';
  header: 'rfc5424' | 'rfc3164';
  format: 'json' | 'cef' | 'ecs';
  facility?: string;
  hostname?: string;
  app_name?: string;
  tls?: { ca?: string; cert?: string; key?: string; servername?: string; reject_unauthorized?: boolean };
}

export interface WebhookOptionsBody {
  url: string;
  /** Write-only: omitted on update keeps the stored secret. */
  secret?: string;
  headers?: Record<string, string>;
  ca?: string;
  reject_unauthorized?: boolean;
  timeout_ms?: number;
}

/** `POST /api/v1/recipients` and `PUT /api/v1/recipients/:id` body (full replace). */
export interface RecipientBody {
  name: string;
  enabled?: boolean;
  min_severity: Severity;
  entities?: ('flow' | 'host' | 'interface')[];
  checks?: string[];
  batch_size?: number;
  type: 'syslog' | 'webhook';
  syslog?: SyslogOptionsBody;
  webhook?: WebhookOptionsBody;
}

/** A recipient as listed: secrets replaced by `*_set` flags, with its queue and delivery counters. */
export interface RecipientView extends Omit<RecipientBody, 'syslog' | 'webhook'> {
  id: string;
  enabled: boolean;
  syslog?: Omit<SyslogOptionsBody, 'tls'> & { tls?: Omit<NonNullable<SyslogOptionsBody['tls']>, 'key'> & { key_set?: boolean } };
  webhook?: Omit<WebhookOptionsBody, 'secret'> & { secret_set?: boolean };
  stats?: RecipientStats;
}
