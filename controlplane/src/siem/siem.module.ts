import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { AlertsService } from '../alerts/alerts.service';
import type { DatabaseExtension } from '../database/data-source';
import { MetricsModule } from '../metrics/metrics.module';
import { RecipientEntity } from './recipient.entity';
import { RecipientsController } from './recipients.controller';
import { RecipientsRepository } from './recipients.repository';
import { SiemMetrics } from './siem.metrics';
import { SiemService } from './siem.service';

/** Table of the SIEM module (created by the alerts-and-recipients migration), registered in `feature-modules.ts`. */
export const SIEM_DATABASE: DatabaseExtension = { entities: [RecipientEntity], migrations: [] };

/** Hands every alert event to the SIEM queues. */
@Injectable()
export class SiemAlertForwarder implements OnModuleInit {
  constructor(
    private readonly alerts: AlertsService,
    private readonly siem: SiemService,
  ) {}

  onModuleInit(): void {
    this.alerts.addForwarder('SIEM', async (events) => {
      await this.siem.ready;
      // In Redis, or in the memory buffer while Redis is down: the outbox rows go once `queued` says they reached Redis.
      return this.siem.publishQueued(events);
    });
  }
}

/** SIEM forwarding: recipients API and per-recipient durable queues. RedisService and DataSource come from the global core modules. */
@Module({
  imports: [AlertsModule, MetricsModule],
  controllers: [RecipientsController],
  providers: [SiemService, RecipientsRepository, SiemAlertForwarder, SiemMetrics],
  exports: [SiemService],
})
export class SiemModule {}
