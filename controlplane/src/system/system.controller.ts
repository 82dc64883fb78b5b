import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiTags } from '@nestjs/swagger';
import type { SystemInfo } from '../api';
import { SystemService } from './system.service';

@ApiTags('system')
@ApiCookieAuth()
@ApiBearerAuth()
@Controller('system')
export class SystemController {
  constructor(private readonly service: SystemService) {}

  @Get()
  info(): Promise<SystemInfo> {
    return this.service.info();
  }
}
