import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { isIP } from 'node:net';

/** A Host header's name part we put back into a Location: a DNS name or an IP literal, nothing else. */
function hostOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::\d{1,5})?$/.exec(header);
  if (bracketed) return isIP(bracketed[1]) === 6 ? `[${bracketed[1]}]` : undefined;
  const plain = /^([A-Za-z0-9.-]{1,253})(?::\d{1,5})?$/.exec(header);
  return plain ? plain[1] : undefined;
}

/** The https URL for a plain-HTTP request: same host (or the address it reached), the HTTPS port, same path. */
export function httpsLocation(req: IncomingMessage, httpsPort: number): string {
  let host = hostOf(req.headers.host);
  if (!host) {
    const local = req.socket.localAddress ?? '127.0.0.1';
    const v4 = local.replace(/^::ffff:/, '');
    host = isIP(v4) === 6 ? `[${v4}]` : v4;
  }
  const port = httpsPort === 443 ? '' : `:${httpsPort}`;
  // Only an origin-form path goes back out (an absolute-form target is someone else's URL).
  const path = req.url?.startsWith('/') ? req.url : '/';
  return `https://${host}${port}${path}`;
}

/**
 * Plain HTTP that answers every request with a 308 redirect to the HTTPS
 * port (308 keeps the method and body, so an API client's POST is not turned
 * into a GET). Serves nothing else.
 */
export function startRedirectServer(port: number, host: string, httpsPort: number): Promise<Server> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(308, { location: httpsLocation(req, httpsPort), 'content-type': 'text/plain', connection: 'close' });
    res.end('HTTPS only\n');
  });
  // Slow or idle clients do not hold sockets open.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  server.keepAliveTimeout = 1_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** Closes a server and the connections still open on it. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
