import { Global, Module } from '@nestjs/common';
import { LiveBacklog } from './live-backlog';
import { LiveController } from './live.controller';
import { LiveGateway } from './live.gateway';
import { LiveStateRepository } from './live-state.repository';
import { LiveService } from './live.service';

/** Live state in Redis + the `/api/v1/live` WebSocket and `GET /api/v1/live/backlog`. Global: the alerts module calls `LiveService.publishAlert()`. */
@Global()
@Module({
  controllers: [LiveController],
  providers: [LiveBacklog, LiveGateway, LiveStateRepository, LiveService],
  exports: [LiveService],
})
export class LiveModule {}
