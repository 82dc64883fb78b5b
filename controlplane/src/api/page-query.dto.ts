import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { SortOrder } from './index';

const ORDERS: SortOrder[] = ['asc', 'desc'];

/** Query fields every paged list shares (order, limit, offset, interface); list DTOs extend it. */
export class PageQueryDto {
  @ApiPropertyOptional({ enum: ORDERS, default: 'desc' })
  @IsOptional()
  @IsIn(ORDERS)
  order?: SortOrder;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 25 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;

  @ApiPropertyOptional({ description: 'Interface id (default: all)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  ifid?: number;
}
