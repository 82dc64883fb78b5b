import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DecodedPacket } from '../src/decode/decoded-packet';
import { EntryState } from '../src/shard/entry-state';
import { FlowU32 } from '../src/flow/flow-table.layout';
import { A, B, ipv4Packet, makeShard, UDP } from './flow-fixtures';

/**
 * The entry lifecycle and the locks with a real offline reader thread: the
 * test's own thread plays the inline (capture) thread, a worker_thread plays
 * the control plane reading the same SharedArrayBuffers. The reader runs the
 * compiled tables from dist/ (make test builds first).
 */
const DIST = path.resolve(__dirname, '../dist');

const READER = `
const { parentPort, workerData } = require('node:worker_threads');
const { FlowTable } = require(${JSON.stringify(path.join(DIST, 'flow/flow-table.js'))});
const { HostTable } = require(${JSON.stringify(path.join(DIST, "host/host-table.js"))});
const hosts = new HostTable(workerData.hostSab);
const flows = new FlowTable(workerData.flowSab, hosts);
const t = flows.table;
const ctl = new Int32Array(workerData.controlSab);
parentPort.on('message', (cmd) => {
  if (cmd === 'pass') {
    parentPort.postMessage({ moved: t.markIdleReadyToBePurged() });
  } else if (cmd === 'hold') {
    t.lockAllForRead();
    parentPort.postMessage('held');
    Atomics.wait(ctl, 0, 0); // until the inline thread lets go
    t.unlockAllForRead();
    parentPort.postMessage('released');
  } else if (cmd === 'stress') {
    // Scan under read locks and check every active entry is whole; run the offline pass.
    let scans = 0, checked = 0, violations = 0, moved = 0;
    while (Atomics.load(ctl, 1) === 0) {
      t.lockAllForRead();
      for (let s = 0, end = t.highWater; s < end; s++) {
        const b = t.u32At(s);
        if (Atomics.load(t.u32, b) !== ${EntryState.Active}) continue;
        const ports = flows.u32[b + ${FlowU32.Ports}];
        const cli = ports >>> 16, srv = ports & 0xffff;
        if (srv !== ((cli + 1) & 0xffff) || flows.u32[b + ${FlowU32.CliAddr0}] !== ${A} || flows.u32[b + ${FlowU32.SrvAddr0}] !== ${B}) violations++;
        checked++;
      }
      t.unlockAllForRead();
      moved += t.markIdleReadyToBePurged();
      scans++;
    }
    parentPort.postMessage({ scans, checked, violations, moved });
  }
});
`;

function startReader(flowSab: SharedArrayBuffer, hostSab: SharedArrayBuffer, controlSab: SharedArrayBuffer): Worker {
  return new Worker(READER, { eval: true, workerData: { flowSab, hostSab, controlSab } });
}

function reply<T>(w: Worker): Promise<T> {
  return new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
}

describe('entry lifecycle with a concurrent offline reader thread', () => {
  const p = new DecodedPacket();

  it('idle inline, ready_to_be_purged offline, deletion deferred while the reader holds its lock', async () => {
    const { flows, hosts } = makeShard(256);
    flows.idleTimeoutS = 10;
    const control = new Int32Array(new SharedArrayBuffer(8));
    const reader = startReader(flows.sab, hosts.sab, control.buffer as SharedArrayBuffer);
    try {
      for (let i = 0; i < 100; i++) flows.account(ipv4Packet(p, UDP, A, 1000 + i, B, 1001 + i), 0, 100);
      flows.purgeIdle(100, 1);
      for (let s = 0; s < 100; s++) expect(flows.table.stateOf(s)).toBe(EntryState.Idle);

      reader.postMessage('pass');
      expect(await reply(reader)).toEqual({ moved: 100 });
      for (let s = 0; s < 100; s++) expect(flows.table.stateOf(s)).toBe(EntryState.ReadyToBePurged);

      reader.postMessage('hold');
      expect(await reply(reader)).toBe('held');
      expect(flows.purgeIdle(101, 1)).toBe(0); // readers present: busy, retry next round
      expect(flows.table.inUse).toBe(100);

      const released = reply(reader);
      Atomics.store(control, 0, 1);
      Atomics.notify(control, 0);
      expect(await released).toBe('released');
      expect(flows.purgeIdle(102, 1)).toBe(100);
      expect(flows.table.inUse).toBe(0);
    } finally {
      await reader.terminate();
    }
  });

  it('a reader scanning while the inline thread adds, expires and deletes never sees a partial entry', async () => {
    const { flows, hosts } = makeShard(4096);
    flows.idleTimeoutS = 2;
    const control = new Int32Array(new SharedArrayBuffer(8));
    const reader = startReader(flows.sab, hosts.sab, control.buffer as SharedArrayBuffer);
    try {
      reader.postMessage('stress');
      const result = reply<{ scans: number; checked: number; violations: number; moved: number }>(reader);
      let deleted = 0;
      let now = 0;
      // ~300k packets over 30k distinct flows; time advances so flows expire and slots are reused.
      for (let i = 0; i < 300_000; i++) {
        const port = (i * 7) % 30_000;
        flows.account(ipv4Packet(p, UDP, A, port, B, port + 1), now, 100); // -1 when full: counted
        if (i % 1000 === 999) {
          now += 0.5;
          deleted += flows.purgeIdle(now, 8);
          // Give the reader thread time on a busy machine.
          if (i % 20_000 === 19_999) await new Promise((r) => setTimeout(r, 5));
        }
      }
      await new Promise((r) => setTimeout(r, 20));
      Atomics.store(control, 1, 1);
      const r = await result;
      expect(r.violations).toBe(0);
      expect(r.scans).toBeGreaterThan(0);
      expect(r.checked).toBeGreaterThan(0);
      expect(r.moved).toBeGreaterThan(0);
      expect(deleted).toBeGreaterThan(0);
    } finally {
      await reader.terminate();
    }
  });
});
