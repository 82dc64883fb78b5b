import { statfs } from 'node:fs/promises';
import { cpus, freemem, hostname, loadavg, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { SystemInfo } from '../api';
import { CONTROL_PLANE_OPTIONS, ControlPlaneOptions } from '../config/control-plane-options';
import { RedisService } from '../redis/redis.service';

/** Version, uptime, CPU, memory and disk of the appliance for the portal's settings page. */
@Injectable()
export class SystemService {
  constructor(
    private readonly redis: RedisService,
    @Inject(CONTROL_PLANE_OPTIONS) private readonly options: ControlPlaneOptions,
  ) {}

  async info(): Promise<SystemInfo> {
    const dbDir = dirname(this.options.database.path);
    const fs = await statfs(dbDir);
    const cpuList = cpus();
    const [l1, l5, l15] = loadavg();
    return {
      version: this.options.version ?? '0.0.0',
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
}
