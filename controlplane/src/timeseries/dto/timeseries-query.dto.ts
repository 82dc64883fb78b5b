import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import type { TimeseriesMetric, TimeseriesQuery } from '../../api';

const METRICS: TimeseriesMetric[] = ['interface:traffic', 'host:traffic'];

export class TimeseriesQueryDto implements TimeseriesQuery {
  @ApiProperty({ enum: METRICS })
  @IsIn(METRICS)
  metric!: TimeseriesMetric;

  @ApiProperty({ description: 'Interface id for interface:traffic, host IP (or ip@vlan) for host:traffic' })
  @IsString()
  @MaxLength(64)
  entity!: string;

  @ApiPropertyOptional({ type: 'integer', description: 'UNIX seconds (default: to - 1 hour)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  from?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'UNIX seconds (default: now)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  to?: number;
}
