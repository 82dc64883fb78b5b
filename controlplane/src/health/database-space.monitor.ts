import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CONTROL_PLANE_OPTIONS, ControlPlaneOptions } from '../config/control-plane-options';
import { HealthIssues } from './health-issues';

/** Below this much free space on the database's filesystem the database counts as full. */
export const DATABASE_MIN_FREE_BYTES = 32 * 1024 * 1024;
/** How often the free space is read. */
const CHECK_EVERY_MS = 5000;
/** The /healthz component. */
export const DATABASE_COMPONENT = 'database';

/**
 * Watches the free space of the filesystem holding the SQLite database (the
 * data partition). Below DATABASE_MIN_FREE_BYTES SQLite cannot be trusted to
 * commit (alerts, acknowledgements, timeseries, settings, sessions fail with
 * SQLITE_FULL): /healthz says `degraded` with the `database` problem and the
 * error is logged, while capture, the live state and the API's reads go on
 * (docs/reliability.md, *Disk full*). Cleared, and logged, once space is back.
 */
@Injectable()
export class DatabaseSpaceMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseSpaceMonitor.name);
  private timer: NodeJS.Timeout | null = null;
  private full = false;
  private checking = false;

  constructor(
    private readonly issues: HealthIssues,
    @Inject(CONTROL_PLANE_OPTIONS) private readonly options: ControlPlaneOptions,
  ) {}

  onApplicationBootstrap(): void {
    const path = this.options.database?.path;
    if (!path || path === ':memory:') return;
    void this.check();
    this.timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Reads the free space once and sets or clears the health problem. */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const dir = dirname(this.options.database.path);
      const fs = await statfs(dir);
      const free = fs.bavail * fs.bsize;
      if (free < DATABASE_MIN_FREE_BYTES) {
        this.full = true;
        this.issues.set(DATABASE_COMPONENT, `disk full: less than ${DATABASE_MIN_FREE_BYTES / 1048576} MiB free on ${dir}; alerts, acknowledgements, timeseries and settings cannot be stored (capture and the API go on)`);
      } else if (this.full) {
        this.full = false;
        this.issues.clear(DATABASE_COMPONENT);
        this.logger.log(`Disk space back on ${dir} (${Math.floor(free / 1048576)} MiB free): the database stores again`);
      }
    } catch (err) {
      this.logger.warn(`Free space of the database folder unreadable: ${(err as Error).message}`);
    } finally {
      this.checking = false;
    }
  }
}
