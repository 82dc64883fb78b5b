import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { SEVERITIES } from '../alert-event';

/** GET /api/v1/alerts query. */
export class AlertQueryDto {
  @ApiPropertyOptional({ enum: ['engaged', 'past'], default: 'past' })
  @IsOptional() @IsIn(['engaged', 'past'])
  state?: 'engaged' | 'past';

  @ApiPropertyOptional({ enum: SEVERITIES, description: 'Minimum severity' })
  @IsOptional() @IsIn([...SEVERITIES])
  severity?: (typeof SEVERITIES)[number];

  @ApiPropertyOptional({ enum: ['flow', 'host', 'interface'] })
  @IsOptional() @IsIn(['flow', 'host', 'interface'])
  entity?: 'flow' | 'host' | 'interface';

  @ApiPropertyOptional({ description: 'Exact entity value (flow label, host IP, interface name)' })
  @IsOptional() @IsString() @MaxLength(256)
  entity_value?: string;

  @ApiPropertyOptional({ description: 'Host IP the alert concerns' })
  @IsOptional() @IsString() @MaxLength(64)
  host?: string;

  @ApiPropertyOptional({ description: 'Check id' })
  @IsOptional() @Matches(/^[a-z0-9_]{1,32}$/, { message: 'check must be a check id' })
  check?: string;

  @ApiPropertyOptional({ description: 'UNIX seconds, inclusive' })
  @IsOptional() @Type(() => Number) @IsNumber()
  from?: number;

  @ApiPropertyOptional({ description: 'UNIX seconds, inclusive' })
  @IsOptional() @Type(() => Number) @IsNumber()
  to?: number;

  @ApiPropertyOptional()
  @IsOptional() @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value)) @IsBoolean()
  acknowledged?: boolean;

  @ApiPropertyOptional({ type: 'integer', default: 50, maximum: 1000 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', default: 0 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0)
  offset?: number;
}

/** `/alerts/export`: the list's filters, and the format. */
export class AlertExportQueryDto extends AlertQueryDto {
  @ApiPropertyOptional({ enum: ['csv', 'json'], default: 'csv' })
  @IsOptional()
  @IsIn(['csv', 'json'])
  format?: 'csv' | 'json';
}

/** POST /alerts/acknowledge: the list's filters (past alerts only; at least one filter is not required: an empty body acknowledges every past alert). */
export class AlertBulkAcknowledgeDto {
  @ApiPropertyOptional({ enum: SEVERITIES, description: 'Minimum severity' })
  @IsOptional() @IsIn([...SEVERITIES])
  severity?: (typeof SEVERITIES)[number];

  @ApiPropertyOptional({ enum: ['flow', 'host', 'interface'] })
  @IsOptional() @IsIn(['flow', 'host', 'interface'])
  entity?: 'flow' | 'host' | 'interface';

  @ApiPropertyOptional()
  @IsOptional() @IsString() @MaxLength(256)
  entity_value?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsString() @MaxLength(64)
  host?: string;

  @ApiPropertyOptional()
  @IsOptional() @Matches(/^[a-z0-9_]{1,32}$/, { message: 'check must be a check id' })
  check?: string;

  @ApiPropertyOptional({ description: 'UNIX seconds, inclusive' })
  @IsOptional() @IsNumber()
  from?: number;

  @ApiPropertyOptional({ description: 'UNIX seconds, inclusive' })
  @IsOptional() @IsNumber()
  to?: number;
}
