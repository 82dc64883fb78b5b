import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiTags } from '@nestjs/swagger';
import { Auth, Roles } from '../auth/auth.decorators';
import type { AuthUser } from '../auth/auth-user';
import type { AlertPage } from '../api/alerts.types';
import { AlertsService } from './alerts.service';
import { AlertQueryDto } from './dto/alert-query.dto';

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
