import type { IncomingMessage } from 'node:http';
import { Logger, OnModuleDestroy } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayDisconnect, WebSocketGateway } from '@nestjs/websockets';
import { WebSocket } from 'ws';
import type { LiveHelloMessage } from '../api';
import { AuthService } from '../auth/auth.service';
import { SESSION_COOKIE, type AuthUser } from '../auth/auth-user';
import { isSameOrigin, readCookie } from '../security/request-origin';
import { SettingsService } from '../settings/settings.service';
import { LiveBacklog } from './live-backlog';

/** Close code sent to a socket that did not authenticate, or whose session ended (4000-4999: application codes). */
export const WS_CLOSE_UNAUTHORIZED = 4401;
/** Close code sent when the user must change their password first. */
export const WS_CLOSE_FORBIDDEN = 4403;
/** How often every open socket's credential is checked again (revoked, expired, deleted, demoted, password change pending), ms. */
export const WS_RECHECK_MS = 2000;

interface LiveClient {
  authorization: string | undefined;
  session: string | undefined;
  user: AuthUser;
}

/** The credential of an upgrade request: `?token=` (scripts), else the Authorization header, and the session cookie. Never throws. */
function credentials(request: IncomingMessage): { authorization: string | undefined; session: string | undefined } {
  let token: string | null = null;
  const raw = request.url ?? '/';
  if (URL.canParse(raw, 'http://localhost')) token = new URL(raw, 'http://localhost').searchParams.get('token');
  const header = request.headers.authorization;
  return {
    authorization: token ? `Bearer ${token}` : typeof header === 'string' ? header : undefined,
    session: readCookie(request.headers.cookie, SESSION_COOKIE),
  };
}

/**
 * `/api/v1/live`: authenticated by the session cookie (browsers) or
 * `?token=<api token>` (scripts; browsers cannot set headers on a WebSocket).
 * Upgrades from a foreign `Origin` are refused with 403 before the handshake.
 * A socket that fails is closed with {@link WS_CLOSE_UNAUTHORIZED} (or
 * {@link WS_CLOSE_FORBIDDEN} while a password change is pending); every
 * {@link WS_RECHECK_MS} the credential of each open socket is checked again,
 * so a deleted user, a revoked session or token, a role change or a password
 * reset closes it within seconds. The server only sends (LiveMessage JSON);
 * what the client sends is ignored (at most 4 KiB a message).
 */
@WebSocketGateway({
  path: '/api/v1/live',
  maxPayload: 4096,
  verifyClient: (info: { req: IncomingMessage }, done: (ok: boolean, code?: number, message?: string) => void) =>
    isSameOrigin(info.req.headers) ? done(true) : done(false, 403, 'Forbidden: foreign Origin'),
})
export class LiveGateway implements OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private readonly logger = new Logger(LiveGateway.name);
  private readonly clients = new Map<WebSocket, LiveClient>();
  private readonly recheckTimer: NodeJS.Timeout;

  constructor(
    private readonly auth: AuthService,
    private readonly settings: SettingsService,
    private readonly backlog: LiveBacklog,
  ) {
    this.recheckTimer = setInterval(() => void this.recheckAll(), WS_RECHECK_MS);
    this.recheckTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.recheckTimer);
  }

  /** Never rejects: whatever the request carries, the socket is either accepted or closed with a reason. */
  async handleConnection(client: WebSocket, request: IncomingMessage): Promise<void> {
    try {
      const creds = credentials(request);
      const user = await this.auth.authenticate(creds.authorization, creds.session).catch(() => null);
      if (client.readyState !== WebSocket.OPEN) return;
      if (!user) return client.close(WS_CLOSE_UNAUTHORIZED, 'Unauthorized');
      if (user.mustChangePassword) return client.close(WS_CLOSE_FORBIDDEN, 'Password change required');
      this.clients.set(client, { ...creds, user });
      const hello: LiveHelloMessage = { type: 'hello', user: user.username, interval_ms: this.settings.get().live_interval_ms };
      client.send(JSON.stringify(hello));
      // The last minutes of throughput: the portal's live charts open filled.
      client.send(JSON.stringify(this.backlog.message()));
    } catch (err) {
      this.logger.warn(`WebSocket connection refused: ${(err as Error).message}`);
      client.close(WS_CLOSE_UNAUTHORIZED, 'Unauthorized');
    }
  }

  handleDisconnect(client: WebSocket): void {
    this.clients.delete(client);
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Closes every socket whose credential no longer holds, or whose user changed role or must change password. */
  private async recheckAll(): Promise<void> {
    for (const [client, entry] of [...this.clients]) {
      const user = await this.auth.authenticate(entry.authorization, entry.session).catch(() => null);
      if (!this.clients.has(client)) continue;
      let reason: string | null = null;
      if (!user || user.id !== entry.user.id) reason = 'Session ended';
      else if (user.role !== entry.user.role) reason = 'Role changed';
      else if (user.mustChangePassword) reason = 'Password change required';
      if (reason === null) continue;
      this.clients.delete(client);
      this.logger.log(`WebSocket of ${entry.user.username} closed: ${reason}`);
      client.close(reason === 'Password change required' ? WS_CLOSE_FORBIDDEN : WS_CLOSE_UNAUTHORIZED, reason);
    }
  }

  /** Sends an already-serialised LiveMessage to every authenticated socket; slow sockets are skipped, not buffered without bound. */
  broadcast(message: string): void {
    for (const client of this.clients.keys()) {
      // 4 MiB queued means the client stopped reading: drop this update for it rather than grow memory.
      if (client.readyState === WebSocket.OPEN && client.bufferedAmount < 4 * 1024 * 1024) {
        client.send(message, (err) => err && this.logger.debug(`WebSocket send failed: ${err.message}`));
      }
    }
  }
}
