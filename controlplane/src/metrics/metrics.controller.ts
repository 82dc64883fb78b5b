import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { MetricsService } from './metrics.service';

@ApiTags('metrics')
@ApiBearerAuth()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly service: MetricsService) {}

  /** Prometheus text format; scrape with an API token (`authorization: { credentials: <token> }`). */
  @Get()
  @Header('Cache-Control', 'no-store')
  async metrics(@Res() res: Response): Promise<void> {
    const { contentType, body } = await this.service.render();
    res.type(contentType).send(body);
  }
}
