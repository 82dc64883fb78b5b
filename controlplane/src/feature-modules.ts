import type { DynamicModule, Type } from '@nestjs/common';
import type { DatabaseExtension } from './database/data-source';
import { ALERTS_DATABASE, AlertsModule } from './alerts/alerts.module';
import { IPFIX_DATABASE, IpfixModule } from './ipfix/ipfix.module';
import { SIEM_DATABASE, SiemModule } from './siem/siem.module';

/**
 * Registration point for feature modules built beside the core (alerts, SIEM).
 * Add the module class to {@link FEATURE_MODULES} and its TypeORM entities and
 * timestamped migrations to {@link FEATURE_DATABASE}; the core wires both into
 * the single AppModule and the single SQLite database.
 */
export const FEATURE_MODULES: (Type<unknown> | DynamicModule)[] = [AlertsModule, SiemModule, IpfixModule];

/** Entities and migrations of the feature modules. */
export const FEATURE_DATABASE: DatabaseExtension[] = [ALERTS_DATABASE, SIEM_DATABASE, IPFIX_DATABASE];
