import { Global, Module } from '@nestjs/common';
import { DataplaneRepository } from './dataplane.repository';

/** Exposes {@link DataplaneRepository}; the `PROBE_DATAPLANES` value comes from AppModule.forRoot. */
@Global()
@Module({
  providers: [DataplaneRepository],
  exports: [DataplaneRepository],
})
export class DataplaneModule {}
