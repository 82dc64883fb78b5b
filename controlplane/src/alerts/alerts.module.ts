import { Module } from '@nestjs/common';
import type { DatabaseExtension } from '../database/data-source';
import { AlertsAndRecipients1795352500000 } from '../database/migrations/1795352500000-alerts-and-recipients';
import { RecipientEntity } from '../siem/recipient.entity';
import { SiemModule } from '../siem/siem.module';
import { AlertEntity } from './alert.entity';
import { AlertsController } from './alerts.controller';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';

/** Tables of the alerts and SIEM modules, registered in `feature-modules.ts`. */
export const ALERTS_DATABASE: DatabaseExtension = {
  entities: [AlertEntity, RecipientEntity],
  migrations: [AlertsAndRecipients1795352500000],
};

/** Checks, engaged/past alerts and their API; forwards through the SIEM module. */
@Module({
  imports: [SiemModule],
  controllers: [AlertsController],
  providers: [AlertsService, AlertsRepository],
  exports: [AlertsService],
})
export class AlertsModule {}
