import type { AlertSeverity } from '@flowprobe/api';
import type { RecipientConfig } from '../../core/alert-api-types';

/** Flat, form-friendly view of a recipient (the API's shape nests syslog/webhook options). */
export interface RecipientDraft {
  id: string | null;
  name: string;
  enabled: boolean;
  minSeverity: AlertSeverity;
  type: 'syslog' | 'webhook';
  host: string;
  port: number;
  transport: 'udp' | 'tcp' | 'tls';
  framing: 'octet-counting' | 'newline';
  header: 'rfc5424' | 'rfc3164';
  format: 'json' | 'cef' | 'ecs';
  rejectUnauthorized: boolean;
  ca: string;
  url: string;
  secret: string;
}

export function emptyDraft(): RecipientDraft {
  return {
    id: null,
    name: '',
    enabled: true,
    minSeverity: 'warning',
    type: 'syslog',
    host: '',
    port: 514,
    transport: 'udp',
    framing: 'octet-counting',
    header: 'rfc5424',
    format: 'json',
    rejectUnauthorized: true,
    ca: '',
    url: '',
    secret: '',
  };
}

export function toDraft(r: RecipientConfig): RecipientDraft {
  const draft = emptyDraft();
  return {
    ...draft,
    id: r.id,
    name: r.name,
    enabled: r.enabled,
    minSeverity: r.minSeverity,
    type: r.type,
    host: r.syslog?.host ?? '',
    port: r.syslog?.port ?? draft.port,
    transport: r.syslog?.transport ?? draft.transport,
    framing: r.syslog?.framing ?? draft.framing,
    header: r.syslog?.header ?? draft.header,
    format: r.syslog?.format ?? draft.format,
    rejectUnauthorized: (r.syslog?.tls?.rejectUnauthorized ?? r.webhook?.rejectUnauthorized) !== false,
    ca: r.syslog?.tls?.ca ?? r.webhook?.ca ?? '',
    url: r.webhook?.url ?? '',
    secret: r.webhook?.secret ?? '',
  };
}

/** The API body for a draft: only the options of its type. */
export function fromDraft(d: RecipientDraft): Omit<RecipientConfig, 'id'> {
  const base = { name: d.name.trim(), enabled: d.enabled, minSeverity: d.minSeverity, type: d.type };
  if (d.type === 'webhook') {
    return {
      ...base,
      webhook: {
        url: d.url.trim(),
        ...(d.secret ? { secret: d.secret } : {}),
        ...(d.ca ? { ca: d.ca } : {}),
        rejectUnauthorized: d.rejectUnauthorized,
      },
    };
  }
  return {
    ...base,
    syslog: {
      host: d.host.trim(),
      port: Number(d.port),
      transport: d.transport,
      ...(d.transport !== 'udp' ? { framing: d.framing } : {}),
      header: d.header,
      format: d.format,
      ...(d.transport === 'tls' ? { tls: { rejectUnauthorized: d.rejectUnauthorized, ...(d.ca ? { ca: d.ca } : {}) } } : {}),
    },
  };
}

/** "udp://10.0.0.5:514 · RFC 5424 · JSON" or the webhook URL. */
export function describeTarget(r: RecipientConfig): string {
  if (r.type === 'webhook') return r.webhook?.url ?? '';
  const s = r.syslog;
  return s ? `${s.transport}://${s.host}:${s.port} · ${s.header.toUpperCase()} · ${s.format.toUpperCase()}` : '';
}
