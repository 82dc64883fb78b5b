import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureDemoCapture } from '../demo/demo-capture';
import { freePort } from './redis-process';

export const PROCESS_ADMIN_PASSWORD = 'initial-secret-0';

/** An HTTP answer: status, headers and the body (parsed when JSON). */
export interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/**
 * `flowprobe run --config FILE` as a child process on the looping demo
 * capture (real-time pace, so packet counters keep rising for as long as it
 * runs), with its own port, database folder and Redis key prefix. Security
 * tests use it to see that nothing a client sends ends the process.
 */
export class ApplianceProcess {
  child: ChildProcess | null = null;
  port = 0;
  log = '';
  exitCode: number | null = null;
  /** Top-level boot-config keys replacing the defaults below (e.g. `sources`, `capture`). */
  configOverrides: Record<string, unknown> = {};

  constructor(
    readonly dir: string,
    readonly redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    readonly keyPrefix = `test:sec:${process.pid}:${Date.now()}:`,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get databasePath(): string {
    return path.join(this.dir, 'state', 'flowprobe.db');
  }

  /** Writes the boot config and starts the process; resolves once /healthz answers (or rejects if it exits first). */
  async start(extraEnv: Record<string, string> = {}, waitHealthy = true): Promise<void> {
    this.port = await freePort();
    const configFile = path.join(this.dir, 'flowprobe.json.yaml');
    // JSON is YAML.
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        sources: [{ name: 'demo0', type: 'pcap', path: ensureDemoCapture(), loop: true, speed: 'realtime', shift_to_now: true }],
        http: { port: this.port, host: '127.0.0.1' },
        redis: { url: this.redisUrl, key_prefix: this.keyPrefix, publish_interval_ms: 500 },
        database: { path: this.databasePath },
        local_networks: ['192.168.0.0/16', '10.0.0.0/8'],
        capture: { workers: 1, flow_capacity: 16384, host_capacity: 4096 },
        auth: { login_attempts_per_minute: 1000 },
        ...this.configOverrides,
      }),
    );
    this.exitCode = null;
    this.log = '';
    const child = spawn(process.execPath, [path.join(__dirname, '..', '..', 'bin', 'flowprobe.js'), 'run', '--config', configFile], {
      env: { ...process.env, FLOWPROBE_ADMIN_PASSWORD: PROCESS_ADMIN_PASSWORD, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.on('data', (d: Buffer) => (this.log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.log += d.toString()));
    child.once('exit', (code, signal) => (this.exitCode = code ?? (signal ? 128 : -1)));
    if (!waitHealthy) return;
    const end = Date.now() + 120_000;
    while (Date.now() < end) {
      if (this.exitCode !== null) throw new Error(`flowprobe exited with ${this.exitCode} during start:\n${this.log}`);
      const ok = await fetch(`${this.url}/healthz`).then((r) => r.status === 200, () => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`flowprobe did not answer /healthz within 120 s:\n${this.log}`);
  }

  get alive(): boolean {
    return this.child !== null && this.exitCode === null;
  }

  /** Resolves with the exit code, or null if it is still running after `timeoutMs`. */
  async waitExit(timeoutMs: number): Promise<number | null> {
    const end = Date.now() + timeoutMs;
    while (this.exitCode === null && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    return this.exitCode;
  }

  /** SIGTERM, then SIGKILL after 15 s; always leaves no child behind. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || this.exitCode !== null) return;
    child.kill('SIGTERM');
    if ((await this.waitExit(15_000)) === null) {
      child.kill('SIGKILL');
      await this.waitExit(5_000);
    }
  }

  /** Log lines that are JSON objects (the control plane logs JSON lines). */
  jsonLogLines(): Record<string, unknown>[] {
    return this.log
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => {
        try {
          return JSON.parse(l) as Record<string, unknown>;
        } catch {
          return {};
        }
      });
  }
}

/** A minimal HTTP client keeping one session cookie. */
export class HttpClient {
  cookie = '';

  constructor(private readonly base: string) {}

  async request(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const res = await fetch(this.base + url, {
      method,
      headers: {
        ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      redirect: 'manual',
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie && setCookie.startsWith('flowprobe_session=')) this.cookie = setCookie.split(';')[0];
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Non-JSON bodies stay text.
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  get = (url: string, headers?: Record<string, string>) => this.request('GET', url, undefined, headers);
  post = (url: string, body?: unknown, headers?: Record<string, string>) => this.request('POST', url, body, headers);
  put = (url: string, body?: unknown, headers?: Record<string, string>) => this.request('PUT', url, body, headers);
  patch = (url: string, body?: unknown, headers?: Record<string, string>) => this.request('PATCH', url, body, headers);
  delete = (url: string, headers?: Record<string, string>) => this.request('DELETE', url, undefined, headers);

  /** Logs in; with `newPassword`, also changes the initial password. */
  async login(username: string, password: string, newPassword?: string): Promise<void> {
    const login = await this.post('/api/v1/auth/login', { username, password });
    if (login.status !== 200) throw new Error(`login ${username}: ${login.status} ${login.text}`);
    if (newPassword) {
      const change = await this.post('/api/v1/users/me/password', { current_password: password, new_password: newPassword });
      if (change.status !== 204) throw new Error(`password change ${username}: ${change.status} ${change.text}`);
    }
  }
}

/** Packets counted so far on every interface (admin or viewer client). */
export async function totalPackets(client: HttpClient): Promise<number> {
  const answer = await client.get('/api/v1/interfaces');
  if (answer.status !== 200) throw new Error(`interfaces: ${answer.status} ${answer.text}`);
  return (answer.body as { packets: number }[]).reduce((sum, i) => sum + i.packets, 0);
}

export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
