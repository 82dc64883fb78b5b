/** Authentication, users and API tokens (/api/v1/auth, /api/v1/users). */

export type Role = 'admin' | 'viewer';

/** POST /api/v1/auth/login body. Sets the `flowprobe_session` cookie (httpOnly, SameSite=Strict). */
export interface LoginRequest {
  username: string;
  password: string;
}

/** POST /api/v1/auth/login answer (200); 401 on bad credentials, 429 when rate-limited. */
export interface LoginResponse {
  user: UserInfo;
  /** Seconds since epoch when the session cookie expires. */
  expires_at: number;
}

/** POST /api/v1/auth/logout: 204, clears the cookie. GET /api/v1/auth/me: the current user. */
export type MeResponse = UserInfo;

/** A user as the API shows it (never the password hash). */
export interface UserInfo {
  id: number;
  username: string;
  role: Role;
  /** True until the user changed the initial password; every route except
   *  login, logout, me and the password change answers 403 meanwhile. */
  must_change_password: boolean;
  created_at: number;
  last_login_at: number | null;
}

/** POST /api/v1/users/me/password (any role). 204 on success, 400/401 when `current_password` is wrong. */
export interface ChangePasswordRequest {
  current_password: string;
  /** At least 8 characters. */
  new_password: string;
}

/** POST /api/v1/users (admin). */
export interface CreateUserRequest {
  username: string;
  password: string;
  role: Role;
}

/** PATCH /api/v1/users/:id (admin). Setting `password` also sets `must_change_password` unless given. */
export interface UpdateUserRequest {
  password?: string;
  role?: Role;
  must_change_password?: boolean;
}

/** GET /api/v1/users (admin). DELETE /api/v1/users/:id (admin) answers 204. */
export type UserListResponse = UserInfo[];

/** POST /api/v1/users/me/tokens body. */
export interface CreateTokenRequest {
  name: string;
  /** Lifetime in days; omitted = never expires. */
  expires_in_days?: number;
}

/** An API token as listed (GET /api/v1/users/me/tokens). */
export interface ApiTokenInfo {
  id: number;
  name: string;
  /** First characters of the token, to recognise it. */
  prefix: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
}

/** POST /api/v1/users/me/tokens answer: the only time the secret is shown. Use as `Authorization: Bearer <token>`. */
export interface CreateTokenResponse extends ApiTokenInfo {
  token: string;
}

/**
 * GET /api/v1/auth/first-run (no login): where the first admin password is while it is
 * unchanged — `file` (generated, in `file` beside the database), `environment`
 * (FLOWPROBE_ADMIN_PASSWORD), `console` (appliance: set by the console setup) — else `none`.
 */
export interface FirstRunHint {
  where: 'none' | 'file' | 'environment' | 'console';
  file?: string;
}
