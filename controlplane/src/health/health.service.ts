import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { HealthResponse } from '../api';
import { DataplaneRepository } from '../dataplane/dataplane.repository';
import { RedisService } from '../redis/redis.service';
import { HealthIssues } from './health-issues';

/**
 * Health for load balancers and systemd watchdogs: `down` when the database
 * is gone or no interface can capture (none exists, or every one failed: its
 * `error` is set); `degraded` when some sources failed while others run (a
 * configured NIC missing: a restart would not bring it back; each is listed
 * in `problems` as `source <name>`), Redis is unreachable (capture and API
 * still work) or a part runs disabled because its stored configuration is
 * unusable (`problems`, see {@link HealthIssues}), or a capture worker crashed and
 * is restarting (`workers <name>`; past the restart bound the interface's `error`
 * is set instead); `ok` otherwise. A capture file that was read to its end is not a failure.
 */
@Injectable()
export class HealthService {
  constructor(
    private readonly dataplane: DataplaneRepository,
    private readonly redis: RedisService,
    private readonly dataSource: DataSource,
    private readonly issues: HealthIssues,
  ) {}

  async check(): Promise<HealthResponse> {
    const interfaces = await this.dataplane.interfaces();
    const running = interfaces.some((i) => i.running);
    const failed = interfaces.filter((i) => i.error !== undefined);
    const allFailed = interfaces.length === 0 || failed.length === interfaces.length;
    const database = this.dataSource.isInitialized;
    const redis = this.redis.up;
    // A crashed worker waiting for its restart: part of the interface's traffic is not analysed (docs/reliability.md).
    const crashed = interfaces.filter((i) => i.error === undefined && (i.workers_down?.length ?? 0) > 0);
    const problems = [
      ...failed.map((i) => ({ component: `source ${i.name}`, reason: i.error! })),
      ...crashed.map((i) => ({
        component: `workers ${i.name}`,
        reason: `worker(s) ${i.workers_down.join(', ')} crashed, restarting (${i.worker_restarts} restarts; last: ${i.last_worker_crash?.reason ?? 'unknown'})`,
      })),
      ...this.issues.list(),
    ];
    const status = allFailed || !database ? 'down' : redis && problems.length === 0 ? 'ok' : 'degraded';
    return { status, capture: running ? 'running' : 'stopped', redis: redis ? 'up' : 'down', database: database ? 'up' : 'down', problems };
  }
}
