import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsIP, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { PageQueryDto } from '../../dataplane/page-query.dto';
import { DEFAULT_FLOW_SORT, FLOW_SORT_KEYS } from '@flowprobe/dataplane';
import type { FlowListQuery } from '../../api';
import type { ExportFormat } from '../../export/table-export';

export class FlowQueryDto extends PageQueryDto implements FlowListQuery {
  @ApiPropertyOptional({ description: 'Client or server IP' })
  @IsOptional()
  @IsIP()
  host?: string;

  @ApiPropertyOptional({ example: 'TCP' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,16}$/, { message: 'l4 must be a protocol name such as TCP, UDP or ICMP' })
  l4?: string;

  @ApiPropertyOptional({ example: 'TLS', description: 'nDPI protocol name or part of it' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  l7?: string;

  @ApiPropertyOptional({ type: 'integer', description: 'Client or server port' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  port?: number;

  @ApiPropertyOptional({ enum: FLOW_SORT_KEYS, default: DEFAULT_FLOW_SORT })
  @IsOptional()
  @IsIn(FLOW_SORT_KEYS)
  sort?: FlowListQuery['sort'];

  @ApiPropertyOptional({ example: 'US', description: "Flows with an endpoint in this country (ISO 3166-1 alpha-2 code of the country database)" })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @Matches(/^[A-Z]{2}$/, { message: 'country must be a two-letter ISO 3166-1 code such as US' })
  country?: string;

  @ApiPropertyOptional({ type: 'integer', example: 16509, description: 'Flows with an endpoint in this autonomous system' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(4294967295)
  asn?: number;
}

/** `/flows/:key`: a flow key as the list gives it (`<shard>:<slot>:<generation>`). */
export class FlowKeyDto {
  @ApiProperty({ description: 'flow key <shard>:<slot>:<generation> from the flow list', example: '0:42:3' })
  @Matches(/^\d{1,6}:\d{1,9}:\d{1,10}$/, { message: 'key must be a flow key (<shard>:<slot>:<generation>) from the flow list' })
  key!: string;
}

export class FlowDetailQueryDto {
  @ApiPropertyOptional({ type: 'integer', description: 'Interface id (default 0)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1023)
  ifid?: number;
}

/** `/flows/export`: the list's filters and sort, and the format. */
export class FlowExportQueryDto extends FlowQueryDto {
  @ApiPropertyOptional({ enum: ['csv', 'json'], default: 'csv' })
  @IsOptional()
  @IsIn(['csv', 'json'])
  format?: ExportFormat;
}
