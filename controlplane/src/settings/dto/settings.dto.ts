import { isIP } from 'node:net';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  Max,
  Min,
  ValidateBy,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';
import type { RetentionSettings, Settings, UpdateSettingsRequest } from '../../api';

/** True for `a.b.c.d/n` (n ≤ 32) or `ipv6/n` (n ≤ 128). */
export function isCidr(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const [address, prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (rest.length > 0 || family === 0 || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

function IsCidr(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    { name: 'isCidr', validator: { validate: isCidr, defaultMessage: () => 'each value in $property must be a CIDR such as 192.168.0.0/16' } },
    options,
  );
}

export class RetentionDto implements RetentionSettings {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 90 })
  @IsInt() @Min(1) @Max(90)
  minute_days!: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 365 })
  @IsInt() @Min(1) @Max(365)
  five_minute_days!: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1825 })
  @IsInt() @Min(1) @Max(1825)
  hourly_days!: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 3650 })
  @IsInt() @Min(1) @Max(3650)
  daily_days!: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 3650 })
  @IsInt() @Min(1) @Max(3650)
  alerts_days!: number;
}

/** PUT /api/v1/settings body: any subset of the settings; `retention` must be complete when given. */
export class UpdateSettingsDto implements UpdateSettingsRequest {
  @ApiPropertyOptional({ type: [String], example: ['192.168.0.0/16'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(256)
  @IsCidr({ each: true })
  local_networks?: string[];

  @ApiPropertyOptional({ type: RetentionDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RetentionDto)
  retention?: RetentionDto;

  @ApiPropertyOptional({ type: 'integer', minimum: 250, maximum: 10000 })
  @IsOptional()
  @IsInt()
  @Min(250)
  @Max(10000)
  live_interval_ms?: number;

  @ApiPropertyOptional({
    type: [String],
    example: ['127.0.0.1/32'],
    description: 'Destinations (SIEM recipients, IPFIX collectors) allowed although loopback, link-local or cloud metadata (refused by default, docs/security.md)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsCidr({ each: true })
  siem_allowed_destinations?: string[];

  @ApiPropertyOptional({ description: 'Per-check settings: { "<check>": { enabled, ...thresholds } }' })
  @IsOptional()
  @IsObject()
  checks?: Settings['checks'];
}
