import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApplianceStatusSchema, PowerActionResponseSchema, SystemInfoSchema } from '../api/api-schemas';
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
  @ApiOperation({ summary: 'Version, uptime, CPU, memory, disk, sources, Redis' })
  @ApiOkResponse({ type: SystemInfoSchema })
  info(): Promise<SystemInfo> {
    return this.service.info();
  }

  /** Network, NTP, disks and whether reboot/shutdown are possible. */
  @Get('appliance')
  @ApiOperation({ summary: 'Appliance: management network, NTP, disks, power control' })
  @ApiOkResponse({ type: ApplianceStatusSchema })
  appliance(): Promise<ApplianceStatus> {
    return this.service.appliance();
  }

  /** 202 once systemd accepted it; 503 when not available (development) or refused by the OS. */
  @Post('reboot')
  @ApiOperation({ summary: 'Reboot the appliance (admin; when power control is on)' })
  @Roles('admin')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: PowerActionResponseSchema })
  reboot(@Auth() auth: AuthUser): Promise<PowerActionResponse> {
    return this.service.power('reboot', auth.username);
  }

  @Post('shutdown')
  @ApiOperation({ summary: 'Shut the appliance down (admin; when power control is on)' })
  @Roles('admin')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: PowerActionResponseSchema })
  shutdown(@Auth() auth: AuthUser): Promise<PowerActionResponse> {
    return this.service.power('shutdown', auth.username);
  }
}
