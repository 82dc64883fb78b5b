/**
 * Child process of dpdk-worker-crash.spec.ts: the product's Dataplane on a DPDK net_pcap port
 * replaying a capture per queue forever (infinite_rx), one worker per queue. Once both count,
 * worker 1 crashes by a genuine uncaught exception (the settings message of
 * DataplaneOptions.testCrashWorker); the scenario samples the interface until worker 1 has been
 * restarted and counts again from its queue, then stops and sends what it saw.
 * argv[2]: JSON { eal: string[] }.
 */
import { CaptureErrorEvent, InterfaceStats } from '../src';
import { Dataplane } from '../src/dataplane';

export interface CrashScenarioResult {
  /** Counters when worker 1 was first seen down, when it was seen back up, and at the end. */
  down: InterfaceStats;
  up: InterfaceStats;
  end: InterfaceStats;
  /** Worker 0's packets, sampled every few ms from before the crash to the end. */
  w0: number[];
  errors: CaptureErrorEvent[];
}

export type CrashScenarioMessage = { result: CrashScenarioResult } | { error: string };

const send = (m: CrashScenarioMessage): Promise<void> => new Promise((resolve) => process.send!(m, () => resolve()));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(what: string, cond: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function main(): Promise<void> {
  const { eal } = JSON.parse(process.argv[2]) as { eal: string[] };
  const dp = await Dataplane.start({
    source: { kind: 'dpdk', eal, port: 0, queues: 2 },
    workers: 2,
    workerRestarts: { max: 3, windowS: 60, backoffMs: 300 },
  });
  const errors: CaptureErrorEvent[] = [];
  dp.on('capture-error', (e: CaptureErrorEvent) => errors.push(e));
  try {
    const w0: number[] = [];
    await until('both queues counting', () => dp.counters().workers.every((w) => w.packets > 0));
    const shard = dp.shards[1];
    shard.config.postMessage({ localNetworks: ['not-a-network/99'] });
    Atomics.add(shard.control, 2 /* WorkerControl.Config */, 1);
    let down: InterfaceStats | undefined;
    let up: InterfaceStats | undefined;
    await until('worker 1 restarted', () => {
      const s = dp.counters();
      w0.push(s.workers[0].packets);
      if (s.workers_down.includes(1)) down ??= s;
      if (down && s.workers_down.length === 0) up = s;
      return up !== undefined;
    });
    await until('worker 1 counting again from its queue', () => {
      const s = dp.counters();
      w0.push(s.workers[0].packets);
      return s.workers[1].packets > up!.workers[1].packets + 1000;
    });
    await send({ result: { down: down!, up: up!, end: dp.counters(), w0, errors } });
  } finally {
    await dp.stop();
  }
}

main().then(
  () => process.exit(0),
  async (err: Error) => {
    await send({ error: err.stack ?? String(err) });
    process.exit(1);
  },
);
