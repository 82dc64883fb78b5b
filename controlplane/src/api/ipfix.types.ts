/** IPFIX collectors (`/api/v1/ipfix/collectors`): where the probe exports its flow records. */

export type IpfixTransportName = 'udp' | 'tcp';
export type IpfixModeName = 'biflow' | 'uniflow';

/** What an admin sends to create or replace a collector. */
export interface IpfixCollectorRequest {
  name: string;
  /** IP address or host name; loopback, link-local and cloud-metadata addresses are refused unless the `siem_allowed_destinations` setting lists them. */
  host: string;
  /** Default 4739 (IANA IPFIX). */
  port?: number;
  /** Default 'udp'. */
  transport?: IpfixTransportName;
  /** 'biflow' (RFC 5103, default) or 'uniflow' (two records per flow). */
  mode?: IpfixModeName;
  /** Default 1. */
  observation_domain_id?: number;
  /** Default true. */
  enabled?: boolean;
}

/** Exporter counters of one collector (since the exporter started). */
export interface IpfixCollectorStats {
  records_in: number;
  records_sent: number;
  messages_sent: number;
  bytes_sent: number;
  templates_sent: number;
  records_dropped: number;
  records_invalid: number;
  queued: number;
  max_queued: number;
  connected: boolean;
  reconnects: number;
  send_errors: number;
  last_error?: string;
}

export interface IpfixCollectorView {
  id: string;
  name: string;
  host: string;
  port: number;
  transport: IpfixTransportName;
  mode: IpfixModeName;
  observation_domain_id: number;
  enabled: boolean;
  created_at: number;
  updated_at: number;
  /** Present while the collector is enabled. */
  stats?: IpfixCollectorStats;
}
