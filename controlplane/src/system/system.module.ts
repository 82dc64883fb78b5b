import { Module } from '@nestjs/common';
import { ApplianceOsRepository } from './appliance-os.repository';
import { SystemController } from './system.controller';
import { SystemService } from './system.service';
import { UpgradeService } from './upgrade.service';

@Module({
  controllers: [SystemController],
  providers: [SystemService, ApplianceOsRepository, UpgradeService],
})
export class SystemModule {}
