import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type * as Api from './index';

/**
 * OpenAPI descriptions of the main responses. Each class `implements` its
 * interface in this folder, so the compiler keeps the two in step; the
 * interfaces stay the contract clients import.
 */

export class ThroughputSchema implements Api.Throughput {
  @ApiProperty({ description: 'bits per second' }) bps!: number;
  @ApiProperty({ description: 'packets per second' }) pps!: number;
}

export class InterfaceThroughputSchema extends ThroughputSchema implements Api.InterfaceThroughput {
  @ApiProperty({ description: 'bits per second local -> remote (by the configured local networks)' }) upload_bps!: number;
  @ApiProperty({ description: 'bits per second remote -> local (by the configured local networks)' }) download_bps!: number;
}

export class EndpointSchema implements Api.Endpoint {
  @ApiProperty() ip!: string;
  @ApiProperty({ type: 'integer' }) port!: number;
}

export class DirectionCountersSchema implements Api.DirectionCounters {
  @ApiProperty({ type: 'integer' }) packets!: number;
  @ApiProperty({ type: 'integer' }) bytes!: number;
}

export class QueueInfoSchema implements Api.QueueInfo {
  @ApiProperty({ type: 'integer' }) queue!: number;
  @ApiProperty({ type: 'integer' }) packets!: number;
  @ApiProperty({ type: 'integer' }) bytes!: number;
  @ApiProperty({ type: 'integer' }) num_flows!: number;
  @ApiProperty({ type: 'integer' }) num_hosts!: number;
  @ApiPropertyOptional({ type: 'integer' }) nic_packets?: number;
  @ApiPropertyOptional({ type: 'integer' }) nic_errors?: number;
  @ApiProperty() flow_table_full!: boolean;
  @ApiProperty() host_table_full!: boolean;
  @ApiProperty({ type: 'integer', description: "times this queue's worker crashed and was restarted" }) restarts!: number;
  @ApiProperty({ description: 'the worker crashed and is not processing (restarting, or stopped past the restart bound)' }) down!: boolean;
  @ApiProperty({ type: 'integer', description: 'packets skipped because the worker crashed (counted in drops)' }) lost_packets!: number;
}

export class WorkerCrashSchema implements Api.WorkerCrashInfo {
  @ApiProperty({ type: 'integer' }) worker!: number;
  @ApiProperty({ description: "the exception's message" }) reason!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class InterfaceInfoSchema implements Api.InterfaceInfo {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'pcap:/var/lib/flowprobe/demo.pcap' }) source!: string;
  @ApiProperty() running!: boolean;
  @ApiProperty({ type: 'integer' }) packets!: number;
  @ApiProperty({ type: 'integer' }) bytes!: number;
  @ApiProperty({ type: 'integer', description: 'NIC + software drops' }) drops!: number;
  @ApiProperty({ type: 'integer' }) num_flows!: number;
  @ApiProperty({ type: 'integer' }) num_hosts!: number;
  @ApiProperty({ type: InterfaceThroughputSchema }) thpt!: Api.InterfaceThroughput;
  @ApiProperty({ type: 'integer', description: 'bytes local -> remote' }) bytes_upload!: number;
  @ApiProperty({ type: 'integer', description: 'bytes remote -> local' }) bytes_download!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) decode_errors!: Record<string, number>;
  @ApiProperty({ type: [QueueInfoSchema] }) queues!: Api.QueueInfo[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'number' } }) nic?: Api.InterfaceInfo['nic'];
  @ApiProperty({ type: 'integer', description: 'worker crashes followed by a restart (docs/reliability.md)' }) worker_restarts!: number;
  @ApiProperty({ type: [Number], description: 'queues whose worker crashed and is not processing now' }) workers_down!: number[];
  @ApiPropertyOptional({ type: WorkerCrashSchema }) last_worker_crash?: Api.WorkerCrashInfo;
  @ApiPropertyOptional() error?: string;
}

class LiveBacklogSeriesSchema {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [Number], description: 'publication times, UNIX seconds, oldest first' }) ts!: number[];
  @ApiProperty({ type: [Number] }) bps!: number[];
  @ApiProperty({ type: [Number], description: 'remote -> local' }) download_bps!: number[];
  @ApiProperty({ type: [Number], description: 'local -> remote' }) upload_bps!: number[];
  @ApiProperty({ type: [Number] }) pps!: number[];
}

/** `GET /live/backlog`: what the WebSocket sends right after its hello. */
export class LiveBacklogSchema implements Api.LiveBacklogMessage {
  @ApiProperty({ enum: ['backlog'] }) type!: 'backlog';
  @ApiProperty({ type: [LiveBacklogSeriesSchema] }) series!: Api.LiveBacklogMessage['series'];
}

class BytesSchema {
  @ApiProperty({ type: 'integer' }) sent!: number;
  @ApiProperty({ type: 'integer' }) rcvd!: number;
  @ApiProperty({ type: 'integer' }) total!: number;
}

class PacketsSchema {
  @ApiProperty({ type: 'integer' }) sent!: number;
  @ApiProperty({ type: 'integer' }) rcvd!: number;
}

class RoleCountSchema {
  @ApiProperty({ type: 'integer' }) as_client!: number;
  @ApiProperty({ type: 'integer' }) as_server!: number;
}

export class HostSummarySchema implements Api.HostSummary {
  @ApiProperty() ip!: string;
  @ApiProperty({ description: "'' for remote hosts" }) mac!: string;
  @ApiProperty({ type: 'integer' }) vlan!: number;
  @ApiProperty() is_local!: boolean;
  @ApiProperty({ type: BytesSchema }) bytes!: Api.HostSummary['bytes'];
  @ApiProperty({ type: PacketsSchema }) packets!: Api.HostSummary['packets'];
  @ApiProperty({ type: ThroughputSchema }) thpt!: Api.Throughput;
  @ApiProperty({ type: RoleCountSchema, description: 'active flows' }) num_flows!: Api.HostSummary['num_flows'];
  @ApiProperty({ description: 'UNIX seconds' }) first_seen!: number;
  @ApiProperty({ description: 'UNIX seconds' }) last_seen!: number;
  @ApiProperty({ type: 'integer' }) ifid!: number;
  @ApiProperty({ description: "best-known name ('' if none): DNS answers, TLS/QUIC SNI, HTTP Host, DHCP, NetBIOS, mDNS seen on the wire, reverse DNS when enabled" }) name!: string;
  @ApiProperty({ description: "ISO 3166-1 alpha-2 country code from the country database ('' if unknown)" }) country!: string;
  @ApiProperty({ description: "English country name ('' if unknown)" }) country_name!: string;
  @ApiProperty({ type: 'integer', description: 'autonomous system number from the ASN database (0 if unknown)' }) asn!: number;
  @ApiProperty({ description: "organisation of that autonomous system ('' if unknown)" }) as_org!: string;
}

class ApplicationSchema {
  @ApiProperty({ example: 'TLS.YouTube' }) name!: string;
  @ApiProperty({ type: 'integer' }) bytes!: number;
  @ApiProperty() percent!: number;
}

export class HostDetailSchema extends HostSummarySchema implements Api.HostDetail {
  @ApiProperty({ type: RoleCountSchema, description: 'flows since first_seen' }) total_flows!: Api.HostDetail['total_flows'];
  @ApiProperty({ type: [ApplicationSchema] }) applications!: Api.HostDetail['applications'];
}

export class HostListSchema implements Api.HostListResponse {
  @ApiProperty({ type: 'integer' }) total!: number;
  @ApiProperty({ type: [HostSummarySchema] }) data!: Api.HostSummary[];
}

class ProtocolSchema {
  @ApiProperty({ example: 'TCP' }) l4!: string;
  @ApiProperty({ example: 'TLS.YouTube' }) l7!: string;
}

export class FlowSummarySchema implements Api.FlowSummary {
  @ApiProperty() key!: string;
  @ApiProperty({ type: 'integer' }) vlan!: number;
  @ApiProperty({ type: EndpointSchema }) client!: Api.Endpoint;
  @ApiProperty({ type: EndpointSchema }) server!: Api.Endpoint;
  @ApiProperty({ type: ProtocolSchema }) protocol!: Api.FlowSummary['protocol'];
  @ApiProperty({ type: DirectionCountersSchema }) cli2srv!: Api.DirectionCounters;
  @ApiProperty({ type: DirectionCountersSchema }) srv2cli!: Api.DirectionCounters;
  @ApiProperty({ type: 'integer' }) bytes!: number;
  @ApiProperty({ type: ThroughputSchema }) thpt!: Api.Throughput;
  @ApiProperty() first_seen!: number;
  @ApiProperty() last_seen!: number;
  @ApiProperty({ description: 'seconds' }) duration!: number;
  @ApiProperty({ description: 'TLS SNI, HTTP Host or DNS query' }) server_name!: string;
  @ApiProperty() category!: string;
  @ApiProperty({ type: 'integer' }) score!: number;
  @ApiProperty({ type: [String] }) risks!: string[];
  @ApiProperty({ type: 'integer' }) ifid!: number;
  @ApiPropertyOptional({ description: "best-known name of the client ('' if none)" }) client_name?: string;
  @ApiPropertyOptional({ description: "best-known name of the server ('' if none)" }) server_host_name?: string;
  @ApiPropertyOptional({ description: "client's country (ISO code, '' if unknown)" }) client_country?: string;
  @ApiPropertyOptional({ type: 'integer', description: "client's autonomous system (0 if unknown)" }) client_asn?: number;
  @ApiPropertyOptional({ description: "organisation of the client's autonomous system" }) client_as_org?: string;
  @ApiPropertyOptional({ description: "server's country (ISO code, '' if unknown)" }) server_country?: string;
  @ApiPropertyOptional({ type: 'integer', description: "server's autonomous system (0 if unknown)" }) server_asn?: number;
  @ApiPropertyOptional({ description: "organisation of the server's autonomous system" }) server_as_org?: string;
}

class CountryPlaceSchema {
  @ApiProperty() country!: string;
  @ApiProperty() country_name!: string;
  @ApiProperty({ type: 'integer' }) hosts!: number;
  @ApiProperty({ type: 'integer' }) bytes!: number;
}

class AsnPlaceSchema {
  @ApiProperty({ type: 'integer' }) asn!: number;
  @ApiProperty() as_org!: string;
  @ApiProperty({ type: 'integer' }) hosts!: number;
  @ApiProperty({ type: 'integer' }) bytes!: number;
}

export class HostPlacesSchema implements Api.HostPlaces {
  @ApiProperty({ description: 'a country or ASN database is configured' }) enabled!: boolean;
  @ApiProperty({ type: 'integer', description: 'remote hosts looked at' }) hosts!: number;
  @ApiProperty({ type: [CountryPlaceSchema] }) countries!: Api.HostPlaces['countries'];
  @ApiProperty({ type: [AsnPlaceSchema] }) asns!: Api.HostPlaces['asns'];
}

class PortRankSchema {
  @ApiProperty({ example: 'TCP' }) l4!: string;
  @ApiProperty({ type: 'integer' }) port!: number;
  @ApiProperty({ type: 'integer' }) bytes!: number;
  @ApiProperty({ type: 'integer' }) flows!: number;
}

class PairRankSchema {
  @ApiProperty() local!: string;
  @ApiProperty() remote!: string;
  @ApiProperty() local_name!: string;
  @ApiProperty() remote_name!: string;
  @ApiProperty({ type: 'integer' }) bytes!: number;
  @ApiProperty({ type: 'integer' }) flows!: number;
}

class CategoryRankSchema {
  @ApiProperty() category!: string;
  @ApiProperty({ type: 'integer' }) bytes!: number;
  @ApiProperty({ type: 'integer' }) flows!: number;
}

class ApplicationRankSchema {
  @ApiProperty() application!: string;
  @ApiProperty({ type: 'integer' }) bytes!: number;
  @ApiProperty({ type: 'integer' }) flows!: number;
}

export class FlowTrafficSummarySchema implements Api.FlowTrafficSummary {
  @ApiProperty({ type: 'integer', description: 'active flows summed (the 20 000 largest)' }) flows!: number;
  @ApiProperty({ type: [PortRankSchema] }) ports!: Api.FlowTrafficSummary['ports'];
  @ApiProperty({ type: [PairRankSchema] }) pairs!: Api.FlowTrafficSummary['pairs'];
  @ApiProperty({ type: [CategoryRankSchema] }) categories!: Api.FlowTrafficSummary['categories'];
  @ApiProperty({ type: [ApplicationRankSchema] }) applications!: Api.FlowTrafficSummary['applications'];
}

export class FlowListSchema implements Api.FlowListResponse {
  @ApiProperty({ type: 'integer' }) total!: number;
  @ApiProperty({ type: [FlowSummarySchema] }) data!: Api.FlowSummary[];
}

export class TimeseriesSchema implements Api.TimeseriesResponse {
  @ApiProperty({ enum: ['interface:traffic', 'host:traffic'] }) metric!: Api.TimeseriesMetric;
  @ApiProperty() entity!: string;
  @ApiProperty() from!: number;
  @ApiProperty() to!: number;
  @ApiProperty({ enum: [60, 300, 3600, 86400] }) step!: number;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: { type: 'number' } } }) points!: Api.TimeseriesPoint[];
}

export class UserInfoSchema implements Api.UserInfo {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty() username!: string;
  @ApiProperty({ enum: ['admin', 'viewer'] }) role!: Api.Role;
  @ApiProperty() must_change_password!: boolean;
  @ApiProperty() created_at!: number;
  @ApiProperty({ type: Number, nullable: true }) last_login_at!: number | null;
}

export class FirstRunHintSchema implements Api.FirstRunHint {
  @ApiProperty({ enum: ['none', 'file', 'environment', 'console'] }) where!: Api.FirstRunHint['where'];
  @ApiPropertyOptional({ description: 'the file holding the generated password (where = file)' }) file?: string;
}

export class LoginResponseSchema implements Api.LoginResponse {
  @ApiProperty({ type: UserInfoSchema }) user!: Api.UserInfo;
  @ApiProperty({ description: 'UNIX seconds' }) expires_at!: number;
}

export class HealthSchema implements Api.HealthResponse {
  @ApiProperty({ enum: ['ok', 'degraded', 'down'] }) status!: Api.HealthResponse['status'];
  @ApiProperty({ enum: ['running', 'stopped'] }) capture!: Api.HealthResponse['capture'];
  @ApiProperty({ enum: ['up', 'down'] }) redis!: Api.HealthResponse['redis'];
  @ApiProperty({ enum: ['up', 'down'] }) database!: Api.HealthResponse['database'];
  @ApiProperty({ description: 'Parts running disabled because their stored configuration is unusable, with the reason', example: [{ component: 'recipient corp-siem', reason: 'webhook.url is not a valid URL' }] })
  problems!: Api.HealthResponse['problems'];
}

// ------------------------------------------------------------------ settings, users, jobs
// Nested parts the portal reads as a whole are described as objects; the
// interfaces in this folder give their fields.

const OBJ = { type: 'object', additionalProperties: true } as const;

export class RetentionSettingsSchema implements Api.RetentionSettings {
  @ApiProperty({ type: 'integer' }) minute_days!: number;
  @ApiProperty({ type: 'integer' }) five_minute_days!: number;
  @ApiProperty({ type: 'integer' }) hourly_days!: number;
  @ApiProperty({ type: 'integer' }) daily_days!: number;
  @ApiProperty({ type: 'integer' }) alerts_days!: number;
}

export class SettingsSchema implements Api.Settings {
  @ApiProperty({ type: [String], example: ['192.168.0.0/16'] }) local_networks!: string[];
  @ApiProperty({ type: RetentionSettingsSchema }) retention!: Api.RetentionSettings;
  @ApiProperty({ type: 'integer' }) live_interval_ms!: number;
  @ApiProperty({ type: [String] }) siem_allowed_destinations!: string[];
  @ApiProperty({ ...OBJ, description: 'per check id: enabled and its parameters' }) checks!: Api.Settings['checks'];
}

export class ApiTokenInfoSchema implements Api.ApiTokenInfo {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'first characters of the token, to recognise it' }) prefix!: string;
  @ApiProperty() created_at!: number;
  @ApiProperty({ type: 'number', nullable: true }) expires_at!: number | null;
  @ApiProperty({ type: 'number', nullable: true }) last_used_at!: number | null;
}

export class CreateTokenResponseSchema extends ApiTokenInfoSchema implements Api.CreateTokenResponse {
  @ApiProperty({ description: 'the secret, shown this once' }) token!: string;
}

export class JobInfoSchema implements Api.JobInfo {
  @ApiProperty({ enum: ['second', 'minute', 'five_minute', 'hourly', 'daily', 'live'] }) name!: Api.JobInfo['name'];
  @ApiProperty({ type: 'integer' }) runs!: number;
  @ApiProperty({ type: 'integer' }) skipped!: number;
  @ApiProperty({ type: 'integer' }) failures!: number;
  @ApiProperty({ type: 'number', nullable: true }) last_started_at!: number | null;
  @ApiProperty({ type: 'number', nullable: true }) last_duration_ms!: number | null;
  @ApiProperty({ type: 'string', nullable: true }) last_error!: string | null;
}

// ------------------------------------------------------------------ system

export class SystemInfoSchema implements Api.SystemInfo {
  @ApiProperty() version!: string;
  @ApiProperty() hostname!: string;
  @ApiProperty({ description: 'seconds' }) uptime!: number;
  @ApiProperty() node!: string;
  @ApiProperty(OBJ) cpu!: Api.SystemInfo['cpu'];
  @ApiProperty(OBJ) memory!: Api.SystemInfo['memory'];
  @ApiProperty(OBJ) disk!: Api.SystemInfo['disk'];
  @ApiProperty({ type: 'array', items: OBJ }) sources!: Api.SystemInfo['sources'];
  @ApiProperty(OBJ) redis!: Api.SystemInfo['redis'];
}

export class ApplianceStatusSchema implements Api.ApplianceStatus {
  @ApiProperty() version!: string;
  @ApiProperty() hostname!: string;
  @ApiProperty() os_uptime_s!: number;
  @ApiProperty(OBJ) network!: Api.ApplianceNetwork;
  @ApiProperty(OBJ) ntp!: Api.NtpStatus;
  @ApiProperty({ type: 'array', items: OBJ }) disks!: Api.ApplianceStatus['disks'];
  @ApiProperty() power_control!: boolean;
}

export class PowerActionResponseSchema implements Api.PowerActionResponse {
  @ApiProperty({ enum: ['reboot', 'shutdown'] }) action!: 'reboot' | 'shutdown';
  @ApiProperty({ enum: [true] }) accepted!: true;
}

export class TlsInfoSchema implements Api.TlsInfo {
  @ApiProperty() enabled!: boolean;
  @ApiPropertyOptional(OBJ) certificate?: Api.CertificateInfo;
}

// ------------------------------------------------------------------ alerts, SIEM, IPFIX

export class AlertPageSchema implements Api.AlertPage {
  @ApiProperty({ type: 'integer' }) total!: number;
  @ApiProperty({ type: 'array', items: OBJ, description: 'flowprobe.alert.v1 events with state, ifid and acknowledgement' }) data!: Api.AlertView[];
}

export class AlertEventV1Schema implements Api.AlertEventV1 {
  @ApiProperty({ enum: ['flowprobe.alert.v1'] }) schema!: 'flowprobe.alert.v1';
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['engaged', 'released', 'triggered', 'test'] }) status!: Api.AlertStatus;
  @ApiProperty() time!: string;
  @ApiProperty({ type: 'string', nullable: true }) end_time!: string | null;
  @ApiProperty({ enum: ['info', 'notice', 'warning', 'error', 'critical', 'emergency'] }) severity!: Api.AlertSeverity;
  @ApiProperty({ type: 'integer' }) score!: number;
  @ApiProperty() check!: string;
  @ApiProperty() title!: string;
  @ApiProperty() description!: string;
  @ApiProperty(OBJ) entity!: Api.AlertEventV1['entity'];
  @ApiProperty() host!: string;
  @ApiProperty(OBJ) observer!: Api.AlertEventV1['observer'];
  @ApiPropertyOptional(OBJ) flow?: Api.AlertFlowContext;
  @ApiProperty(OBJ) details!: Api.AlertEventV1['details'];
}

export class RecipientViewSchema implements Api.RecipientView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ enum: ['info', 'notice', 'warning', 'error', 'critical', 'emergency'] }) min_severity!: Api.AlertSeverity;
  @ApiProperty({ type: [String] }) entities!: Api.AlertEntityType[];
  @ApiProperty({ type: [String] }) checks!: string[];
  @ApiProperty({ type: 'integer' }) batch_size!: number;
  @ApiProperty({ enum: ['syslog', 'webhook'] }) type!: 'syslog' | 'webhook';
  @ApiPropertyOptional({ ...OBJ, description: 'syslog options (the TLS key is write-only: key_set)' }) syslog?: Api.RecipientView['syslog'];
  @ApiPropertyOptional({ ...OBJ, description: 'webhook options (secret and header values write-only)' }) webhook?: Api.RecipientView['webhook'];
  @ApiPropertyOptional({ ...OBJ, description: 'queue_depth, inflight, delivered, failed, buffered, dropped, last error and delivery' }) stats?: Api.RecipientStats;
  @ApiPropertyOptional({ description: 'why the stored recipient is disabled' }) invalid?: string;
}

export class IpfixCollectorViewSchema implements Api.IpfixCollectorView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() host!: string;
  @ApiProperty({ type: 'integer' }) port!: number;
  @ApiProperty({ enum: ['udp', 'tcp'] }) transport!: Api.IpfixTransportName;
  @ApiProperty({ enum: ['biflow', 'uniflow'] }) mode!: Api.IpfixModeName;
  @ApiProperty({ type: 'integer' }) observation_domain_id!: number;
  @ApiProperty() enabled!: boolean;
  @ApiProperty() created_at!: number;
  @ApiProperty() updated_at!: number;
  @ApiPropertyOptional({ ...OBJ, description: "the exporter's counters" }) stats?: Api.IpfixCollectorStats;
}

// ------------------------------------------------------------------ history

export class HistoryTopResponseSchema implements Api.HistoryTopResponse {
  @ApiProperty() from_ms!: number;
  @ApiProperty() to_ms!: number;
  @ApiProperty({ enum: ['hosts', 'pairs', 'applications', 'ports', 'server_names'] }) by!: Api.TopDimension;
  @ApiProperty({ enum: ['bytes', 'packets', 'flows'] }) metric!: Api.TopMetric;
  @ApiProperty() source!: string;
  @ApiProperty({ type: 'array', items: OBJ }) data!: Api.TopEntry[];
}

export class HistorySeriesResponseSchema implements Api.HistorySeriesResponse {
  @ApiProperty() from_ms!: number;
  @ApiProperty() to_ms!: number;
  @ApiProperty({ type: 'integer' }) step_s!: number;
  @ApiProperty({ enum: ['application', 'host'] }) by!: Api.SeriesDimension;
  @ApiProperty({ type: [Number] }) buckets!: number[];
  @ApiProperty({ type: 'array', items: OBJ }) series!: Api.HistorySeriesResponse['series'];
}

export class HistoryProbesResponseSchema implements Api.HistoryProbesResponse {
  @ApiProperty() from_ms!: number;
  @ApiProperty() to_ms!: number;
  @ApiProperty({ type: 'array', items: OBJ, description: 'per probe: probe, records, flows, bytes, packets, last_record_ms, records_per_s, bytes_per_s' }) data!: Api.HistoryProbe[];
}

export class HistoryUsageSchema implements Api.HistoryUsage {
  @ApiProperty({ enum: ['duckdb', 'clickhouse'] }) backend!: 'duckdb' | 'clickhouse';
  @ApiProperty({ type: 'integer' }) bytes_on_disk!: number;
  @ApiProperty({ type: 'integer' }) budget_bytes!: number;
  @ApiProperty() budget_used!: number;
  @ApiProperty() max_age_days!: number;
  @ApiProperty({ type: 'array', items: OBJ }) days!: Api.HistoryUsage['days'];
  @ApiProperty({ type: 'integer' }) records_written!: number;
  @ApiPropertyOptional(OBJ) last_retention?: Api.HistoryUsage['last_retention'];
  @ApiPropertyOptional(OBJ) clickhouse?: Api.HistoryUsage['clickhouse'];
}

export class HistoryFlowSchema {
  @ApiProperty({ description: 'one stored flow record (fields of HistoryFlow in api/history.types.ts)' }) key!: string;
}

// ------------------------------------------------------------------ flow detail, checks, bulk acknowledge, exports

export class FlowDetailSchema extends FlowSummarySchema implements Api.FlowDetail {
  @ApiProperty() declare client_name: string;
  @ApiProperty() declare server_host_name: string;
  @ApiProperty() breed!: string;
  @ApiProperty({ type: 'array', items: OBJ, description: 'each risk: name and explanation' }) risk_details!: Api.FlowDetail['risk_details'];
  @ApiProperty({ ...OBJ, description: 'cli2srv, srv2cli: TCP flag names seen' }) tcp_flags!: Api.FlowDetail['tcp_flags'];
  @ApiProperty({ ...OBJ, description: 'cli2srv, srv2cli' }) retransmissions!: Api.FlowDetail['retransmissions'];
  @ApiProperty({ ...OBJ, description: 'cli2srv, srv2cli' }) out_of_order!: Api.FlowDetail['out_of_order'];
  @ApiProperty({ ...OBJ, description: 'cli2srv, srv2cli: IP-layer bytes' }) ip_bytes!: Api.FlowDetail['ip_bytes'];
  @ApiProperty() first_from_server!: boolean;
  @ApiProperty({ enum: ['', 'gtp', 'tzsp', 'capwap', 'vxlan', 'gre', 'ip-in-ip'], description: "tunnel of the flow's first packet ('' none)" }) tunnel!: string;
  @ApiProperty({ type: 'integer', description: 'packets nDPI looked at' }) dpi_packets!: number;
  @ApiProperty({ description: 'Community ID v1' }) community_id!: string;
  @ApiProperty(OBJ) info!: Api.FlowDetail['info'];
  @ApiProperty({ description: 'the entity value alerts on this flow carry' }) alert_entity_value!: string;
}

export class CheckInfoSchema implements Api.CheckInfo {
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: ['flow', 'host', 'interface'] }) entity!: Api.AlertEntityType;
  @ApiProperty({ ...OBJ, description: 'setting key -> label and unit' }) params!: Api.CheckInfo['params'];
}

export class BulkAcknowledgeResponseSchema implements Api.BulkAcknowledgeResponse {
  @ApiProperty({ type: 'integer' }) acknowledged!: number;
}

/** A streamed export: CSV, or a JSON array of the list's rows. */
export const TABLE_EXPORT_RESPONSE = {
  description: 'CSV (format=csv, the default) or a JSON array of the list rows (format=json)',
  content: {
    'text/csv': { schema: { type: 'string' } },
    'application/json': { schema: { type: 'array', items: { type: 'object', additionalProperties: true } } },
  },
} as const;

export class UpgradeStatusSchema implements Api.UpgradeStatus {
  @ApiProperty() available!: boolean;
  @ApiProperty({ enum: ['none', 'queued', 'installing', 'installed', 'install-failed', 'upgraded', 'failed', 'rolled-back'] }) state!: Api.UpgradeStatus['state'];
  @ApiProperty() running_version!: string;
  @ApiProperty({ type: String, nullable: true }) booted_slot!: string | null;
  @ApiPropertyOptional() version?: string;
  @ApiPropertyOptional() from_version?: string;
  @ApiPropertyOptional() slot?: string;
  @ApiPropertyOptional() from_slot?: string;
  @ApiPropertyOptional() reason?: string;
  @ApiPropertyOptional() at?: string;
  @ApiProperty() max_bundle_bytes!: number;
}

export class UpgradeAcceptedSchema implements Api.UpgradeAccepted {
  @ApiProperty() version!: string;
  @ApiProperty() compatible!: string;
  @ApiProperty({ enum: ['queued'] }) state!: 'queued';
}
