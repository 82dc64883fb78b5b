import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiTags } from '@nestjs/swagger';
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
  @Roles('admin')
  list(): JobInfo[] {
    return this.runner.list();
  }
}
