import { Module } from '@nestjs/common';
import { TimeseriesController } from './timeseries.controller';
import { TimeseriesRepository } from './timeseries.repository';
import { TimeseriesService } from './timeseries.service';

@Module({
  controllers: [TimeseriesController],
  providers: [TimeseriesRepository, TimeseriesService],
  exports: [TimeseriesService],
})
export class TimeseriesModule {}
