import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { HOST_EXPORT_COLUMNS, pagesOf, streamTable } from '../export/table-export';
import { HostDetailSchema, HostListSchema, HostPlacesSchema, TABLE_EXPORT_RESPONSE } from '../api/api-schemas';
import type { HostDetail, HostListResponse, HostPlaces } from '../api';
import { HostExportQueryDto, HostIpParamDto, HostParamsQueryDto, HostQueryDto } from './dto/host-query.dto';
import { HostsService } from './hosts.service';

@ApiTags('hosts')
@ApiCookieAuth()
@ApiBearerAuth()
@Controller('hosts')
export class HostsController {
  constructor(private readonly service: HostsService) {}

  @Get()
  @ApiOperation({ summary: 'Active hosts: filtered, sorted and paged over every interface' })
  @ApiOkResponse({ type: HostListSchema })
  list(@Query() query: HostQueryDto): Promise<HostListResponse> {
    return this.service.list(query);
  }

  /** Every host the list's filters and sort match, as CSV or a JSON array of the list's rows, streamed. */
  @Get('export')
  @ApiProduces('text/csv', 'application/json')
  @ApiOperation({ summary: 'Every active host the filters match, as CSV or JSON (streamed)' })
  @ApiOkResponse(TABLE_EXPORT_RESPONSE)
  async export(@Query() query: HostExportQueryDto, @Res() res: Response): Promise<void> {
    const { format, offset: _offset, limit: _limit, ...filters } = query;
    await streamTable(res, 'hosts', format ?? 'csv', HOST_EXPORT_COLUMNS, pagesOf((offset, limit) => this.service.list({ ...filters, offset, limit })));
  }

  @Get('places')
  @ApiOperation({ summary: 'Active remote hosts by country and by autonomous system (top 10 of each by bytes)' })
  @ApiOkResponse({ type: HostPlacesSchema })
  places(): Promise<HostPlaces> {
    return this.service.places();
  }

  @Get(':ip')
  @ApiOperation({ summary: 'One host with its applications and flow totals' })
  @ApiOkResponse({ type: HostDetailSchema })
  get(@Param() params: HostIpParamDto, @Query() query: HostParamsQueryDto): Promise<HostDetail> {
    return this.service.get(params.ip, query.vlan);
  }
}
