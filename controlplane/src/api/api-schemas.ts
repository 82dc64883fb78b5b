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
  @ApiProperty() port!: number;
}

export class DirectionCountersSchema implements Api.DirectionCounters {
  @ApiProperty() packets!: number;
  @ApiProperty() bytes!: number;
}

export class QueueInfoSchema implements Api.QueueInfo {
  @ApiProperty() queue!: number;
  @ApiProperty() packets!: number;
  @ApiProperty() bytes!: number;
  @ApiProperty() num_flows!: number;
  @ApiProperty() num_hosts!: number;
  @ApiPropertyOptional() nic_packets?: number;
  @ApiPropertyOptional() nic_errors?: number;
  @ApiProperty() flow_table_full!: boolean;
  @ApiProperty() host_table_full!: boolean;
}

export class InterfaceInfoSchema implements Api.InterfaceInfo {
  @ApiProperty() id!: number;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'pcap:/var/lib/flowprobe/demo.pcap' }) source!: string;
  @ApiProperty() running!: boolean;
  @ApiProperty() packets!: number;
  @ApiProperty() bytes!: number;
  @ApiProperty({ description: 'NIC + software drops' }) drops!: number;
  @ApiProperty() num_flows!: number;
  @ApiProperty() num_hosts!: number;
  @ApiProperty({ type: InterfaceThroughputSchema }) thpt!: Api.InterfaceThroughput;
  @ApiProperty({ description: 'bytes local -> remote' }) bytes_upload!: number;
  @ApiProperty({ description: 'bytes remote -> local' }) bytes_download!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) decode_errors!: Record<string, number>;
  @ApiProperty({ type: [QueueInfoSchema] }) queues!: Api.QueueInfo[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'number' } }) nic?: Api.InterfaceInfo['nic'];
  @ApiPropertyOptional() error?: string;
}

class BytesSchema {
  @ApiProperty() sent!: number;
  @ApiProperty() rcvd!: number;
  @ApiProperty() total!: number;
}

class PacketsSchema {
  @ApiProperty() sent!: number;
  @ApiProperty() rcvd!: number;
}

class RoleCountSchema {
  @ApiProperty() as_client!: number;
  @ApiProperty() as_server!: number;
}

export class HostSummarySchema implements Api.HostSummary {
  @ApiProperty() ip!: string;
  @ApiProperty({ description: "'' for remote hosts" }) mac!: string;
  @ApiProperty() vlan!: number;
  @ApiProperty() is_local!: boolean;
  @ApiProperty({ type: BytesSchema }) bytes!: Api.HostSummary['bytes'];
  @ApiProperty({ type: PacketsSchema }) packets!: Api.HostSummary['packets'];
  @ApiProperty({ type: ThroughputSchema }) thpt!: Api.Throughput;
  @ApiProperty({ type: RoleCountSchema, description: 'active flows' }) num_flows!: Api.HostSummary['num_flows'];
  @ApiProperty({ description: 'UNIX seconds' }) first_seen!: number;
  @ApiProperty({ description: 'UNIX seconds' }) last_seen!: number;
  @ApiProperty() ifid!: number;
  @ApiProperty({ description: "best-known name ('' if none): DNS answers, TLS/QUIC SNI, HTTP Host seen on the wire" }) name!: string;
}

class ApplicationSchema {
  @ApiProperty({ example: 'TLS.YouTube' }) name!: string;
  @ApiProperty() bytes!: number;
  @ApiProperty() percent!: number;
}

export class HostDetailSchema extends HostSummarySchema implements Api.HostDetail {
  @ApiProperty({ type: RoleCountSchema, description: 'flows since first_seen' }) total_flows!: Api.HostDetail['total_flows'];
  @ApiProperty({ type: [ApplicationSchema] }) applications!: Api.HostDetail['applications'];
}

export class HostListSchema implements Api.HostListResponse {
  @ApiProperty() total!: number;
  @ApiProperty({ type: [HostSummarySchema] }) data!: Api.HostSummary[];
}

class ProtocolSchema {
  @ApiProperty({ example: 'TCP' }) l4!: string;
  @ApiProperty({ example: 'TLS.YouTube' }) l7!: string;
}

export class FlowSummarySchema implements Api.FlowSummary {
  @ApiProperty() key!: string;
  @ApiProperty() vlan!: number;
  @ApiProperty({ type: EndpointSchema }) client!: Api.Endpoint;
  @ApiProperty({ type: EndpointSchema }) server!: Api.Endpoint;
  @ApiProperty({ type: ProtocolSchema }) protocol!: Api.FlowSummary['protocol'];
  @ApiProperty({ type: DirectionCountersSchema }) cli2srv!: Api.DirectionCounters;
  @ApiProperty({ type: DirectionCountersSchema }) srv2cli!: Api.DirectionCounters;
  @ApiProperty() bytes!: number;
  @ApiProperty({ type: ThroughputSchema }) thpt!: Api.Throughput;
  @ApiProperty() first_seen!: number;
  @ApiProperty() last_seen!: number;
  @ApiProperty({ description: 'seconds' }) duration!: number;
  @ApiProperty({ description: 'TLS SNI, HTTP Host or DNS query' }) server_name!: string;
  @ApiProperty() category!: string;
  @ApiProperty() score!: number;
  @ApiProperty({ type: [String] }) risks!: string[];
  @ApiProperty() ifid!: number;
  @ApiPropertyOptional({ description: "best-known name of the client ('' if none)" }) client_name?: string;
  @ApiPropertyOptional({ description: "best-known name of the server ('' if none)" }) server_host_name?: string;
}

export class FlowListSchema implements Api.FlowListResponse {
  @ApiProperty() total!: number;
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
  @ApiProperty() id!: number;
  @ApiProperty() username!: string;
  @ApiProperty({ enum: ['admin', 'viewer'] }) role!: Api.Role;
  @ApiProperty() must_change_password!: boolean;
  @ApiProperty() created_at!: number;
  @ApiProperty({ type: Number, nullable: true }) last_login_at!: number | null;
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
