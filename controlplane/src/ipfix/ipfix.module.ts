import { Module } from '@nestjs/common';
import type { DatabaseExtension } from '../database/data-source';
import { MetricsModule } from '../metrics/metrics.module';
import { IpfixCollectors1795352700000 } from '../database/migrations/1795352700000-ipfix-collectors';
import { IpfixCollectorEntity } from './ipfix-collector.entity';
import { IpfixCollectorsRepository } from './ipfix-collectors.repository';
import { IpfixController } from './ipfix.controller';
import { IpfixService } from './ipfix.service';

/** Table of the IPFIX module, registered in `feature-modules.ts`. */
export const IPFIX_DATABASE: DatabaseExtension = {
  entities: [IpfixCollectorEntity],
  migrations: [IpfixCollectors1795352700000],
};

/** IPFIX export: collectors API and one exporter per enabled collector. */
@Module({
  imports: [MetricsModule],
  controllers: [IpfixController],
  providers: [IpfixService, IpfixCollectorsRepository],
  exports: [IpfixService],
})
export class IpfixModule {}
