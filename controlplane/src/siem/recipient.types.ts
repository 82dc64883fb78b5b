import { AlertEntityType, Severity } from './formats/alert-event';
import { SyslogFacility } from './formats/syslog-header';

/** TLS settings of a syslog-over-TLS recipient (RFC 5425). */
export interface SyslogTlsOptions {
  /** PEM CA bundle the server certificate must chain to; the system store when absent. */
  ca?: string;
  /** PEM client certificate and key for mutual TLS. */
  cert?: string;
  key?: string;
  /** SNI and name checked against the certificate; defaults to `host`. */
  servername?: string;
  /** Verify the server certificate (default true; false only for lab setups). */
  rejectUnauthorized?: boolean;
}

export interface SyslogRecipientOptions {
  host: string;
  port: number;
  transport: 'udp' | 'tcp' | 'tls';
  /** Stream framing (RFC 6587): octet counting (default) or newline (LF) terminated. */
  framing?: 'octet-counting' | 'newline';
  header: 'rfc5424' | 'rfc3164';
  format: 'json' | 'cef' | 'ecs';
  facility?: SyslogFacility;
  /** HOSTNAME field; default the machine's host name. */
  hostname?: string;
  /** APP-NAME / TAG; default `flowprobe`. */
  appName?: string;
  /** RFC 5424: send the `[flowprobe@32473 …]` element (default true) or the NILVALUE '-'. */
  structuredData?: boolean;
  tls?: SyslogTlsOptions;
}

export interface WebhookRecipientOptions {
  /** http:// or https:// URL receiving POSTed JSON arrays of alerts (schema v1). */
  url: string;
  /** HMAC-SHA256 key for `X-Flowprobe-Signature`; unsigned when absent. */
  secret?: string;
  /** Extra request headers (e.g. an API key). */
  headers?: Record<string, string>;
  /** PEM CA for https with a private CA. */
  ca?: string;
  /** Verify the server certificate (default true). */
  rejectUnauthorized?: boolean;
  /** Request timeout in ms (default 10000). */
  timeoutMs?: number;
}

/** A SIEM recipient: where alerts go and which ones. */
export interface RecipientConfig {
  id: string;
  name: string;
  enabled: boolean;
  /** Alerts below this severity are not sent. */
  minSeverity: Severity;
  /** Only these entity types; empty or absent = all. */
  entities?: AlertEntityType[];
  /** Only these check ids; empty or absent = all. */
  checks?: string[];
  /** Alerts per delivery (one webhook POST / one socket write). Default 100. */
  batchSize?: number;
  type: 'syslog' | 'webhook';
  syslog?: SyslogRecipientOptions;
  webhook?: WebhookRecipientOptions;
}

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

/** Webhook options as the API reads and writes them. `secret` is write-only: omitted on update keeps the stored one. */
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
  min_severity: Severity;
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
  min_severity: Severity;
  entities: AlertEntityType[];
  checks: string[];
  batch_size: number;
  type: 'syslog' | 'webhook';
  syslog?: Omit<SyslogRecipientRequest, 'tls'> & {
    tls?: Omit<NonNullable<SyslogRecipientRequest['tls']>, 'key'> & { key_set: boolean };
  };
  webhook?: Omit<WebhookRecipientRequest, 'secret'> & { secret_set: boolean };
  stats?: RecipientStats;
}
