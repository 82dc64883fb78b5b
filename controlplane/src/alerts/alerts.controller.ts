import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ALERT_EXPORT_COLUMNS, pagesOf, streamTable } from '../export/table-export';
import { Auth, Roles } from '../auth/auth.decorators';
import type { AuthUser } from '../auth/auth-user';
import type { AlertPage, AlertView, BulkAcknowledgeResponse, CheckInfo } from '../api/alerts.types';
import { AlertsService } from './alerts.service';
import { AlertBulkAcknowledgeDto, AlertExportQueryDto, AlertQueryDto } from './dto/alert-query.dto';

/** Engaged and past alerts: any role reads, admins acknowledge and delete. */
@ApiTags('alerts')
@ApiCookieAuth()
@ApiBearerAuth()
@Controller('alerts')
export class AlertsController {
  constructor(private readonly service: AlertsService) {}

  @Get()
  list(@Query() query: AlertQueryDto): Promise<AlertPage> {
    return this.service.list(query);
  }

  /** Every alert the list's filters match (newest first), as CSV or a JSON array of the list's rows, streamed. */
  @Get('export')
  @ApiProduces('text/csv', 'application/json')
  async export(@Query() query: AlertExportQueryDto, @Res() res: Response): Promise<void> {
    const { format, offset: _offset, limit: _limit, ...filters } = query;
    await streamTable(res, 'alerts', format ?? 'csv', ALERT_EXPORT_COLUMNS, pagesOf((offset, limit) => this.service.list({ ...filters, offset, limit })));
  }

  /** Every check: human name, one-line description, entity, and the unit of each setting. */
  @Get('checks')
  checks(): CheckInfo[] {
    return this.service.checks();
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<AlertView> {
    return this.service.get(id);
  }

  /** Acknowledges every unacknowledged past alert matching the filters (the Alerts page's). */
  @Post('acknowledge')
  @Roles('admin')
  @HttpCode(200)
  acknowledgeMatching(@Auth() auth: AuthUser, @Body() dto: AlertBulkAcknowledgeDto): Promise<BulkAcknowledgeResponse> {
    return this.service.acknowledgeMatching(dto, auth);
  }

  @Post(':id/acknowledge')
  @Roles('admin')
  @HttpCode(204)
  acknowledge(@Auth() auth: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.service.acknowledge(id, auth);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  delete(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.service.delete(id);
  }
}
