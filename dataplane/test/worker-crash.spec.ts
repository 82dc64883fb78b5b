import * as path from 'node:path';
import { CaptureErrorEvent, InterfaceStats } from '../src';
import { Dataplane } from '../src/dataplane';
import { EntryState } from '../src/shard/entry-state';
import { WorkerControl } from '../src/worker/worker-stats.layout';
import { PCAP_DIR } from './ndpi-expected';

/**
 * A capture worker crashing (docs/reliability.md, *Worker crash*), with real
 * workers, real nDPI and a real capture looped at full speed over two workers.
 *
 * The crash is a genuine uncaught exception in the worker: a settings message
 * the main thread would have refused (`setLocalNetworks` validates CIDRs
 * before posting) is posted straight to the worker's config port, and the
 * worker's NetworkList throws on it between two bursts. Nothing in the
 * product accepts a "crash" request.
 */
const capture = path.join(PCAP_DIR, '1kxun.pcap');

function crash(dp: Dataplane, worker: number): void {
  const shard = dp.shards[worker];
  shard.config.postMessage({ localNetworks: ['not-a-network/99'] });
  Atomics.add(shard.control, WorkerControl.Config, 1);
}

async function until(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Every slot below the high water that is not Free: what InUse must equal after a repair. */
function usedSlots(dp: Dataplane, worker: number): number {
  const t = dp.shards[worker].flows.table;
  t.lockAllForRead();
  try {
    let n = 0;
    for (let slot = 0; slot < t.highWater; slot++) if (t.stateOf(slot) !== EntryState.Free) n++;
    return n;
  } finally {
    t.unlockAllForRead();
  }
}

describe('worker crash', () => {
  it('restarts the crashed worker and flags the interface; the other worker goes on without a gap', async () => {
    const dp = await Dataplane.start({
      source: { kind: 'pcap', path: capture, loop: true, speed: 'max' },
      workers: 2,
      idleTimeoutS: 1,
      workerRestarts: { max: 3, windowS: 60, backoffMs: 200 },
    });
    const errors: CaptureErrorEvent[] = [];
    dp.on('capture-error', (e: CaptureErrorEvent) => errors.push(e));
    try {
      await until('both workers counting', () => dp.counters().workers.every((w) => w.packets > 0));
      const before = dp.counters();
      expect(before.worker_restarts).toBe(0);
      expect(before.workers_down).toEqual([]);

      crash(dp, 1);
      // Worker 0's packets, sampled while worker 1 is down and being restarted.
      const w0: number[] = [];
      let sawDown: InterfaceStats | undefined;
      await until('worker 1 restarted', () => {
        const s = dp.counters();
        w0.push(s.workers[0].packets);
        if (s.workers_down.includes(1)) sawDown ??= s;
        return s.worker_restarts === 1 && s.workers_down.length === 0;
      });
      expect(sawDown).toBeDefined();
      expect(sawDown!.workers[1]).toMatchObject({ down: true, restarts: 1 });
      expect(sawDown!.running).toBe(true);
      expect(sawDown!.error).toBeUndefined();
      // Worker 0 never stopped: its count rose while worker 1 was down (the file reader does not wait for a dead worker's ring).
      expect(w0[w0.length - 1]).toBeGreaterThan(sawDown!.workers[0].packets);
      for (let k = 1; k < w0.length; k++) expect(w0[k]).toBeGreaterThanOrEqual(w0[k - 1]);

      const after = dp.counters();
      expect(after.last_worker_crash).toMatchObject({ worker: 1 });
      expect(after.last_worker_crash!.reason).toMatch(/not-a-network/);
      expect(Date.parse(after.last_worker_crash!.at)).toBeGreaterThan(Date.now() - 60_000);
      expect(after.workers[1]).toMatchObject({ restarts: 1, down: false });
      expect(after.workers[0]).toMatchObject({ restarts: 0, down: false });
      expect(after.error).toBeUndefined();
      expect(errors.filter((e) => e.code === 'WORKER_CRASHED').map((e) => e.worker)).toEqual([1]);

      // The restarted worker processes packets again, from its ring.
      const w1AtRestart = after.workers[1].packets;
      const w0AtRestart = after.workers[0].packets;
      await until('worker 1 counting again', () => dp.counters().workers[1].packets > w1AtRestart + 1000);
      expect(dp.counters().workers[0].packets).toBeGreaterThan(w0AtRestart);

      // Locks are not stuck: full passes take every stripe of both shards (they would wait forever on a dead writer's), the workers' purges go on.
      const t1 = dp.shards[1].flows.table;
      const deletedBefore = t1.counters[1];
      const pass = dp.updateStats(Date.now() / 1000, Infinity);
      expect(Array.isArray(pass.records)).toBe(true);
      expect(dp.allFlows().length).toBeGreaterThan(0);
      expect(dp.queryHosts({ limit: 5 }).total).toBeGreaterThan(0);
      // The repaired table is consistent: its in-use count matches its slots.
      const used = usedSlots(dp, 1);
      expect(Math.abs(t1.inUse - used)).toBeLessThanOrEqual(64); // the worker keeps inserting meanwhile (at most a burst's flows)
      expect(after.workers[1].lost_packets).toBeGreaterThanOrEqual(0);
      // Idle flows (1 s) are purged by the restarted worker: deletions go on in its table.
      await until('worker 1 purging', () => {
        dp.updateStats(Date.now() / 1000, Infinity);
        return t1.counters[1] > deletedBefore;
      });
    } finally {
      await dp.stop();
    }
    const end = dp.counters();
    expect(end.running).toBe(false);
    expect(end.worker_restarts).toBe(1);
  });

  it('stops and flags the interface past the restart bound, without a crash loop and without ending the process', async () => {
    const dp = await Dataplane.start({
      source: { kind: 'pcap', path: capture, loop: true, speed: 'max' },
      workers: 2,
      workerRestarts: { max: 1, windowS: 60, backoffMs: 50 },
    });
    const errors: CaptureErrorEvent[] = [];
    dp.on('capture-error', (e: CaptureErrorEvent) => errors.push(e));
    try {
      await until('both workers counting', () => dp.counters().workers.every((w) => w.packets > 0));
      crash(dp, 1);
      await until('worker 1 restarted', () => dp.counters().worker_restarts === 1 && dp.counters().workers_down.length === 0);
      const w1 = dp.counters().workers[1].packets;
      await until('worker 1 counting again', () => dp.counters().workers[1].packets > w1);
      crash(dp, 1);
      await dp.whenFinished();
      const s = dp.counters();
      expect(s.running).toBe(false);
      expect(s.worker_restarts).toBe(1); // the second crash was not followed by a restart
      expect(s.workers_down).toEqual([1]);
      expect(s.error).toMatch(/worker 1 crashed 2 times within 60 s \(at most 1 restarts\): capture stopped/);
      expect(s.last_worker_crash).toMatchObject({ worker: 1 });
      expect(errors.filter((e) => e.code === 'WORKER_CRASHED').map((e) => e.fatal)).toEqual([false, true]);
      // No restart comes later.
      await new Promise((r) => setTimeout(r, 300));
      expect(dp.counters().worker_restarts).toBe(1);
      // What was counted stays readable.
      expect(dp.allFlows().length).toBeGreaterThan(0);
    } finally {
      await dp.stop();
    }
  });

  it('stops a capture file read by a single worker instead of reading it twice', async () => {
    const dp = await Dataplane.start({ source: { kind: 'pcap', path: capture, loop: true, speed: 'max' }, workers: 1 });
    try {
      await until('the worker counting', () => dp.counters().packets > 0);
      crash(dp, 0);
      await dp.whenFinished();
      const s = dp.counters();
      expect(s.running).toBe(false);
      expect(s.worker_restarts).toBe(0);
      expect(s.workers_down).toEqual([0]);
      expect(s.error).toMatch(/worker 0 crashed: .*not-a-network.*capture stopped \(a capture file read by a single worker is not read again\)/);
      expect(dp.allFlows().length).toBeGreaterThan(0);
    } finally {
      await dp.stop();
    }
  });
});
