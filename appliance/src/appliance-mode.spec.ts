import { execFileSync, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TLSSocket } from 'node:tls';
import type { LoggerService } from '@flowprobe/controlplane';
import { stringify as toYaml } from 'yaml';
import { loadBootConfig } from './boot-config';
import { startAppliance, type Appliance } from './appliance';

const CAPTURE = path.resolve(__dirname, '../../../shared/pcaps/ndpi/1kxun.pcap');
const CLI = path.join(__dirname, '..', 'bin', 'flowprobe.js');
const ADMIN_PASSWORD = 'console-chosen-secret';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  body: any;
  /** SHA-256 fingerprint of the certificate the server presented. */
  fingerprint?: string;
}

/**
 * A real HTTPS client (node:https) that trusts only `ca` and checks the
 * server name, over a new connection per request (so a replaced certificate
 * shows at once), keeping one session cookie.
 */
class HttpsClient {
  cookie = '';
  rawCookie = '';

  constructor(
    private readonly port: number,
    private ca: string,
    private readonly servername = 'localhost',
  ) {}

  trust(ca: string): void {
    this.ca = ca;
  }

  request(method: string, url: string, body?: unknown): Promise<Answer> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port: this.port,
          servername: this.servername,
          ca: this.ca,
          agent: false,
          method,
          path: url,
          headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...(this.cookie ? { cookie: this.cookie } : {}) },
        },
        (res) => {
          const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => {
            const setCookie = res.headers['set-cookie']?.[0];
            if (setCookie) {
              this.rawCookie = setCookie;
              this.cookie = setCookie.split(';')[0];
            }
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // not JSON
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed, fingerprint });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  get = (url: string) => this.request('GET', url);
  post = (url: string, body?: unknown) => this.request('POST', url, body);
  put = (url: string, body?: unknown) => this.request('PUT', url, body);
}

function plainGet(port: number, url: string, host: string): Promise<{ status: number; location?: string; text: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: url, headers: { host }, agent: false }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, text }));
      })
      .on('error', reject);
  });
}

/** Runs `flowprobe admin-password` as the console does, the password on stdin. */
function setPasswordFromConsole(configFile: string, password: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'admin-password', '--config', configFile], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(`${password}\n`);
  });
}

/** A PEM pair made by openssl: `days` may be negative (an expired certificate). */
function opensslPair(dir: string, name: string, cn: string, days: number, extra: string[] = []): { cert: string; key: string } {
  const key = path.join(dir, `${name}.key`);
  const csr = path.join(dir, `${name}.csr`);
  const cert = path.join(dir, `${name}.pem`);
  execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-subj', `/CN=${cn}`, '-out', csr, ...extra], { stdio: 'ignore' });
  const ext = path.join(dir, `${name}.ext`);
  fs.writeFileSync(ext, `subjectAltName=DNS:${cn}\n`);
  execFileSync('openssl', ['x509', '-req', '-in', csr, '-signkey', key, '-days', String(days), '-out', cert, '-extfile', ext], { stdio: 'ignore' });
  return { cert: fs.readFileSync(cert, 'utf8'), key: fs.readFileSync(key, 'utf8') };
}

class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log = (m: unknown) => void this.lines.push(String(m));
  error = (m: unknown) => void this.lines.push(String(m));
  warn = (m: unknown) => void this.lines.push(String(m));
  debug = () => undefined;
  verbose = () => undefined;
}

describe('appliance mode: HTTPS with a generated certificate, login only after the console setup', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-appliance-'));
  const tlsDir = path.join(dir, 'tls');
  const configFile = path.join(dir, 'flowprobe.yaml');
  const logger = new CapturingLogger();
  let appliance: Appliance;
  let admin: HttpsClient;

  beforeAll(async () => {
    fs.writeFileSync(
      configFile,
      toYaml({
        sources: [{ name: 'test0', type: 'pcap', path: CAPTURE, speed: 'max' }],
        http: { port: 0, host: '127.0.0.1' },
        tls: { enabled: true, dir: tlsDir, redirect_port: 0 },
        redis: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', key_prefix: `test:appliance:${process.pid}:` },
        database: { path: path.join(dir, 'flowprobe.db') },
        capture: { workers: 1, idle_timeout_s: 0, host_idle_timeout_s: 0 },
        auth: { require_setup: true },
      }),
    );
    // FLOWPROBE_ADMIN_PASSWORD would create an admin in development: appliance mode must ignore it.
    const config = loadBootConfig(configFile, { FLOWPROBE_ADMIN_PASSWORD: 'must-not-work' });
    appliance = await startAppliance(config, { schedule: false, tls: { dir: tlsDir, redirectPort: 0, hostname: 'localhost' } }, logger);
    admin = new HttpsClient(appliance.controlPlane.port, fs.readFileSync(path.join(tlsDir, 'cert.pem'), 'utf8'));
  });

  afterAll(async () => {
    await appliance?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('generates a self-signed certificate on first start: key 0600, fingerprint logged and in a file', async () => {
    expect(appliance.controlPlane.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const certPem = fs.readFileSync(path.join(tlsDir, 'cert.pem'), 'utf8');
    const cert = new X509Certificate(certPem);
    expect(cert.subject).toContain('CN=localhost');
    expect(cert.subjectAltName).toBe('DNS:localhost');
    expect(cert.checkPrivateKey(require('node:crypto').createPrivateKey(fs.readFileSync(path.join(tlsDir, 'key.pem'))))).toBe(true);
    expect(fs.statSync(path.join(tlsDir, 'key.pem')).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(tlsDir, 'fingerprint'), 'utf8')).toBe(`${cert.fingerprint256}\n`);
    expect(appliance.controlPlane.tlsFingerprint).toBe(cert.fingerprint256);
    expect(logger.lines.some((l) => l.includes('generated a self-signed TLS certificate') && l.includes(cert.fingerprint256))).toBe(true);
    // The fingerprint openssl itself computes is the one shown.
    const opensslFingerprint = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', path.join(tlsDir, 'cert.pem')], { encoding: 'utf8' });
    expect(opensslFingerprint.trim()).toBe(`sha256 Fingerprint=${cert.fingerprint256}`);
  });

  it('serves the API over HTTPS that a verifying client accepts, and refuses plain HTTP on the TLS port', async () => {
    const health = await admin.get('/healthz');
    expect(health.status).toBe(200);
    expect(health.fingerprint).toBe(appliance.controlPlane.tlsFingerprint);
    // A client that does not trust the certificate is refused by its own verification.
    const stranger = new HttpsClient(appliance.controlPlane.port, '');
    await expect(stranger.get('/healthz')).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
    // Plain HTTP to the TLS port gets no API answer.
    const plain = await plainGet(appliance.controlPlane.port, '/healthz', 'localhost').catch((e: Error) => ({ status: 0, text: e.message }));
    expect(plain.status === 0 || plain.status === 400).toBe(true);
  });

  it('redirects every plain-HTTP request on the redirect port to https, same host and path', async () => {
    const port = appliance.controlPlane.redirectPort!;
    expect(port).toBeGreaterThan(0);
    const answer = await plainGet(port, '/api/v1/flows?sort=bytes&limit=5', `probe.example.net:${port}`);
    expect(answer.status).toBe(308);
    expect(answer.location).toBe(`https://probe.example.net:${appliance.controlPlane.port}/api/v1/flows?sort=bytes&limit=5`);
    // A Host header that is not a host name is not echoed: the address the client reached is used.
    const hostile = await plainGet(port, '/', 'evil.example/<script>');
    expect(hostile.status).toBe(308);
    expect(hostile.location).toBe(`https://127.0.0.1:${appliance.controlPlane.port}/`);
    // Nothing but the redirect is served there.
    expect((await plainGet(port, '/api/v1/auth/login', 'localhost')).status).toBe(308);
  });

  it('refuses every login before the console setup, with "setup not complete"', async () => {
    for (const password of ['must-not-work', 'admin', '']) {
      const login = await admin.post('/api/v1/auth/login', { username: 'admin', password: password || 'x' });
      expect(login.status).toBe(403);
      expect(login.body).toMatchObject({ error: 'setup_not_complete' });
      expect(login.body.message).toMatch(/setup not complete/i);
    }
    expect(fs.existsSync(path.join(dir, 'initial-admin-password'))).toBe(false);
  });

  it('rejects a bad password from the console and keeps refusing logins', async () => {
    const short = await setPasswordFromConsole(configFile, 'short');
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/too short/);
    expect((await admin.post('/api/v1/auth/login', { username: 'admin', password: 'short' })).status).toBe(403);
  });

  it('accepts logins once `flowprobe admin-password` set the password, with a Secure session cookie', async () => {
    const set = await setPasswordFromConsole(configFile, ADMIN_PASSWORD);
    expect(set).toMatchObject({ code: 0 });
    expect(set.stdout).toMatch(/created admin "admin"/);
    expect((await admin.post('/api/v1/auth/login', { username: 'admin', password: 'wrong-password' })).status).toBe(401);
    const login = await admin.post('/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
    expect(login.status).toBe(200);
    // The console's password is the admin's own: no forced change.
    expect(login.body.user).toMatchObject({ username: 'admin', role: 'admin', must_change_password: false });
    expect(admin.rawCookie).toMatch(/;\s*Secure/i);
    expect(admin.rawCookie).toMatch(/;\s*HttpOnly/i);
    expect((await admin.get('/api/v1/interfaces')).status).toBe(200);
  });

  it('shows the certificate (never the key) and rejects garbage, a wrong key, an expired or encrypted pair', async () => {
    const keyPem = fs.readFileSync(path.join(tlsDir, 'key.pem'), 'utf8');
    const keyBody = keyPem.split('\n')[1];
    const info = await admin.get('/api/v1/system/tls');
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ enabled: true, certificate: { fingerprint_sha256: appliance.controlPlane.tlsFingerprint, self_signed: true, expired: false, chain_length: 1 } });
    expect(info.body.certificate.subject).toContain('CN=localhost');
    expect(info.text).not.toMatch(/PRIVATE KEY/);
    expect(info.text).not.toContain(keyBody);

    const work = fs.mkdtempSync(path.join(dir, 'pairs-'));
    const good = opensslPair(work, 'good', 'localhost', 30);
    const other = opensslPair(work, 'other', 'localhost', 30);
    const expired = opensslPair(work, 'expired', 'localhost', -1);

    const garbage = await admin.put('/api/v1/system/tls', { certificate: 'hello', private_key: 'world' });
    expect(garbage.status).toBe(400);
    expect(garbage.body.message).toEqual(expect.arrayContaining([expect.stringMatching(/certificate: no PEM/), expect.stringMatching(/private_key: does not parse/)]));

    const truncated = await admin.put('/api/v1/system/tls', { certificate: good.cert.slice(0, 200) + good.cert.slice(-30), private_key: good.key });
    expect(truncated.status).toBe(400);
    expect(truncated.body.message.join(' ')).toMatch(/certificate: /);

    const wrongKey = await admin.put('/api/v1/system/tls', { certificate: good.cert, private_key: other.key });
    expect(wrongKey.status).toBe(400);
    expect(wrongKey.body.message).toEqual(['private_key: does not match the certificate']);

    const old = await admin.put('/api/v1/system/tls', { certificate: expired.cert, private_key: expired.key });
    expect(old.status).toBe(400);
    expect(old.body.message.join(' ')).toMatch(/certificate: expired on/);

    const encryptedKey = execFileSync('openssl', ['pkey', '-aes256', '-passout', 'pass:secret'], { input: good.key, encoding: 'utf8' });
    const encrypted = await admin.put('/api/v1/system/tls', { certificate: good.cert, private_key: encryptedKey });
    expect(encrypted.status).toBe(400);
    expect(encrypted.body.message.join(' ')).toMatch(/encrypted|passphrase|does not parse/);

    const unknownField = await admin.put('/api/v1/system/tls', { certificate: good.cert, private_key: good.key, extra: 1 });
    expect(unknownField.status).toBe(400);

    // Nothing was replaced by the refused uploads.
    expect(fs.readFileSync(path.join(tlsDir, 'key.pem'), 'utf8')).toBe(keyPem);
    expect((await admin.get('/healthz')).fingerprint).toBe(appliance.controlPlane.tlsFingerprint);
  });

  it('replaces the certificate from an admin upload without a restart; a viewer may not', async () => {
    const work = fs.mkdtempSync(path.join(dir, 'upload-'));
    const uploaded = opensslPair(work, 'uploaded', 'localhost', 90);
    const fingerprint = new X509Certificate(uploaded.cert).fingerprint256;

    expect((await admin.post('/api/v1/users', { username: 'viewer1', password: 'viewer-initial', role: 'viewer' })).status).toBe(201);
    const viewer = new HttpsClient(appliance.controlPlane.port, fs.readFileSync(path.join(tlsDir, 'cert.pem'), 'utf8'));
    expect((await viewer.post('/api/v1/auth/login', { username: 'viewer1', password: 'viewer-initial' })).status).toBe(200);
    expect((await viewer.put('/api/v1/system/tls', { certificate: uploaded.cert, private_key: uploaded.key })).status).toBe(403);

    const put = await admin.put('/api/v1/system/tls', { certificate: uploaded.cert, private_key: uploaded.key });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ enabled: true, certificate: { fingerprint_sha256: fingerprint, self_signed: true, expired: false } });
    expect(put.text).not.toMatch(/PRIVATE KEY/);
    expect(put.text).not.toContain(uploaded.key.split('\n')[1]);
    // Stored: key 0600, the new fingerprint for the console.
    expect(fs.readFileSync(path.join(tlsDir, 'key.pem'), 'utf8')).toBe(uploaded.key);
    expect(fs.statSync(path.join(tlsDir, 'key.pem')).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(tlsDir, 'fingerprint'), 'utf8')).toBe(`${fingerprint}\n`);
    // The next connection gets the new certificate from the same process.
    admin.trust(uploaded.cert);
    const after = await admin.get('/api/v1/system/tls');
    expect(after.status).toBe(200);
    expect(after.fingerprint).toBe(fingerprint);
  });

  it('keeps the uploaded certificate over a restart', async () => {
    const fingerprint = fs.readFileSync(path.join(tlsDir, 'fingerprint'), 'utf8').trim();
    await appliance.stop();
    appliance = await startAppliance(loadBootConfig(configFile, {}), { schedule: false, tls: { dir: tlsDir, hostname: 'localhost' } }, logger);
    expect(appliance.controlPlane.tlsFingerprint).toBe(fingerprint);
    const client = new HttpsClient(appliance.controlPlane.port, fs.readFileSync(path.join(tlsDir, 'cert.pem'), 'utf8'));
    expect((await client.get('/healthz')).fingerprint).toBe(fingerprint);
    expect(logger.lines.some((l) => l.includes('using the TLS certificate') && l.includes(fingerprint))).toBe(true);
  });

  it('answers the System page: network from the OS, disks, and reboot/shutdown "not available" outside the appliance', async () => {
    const client = new HttpsClient(appliance.controlPlane.port, fs.readFileSync(path.join(tlsDir, 'cert.pem'), 'utf8'));
    expect((await client.post('/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).status).toBe(200);
    const status = await client.get('/api/v1/system/appliance');
    expect(status.status).toBe(200);
    expect(status.body.power_control).toBe(false);
    // The management interface (the default route's) has the addresses the kernel reports through another path.
    expect(status.body.network.available).toBe(true);
    const route = JSON.parse(execFileSync('ip', ['-j', '-4', 'route', 'show', 'default'], { encoding: 'utf8' })) as { gateway?: string; dev?: string }[];
    const gateways = route.filter((r) => r.gateway).map((r) => ({ address: r.gateway, interface: r.dev }));
    expect(status.body.network.gateways).toEqual(expect.arrayContaining(gateways));
    for (const { interface: dev } of gateways) {
      const kernel = (os.networkInterfaces()[dev!] ?? []).map((a) => a.address.replace(/%.*$/, '')).sort();
      const reported = (status.body.network.interfaces as { name: string; addresses: { address: string }[] }[])
        .find((i) => i.name === dev)!
        .addresses.map((a) => a.address)
        .sort();
      expect(reported).toEqual(kernel);
    }
    const resolv = fs.readFileSync('/etc/resolv.conf', 'utf8').match(/^nameserver\s+(\S+)/gm)?.map((l) => l.split(/\s+/)[1]) ?? [];
    if (!fs.existsSync('/run/systemd/resolve/resolv.conf')) expect(status.body.network).toMatchObject({ dns: resolv, dns_source: '/etc/resolv.conf' });
    const dataDisk = status.body.disks.find((d: { role: string }) => d.role === 'data');
    expect(dataDisk.path).toBe(dir);
    expect(dataDisk.total).toBeGreaterThan(dataDisk.free);
    expect(status.body.disks.find((d: { role: string }) => d.role === 'root').path).toBe('/');
    // NTP is chrony's answer, or says why there is none (chrony is not installed on a development machine).
    let chrony = true;
    try {
      execFileSync('chronyc', ['-c', '-n', 'tracking'], { stdio: 'ignore', timeout: 5000 });
    } catch {
      chrony = false;
    }
    if (chrony) expect(status.body.ntp).toMatchObject({ available: true, stratum: expect.any(Number), leap_status: expect.any(String) });
    else expect(status.body.ntp).toMatchObject({ available: false, reason: expect.any(String) });

    const reboot = await client.post('/api/v1/system/reboot');
    expect(reboot.status).toBe(503);
    expect(reboot.body.message).toMatch(/not available/);
    expect((await client.post('/api/v1/system/shutdown')).status).toBe(503);
  });
});

describe('flowprobe tls-cert (for the console, before the first start)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-tls-cert-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function run(config: object): { status: number | null; stdout: string; stderr: string } {
    const file = path.join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
    fs.writeFileSync(file, toYaml({ sources: [{ type: 'pcap', path: CAPTURE }], database: { path: path.join(dir, 'fp.db') }, ...config }));
    const result = require('node:child_process').spawnSync(process.execPath, [CLI, 'tls-cert', '--config', file], { encoding: 'utf8' });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('creates the certificate once and prints its fingerprint; refuses when TLS is off', () => {
    const tlsDir = path.join(dir, 'tls');
    const first = run({ tls: { enabled: true, dir: tlsDir } });
    expect(first.status).toBe(0);
    const fingerprint = new X509Certificate(fs.readFileSync(path.join(tlsDir, 'cert.pem'))).fingerprint256;
    expect(first.stdout).toBe(`${fingerprint}\n`);
    expect(fs.statSync(path.join(tlsDir, 'key.pem')).mode & 0o777).toBe(0o600);
    // Again: the same certificate, not a new one.
    expect(run({ tls: { enabled: true, dir: tlsDir } }).stdout).toBe(`${fingerprint}\n`);
    const off = run({});
    expect(off.status).toBe(2);
    expect(off.stderr).toMatch(/tls\.enabled is false/);
  });
});
