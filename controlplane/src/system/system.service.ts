import { statfs } from 'node:fs/promises';
import { cpus, freemem, hostname, loadavg, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { Inject, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import type { ApplianceStatus, PowerActionResponse, SystemInfo } from '../api';
import { PRODUCT_VERSION } from '../config/product-version';
import { CONTROL_PLANE_OPTIONS, ControlPlaneOptions } from '../config/control-plane-options';
import { RedisService } from '../redis/redis.service';
import { ApplianceOsRepository } from './appliance-os.repository';

/** Version, uptime, CPU, memory and disk of the appliance for the portal's settings page; reboot and shutdown. */
@Injectable()
export class SystemService {
  private readonly logger = new Logger(SystemService.name);

  constructor(
    private readonly redis: RedisService,
    private readonly os: ApplianceOsRepository,
    @Inject(CONTROL_PLANE_OPTIONS) private readonly options: ControlPlaneOptions,
  ) {}

  async info(): Promise<SystemInfo> {
    const dbDir = dirname(this.options.database.path);
    const fs = await statfs(dbDir);
    const cpuList = cpus();
    const [l1, l5, l15] = loadavg();
    return {
      version: PRODUCT_VERSION,
      hostname: hostname(),
      uptime: Math.round(process.uptime()),
      node: process.version,
      cpu: { model: cpuList[0]?.model ?? 'unknown', cores: cpuList.length, load_avg: [l1, l5, l15] },
      memory: { total: totalmem(), free: freemem(), process_rss: process.memoryUsage().rss },
      disk: { path: dbDir, total: fs.blocks * fs.bsize, free: fs.bavail * fs.bsize },
      sources: this.options.sources ?? [],
      redis: { connected: this.redis.up, url: this.redis.displayUrl },
    };
  }

  /** The System page's appliance section: network, NTP and disks read from the OS (each "not available" on its own). */
  async appliance(): Promise<ApplianceStatus> {
    const dataDir = dirname(this.options.database.path);
    const [network, ntp, data, root] = await Promise.all([this.os.network(), this.os.ntp(), this.os.disk(dataDir), this.os.disk('/')]);
    return {
      version: PRODUCT_VERSION,
      hostname: hostname(),
      os_uptime_s: this.os.osUptimeS(),
      network,
      ntp,
      disks: [
        { role: 'data', path: dataDir, ...data },
        { role: 'root', path: '/', ...root },
      ],
      power_control: this.options.powerControl ?? false,
    };
  }

  /** Reboot or power off the box (admin); 503 "not available" outside the appliance or when the OS refuses. */
  async power(action: 'reboot' | 'shutdown', by: string): Promise<PowerActionResponse> {
    if (!this.options.powerControl) {
      throw new ServiceUnavailableException(`${action} is not available: this is not an appliance (system.power_control is off in the boot config)`);
    }
    this.logger.warn(`${action} requested by "${by}"`);
    try {
      await this.os.power(action === 'reboot' ? 'reboot' : 'poweroff');
    } catch (err) {
      throw new ServiceUnavailableException(`${action} refused by the OS: ${(err as Error).message}`);
    }
    return { action, accepted: true };
  }
}
