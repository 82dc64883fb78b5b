import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get, IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startControlPlane, ControlPlane } from '../src';
import { dropPrefix, ready, testPrefix, testRedis } from './siem-redis';

/**
 * The portal served compressed by the real control plane (real Redis, real
 * SQLite file, no capture): brotli or gzip as the client asks, the bytes
 * unchanged once decompressed; API answers are not compressed.
 */
describe('portal static files', () => {
  const prefix = testPrefix();
  const dir = mkdtempSync(join(tmpdir(), 'flowprobe-portal-static-'));
  const portalDir = join(dir, 'browser');
  // A bundle-like script: repetitive text, far over the 1 KiB compression threshold.
  const script = Array.from({ length: 400 }, (_, i) => `export const value${i} = { label: "chart ${i}", color: "#0072b2" };`).join('\n');
  const index = `<!doctype html><html><head><title>flowprobe</title></head><body><app-root></app-root>${' '.repeat(2048)}</body></html>`;
  let cp: ControlPlane;

  function fetchRaw(path: string, acceptEncoding?: string, cookie?: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      get(`${cp.url}${path}`, { headers: { ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}), ...(cookie ? { cookie } : {}) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
  }

  beforeAll(async () => {
    mkdirSync(portalDir);
    writeFileSync(join(portalDir, 'main-ABC123.js'), script);
    writeFileSync(join(portalDir, 'index.html'), index);
    cp = await startControlPlane(
      {
        http: { port: 0, host: '127.0.0.1' },
        redis: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', keyPrefix: prefix },
        database: { path: join(dir, 'flowprobe.db') },
        localNetworks: ['192.168.0.0/16'],
        auth: { initialAdminPassword: 'initial-admin-1' },
        schedule: false,
        portalDir,
      },
      [],
      false,
    );
  });

  afterAll(async () => {
    await cp?.close();
    const redis = testRedis();
    await ready(redis);
    await dropPrefix(redis, prefix);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends brotli when accepted (preferred over gzip), gzip otherwise, plain without Accept-Encoding', async () => {
    const br = await fetchRaw('/main-ABC123.js', 'gzip, deflate, br');
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['vary']).toMatch(/Accept-Encoding/i);
    expect(brotliDecompressSync(br.body).toString('utf8')).toBe(script);
    expect(br.body.length).toBeLessThan(script.length / 3);

    const gz = await fetchRaw('/main-ABC123.js', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString('utf8')).toBe(script);

    const plain = await fetchRaw('/main-ABC123.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString('utf8')).toBe(script);
  });

  it('compresses the index.html deep-link fallback too, with the CSP nonce of the response on <app-root>', async () => {
    const res = await fetchRaw('/dashboard', 'br');
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(String(res.headers['content-security-policy']))?.[1];
    expect(nonce).toBeDefined();
    expect(brotliDecompressSync(res.body).toString('utf8')).toBe(index.replace('<app-root>', `<app-root ngCspNonce="${nonce}">`));
  });

  it('leaves API answers uncompressed, even large ones', async () => {
    const login = await fetch(`${cp.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'initial-admin-1' }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const res = await fetchRaw('/api/docs/openapi.json', 'gzip, br', cookie);
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.length).toBeGreaterThan(4096);
    expect(JSON.parse(res.body.toString('utf8')).openapi).toMatch(/^3\./);
  });
});
