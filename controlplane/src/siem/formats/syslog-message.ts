import { hostname } from 'node:os';
import { AlertEventV1 } from '../../alerts/alert-event';
import { formatCef } from './cef.format';
import { formatEcs } from './ecs.format';
import { rfc3164Header, rfc5424Header, SyslogFields } from './syslog-header';
import { SyslogRecipientOptions } from '../recipient.types';

/**
 * Private enterprise number in the SD-ID. 32473 is IANA's number reserved for
 * documentation (RFC 5612); a deployment with its own PEN changes this.
 */
export const SD_ID = 'flowprobe@32473';

/** The body (MSG part) of a syslog message in the recipient's format. */
export function formatBody(alert: AlertEventV1, format: SyslogRecipientOptions['format']): string {
  switch (format) {
    case 'cef':
      return formatCef(alert);
    case 'ecs':
      return JSON.stringify(formatEcs(alert));
    case 'json':
      return JSON.stringify(alert);
  }
}

/**
 * One complete syslog message (header + space + body), unframed. MSGID is the
 * check id; RFC 5424 messages carry `[flowprobe@32473 id status check score]`
 * so a receiver can deduplicate by alert id without parsing the body.
 */
export function formatSyslogMessage(alert: AlertEventV1, opts: SyslogRecipientOptions): string {
  const fields: SyslogFields = {
    facility: opts.facility ?? 'local0',
    severity: alert.severity,
    timeMs: Date.parse(alert.end_time ?? alert.time),
    hostname: opts.hostname ?? hostname(),
    appName: opts.appName ?? 'flowprobe',
    procId: String(process.pid),
    msgId: alert.check,
    structuredData:
      opts.structuredData === false
        ? undefined
        : { [SD_ID]: { id: alert.id, status: alert.status, check: alert.check, severity: alert.severity, score: String(alert.score) } },
  };
  const header = opts.header === 'rfc3164' ? rfc3164Header(fields) : rfc5424Header(fields);
  return `${header} ${formatBody(alert, opts.format)}`;
}
