import { existsSync } from 'node:fs';
import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { ServeStaticModule } from '@nestjs/serve-static';
import { AuthModule } from './auth/auth.module';
import { CONTROL_PLANE_OPTIONS, ControlPlaneOptions } from './config/control-plane-options';
import { DatabaseModule } from './database/database.module';
import { DataplaneModule } from './dataplane/dataplane.module';
import { PROBE_DATAPLANES, ProbeDataplane } from './dataplane/probe-dataplane';
import { FEATURE_DATABASE, FEATURE_MODULES } from './feature-modules';
import { FlowRecordsModule } from './flow-records/flow-records.module';
import { FlowsModule } from './flows/flows.module';
import { HealthModule } from './health/health.module';
import { HistoryModule } from './history/history.module';
import { HostsModule } from './hosts/hosts.module';
import { InterfacesModule } from './interfaces/interfaces.module';
import { JobsModule } from './jobs/jobs.module';
import { LiveModule } from './live/live.module';
import { MetricsModule } from './metrics/metrics.module';
import { NamesModule } from './names/names.module';
import { RedisModule } from './redis/redis.module';
import { SettingsModule } from './settings/settings.module';
import { SystemModule } from './system/system.module';
import { TlsModule } from './tls/tls.module';
import { TimeseriesModule } from './timeseries/timeseries.module';
import { UsersModule } from './users/users.module';

/** Holds the two values every module may inject: the options and the running dataplanes. */
@Module({})
class CoreValuesModule {
  static forRoot(options: ControlPlaneOptions, dataplanes: ProbeDataplane[]): DynamicModule {
    return {
      module: CoreValuesModule,
      global: true,
      providers: [
        { provide: CONTROL_PLANE_OPTIONS, useValue: options },
        { provide: PROBE_DATAPLANES, useValue: dataplanes },
      ],
      exports: [CONTROL_PLANE_OPTIONS, PROBE_DATAPLANES],
    };
  }
}

/**
 * The control plane. Core modules are global where other modules build on
 * them (Database, Redis, Auth, Settings, Live, Dataplane); feature
 * modules (alerts, SIEM) are added through `feature-modules.ts`.
 */
@Module({})
export class AppModule {
  static forRoot(options: ControlPlaneOptions, dataplanes: ProbeDataplane[]): DynamicModule {
    const portal =
      options.portalDir && existsSync(options.portalDir)
        ? [
            ServeStaticModule.forRoot({
              rootPath: options.portalDir,
              // Anything else that is not a file falls back to index.html (the Angular router's deep links).
              exclude: ['/api/{*path}', '/healthz', '/metrics'],
            }),
          ]
        : [];
    return {
      module: AppModule,
      imports: [
        CoreValuesModule.forRoot(options, dataplanes),
        DatabaseModule.forRoot(FEATURE_DATABASE),
        RedisModule,
        DataplaneModule,
        FlowRecordsModule,
        NamesModule,
        SettingsModule,
        UsersModule,
        AuthModule,
        InterfacesModule,
        HostsModule,
        FlowsModule,
        HistoryModule,
        TimeseriesModule,
        LiveModule,
        JobsModule,
        HealthModule,
        MetricsModule,
        SystemModule,
        TlsModule,
        ...(options.schedule === false ? [] : [ScheduleModule.forRoot()]),
        ...FEATURE_MODULES,
        ...portal,
      ],
    };
  }
}
