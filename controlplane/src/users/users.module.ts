import { Module } from '@nestjs/common';
import { SessionsRepository } from '../auth/sessions.repository';
import { MeController, UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  controllers: [MeController, UsersController],
  providers: [UsersRepository, SessionsRepository, UsersService],
  exports: [UsersRepository, SessionsRepository, UsersService],
})
export class UsersModule {}
