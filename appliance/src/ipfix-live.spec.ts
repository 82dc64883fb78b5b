import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SecondJob, type IpfixCollectorView } from '@flowprobe/controlplane';
import { validateBootConfig } from './boot-config';
import { startAppliance, type Appliance } from './appliance';
import { Nfcapd, TcpToUdpRelay } from './testing/ipfix-collectors';

/**
 * The running appliance exports its flow records (the flow-record path) to collectors configured
 * through the API: nfcapd over UDP, and nfcapd behind a TCP relay that is
 * down while flows end and comes back (the TCP exporter's queue keeps them).
 */
const CAPTURE = path.resolve(__dirname, '../../../shared/pcaps/ndpi/1kxun.pcap');
const ADMIN_PASSWORD = 'first-start-secret';

async function waitFor(cond: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('flowprobe run exports ended flows to IPFIX collectors', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-ipfix-live-'));
  let appliance: Appliance;
  let cookie = '';
  let udp: Nfcapd;
  let tcp: Nfcapd;
  let relay: TcpToUdpRelay;

  async function call(method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(appliance.controlPlane.url + url, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(cookie ? { cookie } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const set = res.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0];
    const text = await res.text();
    return { status: res.status, body: text ? (text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text) : undefined };
  }

  beforeAll(async () => {
    udp = await Nfcapd.start(path.join(dir, 'udp'));
    tcp = await Nfcapd.start(path.join(dir, 'tcp'));
    relay = await TcpToUdpRelay.start(tcp.port);
    const config = validateBootConfig(
      {
        sources: [{ name: 'test0', type: 'pcap', path: CAPTURE, speed: 'max' }],
        http: { port: 0, host: '127.0.0.1' },
        redis: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', key_prefix: `test:ipfix:${process.pid}:` },
        database: { path: path.join(dir, 'flowprobe.db') },
        // Flows idle for 1 s of packet time end while the file is read.
        capture: { workers: 2, idle_timeout_s: 1, host_idle_timeout_s: 0 },
      },
      'test',
      dir,
      { FLOWPROBE_ADMIN_PASSWORD: ADMIN_PASSWORD },
    );
    appliance = await startAppliance(config, { schedule: false }, false);
    await appliance.dataplanes[0].whenFinished();
    await call('POST', '/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
    expect((await call('POST', '/api/v1/users/me/password', { current_password: ADMIN_PASSWORD, new_password: 'ipfix-admin-secret' })).status).toBe(204);
  });

  afterAll(async () => {
    await appliance?.stop();
    await relay?.close();
    await udp?.stop();
    await tcp?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses link-local, metadata and loopback collectors with 400 and the reason, loopback until the allowlist lists it', async () => {
    const refused: [string, RegExp][] = [
      ['169.254.169.254', /link-local \/ cloud metadata/],
      ['2852039166', /169\.254\.169\.254 is link-local/], // 169.254.169.254 in decimal
      ['::ffff:169.254.169.254', /link-local/],
      ['fe80::1', /link-local/],
      ['fd00:ec2::254', /cloud metadata/],
      ['metadata.google.internal', /cloud metadata host name/],
      ['0.0.0.0', /unspecified/],
      ['127.0.0.1', /loopback.*siem_allowed_destinations/],
      ['localhost', /loopback/],
    ];
    for (const [host, reason] of refused) {
      const r = await call('POST', '/api/v1/ipfix/collectors', { name: `bad ${host}`, host, port: 4739 });
      expect({ host, status: r.status }).toEqual({ host, status: 400 });
      expect(JSON.stringify(r.body.message)).toMatch(reason);
    }
    expect((await call('POST', '/api/v1/ipfix/collectors', { name: 'x', host: 'not a host' })).status).toBe(400);
    expect((await call('POST', '/api/v1/ipfix/collectors', { name: 'x', host: '127.0.0.1', transport: 'sctp' })).status).toBe(400);
    expect((await call('POST', '/api/v1/ipfix/collectors', { name: 'x', host: '127.0.0.1', port: 70000 })).status).toBe(400);
    expect((await call('GET', '/api/v1/ipfix/collectors')).body).toEqual([]);
    // The collectors below are nfcapd on this machine: the admin's exception for loopback (docs/security.md).
    expect((await call('PUT', '/api/v1/settings', { siem_allowed_destinations: ['127.0.0.1/32'] })).status).toBe(200);
    // The exception is for loopback only: metadata stays refused.
    expect((await call('POST', '/api/v1/ipfix/collectors', { name: 'x', host: '169.254.169.254' })).status).toBe(400);
  });

  it('sends every ended flow to a UDP collector and, after it came back, to a TCP collector that was down meanwhile', async () => {
    const a = await call('POST', '/api/v1/ipfix/collectors', { name: 'nfcapd-udp', host: '127.0.0.1', port: udp.port, transport: 'udp', observation_domain_id: 11 });
    expect(a.status).toBe(201);
    const b = await call('POST', '/api/v1/ipfix/collectors', { name: 'nfcapd-tcp', host: '127.0.0.1', port: relay.port, transport: 'tcp', mode: 'biflow', observation_domain_id: 12 });
    expect(b.status).toBe(201);
    expect((await call('POST', '/api/v1/ipfix/collectors', { name: 'nfcapd-tcp', host: '127.0.0.1' })).status).toBe(409);
    await waitFor(async () => (await call('GET', `/api/v1/ipfix/collectors/${b.body.id}`)).body.stats?.connected === true, 'the TCP collector connection');

    // The TCP collector goes down; the periodic pass ends the flows meanwhile.
    await relay.stop();
    await waitFor(async () => (await call('GET', `/api/v1/ipfix/collectors/${b.body.id}`)).body.stats?.connected === false, 'the exporter to see the collector go');
    const second = appliance.controlPlane.app.get(SecondJob);
    let ended = 0;
    for (let i = 0; i < 20; i++) ended += await second.updateStats();
    expect(ended).toBeGreaterThan(50);
    // The dispatcher hands records to its consumers asynchronously.
    await waitFor(async () => (await call('GET', `/api/v1/ipfix/collectors/${b.body.id}`)).body.stats?.records_in === ended, 'the records to reach the exporter');
    const down = (await call('GET', `/api/v1/ipfix/collectors/${b.body.id}`)).body as IpfixCollectorView;
    expect(down.stats).toMatchObject({ records_in: ended, queued: ended, records_dropped: 0 });

    await relay.listen();
    await waitFor(async () => (await call('GET', `/api/v1/ipfix/collectors/${b.body.id}`)).body.stats?.queued === 0, 'the TCP queue to drain');
    const list = (await call('GET', '/api/v1/ipfix/collectors')).body as IpfixCollectorView[];
    for (const c of list) expect(c.stats).toMatchObject({ records_in: ended, records_sent: ended, records_dropped: 0 });
    const metrics = (await call('GET', '/metrics')).body as string;
    expect(metrics).toMatch(new RegExp(`flowprobe_ipfix_records_sent_total\\{collector="nfcapd-tcp"\\} ${ended}`));

    await new Promise((r) => setTimeout(r, 500));
    await udp.stop();
    await tcp.stop();
    const viaUdp = await udp.flows();
    const viaTcp = await tcp.flows();
    expect(viaUdp).toHaveLength(ended);
    const sum = (fl: typeof viaUdp) => fl.reduce((n, f) => n + f.in_packets + f.out_packets, 0);
    expect(viaTcp).toHaveLength(ended);
    expect(sum(viaTcp)).toBe(sum(viaUdp));
  });
});
