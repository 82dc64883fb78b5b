import { Module } from '@nestjs/common';
import { RecipientsController } from './recipients.controller';
import { RecipientsRepository } from './recipients.repository';
import { SiemService } from './siem.service';

/** SIEM forwarding: recipients API and per-recipient durable queues. RedisService and DataSource come from the global core modules. */
@Module({
  controllers: [RecipientsController],
  providers: [SiemService, RecipientsRepository],
  exports: [SiemService],
})
export class SiemModule {}
