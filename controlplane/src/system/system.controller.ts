import { Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApplianceStatusSchema, PowerActionResponseSchema, SystemInfoSchema, UpgradeAcceptedSchema, UpgradeStatusSchema } from '../api/api-schemas';
import type { ApplianceStatus, PowerActionResponse, SystemInfo, UpgradeAccepted, UpgradeStatus } from '../api';
import { Auth, Roles } from '../auth/auth.decorators';
import type { AuthUser } from '../auth/auth-user';
import { BinaryBody } from '../security/request-shape.guard';
import { SystemService } from './system.service';
import { UpgradeService } from './upgrade.service';

@ApiTags('system')
@ApiCookieAuth()
@ApiBearerAuth()
@Controller('system')
export class SystemController {
  constructor(
    private readonly service: SystemService,
    private readonly upgrades: UpgradeService,
  ) {}

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

  /** The A/B update state: running version, booted slot, last upgrade and its outcome (rolled back, why). */
  @Get('upgrade')
  @ApiOperation({ summary: 'Update state: running version, booted slot, the last upgrade and whether it was rolled back' })
  @ApiOkResponse({ type: UpgradeStatusSchema })
  upgrade(): Promise<UpgradeStatus> {
    return this.upgrades.status();
  }

  /**
   * The update bundle (.raucb) as the body: checked (signature, compatible
   * string) before anything is written, then installed into the inactive
   * slot while capture runs. 400 with the reason for a bad bundle, 413 too large,
   * 409 while another update runs, 503 outside the appliance image.
   */
  @Post('upgrade')
  @ApiOperation({ summary: 'Install an update bundle into the inactive slot (admin; body application/octet-stream)' })
  @Roles('admin')
  @BinaryBody()
  @HttpCode(202)
  @ApiConsumes('application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiAcceptedResponse({ type: UpgradeAcceptedSchema })
  install(@Req() req: Request, @Auth() auth: AuthUser): Promise<UpgradeAccepted> {
    const length = req.headers['content-length'];
    return this.upgrades.upload(req, length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined, auth.username);
  }
}
