import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateBy } from 'class-validator';
import type { IpfixCollectorRequest } from '../../api/ipfix.types';
import { ipfixDestinationProblem } from '../ipfix-destination';

function IsCollectorHost(): PropertyDecorator {
  return ValidateBy({
    name: 'isCollectorHost',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && ipfixDestinationProblem(v) === null,
      defaultMessage: (args) => `host: ${typeof args?.value === 'string' ? ipfixDestinationProblem(args.value) : 'must be a string'}`,
    },
  });
}

export class IpfixCollectorDto implements IpfixCollectorRequest {
  @ApiProperty({ example: 'nfcapd-dc1' })
  @IsString() @MinLength(1) @MaxLength(100)
  name!: string;

  @ApiProperty({ example: '192.0.2.10', description: 'IP address or host name; link-local and cloud-metadata addresses are refused' })
  @IsCollectorHost()
  host!: string;

  @ApiPropertyOptional({ default: 4739 })
  @IsOptional() @IsInt() @Min(1) @Max(65535)
  port?: number;

  @ApiPropertyOptional({ enum: ['udp', 'tcp'], default: 'udp' })
  @IsOptional() @IsIn(['udp', 'tcp'])
  transport?: 'udp' | 'tcp';

  @ApiPropertyOptional({ enum: ['biflow', 'uniflow'], default: 'biflow' })
  @IsOptional() @IsIn(['biflow', 'uniflow'])
  mode?: 'biflow' | 'uniflow';

  @ApiPropertyOptional({ default: 1 })
  @IsOptional() @IsInt() @Min(0) @Max(4294967295)
  observation_domain_id?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional() @IsBoolean()
  enabled?: boolean;
}
