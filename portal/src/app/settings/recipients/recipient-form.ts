import type { AlertSeverity, RecipientRequest, RecipientView } from '@flowprobe/api';

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

export function toDraft(r: RecipientView): RecipientDraft {
  const draft = emptyDraft();
  const s = r.syslog;
  const w = r.webhook;
  return {
    ...draft,
    id: r.id,
    name: r.name,
    enabled: r.enabled,
    minSeverity: r.min_severity,
    type: r.type,
    host: s?.host ?? '',
    port: s?.port ?? draft.port,
    transport: s?.transport ?? draft.transport,
    framing: s?.framing ?? draft.framing,
    header: s?.header ?? draft.header,
    format: s?.format ?? draft.format,
    rejectUnauthorized: (s?.tls?.reject_unauthorized ?? w?.reject_unauthorized) !== false,
    ca: s?.tls?.ca ?? w?.ca ?? '',
    url: w?.url ?? '',
    // Write-only on the server: left empty, the stored secret is kept.
    secret: '',
  };
}

/** The API body for a draft: only the options of its type. */
export function fromDraft(d: RecipientDraft): RecipientRequest {
  const base = { name: d.name.trim(), enabled: d.enabled, min_severity: d.minSeverity, type: d.type };
  if (d.type === 'webhook') {
    return {
      ...base,
      webhook: {
        url: d.url.trim(),
        ...(d.secret ? { secret: d.secret } : {}),
        ...(d.ca ? { ca: d.ca } : {}),
        reject_unauthorized: d.rejectUnauthorized,
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
      ...(d.transport === 'tls' ? { tls: { reject_unauthorized: d.rejectUnauthorized, ...(d.ca ? { ca: d.ca } : {}) } } : {}),
    },
  };
}

/** "udp://10.0.0.5:514 · RFC5424 · JSON" or the webhook URL. */
export function describeTarget(r: RecipientView): string {
  if (r.type === 'webhook') return r.webhook?.url ?? '';
  const s = r.syslog;
  return s ? `${s.transport}://${s.host}:${s.port} · ${s.header.toUpperCase()} · ${s.format.toUpperCase()}` : '';
}
