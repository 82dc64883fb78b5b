import { Global, Module } from '@nestjs/common';
import { LiveGateway } from './live.gateway';
import { LiveStateRepository } from './live-state.repository';
import { LiveService } from './live.service';

/** Live state in Redis + the `/api/v1/live` WebSocket. Global: the alerts module calls `LiveService.publishAlert()`. */
@Global()
@Module({
  providers: [LiveGateway, LiveStateRepository, LiveService],
  exports: [LiveService],
})
export class LiveModule {}
