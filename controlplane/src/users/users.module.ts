import { Module } from '@nestjs/common';
import { MeController, UsersController } from './users.controller';
import { UsersService } from './users.service';

/** User administration and the caller's own account (/users); identities and sessions come from the global AuthModule. */
@Module({
  controllers: [MeController, UsersController],
  providers: [UsersService],
  exports: [UsersService],
})
export class UsersModule {}
