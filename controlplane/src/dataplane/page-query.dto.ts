import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { DEFAULT_PAGE, DEFAULT_SORT_ORDER, MAX_PAGE, SORT_ORDERS, type SortOrder } from '@flowprobe/dataplane';

/** Query fields the dataplane's paged lists share (order, limit, offset, interface), from the dataplane's query vocabulary; the flow and host DTOs extend it. */
export class PageQueryDto {
  @ApiPropertyOptional({ enum: SORT_ORDERS, default: DEFAULT_SORT_ORDER })
  @IsOptional()
  @IsIn(SORT_ORDERS)
  order?: SortOrder;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE, default: DEFAULT_PAGE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'Interface id (default: all)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  ifid?: number;
}
