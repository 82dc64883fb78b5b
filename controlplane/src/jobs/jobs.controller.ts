import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JobInfoSchema } from '../api/api-schemas';
import type { JobInfo } from '../api';
import { Roles } from '../auth/auth.decorators';
import { JobRunner } from './job-runner';

@ApiTags('jobs')
@ApiCookieAuth()
@ApiBearerAuth()
@Controller('jobs')
export class JobsController {
  constructor(private readonly runner: JobRunner) {}

  /** Runs, skips (overruns), failures and last duration of each periodic job. */
  @Get()
  @ApiOperation({ summary: 'Periodic jobs: runs, skips, failures, last duration' })
  @Roles('admin')
  @ApiOkResponse({ type: [JobInfoSchema] })
  list(): JobInfo[] {
    return this.runner.list();
  }
}
