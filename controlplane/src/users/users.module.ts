import { Module } from '@nestjs/common';
import { AuthCache } from '../auth/auth-cache';
import { SessionsRepository } from '../auth/sessions.repository';
import { MeController, UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  controllers: [MeController, UsersController],
  providers: [UsersRepository, SessionsRepository, AuthCache, UsersService],
  exports: [UsersRepository, SessionsRepository, AuthCache, UsersService],
})
export class UsersModule {}
