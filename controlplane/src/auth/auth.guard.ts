import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Role } from '../api';
import { ALLOW_PASSWORD_CHANGE_PENDING_KEY, PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import { AuthService } from './auth.service';
import { SESSION_COOKIE, type AuthUser } from './auth-user';

/**
 * Global guard: every HTTP route needs a session cookie or a Bearer token
 * unless marked `@Public()`; 401 without valid credentials, 403 for a role
 * not allowed by `@Roles()` or while the initial password is not changed yet.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const cookies = (request.cookies ?? {}) as Record<string, string | undefined>;
    const user = await this.auth.authenticate(request.headers.authorization, cookies[SESSION_COOKIE]);
    if (!user) throw new UnauthorizedException('Authentication required');
    request.user = user;

    if (user.mustChangePassword && !this.reflector.getAllAndOverride<boolean>(ALLOW_PASSWORD_CHANGE_PENDING_KEY, targets)) {
      throw new ForbiddenException('Password change required (POST /api/v1/users/me/password)');
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(user.role)) throw new ForbiddenException(`Requires role ${roles.join(' or ')}`);
    return true;
  }
}
