import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiTags } from '@nestjs/swagger';
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
  list(): Promise<RecipientView[]> {
    return this.service.list();
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<RecipientView> {
    return this.service.get(id);
  }

  @Post()
  @Roles('admin')
  create(@Body() dto: RecipientDto): Promise<RecipientView> {
    return this.service.create(dto);
  }

  @Put(':id')
  @Roles('admin')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: RecipientDto): Promise<RecipientView> {
    return this.service.update(id, dto);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  delete(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.service.delete(id);
  }

  /** Queues a test alert for this recipient; watch `stats.delivered` / `last_error` for the outcome. */
  @Post(':id/test')
  @Roles('admin')
  @HttpCode(202)
  test(@Param('id', ParseUUIDPipe) id: string): Promise<AlertEventV1> {
    return this.service.sendTest(id);
  }
}
