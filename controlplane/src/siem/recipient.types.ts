import type { AlertEntityType, AlertSeverity as Severity } from '../api/alerts.types';
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

export type { RecipientRequest, RecipientStats, RecipientView, SyslogRecipientRequest, WebhookRecipientRequest } from '../api/siem.types';
