import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { HostDetailSchema, HostListSchema } from '../api/api-schemas';
import type { HostDetail, HostListResponse } from '../api';
import { HostIpParamDto, HostParamsQueryDto, HostQueryDto } from './dto/host-query.dto';
import { HostsService } from './hosts.service';

@ApiTags('hosts')
@ApiCookieAuth()
@ApiBearerAuth()
@Controller('hosts')
export class HostsController {
  constructor(private readonly service: HostsService) {}

  @Get()
  @ApiOkResponse({ type: HostListSchema })
  list(@Query() query: HostQueryDto): Promise<HostListResponse> {
    return this.service.list(query);
  }

  @Get(':ip')
  @ApiOkResponse({ type: HostDetailSchema })
  get(@Param() params: HostIpParamDto, @Query() query: HostParamsQueryDto): Promise<HostDetail> {
    return this.service.get(params.ip, query.vlan);
  }
}
