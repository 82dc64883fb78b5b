import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateBy } from 'class-validator';
import type { IpfixCollectorRequest } from '../../api/ipfix.types';
import { normalizeHost } from '../../siem/destination-policy';

/** An IP address (any notation) or a host name; which ones may be reached is the service's destination policy. */
function IsCollectorHost(): PropertyDecorator {
  return ValidateBy({
    name: 'isCollectorHost',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && v.trim().length > 0 && v.length <= 253 && normalizeHost(v.trim().replace(/^\[(.*)\]$/, '$1')) !== null,
      defaultMessage: () => 'host must be an IP address or a host name',
    },
  });
}

export class IpfixCollectorDto implements IpfixCollectorRequest {
  @ApiProperty({ example: 'nfcapd-dc1' })
  @IsString() @MinLength(1) @MaxLength(100)
  name!: string;

  @ApiProperty({ example: '192.0.2.10', description: 'IP address or host name; loopback, link-local and cloud-metadata addresses are refused unless the siem_allowed_destinations setting lists them' })
  @IsCollectorHost()
  host!: string;

  @ApiPropertyOptional({ type: 'integer', default: 4739 })
  @IsOptional() @IsInt() @Min(1) @Max(65535)
  port?: number;

  @ApiPropertyOptional({ enum: ['udp', 'tcp'], default: 'udp' })
  @IsOptional() @IsIn(['udp', 'tcp'])
  transport?: 'udp' | 'tcp';

  @ApiPropertyOptional({ enum: ['biflow', 'uniflow'], default: 'biflow' })
  @IsOptional() @IsIn(['biflow', 'uniflow'])
  mode?: 'biflow' | 'uniflow';

  @ApiPropertyOptional({ type: 'integer', default: 1 })
  @IsOptional() @IsInt() @Min(0) @Max(4294967295)
  observation_domain_id?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional() @IsBoolean()
  enabled?: boolean;
}
