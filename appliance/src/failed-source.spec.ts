import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeCapture } from '@flowprobe/dataplane';
import type { FlowListResponse, HealthResponse, InterfaceInfo } from '@flowprobe/controlplane';
import { stringify as toYaml } from 'yaml';
import { freePort } from './testing/redis-process';

const CAPTURE = path.resolve(__dirname, '../../../shared/pcaps/ndpi/1kxun.pcap');
const CLI = path.join(__dirname, '..', 'bin', 'flowprobe.js');
// DPDK's development EAL (no hugepages, no PCI bus, no --vdev): EAL starts and finds no port, as with a NIC missing or unbound.
const EAL_WITHOUT_NIC = ['--no-huge', '--no-pci', '--no-shconf', '-m', '512', '--lcores=0@(0-1)', '--log-level=warning', '--no-telemetry'];

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a configured capture source that cannot start (flowprobe run, DPDK NIC missing)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-failed-source-'));
  let child: ChildProcess | undefined;
  let log = '';
  let base = '';

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const configFile = path.join(dir, 'flowprobe.yaml');
    fs.writeFileSync(
      configFile,
      toYaml({
        sources: [
          { name: 'eth1', type: 'dpdk', eal: EAL_WITHOUT_NIC, port: 0 },
          { name: 'replay', type: 'pcap', path: CAPTURE, speed: 'max' },
        ],
        http: { port, host: '127.0.0.1' },
        redis: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', key_prefix: `test:failed-source:${process.pid}:` },
        database: { path: path.join(dir, 'data', 'flowprobe.db') },
        capture: { workers: 1, idle_timeout_s: 0, host_idle_timeout_s: 0 },
      }),
    );
    fs.mkdirSync(path.join(dir, 'run'));
    child = spawn(process.execPath, [CLI, 'run', '--config', configFile], {
      env: { ...process.env, RUNTIME_DIRECTORY: path.join(dir, 'run'), FLOWPROBE_ADMIN_PASSWORD: 'first-start-secret' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    // Started: the API listens first, then each source starts; the "running" line comes after the last.
    await waitFor(async () => /flowprobe \S+ running/.test(log), 'the "running" log line', 90000);
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child!.once('exit', r));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the API and the other source running, and says degraded with the reason in /healthz', async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    const body = (await health.json()) as HealthResponse;
    expect(body.status).toBe('degraded');
    expect(body.problems).toEqual([{ component: 'source eth1', reason: expect.stringMatching(/cannot start: .*no such port/) }]);
  });

  it('logs the failure once, naming the source, and starts the rest', () => {
    const lines = log.trim().split('\n').map((l) => JSON.parse(l) as { level: string; message: string });
    const errors = lines.filter((l) => l.level === 'error' && l.message.includes('"eth1"'));
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/capture source "eth1" \(dpdk port 0, 1 queue\(s\)\) cannot start: .*the other sources, the API and the portal run/);
    expect(lines.some((l) => l.message.includes('running') && l.message.includes('replay, eth1 (FAILED)'))).toBe(true);
  });

  it('lists the failed source with its error beside the working one, whose flows the API serves', async () => {
    const expected = await analyzeCapture({ kind: 'pcap', path: CAPTURE }, { workers: 1 });
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'first-start-secret' }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const change = await fetch(`${base}/api/v1/users/me/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ current_password: 'first-start-secret', new_password: 'chosen-secret-1' }),
    });
    expect(change.status).toBe(204);
    let interfaces: InterfaceInfo[] = [];
    await waitFor(async () => {
      interfaces = (await (await fetch(`${base}/api/v1/interfaces`, { headers: { cookie } })).json()) as InterfaceInfo[];
      return interfaces[1]?.packets === expected.stats.packets;
    }, 'the replay source to be counted', 60000);
    expect(interfaces[0]).toMatchObject({ id: 0, name: 'eth1', source: 'dpdk:port0', running: false, packets: 0, num_flows: 0, error: expect.stringMatching(/no such port/) });
    expect(interfaces[1]).toMatchObject({ id: 1, name: 'replay', packets: expected.stats.packets });
    expect(interfaces[1].error).toBeUndefined();
    const flows = (await (await fetch(`${base}/api/v1/flows?limit=1`, { headers: { cookie } })).json()) as FlowListResponse;
    expect(flows.total).toBe(expected.flows.length);
    const none = (await (await fetch(`${base}/api/v1/flows?ifid=0&limit=1`, { headers: { cookie } })).json()) as FlowListResponse;
    expect(none.total).toBe(0);
  });
});
