import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsIP, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { PageQueryDto } from '../../dataplane/page-query.dto';
import { DEFAULT_HOST_SORT, HOST_SORT_KEYS } from '@flowprobe/dataplane';
import type { HostListQuery } from '../../api';

/** 'true'/'false' query strings → boolean; anything else stays as is and fails @IsBoolean. */
export const toBoolean = ({ value }: { value: unknown }): unknown => (value === 'true' ? true : value === 'false' ? false : value);

export class HostQueryDto extends PageQueryDto implements HostListQuery {
  @ApiPropertyOptional({ enum: HOST_SORT_KEYS, default: DEFAULT_HOST_SORT })
  @IsOptional()
  @IsIn(HOST_SORT_KEYS)
  sort?: HostListQuery['sort'];

  @ApiPropertyOptional({ description: 'Part of the IP (digits, hex, dots, colons), or else part of the host name (DNS answers, SNI, HTTP Host seen on the wire)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  q?: string;

  @ApiPropertyOptional({ description: 'Only local (true) or remote (false) hosts' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  local?: boolean;

  @ApiPropertyOptional({ example: 'US', description: "ISO 3166-1 alpha-2 country code of the country database; '--' = placed nowhere" })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @Matches(/^([A-Z]{2}|--)$/, { message: "country must be a two-letter ISO 3166-1 code such as US, or '--'" })
  country?: string;

  @ApiPropertyOptional({ type: 'integer', example: 16509, description: 'Autonomous system number of the ASN database (0 = none known)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(4294967295)
  asn?: number;
}

export class HostParamsQueryDto {
  @ApiPropertyOptional({ type: 'integer', description: 'VLAN id (default: any)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(4095)
  vlan?: number;
}

export class HostIpParamDto {
  @ApiProperty({ description: 'IPv4 or IPv6 address' })
  @IsIP()
  ip!: string;
}

/** `/hosts/export`: the list's filters and sort, and the format. */
export class HostExportQueryDto extends HostQueryDto {
  @ApiPropertyOptional({ enum: ['csv', 'json'], default: 'csv' })
  @IsOptional()
  @IsIn(['csv', 'json'])
  format?: 'csv' | 'json';
}
