import { Injectable, Logger } from '@nestjs/common';
import type { JobInfo } from '../api';

export type JobName = JobInfo['name'];

/**
 * Runs periodic jobs one at a time per name: a run that finds the previous one
 * still going is skipped and counted (never stacked), failures are logged and
 * counted, and the next period runs normally.
 */
@Injectable()
export class JobRunner {
  private readonly logger = new Logger('Jobs');
  private readonly running = new Set<JobName>();
  private readonly infos = new Map<JobName, JobInfo>();

  /** Runs `work` unless `name` is still running; resolves false when skipped. */
  async run(name: JobName, work: () => Promise<void> | void): Promise<boolean> {
    const info = this.info(name);
    if (this.running.has(name)) {
      info.skipped++;
      this.logger.warn(`Job ${name} skipped: the previous run (started ${info.last_started_at}) is still running`);
      return false;
    }
    this.running.add(name);
    const startedMs = Date.now();
    info.runs++;
    info.last_started_at = Math.floor(startedMs / 1000);
    try {
      await work();
      info.last_error = null;
    } catch (err) {
      info.failures++;
      info.last_error = (err as Error).message;
      this.logger.error(`Job ${name} failed: ${(err as Error).stack ?? String(err)}`);
    } finally {
      info.last_duration_ms = Date.now() - startedMs;
      this.running.delete(name);
    }
    return true;
  }

  list(): (JobInfo)[] {
    return [...this.infos.values()];
  }

  info(name: JobName): JobInfo {
    let info = this.infos.get(name);
    if (!info) {
      info = { name, runs: 0, skipped: 0, failures: 0, last_started_at: null, last_duration_ms: null, last_error: null };
      this.infos.set(name, info);
    }
    return info;
  }
}
