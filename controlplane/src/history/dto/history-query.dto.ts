import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsIP, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { HistorySort, SeriesDimension, TopDimension, TopMetric } from '../../api';
import { HISTORY_SORTS, SERIES_DIMENSIONS, SERIES_STEPS_S, TOP_DIMENSIONS, TOP_METRICS } from '../history.types';

/** A time: epoch milliseconds or an ISO 8601 date-time. */
const TIME = /^(\d{1,15}|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))$/;
const TIME_MESSAGE = '$property must be epoch milliseconds or an ISO 8601 date-time with a zone (2026-12-07T03:00:00Z)';

/** The range every history request needs. */
export class HistoryRangeDto {
  @ApiProperty({ description: 'Start (inclusive): epoch ms or ISO 8601', example: '2026-12-07T03:00:00Z' })
  @IsString()
  @Matches(TIME, { message: TIME_MESSAGE })
  from!: string;

  @ApiProperty({ description: 'End (exclusive): epoch ms or ISO 8601', example: '2026-12-07T03:20:00Z' })
  @IsString()
  @Matches(TIME, { message: TIME_MESSAGE })
  to!: string;

  @ApiPropertyOptional({ description: 'Only this probe (default: every probe in the store)' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, { message: 'probe must be a probe id' })
  probe?: string;
}

export class HistoryFlowQueryDto extends HistoryRangeDto {
  @ApiPropertyOptional({ description: 'Client or server IP' })
  @IsOptional()
  @IsIP()
  host?: string;

  @ApiPropertyOptional({ description: 'Client or server in this network (CIDR)', example: '10.1.0.0/16' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  network?: string;

  @ApiPropertyOptional({ type: 'integer', description: 'Client or server port' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  port?: number;

  @ApiPropertyOptional({ example: 'TCP' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,16}$/, { message: 'l4 must be a protocol name such as TCP, UDP or ICMP, or a number' })
  l4?: string;

  @ApiPropertyOptional({ example: 'TLS', description: 'nDPI application: TLS matches TLS and TLS.*, YouTube matches *.YouTube' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  application?: string;

  @ApiPropertyOptional({ description: 'Part of the server name (SNI, HTTP Host, DNS query)' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  server_name?: string;

  @ApiPropertyOptional({ example: '1:LQU9qZlK+B5F3KDmev6m5PMibrg=' })
  @IsOptional()
  @Matches(/^1:[A-Za-z0-9+/]{27}=$/, { message: 'community_id must be a Community ID v1 (1:<base64 sha1>)' })
  community_id?: string;

  @ApiPropertyOptional({ enum: HISTORY_SORTS, default: 'last_seen' })
  @IsOptional()
  @IsIn(HISTORY_SORTS)
  sort?: HistorySort;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000000, default: 50, description: 'JSON pages hold at most 1000; CSV / NDJSON exports up to 1 000 000 rows' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;

  @ApiPropertyOptional({ enum: ['json', 'csv', 'ndjson'], description: 'Default from Accept (text/csv, application/x-ndjson), else json' })
  @IsOptional()
  @IsIn(['json', 'csv', 'ndjson'])
  format?: 'json' | 'csv' | 'ndjson';
}

export class HistoryTopQueryDto extends HistoryRangeDto {
  @ApiPropertyOptional({ enum: TOP_DIMENSIONS, default: 'hosts' })
  @IsOptional()
  @IsIn(TOP_DIMENSIONS)
  by?: TopDimension;

  @ApiPropertyOptional({ enum: TOP_METRICS, default: 'bytes' })
  @IsOptional()
  @IsIn(TOP_METRICS)
  metric?: TopMetric;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class HistorySeriesQueryDto extends HistoryRangeDto {
  @ApiPropertyOptional({ description: "Only this host's records (client or server): its applications over time, on the host page" })
  @IsOptional()
  @IsIP()
  host?: string;

  @ApiPropertyOptional({ enum: SERIES_DIMENSIONS, default: 'application' })
  @IsOptional()
  @IsIn(SERIES_DIMENSIONS)
  by?: SeriesDimension;

  @ApiPropertyOptional({ enum: SERIES_STEPS_S, description: 'Seconds per point; default from the range (60 up to 6 h, 300 up to 3 days, else 3600)' })
  @IsOptional()
  @Type(() => Number)
  @IsIn(SERIES_STEPS_S)
  step?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 50, default: 8, description: 'Keys drawn; the rest is summed as other' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;
}
