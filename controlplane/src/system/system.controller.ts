import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiTags } from '@nestjs/swagger';
import type { ApplianceStatus, PowerActionResponse, SystemInfo } from '../api';
import { Auth, Roles } from '../auth/auth.decorators';
import type { AuthUser } from '../auth/auth-user';
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

  /** Network, NTP, disks and whether reboot/shutdown are possible. */
  @Get('appliance')
  appliance(): Promise<ApplianceStatus> {
    return this.service.appliance();
  }

  /** 202 once systemd accepted it; 503 when not available (development) or refused by the OS. */
  @Post('reboot')
  @Roles('admin')
  @HttpCode(202)
  reboot(@Auth() auth: AuthUser): Promise<PowerActionResponse> {
    return this.service.power('reboot', auth.username);
  }

  @Post('shutdown')
  @Roles('admin')
  @HttpCode(202)
  shutdown(@Auth() auth: AuthUser): Promise<PowerActionResponse> {
    return this.service.power('shutdown', auth.username);
  }
}
