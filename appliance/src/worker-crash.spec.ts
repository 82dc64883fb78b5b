import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApplianceProcess, HttpClient, PROCESS_ADMIN_PASSWORD, waitFor } from './testing/appliance-process';

interface Queue {
  queue: number;
  packets: number;
  restarts: number;
  down: boolean;
}
interface Iface {
  name: string;
  running: boolean;
  worker_restarts: number;
  workers_down: number[];
  last_worker_crash?: { worker: number; reason: string; at: string };
  error?: string;
  queues: Queue[];
}

/**
 * A capture worker crashing in the real `flowprobe run` (docs/reliability.md, *Worker crash*):
 * the looping demo capture over 2 workers; worker 1 crashes once 3 s after the start through a
 * genuine uncaught exception (FLOWPROBE_TEST_CRASH_WORKER, read from the environment only);
 * the restart waits 4 s (`capture.worker_restarts.backoff_ms`), long enough to see /healthz
 * degraded. Then: the interface flagged in the API and /metrics, /healthz ok again, worker 1
 * counting again, the `worker_crash` alert stored (the minute pass; up to 2 minutes), the
 * process alive throughout.
 */
describe('Worker crash (flowprobe run)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-worker-crash-'));
  let probe: ApplianceProcess;

  beforeAll(() => {
    probe = new ApplianceProcess(path.join(dir, 'probe'), undefined, `test:worker-crash:${process.pid}:`);
    fs.mkdirSync(probe.dir, { recursive: true });
    probe.configOverrides = { capture: { workers: 2, flow_capacity: 16384, host_capacity: 4096, worker_restarts: { backoff_ms: 4000 } } };
  });

  afterAll(async () => {
    await probe?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('restarts the worker, flags the interface in the API, /metrics, /healthz and an alert, and stays up', async () => {
    await probe.start({ FLOWPROBE_TEST_CRASH_WORKER: '1:3000' });
    const admin = new HttpClient(probe.url);
    await admin.login('admin', PROCESS_ADMIN_PASSWORD, 'worker-crash-admin-1');
    await admin.login('admin', 'worker-crash-admin-1');
    const iface = async (): Promise<Iface> => {
      const r = await admin.get('/api/v1/interfaces');
      if (r.status !== 200) throw new Error(`interfaces: ${r.status} ${r.text}`);
      return (r.body as Iface[])[0];
    };
    const health = async () => (await (await fetch(`${probe.url}/healthz`)).json()) as { status: string; capture: string; problems: { component: string; reason: string }[] };

    // While worker 1 waits for its restart: degraded, the interface still running and flagged.
    let degraded: Awaited<ReturnType<typeof health>> | undefined;
    await waitFor(async () => {
      if (!probe.alive) throw new Error(`flowprobe exited (${probe.exitCode}):\n${probe.log}`);
      const h = await health();
      if (h.status === 'degraded') degraded = h;
      return degraded !== undefined;
    }, '/healthz degraded after the crash', 60_000);
    expect(degraded).toMatchObject({ capture: 'running' });
    const problem = degraded!.problems.find((p) => p.component === 'workers demo0');
    expect(problem?.reason).toMatch(/worker\(s\) 1 crashed, restarting \(1 restarts; last: .*not-a-network/);
    const down = await iface();
    expect(down).toMatchObject({ running: true, workers_down: [1], worker_restarts: 1, last_worker_crash: { worker: 1 } });
    expect(down.queues[1]).toMatchObject({ down: true, restarts: 1 });
    expect(down.error).toBeUndefined();

    // Restarted: healthy again, the crash still on record, worker 1 counting again.
    await waitFor(async () => (await health()).status === 'ok', '/healthz ok after the restart', 60_000);
    const up = await iface();
    expect(up).toMatchObject({ running: true, workers_down: [], worker_restarts: 1 });
    expect(up.queues.map((q) => [q.restarts, q.down])).toEqual([[0, false], [1, false]]);
    expect(up.last_worker_crash!.reason).toMatch(/not-a-network/);
    await waitFor(async () => (await iface()).queues[1].packets > up.queues[1].packets, 'worker 1 counting after its restart', 60_000);
    expect((await iface()).queues[0].packets).toBeGreaterThan(up.queues[0].packets);

    const metrics = await admin.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/^flowprobe_worker_restarts_total\{interface="demo0",worker="1"\} 1$/m);
    expect(metrics.text).toMatch(/^flowprobe_worker_restarts_total\{interface="demo0",worker="0"\} 0$/m);
    expect(metrics.text).toMatch(/^flowprobe_interface_workers_down\{interface="demo0"\} 0$/m);

    // The alert, raised by the minute pass (the second one the interface sees) and stored like every alert.
    let alerts: { check: string; entity: { value: string }; description: string }[] = [];
    await waitFor(async () => {
      for (const state of ['engaged', 'past']) {
        const r = await admin.get(`/api/v1/alerts?check=worker_crash&state=${state}`);
        alerts = (r.body as { data?: typeof alerts }).data ?? [];
        if (alerts.length > 0) return true;
      }
      return false;
    }, 'the worker_crash alert', 150_000);
    expect(alerts[0]).toMatchObject({ check: 'worker_crash', entity: { value: 'demo0' } });
    expect(alerts[0].description).toMatch(/demo0: 1 worker restart\(s\)/);
    expect(probe.log).toMatch(/demo0 worker 1: WORKER_CRASHED: worker 1 crashed: .*not-a-network/);
    expect(probe.alive).toBe(true);
  }, 300_000);
});
