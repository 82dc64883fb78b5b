import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { FlowListSchema } from '../api/api-schemas';
import type { FlowListResponse } from '../api';
import { FlowQueryDto } from './dto/flow-query.dto';
import { FlowsService } from './flows.service';

@ApiTags('flows')
@ApiCookieAuth()
@ApiBearerAuth()
@Controller('flows')
export class FlowsController {
  constructor(private readonly service: FlowsService) {}

  @Get()
  @ApiOkResponse({ type: FlowListSchema })
  list(@Query() query: FlowQueryDto): Promise<FlowListResponse> {
    return this.service.list(query);
  }
}
