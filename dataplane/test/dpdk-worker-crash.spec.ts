/**
 * A capture worker crashing on a DPDK source (docs/reliability.md, *Worker crash*): DPDK's
 * net_pcap PMD with two RX queues replaying a capture each forever (infinite_rx), one worker
 * per queue, in a child process (dpdk-crash-scenario.ts: EAL once per process). Worker 1 is
 * restarted and polls its queue again; worker 0 keeps polling its own throughout.
 */
import { fork } from 'node:child_process';
import * as path from 'node:path';
import type { CrashScenarioMessage, CrashScenarioResult } from './dpdk-crash-scenario';
import { TEST_EAL_ARGS } from './dpdk-scenario-client';
import { PCAP_DIR } from './ndpi-expected';

function runScenario(eal: string[]): Promise<CrashScenarioResult> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'dpdk-crash-scenario.ts'), [JSON.stringify({ eal })], {
      execArgv: ['-r', path.join(__dirname, 'dpdk-ts-register.js')],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let log = '';
    child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    // DPDK workers poll and the machine is shared: the scenario never outlives the test.
    const deadline = setTimeout(() => child.kill('SIGKILL'), 100_000);
    let result: CrashScenarioResult | null = null;
    let error = '';
    child.on('message', (m: CrashScenarioMessage) => {
      if ('result' in m) result = m.result;
      else error = m.error;
    });
    child.on('exit', (code) => {
      clearTimeout(deadline);
      if (result) resolve(result);
      else reject(new Error(`crash scenario exited with ${code}: ${error}\n${log}`));
    });
  });
}

describe('DPDK worker crash', () => {
  it('restarts the crashed worker on its RX queue while the other queue is polled throughout', async () => {
    const pcap = (f: string) => path.join(PCAP_DIR, f);
    const eal = [...TEST_EAL_ARGS, '--vdev', `net_pcap0,rx_pcap=${pcap('android.pcap')},rx_pcap=${pcap('gnutella.pcap')},infinite_rx=1`];
    const r = await runScenario(eal);
    expect(r.down.workers[1]).toMatchObject({ down: true, restarts: 1 });
    expect(r.down.running).toBe(true);
    expect(r.down.error).toBeUndefined();
    expect(r.up.workers.map((w) => w.restarts)).toEqual([0, 1]);
    expect(r.up.last_worker_crash).toMatchObject({ worker: 1 });
    expect(r.up.last_worker_crash!.reason).toMatch(/not-a-network/);
    // Worker 1 counts again from its queue; worker 0 never stopped.
    expect(r.end.workers[1].packets).toBeGreaterThan(r.up.workers[1].packets + 1000);
    expect(r.up.workers[0].packets).toBeGreaterThan(r.down.workers[0].packets);
    for (let k = 1; k < r.w0.length; k++) expect(r.w0[k]).toBeGreaterThanOrEqual(r.w0[k - 1]);
    expect(r.end.worker_restarts).toBe(1);
    expect(r.errors.filter((e) => e.code === 'WORKER_CRASHED').map((e) => [e.worker, e.fatal])).toEqual([[1, false]]);
  });
});
