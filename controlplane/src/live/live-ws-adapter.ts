import { Logger } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { WebSocket, WebSocketServer } from 'ws';

/**
 * Nest's WsAdapter, except that an error on one client socket (a frame over
 * the size limit, a protocol violation: what a hostile client sends) is a
 * one-line warning with the reason, not an error with a stack trace; the
 * socket is closed by `ws` itself. Server errors stay errors.
 */
export class LiveWsAdapter extends WsAdapter {
  private readonly log = new Logger('WebSocket');

  override bindErrorHandler(server: WebSocketServer): WebSocketServer {
    server.on('connection', (ws: WebSocket) => ws.on('error', (err: Error) => this.log.warn(`client socket closed: ${err.message}`)));
    server.on('error', (err: Error) => this.log.error(`WebSocket server error: ${err.message}`, err.stack));
    return server;
  }
}
