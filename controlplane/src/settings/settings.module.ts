import { Global, Module } from '@nestjs/common';
import { LocalNetworksSync } from './local-networks.sync';
import { SettingsController } from './settings.controller';
import { SettingsRepository } from './settings.repository';
import { SettingsService } from './settings.service';

/** Settings for every module (global: the alerts module reads its checks here); a changed local_networks reaches the running workers (LocalNetworksSync). */
@Global()
@Module({
  controllers: [SettingsController],
  providers: [SettingsRepository, SettingsService, LocalNetworksSync],
  exports: [SettingsService],
})
export class SettingsModule {}
