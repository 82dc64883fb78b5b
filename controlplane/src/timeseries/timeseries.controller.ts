import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TimeseriesSchema } from '../api/api-schemas';
import type { TimeseriesResponse } from '../api';
import { SettingsService } from '../settings/settings.service';
import { TimeseriesQueryDto } from './dto/timeseries-query.dto';
import { TimeseriesService } from './timeseries.service';

@ApiTags('timeseries')
@ApiCookieAuth()
@ApiBearerAuth()
@Controller('timeseries')
export class TimeseriesController {
  constructor(
    private readonly service: TimeseriesService,
    private readonly settings: SettingsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Interface or host traffic over time (SQLite rollups)' })
  @ApiOkResponse({ type: TimeseriesSchema })
  query(@Query() query: TimeseriesQueryDto): Promise<TimeseriesResponse> {
    return this.service.query(query, this.settings.get().retention);
  }
}
