import { Global, Module } from '@nestjs/common';
import { RedisService } from './redis.service';

/** One {@link RedisService} for the whole application. */
@Global()
@Module({
  providers: [RedisService],
  exports: [RedisService],
})
export class RedisModule {}
