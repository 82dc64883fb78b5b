import { Global, Module } from '@nestjs/common';
import { LiveBacklog } from './live-backlog';
import { LiveGateway } from './live.gateway';
import { LiveStateRepository } from './live-state.repository';
import { LiveService } from './live.service';

/** Live state in Redis + the `/api/v1/live` WebSocket. Global: the alerts module calls `LiveService.publishAlert()`. */
@Global()
@Module({
  providers: [LiveBacklog, LiveGateway, LiveStateRepository, LiveService],
  exports: [LiveService],
})
export class LiveModule {}
