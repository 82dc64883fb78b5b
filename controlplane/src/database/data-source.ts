import { DataSource, DataSourceOptions } from 'typeorm';
import { ApiTokenEntity } from '../users/api-token.entity';
import { SessionEntity } from '../auth/session.entity';
import { SettingEntity } from '../settings/setting.entity';
import { UserEntity } from '../users/user.entity';
import {
  HostDayEntity,
  HostFiveMinuteEntity,
  HostHourEntity,
  InterfaceDayEntity,
  InterfaceHourEntity,
  InterfaceMinuteEntity,
} from '../timeseries/timeseries.entity';
import { serializeSqliteTransactions } from './sqlite-transactions';
import { InitialSchema1795352400000 } from './migrations/1795352400000-initial-schema';

/** Entities of the control plane core. Feature modules (alerts, SIEM) pass theirs through {@link DatabaseExtension}. */
export const CORE_ENTITIES: Function[] = [
  UserEntity,
  ApiTokenEntity,
  SessionEntity,
  SettingEntity,
  InterfaceMinuteEntity,
  InterfaceHourEntity,
  InterfaceDayEntity,
  HostFiveMinuteEntity,
  HostHourEntity,
  HostDayEntity,
];

/** Migrations of the control plane core, oldest first. */
export const CORE_MIGRATIONS: Function[] = [InitialSchema1795352400000];

/**
 * Entities and migrations another module adds to the single SQLite database
 * (the alerts module registers its tables this way). Migration class names
 * end in a millisecond timestamp, TypeORM orders and records them by it.
 */
export interface DatabaseExtension {
  entities: Function[];
  migrations: Function[];
}

/** TypeORM options of the appliance database: schema by migrations only, never `synchronize`. */
export function buildDataSourceOptions(path: string, extensions: DatabaseExtension[] = []): DataSourceOptions {
  return {
    type: 'sqlite',
    database: path,
    entities: [...CORE_ENTITIES, ...extensions.flatMap((e) => e.entities)],
    migrations: [...CORE_MIGRATIONS, ...extensions.flatMap((e) => e.migrations)],
    migrationsRun: false,
    synchronize: false,
    logging: ['error'],
    // WAL lets the API read while a job writes; 5 s busy timeout rides over a long rollup.
    enableWAL: true,
    busyTimeout: 5000,
  };
}

/** Opens the database and applies pending migrations. */
export async function openDatabase(path: string, extensions: DatabaseExtension[] = []): Promise<DataSource> {
  const dataSource = new DataSource(buildDataSourceOptions(path, extensions));
  await dataSource.initialize();
  serializeSqliteTransactions(dataSource);
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}
