import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startControlPlane, ControlPlane, createJsonLogger, INITIAL_PASSWORD_FILE } from '../src';
import { ACCOUNT_FREE_FAILURES } from '../src/auth/login-throttle';
import { WS_RECHECK_MS } from '../src/live/live.gateway';
import { dropPrefix, ready, testPrefix, testRedis } from './siem-redis';

/**
 * Regression tests of issue 12's classes on the real control plane (real
 * SQLite file, real Redis, HTTP and WebSocket over loopback; no capture).
 */

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: any;
}

/** HTTP from a chosen local address (127.0.0.x: several "clients" on one machine). */
function call(base: string, method: string, path: string, opts: { cookie?: string; token?: string; body?: unknown; from?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const body = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: `/api/v1${path}`,
        localAddress: opts.from,
        headers: {
          ...(opts.cookie ? { cookie: opts.cookie } : {}),
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}),
        },
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
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function login(base: string, username: string, password: string, from?: string): Promise<{ status: number; cookie: string; answer: Answer }> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const body = Buffer.from(JSON.stringify({ username, password }));
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: 'POST', path: '/api/v1/auth/login', localAddress: from, headers: { 'content-type': 'application/json', 'content-length': String(body.length) } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => {
          const cookie = (res.headers['set-cookie']?.[0] ?? '').split(';')[0];
          resolve({ status: res.statusCode ?? 0, cookie, answer: { status: res.statusCode ?? 0, headers: res.headers, json: text } });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('security regressions on the real control plane', () => {
  const prefix = testPrefix();
  const dir = mkdtempSync(join(tmpdir(), 'flowprobe-security-'));
  const stateDir = join(dir, 'state');
  const dbPath = join(stateDir, 'flowprobe.db');
  let cp: ControlPlane;
  let admin: string;
  const logged: string[] = [];
  const write = process.stdout.write.bind(process.stdout);

  beforeAll(async () => {
    // Capture the JSON log lines (stdout) of the start: the Redis URL carries a password.
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      logged.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
    const base = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    cp = await startControlPlane(
      {
        http: { port: 0, host: '127.0.0.1' },
        // The shared Redis has no password: ioredis warns and goes on, so the URL is logged on connect.
        redis: { url: `redis://:hunter2-Redis-Secret@${base.host}`, keyPrefix: prefix },
        database: { path: dbPath },
        localNetworks: [],
        // No initial password given: a generated one goes to the password file.
        auth: { loginAttemptsPerMinute: 1000 },
        schedule: false,
      },
      [],
      createJsonLogger(),
    );
    for (let i = 0; i < 100 && !logged.join('').includes('Connected to Redis'); i++) await new Promise((r) => setTimeout(r, 50));
  });

  afterAll(async () => {
    process.stdout.write = write;
    await cp?.close();
    const redis = testRedis();
    await ready(redis);
    await dropPrefix(redis, prefix);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('redacts the Redis password in every log line and in the system API', async () => {
    const text = logged.join('');
    expect(text).toContain('Connected to Redis redis://***@');
    expect(text).not.toContain('hunter2-Redis-Secret');
  });

  it('creates the database, its WAL/SHM and the initial password file 0600 in a 0700 folder, and removes the file once the password is changed', async () => {
    const mode = (p: string) => statSync(p).mode & 0o777;
    expect(mode(stateDir)).toBe(0o700);
    for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`, join(stateDir, INITIAL_PASSWORD_FILE)]) {
      expect({ f, mode: mode(f).toString(8) }).toEqual({ f, mode: '600' });
    }
    const initial = readFileSync(join(stateDir, INITIAL_PASSWORD_FILE), 'utf8').trim();
    const first = await login(cp.url, 'admin', initial);
    expect(first.status).toBe(200);
    expect((await call(cp.url, 'POST', '/users/me/password', { cookie: first.cookie, body: { current_password: initial, new_password: 'admin-secret-1' } })).status).toBe(204);
    expect(existsSync(join(stateDir, INITIAL_PASSWORD_FILE))).toBe(false);
    admin = first.cookie;
    const system = await call(cp.url, 'GET', '/system', { cookie: admin });
    expect(system.json.redis.url).toMatch(/^redis:\/\/\*\*\*@/);
  });

  it('keeps one admin when two admins demote each other at the same moment', async () => {
    expect((await call(cp.url, 'POST', '/users', { cookie: admin, body: { username: 'admin2', password: 'admin2-initial', role: 'admin' } })).status).toBe(201);
    const a2 = await login(cp.url, 'admin2', 'admin2-initial');
    expect((await call(cp.url, 'POST', '/users/me/password', { cookie: a2.cookie, body: { current_password: 'admin2-initial', new_password: 'admin2-secret-1' } })).status).toBe(204);
    const all = (await call(cp.url, 'GET', '/users', { cookie: admin })).json as { id: number; username: string }[];
    const id = (name: string) => all.find((u) => u.username === name)!.id;
    const passwords: Record<string, string> = { admin: 'admin-secret-1', admin2: 'admin2-secret-1' };
    for (let round = 0; round < 5; round++) {
      const one = await login(cp.url, 'admin', passwords.admin);
      const two = await login(cp.url, 'admin2', passwords.admin2);
      // Each demotes the other, at the same moment.
      const results = await Promise.all([
        call(cp.url, 'PATCH', `/users/${id('admin2')}`, { cookie: one.cookie, body: { role: 'viewer' } }),
        call(cp.url, 'PATCH', `/users/${id('admin')}`, { cookie: two.cookie, body: { role: 'viewer' } }),
      ]);
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect([400, 401, 403]).toContain(results.find((r) => r.status !== 200)!.status);
      const survivor = results[0].status === 200 ? 'admin' : 'admin2';
      const other = survivor === 'admin' ? 'admin2' : 'admin';
      const s = await login(cp.url, survivor, passwords[survivor]);
      const admins = ((await call(cp.url, 'GET', '/users', { cookie: s.cookie })).json as { username: string; role: string }[]).filter((u) => u.role === 'admin');
      expect(admins.map((u) => u.username)).toEqual([survivor]);
      expect((await call(cp.url, 'PATCH', `/users/${id(other)}`, { cookie: s.cookie, body: { role: 'admin' } })).status).toBe(200);
    }
    admin = (await login(cp.url, 'admin', passwords.admin)).cookie;
  });

  it('revokes the sessions and API tokens of a user whose password an admin resets; admins list and revoke any token', async () => {
    expect((await call(cp.url, 'POST', '/users', { cookie: admin, body: { username: 'carol', password: 'carol-initial-1', role: 'viewer' } })).status).toBe(201);
    const carol = await login(cp.url, 'carol', 'carol-initial-1');
    expect((await call(cp.url, 'POST', '/users/me/password', { cookie: carol.cookie, body: { current_password: 'carol-initial-1', new_password: 'carol-secret-2' } })).status).toBe(204);
    const t1 = (await call(cp.url, 'POST', '/users/me/tokens', { cookie: carol.cookie, body: { name: 'one' } })).json;
    const t2 = (await call(cp.url, 'POST', '/users/me/tokens', { cookie: carol.cookie, body: { name: 'two' } })).json;
    const carolId = ((await call(cp.url, 'GET', '/users', { cookie: admin })).json as { id: number; username: string }[]).find((u) => u.username === 'carol')!.id;
    const listed = await call(cp.url, 'GET', `/users/${carolId}/tokens`, { cookie: admin });
    expect(listed.json.map((t: { name: string }) => t.name)).toEqual(['one', 'two']);
    expect(JSON.stringify(listed.json)).not.toContain(t1.token);
    expect((await call(cp.url, 'GET', `/users/${carolId}/tokens`, { cookie: carol.cookie })).status).toBe(403);
    expect((await call(cp.url, 'DELETE', `/users/${carolId}/tokens/${t1.id}`, { cookie: admin })).status).toBe(204);
    expect((await call(cp.url, 'GET', '/interfaces', { token: t1.token })).status).toBe(401);
    expect((await call(cp.url, 'GET', '/interfaces', { token: t2.token })).status).toBe(200);
    // The reset: session and the remaining token stop working at once.
    expect((await call(cp.url, 'PATCH', `/users/${carolId}`, { cookie: admin, body: { password: 'carol-reset-3' } })).status).toBe(200);
    expect((await call(cp.url, 'GET', '/interfaces', { cookie: carol.cookie })).status).toBe(401);
    expect((await call(cp.url, 'GET', '/interfaces', { token: t2.token })).status).toBe(401);
    expect((await call(cp.url, 'GET', `/users/${carolId}/tokens`, { cookie: admin })).json).toEqual([]);
  });

  it('closes a WebSocket within seconds of its user being deleted, demoted or reset, and refuses a foreign Origin', async () => {
    const base = cp.url.replace('http', 'ws');
    const openSocket = async (cookie: string) => {
      const ws = new WebSocket(`${base}/api/v1/live`, { headers: { cookie } });
      await new Promise<void>((resolve, reject) => {
        ws.once('message', () => resolve());
        ws.once('close', (code) => reject(new Error(`closed ${code}`)));
      });
      const closed = new Promise<{ code: number; atMs: number }>((resolve) => ws.once('close', (code) => resolve({ code, atMs: Date.now() })));
      return { ws, closed };
    };
    const user = async (name: string, role = 'viewer') => {
      expect((await call(cp.url, 'POST', '/users', { cookie: admin, body: { username: name, password: `${name}-initial-1`, role } })).status).toBe(201);
      const s = await login(cp.url, name, `${name}-initial-1`);
      expect((await call(cp.url, 'POST', '/users/me/password', { cookie: s.cookie, body: { current_password: `${name}-initial-1`, new_password: `${name}-secret-2` } })).status).toBe(204);
      const id = ((await call(cp.url, 'GET', '/users', { cookie: admin })).json as { id: number; username: string }[]).find((u) => u.username === name)!.id;
      return { id, cookie: s.cookie };
    };
    const changes: [string, (id: number) => Promise<Answer>][] = [
      ['deleted', (id) => call(cp.url, 'DELETE', `/users/${id}`, { cookie: admin })],
      ['promoted', (id) => call(cp.url, 'PATCH', `/users/${id}`, { cookie: admin, body: { role: 'admin' } })],
      ['reset', (id) => call(cp.url, 'PATCH', `/users/${id}`, { cookie: admin, body: { password: 'reset-by-admin-1' } })],
      ['flagged for a password change', (id) => call(cp.url, 'PATCH', `/users/${id}`, { cookie: admin, body: { must_change_password: true } })],
    ];
    for (const [what, change] of changes) {
      const u = await user(`ws-${what.split(' ')[0]}`);
      const s = await openSocket(u.cookie);
      const changedAtMs = Date.now();
      expect([200, 204]).toContain((await change(u.id)).status);
      const { code, atMs } = await s.closed;
      const afterMs = atMs - changedAtMs;
      expect({ what, code: [4401, 4403].includes(code) }).toEqual({ what, code: true });
      expect(afterMs).toBeLessThan(WS_RECHECK_MS + 3000);
    }
    const foreign = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${base}/api/v1/live`, { headers: { cookie: admin, origin: 'https://evil.example' } });
      ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(foreign).toBe(403);
  });

  it('throttles logins per account (Retry-After) without locking the admin out from an address it used before', async () => {
    // An attacker at 127.0.0.9 guesses the admin password.
    const statuses: number[] = [];
    let retryAfter: string | string[] | undefined;
    for (let i = 0; i < ACCOUNT_FREE_FAILURES + 3; i++) {
      const r = await login(cp.url, 'admin', `guess-${i}`, '127.0.0.9');
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.answer.headers['retry-after'];
    }
    expect(statuses.slice(0, ACCOUNT_FREE_FAILURES)).toEqual(Array(ACCOUNT_FREE_FAILURES).fill(401));
    expect(statuses[statuses.length - 1]).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    // From another new address the account is locked as well, even with the right password...
    expect((await login(cp.url, 'admin', 'admin-secret-1', '127.0.0.10')).status).toBe(429);
    // ...but the admin's own address (127.0.0.1 logged in before) still gets in.
    expect((await login(cp.url, 'admin', 'admin-secret-1', '127.0.0.1')).status).toBe(200);
    // Unknown accounts are throttled alike (a lock reveals nothing).
    const ghost: number[] = [];
    for (let i = 0; i < ACCOUNT_FREE_FAILURES + 2; i++) ghost.push((await login(cp.url, 'nobody-here', 'x', '127.0.0.9')).status);
    expect(ghost[ghost.length - 1]).toBe(429);
  });
});
