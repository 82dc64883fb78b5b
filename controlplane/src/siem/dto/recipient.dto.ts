import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateBy, ValidateIf, ValidateNested,
} from 'class-validator';
import { SEVERITIES } from '../../alerts/alert-event';
import { headerProblems, isValidHost } from '../recipient-validation';
import { SYSLOG_FACILITIES } from '../formats/syslog-header';
import type { RecipientRequest, SyslogRecipientRequest, WebhookRecipientRequest } from '../recipient.types';

const ENTITIES = ['flow', 'host', 'interface'];

/** An http(s) URL as `URL` (what the webhook transport uses) parses it, with a host. */
function IsHttpUrl(): PropertyDecorator {
  return ValidateBy({
    name: 'isHttpUrl',
    validator: {
      validate: (v: unknown) => {
        if (typeof v !== 'string' || v.length > 2048 || !URL.canParse(v)) return false;
        const url = new URL(v);
        return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
      },
      defaultMessage: () => 'url must be an http:// or https:// URL (at most 2048 characters)',
    },
  });
}

/** Header names are tokens, values strings without CR/LF (see headerProblems). */
function IsHeaderMap(): PropertyDecorator {
  return ValidateBy({
    name: 'isHeaderMap',
    validator: {
      validate: (v: unknown) => headerProblems(v).length === 0,
      defaultMessage: (args) => headerProblems(args?.value).join('; '),
    },
  });
}

/** An IP address or a DNS host name. */
function IsHost(): PropertyDecorator {
  return ValidateBy({
    name: 'isHost',
    validator: { validate: (v: unknown) => isValidHost(v), defaultMessage: () => 'host must be an IP address or a host name' },
  });
}

export class SyslogTlsDto implements NonNullable<SyslogRecipientRequest['tls']> {
  @ApiPropertyOptional({ description: 'PEM CA bundle the server certificate must chain to (system store when absent)' })
  @IsOptional() @IsString() @MaxLength(65536)
  ca?: string;

  @ApiPropertyOptional({ description: 'PEM client certificate (mutual TLS)' })
  @IsOptional() @IsString() @MaxLength(65536)
  cert?: string;

  @ApiPropertyOptional({ description: 'PEM client key; write-only, kept when omitted on update' })
  @IsOptional() @IsString() @MaxLength(65536)
  key?: string;

  @ApiPropertyOptional({ description: 'SNI / expected certificate name; default the host' })
  @IsOptional() @IsString() @MaxLength(255)
  servername?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional() @IsBoolean()
  reject_unauthorized?: boolean;
}

export class SyslogOptionsDto implements SyslogRecipientRequest {
  @ApiProperty({ example: '192.0.2.50' })
  @IsString() @MinLength(1) @MaxLength(255) @IsHost()
  host!: string;

  @ApiProperty({ type: 'integer', example: 6514 })
  @IsInt() @Min(1) @Max(65535)
  port!: number;

  @ApiProperty({ enum: ['udp', 'tcp', 'tls'] })
  @IsIn(['udp', 'tcp', 'tls'])
  transport!: 'udp' | 'tcp' | 'tls';

  @ApiPropertyOptional({ enum: ['octet-counting', 'newline'], default: 'octet-counting' })
  @IsOptional() @IsIn(['octet-counting', 'newline'])
  framing?: 'octet-counting' | 'newline';

  @ApiProperty({ enum: ['rfc5424', 'rfc3164'] })
  @IsIn(['rfc5424', 'rfc3164'])
  header!: 'rfc5424' | 'rfc3164';

  @ApiProperty({ enum: ['json', 'cef', 'ecs'] })
  @IsIn(['json', 'cef', 'ecs'])
  format!: 'json' | 'cef' | 'ecs';

  @ApiPropertyOptional({ enum: Object.keys(SYSLOG_FACILITIES), default: 'local0' })
  @IsOptional() @IsIn(Object.keys(SYSLOG_FACILITIES))
  facility?: keyof typeof SYSLOG_FACILITIES;

  @ApiPropertyOptional({ description: 'HOSTNAME field; default the appliance host name' })
  @IsOptional() @IsString() @Matches(/^[\x21-\x7e]{1,255}$/, { message: 'hostname must be 1-255 printable ASCII characters without spaces' })
  hostname?: string;

  @ApiPropertyOptional({ default: 'flowprobe' })
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_.-]{1,32}$/, { message: 'app_name must be 1-32 letters, digits, ".", "_" or "-"' })
  app_name?: string;

  @ApiPropertyOptional({ default: true, description: "RFC 5424: send the [flowprobe@32473 id status check severity score] element, else '-'" })
  @IsOptional() @IsBoolean()
  structured_data?: boolean;

  @ApiPropertyOptional({ type: SyslogTlsDto })
  @IsOptional() @ValidateNested() @Type(() => SyslogTlsDto)
  tls?: SyslogTlsDto;
}

export class WebhookOptionsDto implements WebhookRecipientRequest {
  @ApiProperty({ example: 'https://siem.example.org/ingest' })
  @IsString() @IsHttpUrl()
  url!: string;

  @ApiPropertyOptional({ description: 'HMAC-SHA256 key of X-Flowprobe-Signature; write-only, kept when omitted on update' })
  @IsOptional() @IsString() @MinLength(8) @MaxLength(1024)
  secret?: string;

  @ApiPropertyOptional({ description: 'Extra request headers: names are HTTP tokens, values strings without CR/LF (at most 32)' })
  @IsOptional() @IsHeaderMap()
  headers?: Record<string, string>;

  @ApiPropertyOptional()
  @IsOptional() @IsString() @MaxLength(65536)
  ca?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional() @IsBoolean()
  reject_unauthorized?: boolean;

  @ApiPropertyOptional({ type: 'integer', default: 10000 })
  @IsOptional() @IsInt() @Min(100) @Max(120000)
  timeout_ms?: number;
}

/** POST /api/v1/recipients and PUT /api/v1/recipients/:id (full replace; secrets kept when omitted). */
export class RecipientDto implements RecipientRequest {
  @ApiProperty({ example: 'corp-siem' })
  @IsString() @Matches(/^[A-Za-z0-9 ._-]{1,64}$/, { message: 'name must be 1-64 letters, digits, spaces, ".", "_" or "-"' })
  name!: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional() @IsBoolean()
  enabled?: boolean;

  @ApiProperty({ enum: SEVERITIES })
  @IsIn([...SEVERITIES])
  min_severity!: (typeof SEVERITIES)[number];

  @ApiPropertyOptional({ enum: ENTITIES, isArray: true, description: 'Only these entity types; empty = all' })
  @IsOptional() @IsArray() @IsIn(ENTITIES, { each: true })
  entities?: ('flow' | 'host' | 'interface')[];

  @ApiPropertyOptional({ type: [String], description: 'Only these check ids; empty = all' })
  @IsOptional() @IsArray() @Matches(/^[a-z0-9_]{1,32}$/, { each: true, message: 'checks must be check ids' })
  checks?: string[];

  @ApiPropertyOptional({ type: 'integer', default: 100 })
  @IsOptional() @IsInt() @Min(1) @Max(1000)
  batch_size?: number;

  @ApiProperty({ enum: ['syslog', 'webhook'] })
  @IsIn(['syslog', 'webhook'])
  type!: 'syslog' | 'webhook';

  @ApiPropertyOptional({ type: SyslogOptionsDto })
  @ValidateIf((o: RecipientDto) => o.type === 'syslog' || o.syslog !== undefined)
  @ValidateNested() @Type(() => SyslogOptionsDto)
  syslog?: SyslogOptionsDto;

  @ApiPropertyOptional({ type: WebhookOptionsDto })
  @ValidateIf((o: RecipientDto) => o.type === 'webhook' || o.webhook !== undefined)
  @ValidateNested() @Type(() => WebhookOptionsDto)
  webhook?: WebhookOptionsDto;
}
