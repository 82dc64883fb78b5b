import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { FLOW_EXPORT_COLUMNS, pagesOf, streamTable } from '../export/table-export';
import { FlowDetailSchema, FlowListSchema, FlowTrafficSummarySchema, TABLE_EXPORT_RESPONSE } from '../api/api-schemas';
import type { FlowDetail, FlowListResponse, FlowTrafficSummary } from '../api';
import { FlowDetailQueryDto, FlowExportQueryDto, FlowKeyDto, FlowQueryDto } from './dto/flow-query.dto';
import { FlowsService } from './flows.service';

@ApiTags('flows')
@ApiCookieAuth()
@ApiBearerAuth()
@Controller('flows')
export class FlowsController {
  constructor(private readonly service: FlowsService) {}

  @Get()
  @ApiOperation({ summary: 'Active flows: filtered, sorted and paged over every interface' })
  @ApiOkResponse({ type: FlowListSchema })
  list(@Query() query: FlowQueryDto): Promise<FlowListResponse> {
    return this.service.list(query);
  }

  /** Every flow the list's filters and sort match (not only a page), as CSV or a JSON array of the list's rows, streamed. */
  @Get('export')
  @ApiProduces('text/csv', 'application/json')
  @ApiOperation({ summary: 'Every active flow the filters match, as CSV or JSON (streamed)' })
  @ApiOkResponse(TABLE_EXPORT_RESPONSE)
  async export(@Query() query: FlowExportQueryDto, @Res() res: Response): Promise<void> {
    const { format, offset: _offset, limit: _limit, ...filters } = query;
    await streamTable(res, 'flows', format ?? 'csv', FLOW_EXPORT_COLUMNS, pagesOf((offset, limit) => this.service.list({ ...filters, offset, limit })));
  }

  /** One active flow with its details (404 once it has ended). */
  @Get('summary')
  @ApiOperation({ summary: 'Active traffic by server port, local↔remote pair, category and application' })
  @ApiOkResponse({ type: FlowTrafficSummarySchema })
  summary(): Promise<FlowTrafficSummary> {
    return this.service.summary();
  }

  @Get(':key')
  @ApiOperation({ summary: 'One active flow with its details (404 once it has ended)' })
  @ApiOkResponse({ type: FlowDetailSchema })
  get(@Param() params: FlowKeyDto, @Query() query: FlowDetailQueryDto): Promise<FlowDetail> {
    return this.service.get(params.key, query.ifid ?? 0);
  }
}
