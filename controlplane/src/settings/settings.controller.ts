import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SettingsSchema } from '../api/api-schemas';
import type { Settings } from '../api';
import { Roles } from '../auth/auth.decorators';
import { UpdateSettingsDto } from './dto/settings.dto';
import { SettingsService } from './settings.service';

@ApiTags('settings')
@ApiCookieAuth()
@ApiBearerAuth()
@Controller('settings')
export class SettingsController {
  constructor(private readonly service: SettingsService) {}

  @Get()
  @ApiOperation({ summary: 'Settings: local networks, retention, live interval, checks' })
  @ApiOkResponse({ type: SettingsSchema })
  get(): Settings {
    return this.service.get();
  }

  @Put()
  @ApiOperation({ summary: 'Change settings (admin; partial update)' })
  @Roles('admin')
  @ApiOkResponse({ type: SettingsSchema })
  update(@Body() dto: UpdateSettingsDto): Promise<Settings> {
    return this.service.update(dto);
  }
}
