import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { ApiTokenEntity } from '../auth/api-token.entity';
import { SessionEntity } from '../auth/session.entity';
import { SettingEntity } from '../settings/setting.entity';
import { UserEntity } from '../auth/user.entity';
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

/**
 * Makes the database folder 0700 and the database file 0600 before SQLite
 * opens it. SQLite creates the `-wal` and `-shm` files with the mode of the
 * database file, so they are 0600 too; existing ones are corrected. The
 * folder is only tightened when this user owns it and it is not a shared
 * sticky folder such as /tmp (then a warning says so).
 */
export function secureDatabaseFiles(path: string, warn: (message: string) => void = () => undefined): void {
  if (path === ':memory:') return;
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = statSync(dir);
  if ((st.mode & 0o077) !== 0) {
    if ((st.mode & 0o1000) === 0 && st.uid === process.getuid?.()) chmodSync(dir, 0o700);
    else warn(`database folder ${dir} is readable by other users (mode ${(st.mode & 0o7777).toString(8)}); the database files themselves are 0600`);
  }
  closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) if (existsSync(file)) chmodSync(file, 0o600);
}

/** Opens the database (files 0600 in a 0700 folder) and applies pending migrations. */
export async function openDatabase(path: string, extensions: DatabaseExtension[] = [], warn?: (message: string) => void): Promise<DataSource> {
  secureDatabaseFiles(path, warn);
  const dataSource = new DataSource(buildDataSourceOptions(path, extensions));
  await dataSource.initialize();
  // WAL (enableWAL) + synchronous=FULL: every commit is fsynced in the WAL before it returns, so a
  // power cut keeps committed alerts, acknowledgements, settings and timeseries (NORMAL, WAL's
  // usual pairing, survives a process crash but may lose the last commits to a power cut).
  await dataSource.query('PRAGMA synchronous = FULL');
  serializeSqliteTransactions(dataSource);
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}
