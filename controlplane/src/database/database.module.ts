import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
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
      useFactory: (options: ControlPlaneOptions) => {
        const logger = new Logger('Database');
        return openDatabase(options.database.path, FEATURE_DATABASE, (message) => logger.warn(message));
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
