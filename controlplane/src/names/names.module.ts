import { Global, Inject, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { CONTROL_PLANE_OPTIONS, ControlPlaneOptions } from '../config/control-plane-options';
import { FlowRecordDispatcher } from '../flow-records/flow-record-dispatcher';
import { GeoIp } from './geo-ip';
import { ReverseDns } from './reverse-dns';

/**
 * What the probe knows of an address besides its traffic: country and ASN from
 * local MaxMind DB files, reverse DNS when enabled (`names` in the boot
 * config). Global: hosts and flows add these to their answers.
 */
@Global()
@Module({
  providers: [
    {
      provide: GeoIp,
      inject: [CONTROL_PLANE_OPTIONS],
      // A bad file was refused with its reason when the boot config was loaded; this opens it for use.
      useFactory: (options: ControlPlaneOptions) => GeoIp.open(options.names?.geoip ?? {}),
    },
    {
      provide: ReverseDns,
      inject: [CONTROL_PLANE_OPTIONS, FlowRecordDispatcher],
      useFactory: (options: ControlPlaneOptions, records: FlowRecordDispatcher) =>
        new ReverseDns(options.names?.reverseDns ?? { enabled: false }, (ip, name) => records.hostNames.learnIfUnknown(ip, name)),
    },
  ],
  exports: [GeoIp, ReverseDns],
})
export class NamesModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Names');

  constructor(
    private readonly geo: GeoIp,
    private readonly reverseDns: ReverseDns,
    private readonly records: FlowRecordDispatcher,
    @Inject(CONTROL_PLANE_OPTIONS) private readonly options: ControlPlaneOptions,
  ) {}

  onModuleInit(): void {
    if (this.geo.enabled) {
      const d = this.geo.describe();
      this.logger.log(`Geolocation: country from ${d.country || 'no database'}, ASN from ${d.asn || 'no database'}`);
    }
    if (this.reverseDns.enabled) {
      const servers = this.options.names?.reverseDns?.servers;
      this.logger.log(`Reverse DNS lookups on (${servers?.length ? servers.join(', ') : 'system resolvers'})`);
      this.records.hostNames.onMiss = (ip) => this.reverseDns.request(ip);
    }
  }

  onApplicationShutdown(): void {
    this.records.hostNames.onMiss = undefined;
    this.reverseDns.close();
  }
}
