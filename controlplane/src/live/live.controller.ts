import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { LiveBacklogMessage } from '../api';
import { LiveBacklogSchema } from '../api/api-schemas';
import { LiveBacklog } from './live-backlog';

/**
 * `GET /live/backlog`: the kept live throughput (the last 300 publications per interface), the
 * same message the WebSocket sends after its hello. A page asks for it with its other first
 * requests, so its live chart is drawn with the page instead of once the socket is open.
 */
@ApiTags('interfaces')
@ApiCookieAuth()
@ApiBearerAuth()
@Controller('live')
export class LiveController {
  constructor(private readonly backlog: LiveBacklog) {}

  @Get('backlog')
  @ApiOperation({ summary: 'Live throughput of the last 300 publications per interface (what the WebSocket sends after its hello)' })
  @ApiOkResponse({ type: LiveBacklogSchema })
  get(): LiveBacklogMessage {
    return this.backlog.message();
  }
}
