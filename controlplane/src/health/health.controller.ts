import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthSchema } from '../api/api-schemas';
import type { Response } from 'express';
import type { HealthResponse } from '../api';
import { Public } from '../auth/auth.decorators';
import { HealthService } from './health.service';

@ApiTags('health')
@Controller('healthz')
export class HealthController {
  constructor(private readonly service: HealthService) {}

  /** No authentication; 200 for ok/degraded, 503 for down. */
  @Get()
  @ApiOperation({ summary: 'Health of capture, Redis and database (503 only when down)' })
  @Public()
  @ApiOkResponse({ type: HealthSchema })
  async health(@Res({ passthrough: true }) res: Response): Promise<HealthResponse> {
    const health = await this.service.check();
    res.status(health.status === 'down' ? 503 : 200);
    return health;
  }
}
