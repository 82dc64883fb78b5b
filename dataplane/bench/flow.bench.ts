/**
 * The inline hot path of issue 2, in one thread: decode + flow and host
 * accounting of every packet of the bench captures (read through the file
 * source, as a worker does), without DPI. Prints ns/packet, Mpps and the GC
 * count during the measured pass (expected 0: nothing is allocated per packet),
 * then the whole `flowprobe analyze` pipeline without DPI with 1 and 2 worker
 * threads. DPI and ndpiReader are in dpi.bench.ts.
 *
 * Run: npm run bench -w dataplane -- flow
 */
import * as os from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { END_OF_CAPTURE } from '../src/capture/capture-source';
import { PacketBurst } from '../src/capture/packet-burst';
import { PcapFileSource } from '../src/capture/pcap-file-source';
import { analyzeCapture } from '../src';
import { decodePacket } from '../src/decode/decode-packet';
import { DecodedPacket } from '../src/decode/decoded-packet';
import { FlowTable } from '../src/flow/flow-table';
import { HostTable } from '../src/host/host-table';
import { BenchCaptureName, ensureBenchCapture } from './bench-captures';

let gcs = 0;
new PerformanceObserver((list) => {
  gcs += list.getEntries().length;
}).observe({ entryTypes: ['gc'] });

interface PassResult {
  packets: number;
  flows: number;
  seconds: number;
  gcs: number;
}

/** One pass over the file in this thread: read, decode, account (no shard filter: one shard). */
function inlinePass(file: string, flowCapacity: number): PassResult {
  const hosts = new HostTable(HostTable.allocate(1 << 18));
  const flows = new FlowTable(FlowTable.allocate(flowCapacity), hosts);
  const source = new PcapFileSource(file);
  const burst = new PacketBurst();
  const p = new DecodedPacket();
  const now = flows.now;
  let packets = 0;
  const gc0 = gcs;
  const t0 = performance.now();
  while (source.nextBurst(burst) !== END_OF_CAPTURE) {
    const data = burst.data;
    for (let i = 0; i < burst.count; i++) {
      if (decodePacket(data, burst.offset[i], burst.caplen[i], burst.linkType[i], p) !== 0) continue;
      now[0] = burst.tsS[i];
      flows.accountNow(p, burst.caplen[i]);
    }
    packets += burst.count;
  }
  const seconds = (performance.now() - t0) / 1000;
  source.close();
  return { packets, flows: flows.table.inUse, seconds, gcs: gcs - gc0 };
}

async function main(): Promise<void> {
  const names: BenchCaptureName[] = ['large', '64b-1m-flows'];
  console.log(`inline hot path (1 thread: read + decode + flows + hosts), ${os.cpus()[0]?.model ?? ''}`);
  console.log('| capture | packets | flows | ns/packet | Mpps | GCs in pass |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const name of names) {
    const c = ensureBenchCapture(name);
    inlinePass(c.path, 1 << 21); // warm-up: JIT and page cache
    const r = inlinePass(c.path, 1 << 21);
    console.log(`| ${name} | ${r.packets} | ${r.flows} | ${((r.seconds * 1e9) / r.packets).toFixed(0)} | ${(r.packets / r.seconds / 1e6).toFixed(2)} | ${r.gcs} |`);
  }
  console.log('\nflowprobe analyze, no DPI (worker threads, software RSS, incl. start and final flow read-out)');
  console.log('| capture | workers | packets | flows | s | Mpps |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const name of names) {
    const c = ensureBenchCapture(name);
    for (const workers of [1, 2]) {
      const r = await analyzeCapture({ kind: 'pcap', path: c.path }, { workers, dpi: false, flowCapacity: 1 << 21 });
      console.log(`| ${name} | ${workers} | ${r.stats.packets} | ${r.flows.length} | ${r.elapsedS.toFixed(2)} | ${(r.stats.packets / r.elapsedS / 1e6).toFixed(2)} |`);
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
