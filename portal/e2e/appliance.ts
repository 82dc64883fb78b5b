import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The repository root: the first parent whose package.json declares workspaces (works from e2e/ and dist-bench/e2e/). */
function findRepoRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && 'workspaces' in JSON.parse(readFileSync(manifest, 'utf8'))) return dir;
  }
  throw new Error(`no workspace root above ${from}`);
}

export const REPO_ROOT = findRepoRoot(__dirname);
/** First-start admin password given to the appliance (FLOWPROBE_ADMIN_PASSWORD); changed at first login. */
export const INITIAL_ADMIN_PASSWORD = 'e2e-initial-Pa55';
export const FLOWPROBE_BIN = join(REPO_ROOT, 'appliance', 'bin', 'flowprobe.js');
export const PORTAL_DIST = join(REPO_ROOT, 'portal', 'dist', 'portal', 'browser');
/**
 * The shared capture the e2e suite replays: 162 flows over 176 s (Amazon, TLS, DNS, HTTP...). From
 * FLOWPROBE_PCAPS, else the `shared/` folder beside the repository (as the dataplane specs).
 */
export const E2E_CAPTURE = join(process.env['FLOWPROBE_PCAPS'] ?? join(REPO_ROOT, '..', 'shared', 'pcaps', 'ndpi'), 'alexa-app.pcapng');
/** How long the appliance may take to answer /healthz, ms (two shared cores, cold caches). */
const BOOT_TIMEOUT_MS = 60_000;

/** A flowprobe process started by a test. */
export interface RunningAppliance {
  baseUrl: string;
  port: number;
  dir: string;
  /** The boot config file it runs with (for `flowprobe admin-password --config`). */
  configPath: string;
  /** Plain-HTTP redirect port, in appliance mode. */
  redirectPort?: number;
  /** Last lines of its output, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** Boot config for `flowprobe run` (YAML, keys of appliance/src/boot-config.ts). */
export function bootConfig(options: {
  port: number;
  databasePath: string;
  capture: string;
  redisUrl: string;
  redisKeyPrefix: string;
  /** Appliance mode: HTTPS with a generated certificate in `tlsDir`, plain HTTP on `redirectPort` redirecting, login only after the console setup. */
  appliance?: { tlsDir: string; redirectPort: number };
  /** capture.active_timeout_s (the History page's suite: records within seconds). Default: the product's. */
  activeTimeoutS?: number;
  /** names.geoip: MaxMind DB files (the test's own, see writeTestGeoDatabases). */
  geoip?: { countryDb: string; asnDb: string };
  /** portal.path: another build of the portal than PORTAL_DIST (the benchmark compares two). */
  portalDir?: string;
}): string {
  const appliance = options.appliance
    ? ['tls:', '  enabled: true', `  dir: ${JSON.stringify(options.appliance.tlsDir)}`, `  redirect_port: ${options.appliance.redirectPort}`, 'auth:', '  require_setup: true']
    : [];
  return [
    'sources:',
    '  - name: e2e',
    '    type: pcap',
    `    path: ${JSON.stringify(options.capture)}`,
    '    loop: true',
    '    speed: realtime',
    '    shift_to_now: true',
    'http:',
    `  port: ${options.port}`,
    '  host: 127.0.0.1',
    'redis:',
    `  url: ${JSON.stringify(options.redisUrl)}`,
    // Own keys on the shared Redis, so parallel suites and `make run` do not mix.
    `  key_prefix: ${JSON.stringify(options.redisKeyPrefix)}`,
    'database:',
    `  path: ${JSON.stringify(options.databasePath)}`,
    // The capture's client (172.16.42.216) is local: the dashboard's download/upload split has traffic to show.
    'local_networks: [192.168.0.0/16, 10.0.0.0/8, 172.16.0.0/12]',
    'capture:',
    // One worker: replayed traffic is light and the machine is shared.
    '  workers: 1',
    ...(options.activeTimeoutS !== undefined ? [`  active_timeout_s: ${options.activeTimeoutS}`] : []),
    ...(options.geoip
      ? ['names:', '  geoip:', `    country_db: ${JSON.stringify(options.geoip.countryDb)}`, `    asn_db: ${JSON.stringify(options.geoip.asnDb)}`]
      : []),
    'portal:',
    `  path: ${JSON.stringify(options.portalDir ?? PORTAL_DIST)}`,
    ...appliance,
    '',
  ].join('\n');
}

/**
 * Starts the real appliance (`flowprobe run`) on the shared capture with a temp
 * SQLite file and the shared Redis, serving the built portal; resolves once
 * /healthz answers.
 */
export async function startAppliance(
  adminPassword = INITIAL_ADMIN_PASSWORD,
  mode: 'development' | 'appliance' = 'development',
  extra: { activeTimeoutS?: number; geoip?: { countryDb: string; asnDb: string }; portalDir?: string } = {},
): Promise<RunningAppliance> {
  // An appliance someone already started (fresh database, FLOWPROBE_ADMIN_PASSWORD as below): for debugging the suite.
  const external = process.env['FLOWPROBE_E2E_URL'];
  if (external) return { baseUrl: external, port: Number(new URL(external).port), dir: '', configPath: '', logs: () => '', stop: async () => undefined };
  for (const needed of [E2E_CAPTURE, FLOWPROBE_BIN, join(REPO_ROOT, 'appliance', 'dist', 'cli.js'), join(PORTAL_DIST, 'index.html')]) {
    if (!existsSync(needed)) throw new Error(`${needed} is missing (build with \`make build\`; the capture folder is FLOWPROBE_PCAPS or ../shared/pcaps/ndpi)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'flowprobe-e2e-'));
  const port = await freePort();
  const configPath = join(dir, 'flowprobe.yaml');
  const redirectPort = mode === 'appliance' ? await freePort() : undefined;
  writeFileSync(
    configPath,
    bootConfig({
      port,
      databasePath: join(dir, 'flowprobe.db'),
      capture: E2E_CAPTURE,
      redisUrl: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
      redisKeyPrefix: `portal-e2e-${process.pid}-${mode}:`,
      ...extra,
      ...(redirectPort ? { appliance: { tlsDir: join(dir, 'tls'), redirectPort } } : {}),
    }),
  );
  const output: string[] = [];
  const child: ChildProcess = spawn(process.execPath, [FLOWPROBE_BIN, 'run', '--config', configPath], {
    cwd: REPO_ROOT,
    env: { ...process.env, FLOWPROBE_ADMIN_PASSWORD: adminPassword },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? -1));

  const baseUrl = `${mode === 'appliance' ? 'https' : 'http'}://127.0.0.1:${port}`;
  const logs = () => output.join('').split('\n').slice(-40).join('\n');
  const stop = async () => {
    if (exited === null) {
      child.kill('SIGTERM');
      await new Promise<void>((done) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          done();
        }, 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          done();
        });
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + BOOT_TIMEOUT_MS;
  for (;;) {
    if (exited !== null) {
      await stop();
      throw new Error(`flowprobe run exited with ${exited} before answering:\n${logs()}`);
    }
    try {
      // In appliance mode the generated certificate is not trusted by fetch: the plain port's redirect says the server is up.
      const response = redirectPort ? await fetch(`http://127.0.0.1:${redirectPort}/healthz`, { redirect: 'manual' }) : await fetch(`${baseUrl}/healthz`);
      if (response.status === (redirectPort ? 308 : 200)) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`flowprobe did not answer /healthz within ${BOOT_TIMEOUT_MS} ms:\n${logs()}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { baseUrl, port, dir, configPath, ...(redirectPort ? { redirectPort } : {}), logs, stop };
}
