import type { RecipientDto } from './dto/recipient.dto';
import { RecipientConfig, RecipientStats, RecipientView } from './recipient.types';

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
            url: w.url,
            secret: w.secret ?? previous?.webhook?.secret,
            headers: w.headers,
            ca: w.ca,
            rejectUnauthorized: w.reject_unauthorized ?? true,
            timeoutMs: w.timeout_ms ?? 10_000,
          },
        }
      : {}),
  };
}

/** Stored configuration → API view (no private key, no webhook secret); `invalid`: why a stored recipient was disabled at start. */
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
      ? { webhook: { url: w.url, secret_set: !!w.secret, headers: w.headers ?? {}, ca: w.ca, reject_unauthorized: w.rejectUnauthorized ?? true, timeout_ms: w.timeoutMs } }
      : {}),
    ...(stats ? { stats } : {}),
    ...(invalid ? { invalid } : {}),
  };
}
