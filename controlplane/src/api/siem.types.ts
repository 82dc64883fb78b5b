import type { AlertEntityType, AlertSeverity } from './alerts.types';

/** SIEM recipients: GET/POST /api/v1/recipients, PUT/DELETE /api/v1/recipients/:id. */

/** Syslog facility names (RFC 5424 §6.2.1). */
export type SyslogFacility =
  | 'kern' | 'user' | 'mail' | 'daemon' | 'auth' | 'syslog' | 'lpr' | 'news' | 'uucp' | 'cron'
  | 'authpriv' | 'ftp' | 'ntp' | 'security' | 'console' | 'solaris_cron'
  | 'local0' | 'local1' | 'local2' | 'local3' | 'local4' | 'local5' | 'local6' | 'local7';

/** Per-recipient delivery counters, as the API shows them. */
export interface RecipientStats {
  queue_depth: number;
  inflight: number;
  delivered: number;
  failed: number;
  /** Alerts held in memory while Redis is unreachable. */
  buffered: number;
  /** Alerts dropped because the memory buffer was full during a Redis outage. */
  dropped: number;
  last_error: string | null;
  last_error_time: string | null;
  last_delivery_time: string | null;
}

/** Syslog options as the API reads and writes them (snake_case). `tls.key` is write-only. */
export interface SyslogRecipientRequest {
  host: string;
  port: number;
  transport: 'udp' | 'tcp' | 'tls';
  framing?: 'octet-counting' | 'newline';
  header: 'rfc5424' | 'rfc3164';
  format: 'json' | 'cef' | 'ecs';
  facility?: SyslogFacility;
  hostname?: string;
  app_name?: string;
  structured_data?: boolean;
  tls?: { ca?: string; cert?: string; key?: string; servername?: string; reject_unauthorized?: boolean };
}

/**
 * Webhook options as the API writes them. `secret`, `headers` and the
 * credentials of `url` are write-only: omitted on update (or the URL sent back
 * without its credentials, as the API shows it) keeps the stored ones.
 */
export interface WebhookRecipientRequest {
  url: string;
  secret?: string;
  headers?: Record<string, string>;
  ca?: string;
  reject_unauthorized?: boolean;
  timeout_ms?: number;
}

/** POST /api/v1/recipients and PUT /api/v1/recipients/:id body (full replace; secrets kept when omitted). */
export interface RecipientRequest {
  name: string;
  enabled?: boolean;
  min_severity: AlertSeverity;
  entities?: AlertEntityType[];
  checks?: string[];
  batch_size?: number;
  type: 'syslog' | 'webhook';
  syslog?: SyslogRecipientRequest;
  webhook?: WebhookRecipientRequest;
}

/** A recipient as the API shows it: snake_case, secrets replaced by `*_set` flags. */
export interface RecipientView {
  id: string;
  name: string;
  enabled: boolean;
  min_severity: AlertSeverity;
  entities: AlertEntityType[];
  checks: string[];
  batch_size: number;
  type: 'syslog' | 'webhook';
  syslog?: Omit<SyslogRecipientRequest, 'tls'> & {
    tls?: Omit<NonNullable<SyslogRecipientRequest['tls']>, 'key'> & { key_set: boolean };
  };
  /**
   * Write-only parts are never shown: `url` comes without the user and
   * password it may carry (`url_credentials_set` says they are stored), header
   * values are replaced by their names (`header_names`), the HMAC secret by `secret_set`.
   */
  webhook?: Omit<WebhookRecipientRequest, 'secret' | 'headers'> & { secret_set: boolean; url_credentials_set: boolean; header_names: string[] };
  stats?: RecipientStats;
  /** Set when the stored recipient could not be used at start (it runs disabled until updated or deleted). */
  invalid?: string;
}
