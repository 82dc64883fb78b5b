import type { UserInfo } from '../api';
import type { UserEntity } from './user.entity';

/** The API view of a user (never the hash). */
export function toUserInfo(user: UserEntity): UserInfo {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    must_change_password: user.mustChangePassword,
    created_at: user.createdAt,
    last_login_at: user.lastLoginAt,
  };
}
