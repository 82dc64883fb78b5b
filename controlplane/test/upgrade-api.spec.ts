import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startControlPlane, ControlPlane, createJsonLogger } from '../src';
import { dropPrefix, ready, testPrefix, testRedis } from './siem-redis';

/**
 * POST /api/v1/system/upgrade on the real control plane with real rauc
 * bundles (rauc 1.8 and openssl, from the Makefile's apt list): a good bundle
 * is checked and queued for the root installer; a bad signature, a truncated
 * bundle and another compatible string are refused with 400 and a reason, and
 * leave nothing queued. The installer itself (writing a slot, rebooting,
 * rolling back) runs in the VM: packer/test/upgrade-test.sh.
 */

interface Answer {
  status: number;
  json: any;
}

function call(base: string, method: string, path: string, opts: { cookie?: string; json?: unknown; file?: Buffer; type?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const body = opts.file ?? (opts.json === undefined ? undefined : Buffer.from(JSON.stringify(opts.json)));
    const type = opts.type ?? (opts.file ? 'application/octet-stream' : 'application/json');
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: `/api/v1${path}`,
        headers: { ...(opts.cookie ? { cookie: opts.cookie } : {}), ...(body ? { 'content-type': type, 'content-length': String(body.length) } : {}) },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => {
          let json: unknown = text;
          try {
            json = JSON.parse(text);
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function login(base: string, username: string, password: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const body = Buffer.from(JSON.stringify({ username, password }));
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: 'POST', path: '/api/v1/auth/login', headers: { 'content-type': 'application/json', 'content-length': String(body.length) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve((res.headers['set-cookie']?.[0] ?? '').split(';')[0]));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('update bundles through the API (real rauc)', () => {
  const prefix = testPrefix();
  const dir = mkdtempSync(join(tmpdir(), 'flowprobe-upgrade-api-'));
  const dataDir = join(dir, 'data');
  const raucDir = join(dir, 'rauc');
  const bundles = join(dir, 'bundles');
  const MAX = 2 * 1024 * 1024;
  let cp: ControlPlane;
  let admin: string;
  let viewer: string;

  /** A bundle of a small random payload: COMPATIBLE, signed with KEY/CERT. */
  function bundle(name: string, compatible: string, key: string, cert: string): string {
    const content = join(bundles, `${name}.d`);
    mkdirSync(content, { recursive: true });
    writeFileSync(join(content, 'rootfs.ext4'), randomBytes(300_000));
    writeFileSync(join(content, 'manifest.raucm'), `[update]\ncompatible=${compatible}\nversion=9.8.7-${name}\n\n[bundle]\nformat=verity\n\n[image.rootfs]\nfilename=rootfs.ext4\n`);
    const out = join(bundles, `${name}.raucb`);
    execFileSync('rauc', ['bundle', `--cert=${cert}`, `--key=${key}`, content, out], { stdio: 'pipe' });
    return out;
  }
  function pair(name: string): { key: string; cert: string } {
    const key = join(dir, `${name}.key`);
    const cert = join(dir, `${name}.cert`);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-keyout', key, '-out', cert], { stdio: 'pipe' });
    return { key, cert };
  }

  beforeAll(async () => {
    mkdirSync(raucDir, { recursive: true });
    mkdirSync(bundles, { recursive: true });
    const trusted = pair('trusted');
    pair('untrusted');
    writeFileSync(join(raucDir, 'keyring.pem'), readFileSync(trusted.cert));
    writeFileSync(join(raucDir, 'system.conf'), '[system]\ncompatible=flowprobe-x86_64\nbootloader=grub\n\n[keyring]\npath=keyring.pem\n');
    const base = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    cp = await startControlPlane(
      {
        http: { port: 0, host: '127.0.0.1' },
        redis: { url: `redis://${base.host}`, keyPrefix: prefix },
        database: { path: join(dataDir, 'flowprobe.db') },
        localNetworks: [],
        auth: { initialAdminPassword: 'upgrade-admin-1', loginAttemptsPerMinute: 1000 },
        upgrade: { raucConfig: join(raucDir, 'system.conf'), dir: dataDir, maxBundleBytes: MAX },
        schedule: false,
      },
      [],
      createJsonLogger(),
    );
    // First logins must change the password before anything else.
    admin = await login(cp.url, 'admin', 'upgrade-admin-1');
    expect((await call(cp.url, 'POST', '/users/me/password', { cookie: admin, json: { current_password: 'upgrade-admin-1', new_password: 'upgrade-admin-2' } })).status).toBe(204);
    admin = await login(cp.url, 'admin', 'upgrade-admin-2');
    expect((await call(cp.url, 'POST', '/users', { cookie: admin, json: { username: 'watcher', password: 'watcher-pass-1', role: 'viewer' } })).status).toBe(201);
    viewer = await login(cp.url, 'watcher', 'watcher-pass-1');
    expect((await call(cp.url, 'POST', '/users/me/password', { cookie: viewer, json: { current_password: 'watcher-pass-1', new_password: 'watcher-pass-2' } })).status).toBe(204);
    viewer = await login(cp.url, 'watcher', 'watcher-pass-2');
  });

  afterAll(async () => {
    await cp?.close();
    const redis = testRedis();
    await ready(redis);
    await dropPrefix(redis, prefix);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  const queued = () => existsSync(join(dataDir, 'upload', 'request')) || existsSync(join(dataDir, 'upload', 'bundle.raucb'));

  it('reports no upgrade and the bound before any upload', async () => {
    const s = await call(cp.url, 'GET', '/system/upgrade', { cookie: viewer });
    expect(s.status).toBe(200);
    expect(s.json).toMatchObject({ available: true, state: 'none', max_bundle_bytes: MAX });
  });

  it('refuses a bundle signed by a key the appliance does not trust, before anything is queued', async () => {
    const file = readFileSync(bundle('badsig', 'flowprobe-x86_64', join(dir, 'untrusted.key'), join(dir, 'untrusted.cert')));
    const r = await call(cp.url, 'POST', '/system/upgrade', { cookie: admin, file });
    expect(r.status).toBe(400);
    expect(r.json.message).toMatch(/Bundle refused \(nothing was written\): .*(signature|verif|certificate)/i);
    expect(queued()).toBe(false);
  });

  it('refuses a truncated bundle', async () => {
    const whole = readFileSync(bundle('whole', 'flowprobe-x86_64', join(dir, 'trusted.key'), join(dir, 'trusted.cert')));
    const r = await call(cp.url, 'POST', '/system/upgrade', { cookie: admin, file: whole.subarray(0, Math.floor(whole.length / 2)) });
    expect(r.status).toBe(400);
    expect(r.json.message).toMatch(/Bundle refused/);
    expect(queued()).toBe(false);
  });

  it('refuses a bundle for another compatible string', async () => {
    const file = readFileSync(bundle('other', 'other-arm64', join(dir, 'trusted.key'), join(dir, 'trusted.cert')));
    const r = await call(cp.url, 'POST', '/system/upgrade', { cookie: admin, file });
    expect(r.status).toBe(400);
    expect(r.json.message).toContain('it is for "other-arm64", this appliance is "flowprobe-x86_64"');
    expect(queued()).toBe(false);
  });

  it('refuses a body beyond the bound (413), an empty body, JSON, and a viewer', async () => {
    expect((await call(cp.url, 'POST', '/system/upgrade', { cookie: admin, file: Buffer.alloc(MAX + 1) })).status).toBe(413);
    expect((await call(cp.url, 'POST', '/system/upgrade', { cookie: admin, file: Buffer.alloc(0) })).status).toBe(400);
    expect((await call(cp.url, 'POST', '/system/upgrade', { cookie: admin, json: { bundle: 'x' } })).status).toBe(415);
    expect((await call(cp.url, 'POST', '/system/upgrade', { cookie: viewer, file: Buffer.alloc(10) })).status).toBe(403);
    expect((await call(cp.url, 'POST', '/system/upgrade', { file: Buffer.alloc(10) })).status).toBe(401);
    expect(queued()).toBe(false);
  });

  it('checks and queues a good bundle for the installer (202), and refuses a second one while it waits (409)', async () => {
    const file = readFileSync(bundle('good', 'flowprobe-x86_64', join(dir, 'trusted.key'), join(dir, 'trusted.cert')));
    const r = await call(cp.url, 'POST', '/system/upgrade', { cookie: admin, file });
    expect(r.status).toBe(202);
    expect(r.json).toEqual({ version: '9.8.7-good', compatible: 'flowprobe-x86_64', state: 'queued' });
    expect(readFileSync(join(dataDir, 'upload', 'bundle.raucb')).equals(file)).toBe(true);
    expect(readFileSync(join(dataDir, 'upload', 'request'), 'utf8')).toBe('9.8.7-good\n');
    expect(statSync(join(dataDir, 'upload', 'bundle.raucb')).mode & 0o077).toBe(0o040 & 0o077);
    expect((await call(cp.url, 'GET', '/system/upgrade', { cookie: admin })).json.state).toBe('queued');
    expect((await call(cp.url, 'POST', '/system/upgrade', { cookie: admin, file })).status).toBe(409);
  });

  it('reads the installer state file: a rolled-back upgrade and its reason; unknown keys and states are ignored', async () => {
    rmSync(join(dataDir, 'upload'), { recursive: true, force: true });
    mkdirSync(join(dataDir, 'upgrade'), { recursive: true });
    writeFileSync(
      join(dataDir, 'upgrade', 'state'),
      'state=rolled-back\nversion=2.0.0\nslot=A\nfrom_version=1.9.0\nfrom_slot=B\nreason=flowprobe 2.0.0 did not start: exit-code\nevil=1\nat=2026-12-07T08:00:00Z\n',
    );
    const s = (await call(cp.url, 'GET', '/system/upgrade', { cookie: viewer })).json;
    expect(s).toMatchObject({ state: 'rolled-back', version: '2.0.0', from_version: '1.9.0', slot: 'A', from_slot: 'B', reason: 'flowprobe 2.0.0 did not start: exit-code' });
    expect(s.evil).toBeUndefined();
    writeFileSync(join(dataDir, 'upgrade', 'state'), 'state=pwned\n');
    expect((await call(cp.url, 'GET', '/system/upgrade', { cookie: viewer })).json.state).toBe('none');
  });
});
