import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCookieAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AlertEventV1Schema, RecipientViewSchema } from '../api/api-schemas';
import { Roles } from '../auth/auth.decorators';
import { RecipientDto } from './dto/recipient.dto';
import type { AlertEventV1 } from '../alerts/alert-event';
import type { RecipientView } from './recipient.types';
import { SiemService } from './siem.service';

/** SIEM recipients: any role reads (with queue depth and delivery counters), admins write. */
@ApiTags('recipients')
@ApiCookieAuth()
@ApiBearerAuth()
@Controller('recipients')
export class RecipientsController {
  constructor(private readonly service: SiemService) {}

  @Get()
  @ApiOperation({ summary: 'SIEM recipients (secrets never returned)' })
  @ApiOkResponse({ type: [RecipientViewSchema] })
  list(): Promise<RecipientView[]> {
    return this.service.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One SIEM recipient' })
  @ApiOkResponse({ type: RecipientViewSchema })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<RecipientView> {
    return this.service.get(id);
  }

  @Post()
  @ApiOperation({ summary: 'Add a SIEM recipient (admin)' })
  @Roles('admin')
  @ApiCreatedResponse({ type: RecipientViewSchema })
  create(@Body() dto: RecipientDto): Promise<RecipientView> {
    return this.service.create(dto);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Change a SIEM recipient (admin; write-only secrets kept when omitted)' })
  @Roles('admin')
  @ApiOkResponse({ type: RecipientViewSchema })
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: RecipientDto): Promise<RecipientView> {
    return this.service.update(id, dto);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a SIEM recipient (admin)' })
  @Roles('admin')
  @HttpCode(204)
  delete(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.service.delete(id);
  }

  /** Queues a test alert for this recipient; watch `stats.delivered` / `last_error` for the outcome. */
  @Post(':id/test')
  @ApiOperation({ summary: 'Send a test alert to a SIEM recipient (admin)' })
  @Roles('admin')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: AlertEventV1Schema })
  test(@Param('id', ParseUUIDPipe) id: string): Promise<AlertEventV1> {
    return this.service.sendTest(id);
  }
}
