/**
 * Capture worker of the DPDK test scenarios (see dpdk-scenario.ts): polls one queue through the
 * product's DpdkQueueSource and reports what it received. Test code: the per-flow count below
 * allocates freely; the product's worker is dataplane/src/worker.
 */
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { END_OF_CAPTURE } from '../src/capture/capture-source';
import { DpdkQueueSource } from '../src/capture/dpdk-queue-source';
import { LinkType, PacketBurst } from '../src/capture/packet-burst';

export interface WorkerTask {
  port: number;
  queue: number;
  linkType: number;
  snaplen: number;
  endAfterEmptyPolls: number;
  /** packets: one record per packet; flows: packets per flow and direction; count: totals only. */
  mode: 'packets' | 'flows' | 'count';
  burstDataBytes?: number;
  /** Queue 0 does not poll for this long after start (a worker falling behind). */
  stallQueue0Ms?: number;
  stop: Int32Array;
}

/** [tsS, caplen, wirelen, linkType, sha1 of the captured bytes]. */
export type PacketRecord = [number, number, number, number, string];

export interface WorkerResult {
  port: number;
  queue: number;
  lcore: number;
  packets: number;
  bytes: number;
  records: PacketRecord[];
  /** Flow key (`proto a:port b:port`, endpoints sorted) -> [packets a->b, packets b->a]. */
  flows: Record<string, [number, number]>;
  nonIp: number;
  /** Non-IP frames by `<EtherType hex> <source MAC hex>`. */
  nonIpFrames: Record<string, number>;
}

/** Minimal Ethernet/VLAN/IPv4/IPv6 + ports parser, independent of the product's decoder. */
function flowKeyOf(data: Uint8Array, off: number, len: number): [string, boolean] | null {
  const v = new DataView(data.buffer, data.byteOffset + off, len);
  let p = 12;
  let type = v.getUint16(p);
  while (type === 0x8100 || type === 0x88a8) {
    p += 4;
    type = v.getUint16(p);
  }
  p += 2;
  let proto: number;
  let a: string;
  let b: string;
  if (type === 0x0800) {
    proto = v.getUint8(p + 9);
    a = Array.from(data.subarray(off + p + 12, off + p + 16)).join('.');
    b = Array.from(data.subarray(off + p + 16, off + p + 20)).join('.');
    p += (v.getUint8(p) & 15) * 4;
  } else if (type === 0x86dd) {
    proto = v.getUint8(p + 6);
    a = Buffer.from(data.subarray(off + p + 8, off + p + 24)).toString('hex');
    b = Buffer.from(data.subarray(off + p + 24, off + p + 40)).toString('hex');
    p += 40;
  } else {
    return null;
  }
  const ports = proto === 6 || proto === 17;
  const sa = `${a}:${ports ? v.getUint16(p) : 0}`;
  const sb = `${b}:${ports ? v.getUint16(p + 2) : 0}`;
  return sa <= sb ? [`${proto} ${sa} ${sb}`, true] : [`${proto} ${sb} ${sa}`, false];
}

const task = workerData as WorkerTask;
const source = new DpdkQueueSource(task.port, task.queue, task.snaplen, { linkType: task.linkType, endAfterEmptyPolls: task.endAfterEmptyPolls });
const burst = new PacketBurst(undefined, task.burstDataBytes);
parentPort!.postMessage({ polling: source.lcore });
if (task.queue === 0 && task.stallQueue0Ms) Atomics.wait(task.stop, 0, 0, task.stallQueue0Ms);
const result: WorkerResult = { port: task.port, queue: task.queue, lcore: source.lcore, packets: 0, bytes: 0, records: [], flows: {}, nonIp: 0, nonIpFrames: {} };
/** Bursts still taken after 'stop' to drain what the queue holds (bounded: net_null never runs dry). */
const DRAIN_BURSTS = 64;
let draining = -1;
for (;;) {
  // Checked before receiving, so that every burst received is counted.
  if (draining < 0 && Atomics.load(task.stop, 0) === 1) draining = DRAIN_BURSTS;
  if (draining === 0) break;
  if (draining > 0) draining--;
  const n = source.nextBurst(burst);
  if (n === END_OF_CAPTURE) break;
  if (n === 0) {
    if (draining >= 0) break;
    // Idle: sleep 1 ms (or until stopped) rather than spin on a machine shared with others.
    Atomics.wait(task.stop, 0, 0, 1);
    continue;
  }
  for (let i = 0; i < n; i++) {
    const off = burst.offset[i];
    const cap = burst.caplen[i];
    if (task.mode === 'packets') {
      const sha = createHash('sha1').update(burst.data.subarray(off, off + cap)).digest('hex');
      result.records.push([burst.tsS[i], cap, burst.wirelen[i], burst.linkType[i], sha]);
    } else if (task.mode === 'flows') {
      const k = burst.linkType[i] === LinkType.Ethernet && cap >= 14 ? flowKeyOf(burst.data, off, cap) : null;
      if (k === null) {
        result.nonIp++;
        // Non-IP frames (ARP...) are counted by EtherType and source MAC, so a test can tell their direction.
        const hex = Buffer.from(burst.data.subarray(off, off + Math.min(cap, 14))).toString('hex');
        result.nonIpFrames[`${hex.slice(24, 28)} ${hex.slice(12, 24)}`] = (result.nonIpFrames[`${hex.slice(24, 28)} ${hex.slice(12, 24)}`] ?? 0) + 1;
      } else {
        const c = (result.flows[k[0]] ??= [0, 0]);
        c[k[1] ? 0 : 1]++;
      }
    }
  }
  result.packets += n;
  result.bytes += burst.offset[n - 1] + burst.caplen[n - 1];
}
source.close();
parentPort!.postMessage(result);
