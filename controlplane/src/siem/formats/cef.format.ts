import { AlertEventV1, Severity } from '../../alerts/alert-event';

/**
 * ArcSight Common Event Format (CEF:0), as in "Implementing ArcSight CEF" rev. 25:
 * `CEF:Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension`.
 */

/** CEF severity 0-10 per alert severity; spread so Low/Medium/High/Very-High bands line up (0-3, 4-6, 7-8, 9-10). */
export const CEF_SEVERITY: Record<Severity, number> = {
  info: 1,
  notice: 3,
  warning: 5,
  error: 7,
  critical: 9,
  emergency: 10,
};

/** Header field: backslash and pipe escaped; CR/LF are not allowed in the header and become spaces. */
export function escapeCefHeader(value: string): string {
  return value.replace(/[\\|]/g, (c) => '\\' + c).replace(/\r\n|[\r\n]/g, ' ');
}

/** Extension value: backslash and equals escaped, CR and LF written as the two-character sequences `\r` `\n`. */
export function escapeCefExtension(value: string): string {
  return value.replace(/[\\=\r\n]/g, (c) => (c === '\r' ? '\\r' : c === '\n' ? '\\n' : '\\' + c));
}

/** Epoch milliseconds of an RFC 3339 timestamp (CEF `rt`/`end` accept ms since the epoch). */
function epochMs(iso: string): number {
  return Date.parse(iso);
}

/** Renders one alert as a CEF:0 record (no syslog header). */
export function formatCef(alert: AlertEventV1): string {
  const header = [
    'CEF:0',
    'flowprobe',
    'flowprobe',
    alert.observer.version,
    alert.check,
    alert.title,
    String(CEF_SEVERITY[alert.severity]),
  ]
    .map((v, i) => (i === 0 ? v : escapeCefHeader(v)))
    .join('|');

  // Order: identity first, then network fields, then free text, so truncating receivers keep the useful part.
  const ext: [string, string | number | undefined][] = [
    ['externalId', alert.id],
    ['rt', epochMs(alert.time)],
    ['end', alert.end_time ? epochMs(alert.end_time) : undefined],
    ['cat', alert.entity.type],
    ['act', alert.status],
    ['cn1Label', 'score'],
    ['cn1', alert.score],
    ['cs1Label', 'entity'],
    ['cs1', alert.entity.value],
    ['dvchost', alert.observer.hostname],
    ['deviceInboundInterface', alert.observer.interface],
  ];
  const flow = alert.flow;
  if (flow) {
    ext.push(
      ['src', flow.client.ip],
      ['spt', flow.client.port],
      ['dst', flow.server.ip],
      ['dpt', flow.server.port],
      ['proto', flow.l4],
      ['app', flow.l7 || undefined],
      ['dhost', flow.server_name || undefined],
      ['out', flow.cli2srv.bytes],
      ['in', flow.srv2cli.bytes],
      ['cs2Label', flow.risks.length ? 'risks' : undefined],
      ['cs2', flow.risks.length ? flow.risks.join(',') : undefined],
    );
  } else if (alert.host) {
    ext.push(['src', alert.host]);
  }
  ext.push(['msg', alert.description || alert.title]);
  const extension = ext
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${escapeCefExtension(String(v))}`)
    .join(' ');
  return `${header}|${extension}`;
}
