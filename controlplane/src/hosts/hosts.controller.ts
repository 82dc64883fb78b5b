import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiTags } from '@nestjs/swagger';
import type { HostDetail, HostListResponse } from '../api/api-types';
import { HostIpParamDto, HostParamsQueryDto, HostQueryDto } from './dto/host-query.dto';
import { HostsService } from './hosts.service';

@ApiTags('hosts')
@ApiCookieAuth()
@ApiBearerAuth()
@Controller('hosts')
export class HostsController {
  constructor(private readonly service: HostsService) {}

  @Get()
  list(@Query() query: HostQueryDto): HostListResponse {
    return this.service.list(query);
  }

  @Get(':ip')
  get(@Param() params: HostIpParamDto, @Query() query: HostParamsQueryDto): HostDetail {
    return this.service.get(params.ip, query.vlan);
  }
}
