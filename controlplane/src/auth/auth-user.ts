import type { Role } from '../api';

/** Who made a request, attached by AuthGuard as `request.user`. */
export interface AuthUser {
  id: number;
  username: string;
  role: Role;
  mustChangePassword: boolean;
  /** How the request authenticated. */
  via: 'session' | 'token';
  /** SHA-256 of the session secret, for logout. */
  sessionHash?: string;
}

/** Name of the session cookie. */
export const SESSION_COOKIE = 'flowprobe_session';
