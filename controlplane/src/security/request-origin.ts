import type { IncomingHttpHeaders } from 'node:http';

/**
 * Value of one cookie in a raw `Cookie` header, or undefined. Never throws: a
 * header that is not a string, or a value that is not valid percent-encoding
 * (`flowprobe_session=%`), is simply no credential.
 */
export function readCookie(header: unknown, name: string): string | undefined {
  if (typeof header !== 'string' || header.length > 16384) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** `host[:port]` of an Origin header value, lower-cased, or null when it is absent, `null` or not a URL. */
function originHost(origin: string): string | null {
  if (!URL.canParse(origin)) return null;
  const url = new URL(origin);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.host.toLowerCase() : null;
}

/**
 * Whether a browser request comes from the portal's own origin. Requests
 * without an `Origin` header (curl, scripts, same-origin GETs of old browsers)
 * pass; a browser always sends `Origin` on WebSocket upgrades and cross-site
 * POSTs, so a page on another site is refused. The origin must name the host
 * (and port) the request was sent to, i.e. its `Host` header.
 */
export function isSameOrigin(headers: IncomingHttpHeaders): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  if (typeof origin !== 'string') return false;
  const host = headers.host;
  const expected = typeof host === 'string' ? host.toLowerCase() : null;
  const actual = originHost(origin);
  if (actual === null || expected === null) return false;
  return actual === expected || actual === expected.replace(/:(80|443)$/, '');
}
