import { isIP } from 'node:net';
import { createSecureContext } from 'node:tls';
import type { DestinationPolicy } from './destination-policy';
import type { RecipientConfig } from './recipient.types';
import { createTransport } from './transports/create-transport';

/** RFC 9110 token: what a header name may be. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
/** Visible ASCII, space, tab and obs-text: no CR, LF or NUL (header injection). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]{0,4096}$/;
/** Headers the webhook transport sets itself. */
const RESERVED_HEADERS = new Set(['host', 'content-type', 'content-length', 'transfer-encoding', 'connection', 'user-agent', 'x-flowprobe-timestamp', 'x-flowprobe-signature']);
/** A DNS name: labels of letters, digits and inner hyphens. */
const HOST_NAME = /^(?=.{1,253}\.?$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** Problems of webhook headers (names are tokens, values strings without CR/LF), empty when fine. */
export function headerProblems(headers: unknown): string[] {
  if (headers === undefined) return [];
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return ['webhook.headers must be an object of strings'];
  const entries = Object.entries(headers as Record<string, unknown>);
  if (entries.length > 32) return ['webhook.headers: at most 32 headers'];
  const problems: string[] = [];
  for (const [name, value] of entries) {
    if (!HEADER_NAME.test(name)) problems.push(`webhook.headers: "${name.slice(0, 40)}" is not a valid header name`);
    else if (RESERVED_HEADERS.has(name.toLowerCase())) problems.push(`webhook.headers: ${name} is set by flowprobe`);
    if (typeof value !== 'string') problems.push(`webhook.headers.${name.slice(0, 40)} must be a string`);
    else if (!HEADER_VALUE.test(value)) problems.push(`webhook.headers.${name.slice(0, 40)} must not contain CR, LF or control characters (at most 4096 characters)`);
  }
  return problems;
}

/** Whether a syslog host is an IP address or a syntactically valid DNS name. */
export function isValidHost(host: unknown): boolean {
  return typeof host === 'string' && (isIP(host) !== 0 || HOST_NAME.test(host));
}

function tlsProblems(what: string, tls: { ca?: string; cert?: string; key?: string }): string[] {
  try {
    // The parser the TLS connection will use: bad PEM, or a key that does not match the certificate, fails here.
    createSecureContext({ ca: tls.ca, cert: tls.cert, key: tls.key });
    return [];
  } catch (err) {
    return [`${what}: ${(err as Error).message}`];
  }
}

/**
 * Problems of a recipient configuration, empty when it is usable. Checked with
 * the parsers that will use it: the URL with `URL` (http or https, a host),
 * hosts as IP or DNS names, ports in range, header names and values, PEM
 * material through `tls.createSecureContext`, and finally the transport's own
 * constructor; with a `policy`, destinations in refused ranges (SSRF). Run
 * before a recipient is stored and on every stored recipient at start.
 */
export function recipientProblems(c: RecipientConfig, policy?: DestinationPolicy): string[] {
  const problems: string[] = [];
  if (c.type === 'webhook') {
    const w = c.webhook;
    if (!w) return ['webhook settings missing'];
    if (typeof w.url !== 'string' || !URL.canParse(w.url)) problems.push('webhook.url is not a valid URL');
    else {
      const url = new URL(w.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') problems.push('webhook.url must be http:// or https://');
      if (!url.hostname) problems.push('webhook.url has no host');
      else {
        const refused = policy?.hostRefusal(url.hostname);
        if (refused) problems.push(`webhook.url: ${refused}`);
      }
    }
    problems.push(...headerProblems(w.headers));
    if (w.ca !== undefined) problems.push(...tlsProblems('webhook.ca', { ca: w.ca }));
  } else if (c.type === 'syslog') {
    const s = c.syslog;
    if (!s) return ['syslog settings missing'];
    if (!isValidHost(s.host)) problems.push('syslog.host must be an IP address or a host name');
    else {
      const refused = policy?.hostRefusal(s.host);
      if (refused) problems.push(`syslog.host: ${refused}`);
    }
    if (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535) problems.push('syslog.port must be 1-65535');
    if (!['udp', 'tcp', 'tls'].includes(s.transport)) problems.push('syslog.transport must be udp, tcp or tls');
    if (s.tls) problems.push(...tlsProblems('syslog.tls', s.tls));
  } else {
    return [`unknown recipient type ${String((c as { type: unknown }).type)}`];
  }
  if (problems.length === 0) {
    try {
      void createTransport(c, undefined, policy).close();
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  return problems;
}
