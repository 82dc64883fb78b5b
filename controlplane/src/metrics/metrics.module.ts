import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

@Module({
  controllers: [MetricsController],
  providers: [MetricsService],
  // Feature modules (IPFIX) add their gauges to its registry.
  exports: [MetricsService],
})
export class MetricsModule {}
