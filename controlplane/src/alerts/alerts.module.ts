import { Module } from '@nestjs/common';
import type { DatabaseExtension } from '../database/data-source';
import { AlertsAndRecipients1795352500000 } from '../database/migrations/1795352500000-alerts-and-recipients';
import { EngagedAlerts1795353100000 } from '../database/migrations/1795353100000-engaged-alerts';
import { AlertEntity } from './alert.entity';
import { MetricsModule } from '../metrics/metrics.module';
import { AlertsController } from './alerts.controller';
import { AlertsMetrics } from './alerts.metrics';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';

/** Tables of the alerts module, registered in `feature-modules.ts` (the migration also creates the SIEM recipients table). */
export const ALERTS_DATABASE: DatabaseExtension = {
  entities: [AlertEntity],
  migrations: [AlertsAndRecipients1795352500000, EngagedAlerts1795353100000],
};

/** Checks, engaged/past alerts and their API; forwarders (the SIEM module) register with AlertsService.addForwarder. */
@Module({
  imports: [MetricsModule],
  controllers: [AlertsController],
  providers: [AlertsService, AlertsRepository, AlertsMetrics],
  exports: [AlertsService],
})
export class AlertsModule {}
