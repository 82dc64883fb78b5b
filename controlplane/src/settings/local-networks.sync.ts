import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataplaneRepository } from '../dataplane/dataplane.repository';
import { SettingsService } from './settings.service';

/**
 * Hands a changed `local_networks` setting to the running workers: hosts first
 * seen from then on are classified by it (existing hosts keep theirs, as in
 * ntopng). At start the appliance passes the effective setting to the workers.
 */
@Injectable()
export class LocalNetworksSync implements OnModuleInit {
  constructor(
    private readonly settings: SettingsService,
    private readonly dataplane: DataplaneRepository,
  ) {}

  onModuleInit(): void {
    this.settings.onChange((settings, changed) => {
      if (changed.includes('local_networks')) this.dataplane.setLocalNetworks(settings.local_networks);
    });
  }
}
