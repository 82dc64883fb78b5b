import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiTags } from '@nestjs/swagger';
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
  get(): Settings {
    return this.service.get();
  }

  @Put()
  @Roles('admin')
  update(@Body() dto: UpdateSettingsDto): Promise<Settings> {
    return this.service.update(dto);
  }
}
