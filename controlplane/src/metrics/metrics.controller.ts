import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { MetricsService } from './metrics.service';

@ApiTags('metrics')
@ApiBearerAuth()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly service: MetricsService) {}

  /** Prometheus text format; scrape with an API token (`authorization: { credentials: <token> }`). */
  @Get()
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format)' })
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } })
  async metrics(@Res() res: Response): Promise<void> {
    const { contentType, body } = await this.service.render();
    res.type(contentType).send(body);
  }
}
