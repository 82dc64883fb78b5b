import type { Severity } from '../../alerts/alert-event';
import type { SyslogFacility } from '../../api/siem.types';

export type { SyslogFacility };

/** Syslog facilities by name (RFC 5424 §6.2.1). */
export const SYSLOG_FACILITIES = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9,
  authpriv: 10, ftp: 11, ntp: 12, security: 13, console: 14, solaris_cron: 15,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
} as const satisfies Record<SyslogFacility, number>;

/** Alert severity → syslog severity code (0 emerg … 7 debug); syslog's 1 (alert) is not used. */
export const SYSLOG_SEVERITY: Record<Severity, number> = {
  emergency: 0,
  critical: 2,
  error: 3,
  warning: 4,
  notice: 5,
  info: 6,
};

/** PRI value: facility × 8 + severity. */
export function syslogPri(facility: SyslogFacility, severity: Severity): number {
  return SYSLOG_FACILITIES[facility] * 8 + SYSLOG_SEVERITY[severity];
}

/** RFC 5424 header fields are PRINTUSASCII (33-126) with a length cap; '-' is NILVALUE. */
function headerToken(value: string, maxLen: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, '').slice(0, maxLen);
  return clean.length ? clean : '-';
}

/** SD-PARAM value escaping (RFC 5424 §6.3.3): `"`, `\` and `]` take a backslash. */
export function escapeSdValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => '\\' + c);
}

/** SD-NAME: printable ASCII except `=`, space, `]`, `"`, at most 32 characters. */
function sdName(value: string): string {
  return value.replace(/[^\x21-\x7e]|[= \]"]/g, '').slice(0, 32);
}

export interface SyslogFields {
  facility: SyslogFacility;
  severity: Severity;
  /** Event time in epoch milliseconds. */
  timeMs: number;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  /** SD-ID (e.g. `flowprobe@32473`) → params; omitted/empty gives the NILVALUE '-'. */
  structuredData?: Record<string, Record<string, string>>;
}

/** An RFC 5424 header (`<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD`), without the trailing space and MSG. */
export function rfc5424Header(f: SyslogFields): string {
  let sd = '';
  for (const [id, params] of Object.entries(f.structuredData ?? {})) {
    sd += '[' + sdName(id);
    for (const [k, v] of Object.entries(params)) sd += ` ${sdName(k)}="${escapeSdValue(v)}"`;
    sd += ']';
  }
  return [
    `<${syslogPri(f.facility, f.severity)}>1`,
    // toISOString: UTC with milliseconds and 'Z', a valid RFC 5424 TIMESTAMP (≤ 6 fractional digits).
    new Date(f.timeMs).toISOString(),
    headerToken(f.hostname, 255),
    headerToken(f.appName, 48),
    headerToken(f.procId, 128),
    headerToken(f.msgId, 32),
    sd || '-',
  ].join(' ');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * An RFC 3164 header (`<PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]:`), without the
 * trailing space and MSG. RFC 3164 timestamps carry no zone or year: flowprobe
 * writes UTC, so configure receivers for UTC (documented in docs/alerts-siem.md).
 */
export function rfc3164Header(f: SyslogFields): string {
  const d = new Date(f.timeMs);
  const dd = String(d.getUTCDate()).padStart(2, ' ');
  const hms = [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  // TAG is at most 32 alphanumeric characters (RFC 3164 §4.1.3).
  const tag = f.appName.replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 32) || 'flowprobe';
  const host = f.hostname.replace(/[^\x21-\x7e]/g, '') || '-';
  return `<${syslogPri(f.facility, f.severity)}>${MONTHS[d.getUTCMonth()]} ${dd} ${hms} ${host} ${tag}[${f.procId}]:`;
}
