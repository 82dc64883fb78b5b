import { formatCef, escapeCefExtension, escapeCefHeader } from '../src/siem/formats/cef.format';
import { formatEcs } from '../src/siem/formats/ecs.format';
import { severityFromScore } from '../src/alerts/alert-event';
import { formatSyslogMessage } from '../src/siem/formats/syslog-message';
import { buildTestAlert } from '../src/siem/formats/test-alert';
import { parseCef, parseRfc3164, parseRfc5424 } from './siem-parsers';
import { alertSchemaValidator } from './siem-schema';

const validate = alertSchemaValidator();
const base = { host: 'probe-1', port: 514, transport: 'udp' as const };

describe('alert schema v1', () => {
  it('accepts the test alert and a host alert without flow', () => {
    expect(validate(buildTestAlert())).toBe(true);
    const hostAlert = buildTestAlert({ check: 'syn_scan', entity: { type: 'host', value: '10.0.0.1' }, status: 'engaged' });
    delete hostAlert.flow;
    expect(validate(hostAlert)).toBe(true);
  });

  it('rejects unknown fields, bad severities and bad ids', () => {
    expect(validate({ ...buildTestAlert(), extra: 1 })).toBe(false);
    expect(validate({ ...buildTestAlert(), severity: 'fatal' })).toBe(false);
    expect(validate({ ...buildTestAlert(), id: 'nope' })).toBe(false);
    expect(validate({ ...buildTestAlert(), check: 'Has Spaces' })).toBe(false);
  });
});

describe('severity from score (ntopng bands)', () => {
  it.each([
    [1, 'info'], [9, 'info'], [10, 'notice'], [49, 'notice'], [50, 'warning'], [99, 'warning'],
    [100, 'error'], [199, 'error'], [200, 'critical'], [249, 'critical'], [250, 'emergency'], [1000, 'emergency'],
  ])('score %i → %s', (score, sev) => expect(severityFromScore(score)).toBe(sev));
});

describe('CEF', () => {
  it('escapes header pipes and backslashes, drops newlines', () => {
    expect(escapeCefHeader('a|b\\c\nd')).toBe('a\\|b\\\\c d');
  });

  it('escapes extension equals, backslash and newlines', () => {
    expect(escapeCefExtension('a=b\\c\nd\re|f')).toBe('a\\=b\\\\c\\nd\\re|f');
  });

  it('renders a record a strict parser reads back exactly', () => {
    const alert = buildTestAlert();
    const text = formatCef(alert);
    expect(text).not.toMatch(/[\r\n]/);
    const cef = parseCef(text);
    expect(cef).toMatchObject({
      version: 'CEF:0', vendor: 'flowprobe', product: 'flowprobe', deviceVersion: '0.1.0',
      signatureId: 'test_alert', name: alert.title, severity: '5',
    });
    expect(cef.extension).toMatchObject({
      externalId: alert.id, src: '192.0.2.10', spt: '51000', dst: '198.51.100.20', dpt: '21', proto: 'TCP',
      app: 'FTP_CONTROL', dhost: 'ftp.example.org', cn1: '50', cn1Label: 'score', msg: alert.description,
      cs2: 'Clear-Text Credentials,Unsafe Protocol', act: 'test', rt: String(Date.parse(alert.time)),
    });
  });

  it('maps severities to 0-10', () => {
    const sev = (s: number) => parseCef(formatCef(buildTestAlert({ score: s, severity: severityFromScore(s) }))).severity;
    expect([1, 10, 50, 100, 200, 250].map(sev)).toEqual(['1', '3', '5', '7', '9', '10']);
  });
});

describe('ECS', () => {
  it('fills event, rule, source/destination, network and observer', () => {
    const alert = buildTestAlert();
    const doc = formatEcs(alert) as any;
    expect(doc['@timestamp']).toBe(alert.time);
    expect(doc.event).toMatchObject({ kind: 'alert', id: alert.id, code: 'test_alert', risk_score: 50, severity: 3, dataset: 'flowprobe.alerts' });
    expect(doc.rule).toEqual({ id: 'test_alert', name: alert.title, category: 'flow', ruleset: 'flowprobe' });
    expect(doc.source).toEqual({ ip: '192.0.2.10', port: 51000, bytes: 700, packets: 10 });
    expect(doc.destination).toEqual({ ip: '198.51.100.20', port: 21, bytes: 900, packets: 8, domain: 'ftp.example.org' });
    expect(doc.network).toMatchObject({ transport: 'tcp', protocol: 'ftp_control', bytes: 1600, packets: 18 });
    expect(doc.observer).toMatchObject({ product: 'flowprobe', type: 'sensor', ingress: { interface: { name: 'test' } } });
  });
});

describe('syslog headers', () => {
  it('RFC 5424 with structured data, JSON body', () => {
    const alert = buildTestAlert({ id: '7d1f7a2c-7a4e-4a51-9d6e-3c1f2b0a9e11' });
    const line = formatSyslogMessage(alert, { ...base, header: 'rfc5424', format: 'json', facility: 'local3', hostname: 'probe 1', appName: 'flowprobe' });
    const m = parseRfc5424(line);
    expect(m).toMatchObject({ pri: 19 * 8 + 4, version: 1, timestamp: alert.time, hostname: 'probe1', appName: 'flowprobe', procId: String(process.pid), msgId: 'test_alert' });
    expect(m.structuredData['flowprobe@32473']).toEqual({ id: alert.id, status: 'test', check: 'test_alert', severity: 'warning', score: '50' });
    expect(validate(JSON.parse(m.msg))).toBe(true);
  });

  it("RFC 5424 without structured data writes the NILVALUE '-'", () => {
    const line = formatSyslogMessage(buildTestAlert(), { ...base, header: 'rfc5424', format: 'json', hostname: 'h', structuredData: false });
    expect(line).toMatch(/^<\d+>1 \S+ h flowprobe \d+ test_alert - \{/);
    const m = parseRfc5424(line);
    expect(m.structuredData).toEqual({});
    expect(validate(JSON.parse(m.msg))).toBe(true);
  });

  it('RFC 5424 escapes SD values', () => {
    const line = formatSyslogMessage(buildTestAlert({ check: 'x' }), { ...base, header: 'rfc5424', format: 'cef', hostname: 'h' });
    expect(parseRfc5424(line).structuredData['flowprobe@32473'].check).toBe('x');
    const { escapeSdValue } = require('../src/siem/formats/syslog-header');
    expect(escapeSdValue('a"b\\c]d')).toBe('a\\"b\\\\c\\]d');
  });

  it('RFC 3164 header with UTC timestamp, padded day and TAG[pid]', () => {
    const alert = buildTestAlert({ time: '2026-03-05T07:08:09.000Z', severity: 'critical', score: 200 });
    const m = parseRfc3164(formatSyslogMessage(alert, { ...base, header: 'rfc3164', format: 'cef', hostname: 'probe-1' }));
    expect(m).toMatchObject({ pri: 16 * 8 + 2, timestamp: 'Mar  5 07:08:09', hostname: 'probe-1', tag: 'flowprobe', pid: String(process.pid) });
    expect(parseCef(m.msg).severity).toBe('9');
  });
});
