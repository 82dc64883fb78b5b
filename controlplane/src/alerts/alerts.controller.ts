import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ALERT_EXPORT_COLUMNS, pagesOf, streamTable } from '../export/table-export';
import { AlertEventV1Schema, AlertPageSchema, BulkAcknowledgeResponseSchema, CheckInfoSchema, TABLE_EXPORT_RESPONSE } from '../api/api-schemas';
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
  @ApiOperation({ summary: 'Engaged and past alerts, filtered and paged' })
  @ApiOkResponse({ type: AlertPageSchema })
  list(@Query() query: AlertQueryDto): Promise<AlertPage> {
    return this.service.list(query);
  }

  /** Every alert the list's filters match (newest first), as CSV or a JSON array of the list's rows, streamed. */
  @Get('export')
  @ApiProduces('text/csv', 'application/json')
  @ApiOperation({ summary: 'Every alert the filters match, as CSV or JSON (streamed)' })
  @ApiOkResponse(TABLE_EXPORT_RESPONSE)
  async export(@Query() query: AlertExportQueryDto, @Res() res: Response): Promise<void> {
    const { format, offset: _offset, limit: _limit, ...filters } = query;
    await streamTable(res, 'alerts', format ?? 'csv', ALERT_EXPORT_COLUMNS, pagesOf((offset, limit) => this.service.list({ ...filters, offset, limit })));
  }

  /** Every check: human name, one-line description, entity, and the unit of each setting. */
  @Get('checks')
  @ApiOperation({ summary: 'Every check: name, description, entity, units of its settings' })
  @ApiOkResponse({ type: [CheckInfoSchema] })
  checks(): CheckInfo[] {
    return this.service.checks();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One alert, engaged or past' })
  @ApiOkResponse({ type: AlertEventV1Schema, description: 'flowprobe.alert.v1 with state, ifid and acknowledgement' })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<AlertView> {
    return this.service.get(id);
  }

  /** Acknowledges every unacknowledged past alert matching the filters (the Alerts page's). */
  @Post('acknowledge')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge every unacknowledged past alert the filters match (admin)' })
  @ApiOkResponse({ type: BulkAcknowledgeResponseSchema })
  acknowledgeMatching(@Auth() auth: AuthUser, @Body() dto: AlertBulkAcknowledgeDto): Promise<BulkAcknowledgeResponse> {
    return this.service.acknowledgeMatching(dto, auth);
  }

  @Post(':id/acknowledge')
  @ApiOperation({ summary: 'Acknowledge an alert (admin)' })
  @Roles('admin')
  @HttpCode(204)
  acknowledge(@Auth() auth: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.service.acknowledge(id, auth);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a past alert (admin)' })
  @Roles('admin')
  @HttpCode(204)
  delete(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.service.delete(id);
  }
}
