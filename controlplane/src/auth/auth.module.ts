import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { CONTROL_PLANE_OPTIONS, ControlPlaneOptions } from '../config/control-plane-options';
import { AuthCache } from './auth-cache';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { LoginThrottle } from './login-throttle';
import { SessionsRepository } from './sessions.repository';
import { UsersRepository } from './users.repository';

/**
 * Authentication for every route: the global {@link AuthGuard} plus login /
 * logout, and the identity store the guard reads (users, API tokens,
 * sessions). Other modules protect routes with `@Roles('admin')` / `@Public()`
 * from `auth.decorators.ts` and may inject {@link AuthService} and the
 * repositories; the users module (user administration) builds on this one.
 */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [CONTROL_PLANE_OPTIONS],
      useFactory: (options: ControlPlaneOptions) => [
        // 'default' so that the guard sends the standard `Retry-After` header (a named throttler suffixes it).
        { name: 'default', ttl: 60_000, limit: options.auth.loginAttemptsPerMinute ?? 10 },
      ],
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, LoginThrottle, UsersRepository, SessionsRepository, AuthCache, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, UsersRepository, SessionsRepository, AuthCache],
})
export class AuthModule {}
