import type Redis from 'ioredis';
import { buildTestAlert } from '../src/siem/formats/test-alert';
import { AlertEventV1 } from '../src/alerts/alert-event';
import { SiemDispatcher } from '../src/siem/siem-dispatcher';
import { RecipientConfig, SyslogRecipientOptions } from '../src/siem/recipient.types';
import { parseCef, parseRfc3164, parseRfc5424 } from './siem-parsers';
import { alertSchemaValidator } from './siem-schema';
import { dropPrefix, ready, testPrefix, testRedis } from './siem-redis';
import { Received, Rsyslog } from './siem-rsyslog';

/**
 * Real rsyslogd (Debian package) on loopback receiving flowprobe alerts over
 * UDP, TCP (octet counting and LF framing), TLS and mutual TLS; every message
 * it wrote must parse as RFC 5424/3164 with the configured body.
 */
describe('SIEM forwarding to a real rsyslog', () => {
  const validate = alertSchemaValidator();
  let rsyslog: Rsyslog;
  let redis: Redis;
  let dispatcher: SiemDispatcher;
  const prefix = testPrefix();
  const N = 25;

  const syslog = (id: string, s: Partial<SyslogRecipientOptions>, extra: Partial<RecipientConfig> = {}): RecipientConfig => ({
    id, name: id, enabled: true, minSeverity: 'info', type: 'syslog', batchSize: 10,
    syslog: { host: '127.0.0.1', port: 0, transport: 'tcp', header: 'rfc5424', format: 'json', hostname: 'probe-1', ...s },
    ...extra,
  });

  beforeAll(async () => {
    rsyslog = new Rsyslog();
    await rsyslog.start();
    redis = testRedis();
    await ready(redis);
    dispatcher = new SiemDispatcher(redis, { prefix, settleMs: 300, backoffBaseMs: 100, backoffMaxMs: 1000, idlePollMs: 200 });
    const tls = { ca: rsyslog.certs.ca, servername: 'localhost' };
    await dispatcher.setRecipients([
      syslog('udp-5424-json', { transport: 'udp', port: rsyslog.udpPort }),
      syslog('tcp-5424-cef', { transport: 'tcp', port: rsyslog.tcpPort, format: 'cef', framing: 'octet-counting' }),
      syslog('tcp-3164-json-lf', { transport: 'tcp', port: rsyslog.tcpPort, header: 'rfc3164', framing: 'newline' }),
      syslog('tls-5424-ecs', { transport: 'tls', port: rsyslog.tlsPort, format: 'ecs', tls }),
      syslog('mtls-3164-cef', { transport: 'tls', port: rsyslog.mtlsPort, header: 'rfc3164', format: 'cef',
        tls: { ...tls, cert: rsyslog.certs.clientCert, key: rsyslog.certs.clientKey } }),
      syslog('tls-wrong-ca', { transport: 'tls', port: rsyslog.tlsPort, appName: 'fp-wrongca', tls: { ca: rsyslog.certs.otherCa, servername: 'localhost' } }, { checks: ['only_wrong_ca'] }),
      syslog('tls-ip-san', { transport: 'tls', port: rsyslog.tlsPort, appName: 'fp-ipsan', tls: { ca: rsyslog.certs.ca } }, { checks: ['only_ip_san'] }),
      syslog('tcp-no-sd', { transport: 'tcp', port: rsyslog.tcpPort, appName: 'fp-nosd', structuredData: false }, { checks: ['only_no_sd'] }),
      syslog('tcp-errors-only', { transport: 'tcp', port: rsyslog.tcpPort, appName: 'fp-errors' }, { minSeverity: 'error' }),
    ]);
  });

  afterAll(async () => {
    await dispatcher?.close();
    await dropPrefix(redis, prefix);
    redis?.disconnect();
    await rsyslog?.dispose();
  });

  const sent: AlertEventV1[] = [];
  const byInput = (r: Received[], input: string) => r.filter((m) => m.input === input);

  it('delivers every alert to every accepting recipient, in the right shape', async () => {
    for (let i = 0; i < N; i++) {
      const score = [5, 20, 60, 150, 220, 300][i % 6];
      const a = buildTestAlert({
        status: 'triggered',
        check: `check_${i % 3}`,
        score,
        severity: (['info', 'notice', 'warning', 'error', 'critical', 'emergency'] as const)[i % 6],
        title: `alert ${i} | pipe \\ backslash`,
        description: `n=${i} line1\nline2 "q" [b]`,
      });
      sent.push(a);
      await dispatcher.publish(a);
    }
    const errorsOrWorse = sent.filter((a) => ['error', 'critical', 'emergency'].includes(a.severity)).length;
    // udp N, tls N, mtls N, tcp: N (cef) + N (3164) + errorsOrWorse
    const got = await rsyslog.waitFor((r) =>
      byInput(r, 'udp').length >= N && byInput(r, 'tls').length >= N && byInput(r, 'mtls').length >= N && byInput(r, 'tcp').length >= 2 * N + errorsOrWorse);
    expect(byInput(got, 'udp')).toHaveLength(N);
    expect(byInput(got, 'tls')).toHaveLength(N);
    expect(byInput(got, 'mtls')).toHaveLength(N);
    expect(byInput(got, 'tcp')).toHaveLength(2 * N + errorsOrWorse);

    const ids = new Set(sent.map((a) => a.id));
    const sevCode = { emergency: 0, critical: 2, error: 3, warning: 4, notice: 5, info: 6 } as const;

    // UDP, RFC 5424, JSON body validating against the published schema; rsyslog parsed the same header.
    for (const m of byInput(got, 'udp')) {
      const p = parseRfc5424(m.rawmsg);
      const body = JSON.parse(p.msg);
      expect(validate(body)).toBe(true);
      expect(ids.has(body.id)).toBe(true);
      const a = sent.find((s) => s.id === body.id)!;
      expect(body).toEqual(a);
      expect(p.structuredData['flowprobe@32473'].id).toBe(a.id);
      expect(m).toMatchObject({ protocolversion: '1', hostname: 'probe-1', appname: 'flowprobe', msgid: a.check, facility: '16', severity: String(sevCode[a.severity]) });
      expect(m.sd).toContain(`id="${a.id}"`);
    }

    // TCP: RFC 5424 + CEF (octet counting), RFC 3164 + JSON (LF framing), errors-only recipient.
    const tcp = byInput(got, 'tcp');
    const cef = tcp.filter((m) => m.protocolversion === '1' && m.appname === 'flowprobe');
    expect(cef).toHaveLength(N);
    for (const m of cef) {
      const c = parseCef(parseRfc5424(m.rawmsg).msg);
      const a = sent.find((s) => s.id === c.extension.externalId)!;
      expect(c).toMatchObject({ version: 'CEF:0', vendor: 'flowprobe', product: 'flowprobe', signatureId: a.check, name: a.title });
      expect(c.extension.msg).toBe(a.description);
      expect(c.extension.src).toBe('192.0.2.10');
      expect(Number(c.severity)).toBe({ info: 1, notice: 3, warning: 5, error: 7, critical: 9, emergency: 10 }[a.severity]);
    }
    const bsd = tcp.filter((m) => m.protocolversion === '0');
    expect(bsd).toHaveLength(N);
    for (const m of bsd) {
      const p = parseRfc3164(m.rawmsg);
      expect(p.tag).toBe('flowprobe');
      expect(m.appname).toBe('flowprobe');
      expect(validate(JSON.parse(p.msg))).toBe(true);
    }
    const errorsOnly = tcp.filter((m) => m.appname === 'fp-errors');
    expect(errorsOnly).toHaveLength(errorsOrWorse);
    for (const m of errorsOnly) expect(['error', 'critical', 'emergency']).toContain(JSON.parse(parseRfc5424(m.rawmsg).msg).severity);

    // TLS: ECS documents.
    for (const m of byInput(got, 'tls')) {
      const doc = JSON.parse(parseRfc5424(m.rawmsg).msg);
      const a = sent.find((s) => s.id === doc.event.id)!;
      expect(doc).toMatchObject({ '@timestamp': a.time, event: { kind: 'alert', code: a.check, risk_score: a.score }, rule: { id: a.check },
        source: { ip: '192.0.2.10', port: 51000 }, destination: { ip: '198.51.100.20', port: 21 }, observer: { product: 'flowprobe' } });
    }
    // Mutual TLS: RFC 3164 + CEF.
    for (const m of byInput(got, 'mtls')) {
      const c = parseCef(parseRfc3164(m.rawmsg).msg);
      expect(ids.has(c.extension.externalId)).toBe(true);
    }
    for (const input of ['udp', 'tls', 'mtls']) {
      expect(new Set(byInput(got, input).map((m) => m.rawmsg)).size).toBe(N);
    }

    // Stream recipients acknowledge after the settle period; wait for it, then counters are exact.
    let stats = await dispatcher.stats('tcp-5424-cef');
    for (let i = 0; i < 100 && stats.delivered < N; i++) {
      await new Promise((r) => setTimeout(r, 100));
      stats = await dispatcher.stats('tcp-5424-cef');
    }
    expect(stats).toMatchObject({ delivered: N, queue_depth: 0, inflight: 0, failed: 0 });
    expect(stats.last_delivery_time).not.toBeNull();
  });

  it('refuses a server whose certificate does not chain to the configured CA, and keeps the alert queued', async () => {
    const a = buildTestAlert({ status: 'triggered', check: 'only_wrong_ca' });
    await dispatcher.publish(a);
    let stats = await dispatcher.stats('tls-wrong-ca');
    for (let i = 0; i < 100 && !stats.last_error; i++) {
      await new Promise((r) => setTimeout(r, 100));
      stats = await dispatcher.stats('tls-wrong-ca');
    }
    expect(stats.last_error).toMatch(/certificate/i);
    expect(stats.delivered).toBe(0);
    expect(stats.failed).toBeGreaterThan(0);
    expect(stats.queue_depth + stats.inflight).toBe(1);
    expect(rsyslog.received().some((m) => m.appname === 'fp-wrongca')).toBe(false);
  });

  it('verifies a server addressed by IP against the IP in its certificate (no SNI)', async () => {
    const a = buildTestAlert({ status: 'triggered', check: 'only_ip_san' });
    await dispatcher.publish(a);
    const got = await rsyslog.waitFor((r) => r.some((m) => m.appname === 'fp-ipsan'));
    const hits = got.filter((m) => m.appname === 'fp-ipsan');
    expect(hits).toHaveLength(1);
    expect(hits[0].input).toBe('tls');
    expect(parseRfc5424(hits[0].rawmsg).structuredData['flowprobe@32473'].id).toBe(a.id);
  });

  it("sends RFC 5424 with '-' as structured data when asked", async () => {
    const a = buildTestAlert({ status: 'triggered', check: 'only_no_sd' });
    await dispatcher.publish(a);
    const got = await rsyslog.waitFor((r) => r.some((m) => m.appname === 'fp-nosd'));
    const hits = got.filter((m) => m.appname === 'fp-nosd');
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ sd: '-', msgid: 'only_no_sd', protocolversion: '1' });
    expect(JSON.parse(parseRfc5424(hits[0].rawmsg).msg)).toEqual(a);
  });

  it('sends a test alert to one recipient only', async () => {
    const t = buildTestAlert();
    await dispatcher.publishTo('tls-5424-ecs', t);
    const got = await rsyslog.waitFor((r) => r.some((m) => m.rawmsg.includes(t.id)));
    const hits = got.filter((m) => m.rawmsg.includes(t.id));
    expect(hits).toHaveLength(1);
    expect(hits[0].input).toBe('tls');
  });
});
