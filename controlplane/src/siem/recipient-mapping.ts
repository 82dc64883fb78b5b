import type { RecipientDto } from './dto/recipient.dto';
import { RecipientConfig, RecipientStats, RecipientView } from './recipient.types';

/** The URL without user and password. */
export function withoutCredentials(url: string): string {
  if (!URL.canParse(url)) return url;
  const u = new URL(url);
  if (!u.username && !u.password) return url;
  u.username = '';
  u.password = '';
  return u.toString();
}

function hasCredentials(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const u = new URL(url);
  return u.username !== '' || u.password !== '';
}

/** The URL to store: `next`, or the stored one when `next` is it as the API shows it (credentials stripped). */
function keepCredentials(next: string, previous: string | undefined): string {
  if (previous === undefined || hasCredentials(next) || !hasCredentials(previous)) return next;
  return withoutCredentials(previous) === next || withoutCredentials(previous) === withoutCredentials(next) ? previous : next;
}

/** API body → stored configuration; write-only secrets missing from the body are taken from `previous`. */
export function toRecipientConfig(id: string, dto: RecipientDto, previous?: RecipientConfig): RecipientConfig {
  const s = dto.syslog;
  const w = dto.webhook;
  return {
    id,
    name: dto.name,
    enabled: dto.enabled ?? true,
    minSeverity: dto.min_severity,
    entities: dto.entities ?? [],
    checks: dto.checks ?? [],
    batchSize: dto.batch_size ?? 100,
    type: dto.type,
    ...(dto.type === 'syslog' && s
      ? {
          syslog: {
            host: s.host,
            port: s.port,
            transport: s.transport,
            framing: s.framing ?? 'octet-counting',
            header: s.header,
            format: s.format,
            facility: s.facility ?? 'local0',
            hostname: s.hostname,
            appName: s.app_name,
            structuredData: s.structured_data ?? true,
            tls: s.tls
              ? {
                  ca: s.tls.ca,
                  cert: s.tls.cert,
                  key: s.tls.key ?? previous?.syslog?.tls?.key,
                  servername: s.tls.servername,
                  rejectUnauthorized: s.tls.reject_unauthorized ?? true,
                }
              : undefined,
          },
        }
      : {}),
    ...(dto.type === 'webhook' && w
      ? {
          webhook: {
            url: keepCredentials(w.url, previous?.webhook?.url),
            secret: w.secret ?? previous?.webhook?.secret,
            headers: w.headers ?? previous?.webhook?.headers,
            ca: w.ca,
            rejectUnauthorized: w.reject_unauthorized ?? true,
            timeoutMs: w.timeout_ms ?? 10_000,
          },
        }
      : {}),
  };
}

/** Stored configuration → API view (no private key, webhook secret, header values or URL credentials); `invalid`: why a stored recipient was disabled at start. */
export function toRecipientView(c: RecipientConfig, stats?: RecipientStats, invalid?: string): RecipientView {
  const s = c.syslog;
  const w = c.webhook;
  return {
    id: c.id,
    name: c.name,
    enabled: c.enabled,
    min_severity: c.minSeverity,
    entities: c.entities ?? [],
    checks: c.checks ?? [],
    batch_size: c.batchSize ?? 100,
    type: c.type,
    ...(s
      ? {
          syslog: {
            host: s.host, port: s.port, transport: s.transport, framing: s.framing, header: s.header, format: s.format,
            facility: s.facility, hostname: s.hostname, app_name: s.appName, structured_data: s.structuredData ?? true,
            ...(s.tls
              ? { tls: { ca: s.tls.ca, cert: s.tls.cert, key_set: !!s.tls.key, servername: s.tls.servername, reject_unauthorized: s.tls.rejectUnauthorized ?? true } }
              : {}),
          },
        }
      : {}),
    ...(w
      ? {
          webhook: {
            url: withoutCredentials(w.url),
            url_credentials_set: hasCredentials(w.url),
            secret_set: !!w.secret,
            header_names: Object.keys(w.headers ?? {}),
            ca: w.ca,
            reject_unauthorized: w.rejectUnauthorized ?? true,
            timeout_ms: w.timeoutMs,
          },
        }
      : {}),
    ...(stats ? { stats } : {}),
    ...(invalid ? { invalid } : {}),
  };
}
