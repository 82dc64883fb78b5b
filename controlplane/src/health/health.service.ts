import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { HealthResponse } from '../api/api-types';
import { DataplaneRepository } from '../dataplane/dataplane.repository';
import { RedisService } from '../redis/redis.service';

/**
 * Health for load balancers and systemd watchdogs: `down` when no capture
 * runs or the database is gone, `degraded` when Redis is unreachable (capture
 * and API still work), `ok` otherwise.
 */
@Injectable()
export class HealthService {
  constructor(
    private readonly dataplane: DataplaneRepository,
    private readonly redis: RedisService,
    private readonly dataSource: DataSource,
  ) {}

  check(): HealthResponse {
    const running = this.dataplane.interfaces().some((i) => i.running);
    const database = this.dataSource.isInitialized;
    const redis = this.redis.up;
    const status = !running || !database ? 'down' : redis ? 'ok' : 'degraded';
    return { status, capture: running ? 'running' : 'stopped', redis: redis ? 'up' : 'down', database: database ? 'up' : 'down' };
  }
}
