import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeCapture } from '@flowprobe/dataplane';
import { GeoIp, HostNames, ReverseDns, SecondJob, type FlowListResponse, type HostListResponse, type HostPlaces } from '@flowprobe/controlplane';
import { BootConfigError, validateBootConfig } from './boot-config';
import { startAppliance, type Appliance } from './appliance';
import { DnsmasqProcess } from './testing/dnsmasq-process';
import { TEST_NETWORKS, testNetworkOf, writeTestGeoDatabases } from './testing/geo-databases';
import { LOCAL_NAMES, writeLocalNamesCapture } from './testing/local-names-capture';

const CAPTURE = path.resolve(__dirname, '../../../shared/pcaps/ndpi/alexa-app.pcapng');
const PASSWORD = 'names-first-secret';
/** The capture's local client: nothing on the wire names it, the test's resolver does. */
const LOCAL_CLIENT = '172.16.42.216';
const LOCAL_CLIENT_PTR = 'echo-dot.lab.test';

const until = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('host names from DHCP, NetBIOS and mDNS (nDPI 4.2 on a test-built capture)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-local-names-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names each local host by what it announced, and nobody by a query or a service name', async () => {
    const file = path.join(dir, 'local-names.pcap');
    writeLocalNamesCapture(file);
    const result = await analyzeCapture({ kind: 'pcap', path: file }, { workers: 1, records: true });
    // nDPI read each name (the flow's server name) ...
    const byClient = new Map(result.flows.map((f) => [f.client.ip, f]));
    expect(byClient.get(LOCAL_NAMES.dhcp.ip)?.l7).toBe('DHCP');
    expect(byClient.get(LOCAL_NAMES.netbios.ip)?.l7).toMatch(/^NetBIOS/);
    expect(byClient.get(LOCAL_NAMES.mdns.ip)?.l7).toBe('MDNS');
    // ... and the records name the hosts that announced them.
    const names = new HostNames();
    names.fill(result.records!);
    expect(names.nameOf(LOCAL_NAMES.dhcp.ip)).toBe(LOCAL_NAMES.dhcp.name);
    expect(names.nameOf(LOCAL_NAMES.netbios.ip)).toBe(LOCAL_NAMES.netbios.name);
    expect(names.nameOf(LOCAL_NAMES.mdns.ip)).toBe(`${LOCAL_NAMES.mdns.name}.local`);
    expect(byClient.get(LOCAL_NAMES.netbiosQuery.ip)?.server_name).toBe(LOCAL_NAMES.netbiosQuery.name);
    expect(names.nameOf(LOCAL_NAMES.netbiosQuery.ip)).toBe('');
    expect(byClient.get(LOCAL_NAMES.mdnsService.ip)?.server_name).toBe(LOCAL_NAMES.mdnsService.name);
    expect(names.nameOf(LOCAL_NAMES.mdnsService.ip)).toBe('');
    // Nor do the broadcast/multicast destinations or the DHCP server get a name.
    for (const ip of ['192.168.7.1', '192.168.7.255', '224.0.0.251']) expect(names.nameOf(ip)).toBe('');
    // The same from the active flows (what the flow list hands to the names every 5 s).
    const active = new HostNames();
    active.learnFromActive(result.flows);
    expect(active.search('lab-printer')).toEqual([LOCAL_NAMES.dhcp.ip]);
    expect(active.search('kitchen')).toEqual([LOCAL_NAMES.mdns.ip]);
    expect(active.search('filesrv')).toEqual([LOCAL_NAMES.netbios.ip]);
  });
});

describe('geolocation databases (MaxMind DB files built by the test)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-geo-'));
  const dbs = writeTestGeoDatabases(dir);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads country and AS of an address with the maxmind reader; unknown and bad addresses are unknown', async () => {
    const geo = await GeoIp.open(dbs);
    expect(geo.lookup('54.239.24.186')).toEqual({ country: 'IE', country_name: 'Ireland', asn: 14618, as_org: 'AMAZON-AES' });
    expect(geo.lookup('52.94.232.134')).toEqual({ country: 'DE', country_name: 'Germany', asn: 16509, as_org: 'AMAZON-02' });
    expect(geo.lookup('192.168.1.1')).toEqual({ country: '', country_name: '', asn: 0, as_org: '' });
    expect(geo.lookup('not an address')).toEqual({ country: '', country_name: '', asn: 0, as_org: '' });
    expect(geo.describe().country).toMatch(/^GeoLite2-Country /);
  });

  it('checks the files when the boot config is loaded: missing, not a .mmdb, or the wrong kind is refused with the key', () => {
    const base = { sources: [{ type: 'pcap', path: CAPTURE }], database: { path: path.join(dir, 'x.db') } };
    const problems = (geoip: Record<string, string>): string[] => {
      try {
        validateBootConfig({ ...base, names: { geoip } }, 'test', dir);
      } catch (err) {
        if (err instanceof BootConfigError) return err.problems;
        throw err;
      }
      return [];
    };
    fs.writeFileSync(path.join(dir, 'garbage.mmdb'), 'not a database at all');
    expect(problems({ country_db: dbs.countryDb, asn_db: dbs.asnDb })).toEqual([]);
    expect(problems({ country_db: 'missing.mmdb' })).toEqual([expect.stringMatching(/^names\.geoip\.country_db: cannot read .*missing\.mmdb/)]);
    expect(problems({ asn_db: 'garbage.mmdb' })).toEqual([expect.stringMatching(/^names\.geoip\.asn_db: .*garbage\.mmdb is not a MaxMind DB/)]);
    expect(problems({ country_db: dbs.asnDb, asn_db: dbs.countryDb })).toEqual([
      expect.stringMatching(/^names\.geoip\.country_db: .*"GeoLite2-ASN" database, not a country or city database/),
      expect.stringMatching(/^names\.geoip\.asn_db: .*"GeoLite2-Country" database, not an ASN database/),
    ]);
    // A relative path is resolved against the config's folder.
    const config = validateBootConfig({ ...base, names: { geoip: { country_db: path.basename(dbs.countryDb) } } }, 'test', dir);
    expect(config.names.geoip.country_db).toBe(dbs.countryDb);
    expect(() => validateBootConfig({ ...base, names: { reverse_dns: { servers: ['127.0.0.1:99999'] } } }, 'test', dir)).toThrow(/names\.reverse_dns\.servers\[0\]/);
  });
});

describe('reverse DNS against a real resolver (dnsmasq)', () => {
  let dns: DnsmasqProcess;
  beforeAll(async () => {
    dns = await DnsmasqProcess.start({ '192.0.2.10': 'printer.lab.test', '192.0.2.11': 'nas.lab.test' });
  });
  afterAll(async () => {
    await dns?.stop();
  });

  it('looks an address up once (answers and "no name" cached), off when disabled', async () => {
    const learnt: [string, string][] = [];
    const rdns = new ReverseDns({ enabled: true, servers: [dns.server], perSecond: 100 }, (ip, name) => learnt.push([ip, name]));
    rdns.request('192.0.2.10');
    rdns.request('192.0.2.10'); // in flight: not asked twice
    rdns.request('192.0.2.99'); // no PTR record
    await until('both answers', () => rdns.stats().answered + rdns.stats().failed === 2);
    expect(learnt).toEqual([['192.0.2.10', 'printer.lab.test']]);
    expect(rdns.cachedName('192.0.2.10')).toBe('printer.lab.test');
    rdns.request('192.0.2.10');
    rdns.request('192.0.2.99');
    expect(rdns.stats()).toMatchObject({ enabled: true, lookups: 2, answered: 1, failed: 1, cached: 2 });
    const off = new ReverseDns({ enabled: false, servers: [dns.server] }, () => learnt.push(['off', 'off']));
    off.request('192.0.2.11');
    expect(off.stats()).toMatchObject({ enabled: false, lookups: 0 });
  });

  it('is bounded in rate: past the bucket a request is dropped (asked again later), not queued', async () => {
    let now = 1_000_000;
    const learnt: string[] = [];
    const rdns = new ReverseDns({ enabled: true, servers: [dns.server], perSecond: 2 }, (_ip, name) => learnt.push(name), () => now);
    for (const ip of ['192.0.2.10', '192.0.2.11', '192.0.2.12', '192.0.2.13']) rdns.request(ip);
    expect(rdns.stats()).toMatchObject({ lookups: 2, deferred: 2 });
    await until('two answers', () => rdns.stats().answered + rdns.stats().failed === 2);
    expect(learnt.sort()).toEqual(['nas.lab.test', 'printer.lab.test']);
    now += 1000; // a second later the bucket holds 2 again
    rdns.request('192.0.2.12');
    rdns.request('192.0.2.13');
    rdns.request('192.0.2.14');
    expect(rdns.stats()).toMatchObject({ lookups: 4, deferred: 3 });
    await until('four answers', () => rdns.stats().answered + rdns.stats().failed === 4);
  });
});

/**
 * The running appliance replaying a shared capture with the test's MaxMind DB
 * files and reverse DNS on against dnsmasq: hosts and flows carry country and
 * AS, filter by them, /hosts/places ranks them, and the local client no
 * traffic names gets its PTR name.
 */
describe('names and places through the appliance API', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-names-'));
  let appliance: Appliance;
  let dns: DnsmasqProcess;
  let cookie = '';
  const call = async <T>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(appliance.controlPlane.url + url, {
      method,
      headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}), ...(cookie ? { cookie } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const set = res.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0];
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const get = async <T>(url: string): Promise<T> => {
    const res = await call<T>('GET', url);
    expect([url, res.status]).toEqual([url, 200]);
    return res.body;
  };

  beforeAll(async () => {
    dns = await DnsmasqProcess.start({ [LOCAL_CLIENT]: LOCAL_CLIENT_PTR });
    const dbs = writeTestGeoDatabases(dir);
    const config = validateBootConfig(
      {
        sources: [{ name: 'names0', type: 'pcap', path: CAPTURE, speed: 'max' }],
        http: { port: 0, host: '127.0.0.1' },
        redis: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', key_prefix: `test:names:${process.pid}:` },
        database: { path: path.join(dir, 'flowprobe.db') },
        local_networks: ['172.16.0.0/12', '192.168.0.0/16'],
        capture: { workers: 1, idle_timeout_s: 0, host_idle_timeout_s: 0 },
        history: { backend: 'none' },
        names: { geoip: { country_db: dbs.countryDb, asn_db: dbs.asnDb }, reverse_dns: { enabled: true, servers: [dns.server] } },
      },
      'test',
      dir,
      { FLOWPROBE_ADMIN_PASSWORD: PASSWORD },
    );
    appliance = await startAppliance(config, { schedule: false }, false);
    await appliance.dataplanes[0].whenFinished();
    await appliance.controlPlane.app.get(SecondJob).updateStats();
    expect((await call('POST', '/api/v1/auth/login', { username: 'admin', password: PASSWORD })).status).toBe(200);
    expect((await call('POST', '/api/v1/users/me/password', { current_password: PASSWORD, new_password: 'names-chosen-secret' })).status).toBe(204);
  }, 120_000);

  afterAll(async () => {
    await appliance?.stop();
    await dns?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives every remote host its country and AS, and filters hosts by them', async () => {
    const all = await get<HostListResponse>('/api/v1/hosts?limit=1000&local=false');
    expect(all.data.length).toBeGreaterThan(5);
    let placed = 0;
    for (const h of all.data) {
      const net = testNetworkOf(h.ip);
      expect([h.ip, h.country, h.country_name, h.asn, h.as_org]).toEqual(net ? [h.ip, net.country, net.countryName, net.asn, net.asOrg] : [h.ip, '', '', 0, '']);
      if (net) placed++;
    }
    expect(placed).toBeGreaterThan(3);
    const ireland = await get<HostListResponse>('/api/v1/hosts?country=ie&limit=1000');
    expect(ireland.total).toBe(all.data.filter((h) => testNetworkOf(h.ip)?.country === 'IE').length);
    expect(ireland.total).toBeGreaterThan(0);
    for (const h of ireland.data) expect(h.country).toBe('IE');
    const as16509 = await get<HostListResponse>('/api/v1/hosts?asn=16509&limit=2&sort=bytes&order=desc');
    const want = all.data.filter((h) => testNetworkOf(h.ip)?.asn === 16509).sort((a, b) => b.bytes.total - a.bytes.total);
    expect(as16509.total).toBe(want.length);
    expect(as16509.data.map((h) => h.ip)).toEqual(want.slice(0, 2).map((h) => h.ip));
    // Combined with a name search.
    const named = await get<HostListResponse>('/api/v1/hosts?q=amazon&country=DE&limit=1000');
    for (const h of named.data) expect([h.country, h.name.toLowerCase()]).toEqual(['DE', expect.stringContaining('amazon')]);
    expect((await call('GET', '/api/v1/hosts?country=Ireland')).status).toBe(400);
    expect((await call('GET', '/api/v1/hosts?asn=-1')).status).toBe(400);
  });

  it('ranks remote hosts by country and by AS (/hosts/places), as the host list adds up', async () => {
    const places = await get<HostPlaces>('/api/v1/hosts/places');
    const all = await get<HostListResponse>('/api/v1/hosts?limit=1000&local=false');
    expect(places.enabled).toBe(true);
    expect(places.hosts).toBe(all.total);
    const countries = new Map<string, { hosts: number; bytes: number }>();
    for (const h of all.data.filter((x) => x.country)) {
      const c = countries.get(h.country) ?? { hosts: 0, bytes: 0 };
      countries.set(h.country, { hosts: c.hosts + 1, bytes: c.bytes + h.bytes.total });
    }
    expect(new Map(places.countries.map((c) => [c.country, { hosts: c.hosts, bytes: c.bytes }]))).toEqual(countries);
    expect(places.countries.map((c) => c.bytes)).toEqual([...places.countries.map((c) => c.bytes)].sort((a, b) => b - a));
    expect(places.asns.map((a) => a.asn).sort()).toEqual([...new Set(all.data.filter((h) => h.asn).map((h) => h.asn))].sort());
    expect(places.asns.find((a) => a.asn === 14618)?.as_org).toBe('AMAZON-AES');
  });

  it('gives flows the country and AS of both ends, and filters flows by them', async () => {
    const flows = await get<FlowListResponse>('/api/v1/flows?limit=1000');
    for (const f of flows.data) {
      expect(f.server_country).toBe(testNetworkOf(f.server.ip)?.country ?? '');
      expect(f.server_asn).toBe(testNetworkOf(f.server.ip)?.asn ?? 0);
      expect(f.client_country).toBe(testNetworkOf(f.client.ip)?.country ?? '');
    }
    const ie = await get<FlowListResponse>('/api/v1/flows?country=IE&limit=1000');
    expect(ie.total).toBe(flows.data.filter((f) => f.server_country === 'IE' || f.client_country === 'IE').length);
    expect(ie.total).toBeGreaterThan(0);
    const as = await get<FlowListResponse>(`/api/v1/flows?asn=${TEST_NETWORKS[2].asn}&l4=TCP&limit=1000`);
    expect(as.total).toBe(flows.data.filter((f) => f.protocol.l4 === 'TCP' && (f.server_asn === 14618 || f.client_asn === 14618)).length);
    expect((await call('GET', '/api/v1/flows?country=1')).status).toBe(400);
  });

  it('names the local client no traffic named by reverse DNS (asked when a page shows it), never over a name seen on the wire', async () => {
    await until('the PTR name of the local client', async () => {
      const host = await get<HostListResponse>(`/api/v1/hosts?q=${LOCAL_CLIENT}`);
      return host.data[0]?.name === LOCAL_CLIENT_PTR;
    });
    const found = await get<HostListResponse>('/api/v1/hosts?q=echo-dot');
    expect(found.data.map((h) => h.ip)).toEqual([LOCAL_CLIENT]);
    // Remote hosts named by SNI/DNS keep those names (dnsmasq answers nothing for them anyway).
    const amazon = await get<HostListResponse>('/api/v1/hosts?q=amazon&limit=5');
    expect(amazon.total).toBeGreaterThan(0);
  });
});
