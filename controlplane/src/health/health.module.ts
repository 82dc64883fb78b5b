import { Global, Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { DatabaseSpaceMonitor } from './database-space.monitor';
import { HealthIssues } from './health-issues';
import { HealthService } from './health.service';

/** /healthz; global so that any module can flag a part it had to disable ({@link HealthIssues}). */
@Global()
@Module({
  controllers: [HealthController],
  providers: [HealthService, HealthIssues, DatabaseSpaceMonitor],
  exports: [HealthService, HealthIssues],
})
export class HealthModule {}
