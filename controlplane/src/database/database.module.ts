import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CONTROL_PLANE_OPTIONS, ControlPlaneOptions } from '../config/control-plane-options';
import { FEATURE_DATABASE } from '../feature-modules';
import { openDatabase } from './data-source';

/** The one TypeORM DataSource (SQLite file, migrations applied at start), injectable as `DataSource`. */
@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [CONTROL_PLANE_OPTIONS],
      useFactory: async (options: ControlPlaneOptions) => {
        mkdirSync(dirname(options.database.path), { recursive: true });
        return openDatabase(options.database.path, FEATURE_DATABASE);
      },
    },
  ],
  exports: [DataSource],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
