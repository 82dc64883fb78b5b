import type { IncomingMessage } from 'node:http';
import { Logger } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayDisconnect, WebSocketGateway } from '@nestjs/websockets';
import { WebSocket } from 'ws';
import type { LiveHelloMessage } from '../api';
import { AuthService } from '../auth/auth.service';
import { SESSION_COOKIE } from '../auth/auth-user';
import { SettingsService } from '../settings/settings.service';

/** Close code sent to a socket that did not authenticate (4000-4999: application codes). */
export const WS_CLOSE_UNAUTHORIZED = 4401;

/** Value of one cookie in a Cookie header, or undefined. */
function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/**
 * `/api/v1/live`: authenticated by the session cookie (browsers) or
 * `?token=<api token>` (scripts; browsers cannot set headers on a WebSocket).
 * A socket that fails is closed with {@link WS_CLOSE_UNAUTHORIZED}. The server
 * only sends (LiveMessage JSON); what the client sends is ignored.
 */
@WebSocketGateway({ path: '/api/v1/live' })
export class LiveGateway implements OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(LiveGateway.name);
  private readonly clients = new Set<WebSocket>();

  constructor(
    private readonly auth: AuthService,
    private readonly settings: SettingsService,
  ) {}

  async handleConnection(client: WebSocket, request: IncomingMessage): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const token = url.searchParams.get('token');
    const user = await this.auth
      .authenticate(token ? `Bearer ${token}` : request.headers.authorization, readCookie(request.headers.cookie, SESSION_COOKIE))
      .catch(() => null);
    if (!user || client.readyState !== WebSocket.OPEN) {
      client.close(WS_CLOSE_UNAUTHORIZED, 'Unauthorized');
      return;
    }
    this.clients.add(client);
    const hello: LiveHelloMessage = { type: 'hello', user: user.username, interval_ms: this.settings.get().live_interval_ms };
    client.send(JSON.stringify(hello));
  }

  handleDisconnect(client: WebSocket): void {
    this.clients.delete(client);
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Sends an already-serialised LiveMessage to every authenticated socket; slow sockets are skipped, not buffered without bound. */
  broadcast(message: string): void {
    for (const client of this.clients) {
      // 4 MiB queued means the client stopped reading: drop this update for it rather than grow memory.
      if (client.readyState === WebSocket.OPEN && client.bufferedAmount < 4 * 1024 * 1024) {
        client.send(message, (err) => err && this.logger.debug(`WebSocket send failed: ${err.message}`));
      }
    }
  }
}
