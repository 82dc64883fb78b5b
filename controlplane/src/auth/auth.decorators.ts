import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '../api';
import type { AuthUser } from './auth-user';

export const PUBLIC_KEY = 'flowprobe:public';
export const ROLES_KEY = 'flowprobe:roles';
export const ALLOW_PASSWORD_CHANGE_PENDING_KEY = 'flowprobe:allow-password-change-pending';

/** The route needs no authentication (login, /healthz, /metrics). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/**
 * Restricts a route (or controller) to the given roles. Without it any
 * authenticated user passes; `@Roles('admin')` answers 403 to a viewer.
 */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

/** The route stays open while the user still has to change the initial password (me, logout, password change). */
export const AllowPasswordChangePending = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ALLOW_PASSWORD_CHANGE_PENDING_KEY, true);

/** The authenticated user of the request (set by AuthGuard). */
export const Auth = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthUser => {
  return ctx.switchToHttp().getRequest<{ user: AuthUser }>().user;
});
