import { DynamicModule, Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CONTROL_PLANE_OPTIONS, ControlPlaneOptions } from '../config/control-plane-options';
import { DatabaseExtension, openDatabase } from './data-source';

/**
 * The one TypeORM DataSource (SQLite file, migrations applied at start),
 * injectable as `DataSource`. The feature modules' entities and migrations
 * are handed in by AppModule (feature-modules.ts), so this module depends on
 * no feature.
 */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  static forRoot(extensions: DatabaseExtension[]): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DataSource,
          inject: [CONTROL_PLANE_OPTIONS],
          useFactory: (options: ControlPlaneOptions) => {
            const logger = new Logger('Database');
            return openDatabase(options.database.path, extensions, (message) => logger.warn(message));
          },
        },
      ],
      exports: [DataSource],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
