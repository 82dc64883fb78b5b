/**
 * Read speed of the pure-TypeScript capture file reader: PcapFileSource over the benchmark
 * captures of bench-captures.ts (generated into bench-data/ first if missing), bursts of 256,
 * 4 MiB chunk buffer. Prints MB/s (file bytes), packets/s, GCs during the read loop and peak RSS,
 * for a cold-ish first pass and the best of the following passes (warm page cache).
 *
 * Run (from dataplane/):
 *   npx tsc -p tsconfig.json --noEmit false --outDir /tmp/flowprobe-bench && node /tmp/flowprobe-bench/bench/pcap-read.bench.js [passes]
 */
import * as os from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { END_OF_CAPTURE } from '../src/capture/capture-source';
import { PacketBurst } from '../src/capture/packet-burst';
import { PcapFileSource } from '../src/capture/pcap-file-source';
import { BenchCaptureName, ensureBenchCapture } from './bench-captures';

interface Pass {
  seconds: number;
  packets: number;
  bytes: number;
  fileBytes: number;
  gcs: number;
}

/** Reads the whole file once; touches one byte per packet so the data is really there. GCs are counted over the read loop only. */
async function readOnce(file: string, burst: PacketBurst): Promise<Pass> {
  let gcs = 0;
  const observer = new PerformanceObserver((list) => {
    gcs += list.getEntries().length;
  });
  const t0 = process.hrtime.bigint();
  const src = new PcapFileSource(file);
  await new Promise((r) => setTimeout(r, 0));
  observer.observe({ entryTypes: ['gc'] });
  let sink = 0;
  for (let n = src.nextBurst(burst); n !== END_OF_CAPTURE; n = src.nextBurst(burst)) {
    for (let i = 0; i < n; i++) sink += burst.data[burst.offset[i]];
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const stats = src.stats();
  const fileBytes = src.fileBytes;
  src.close();
  await new Promise((r) => setTimeout(r, 100)); // GC entries arrive asynchronously
  observer.disconnect();
  if (sink < 0) console.log(sink);
  return { seconds, packets: stats.packets, bytes: stats.bytes, fileBytes, gcs };
}

function line(label: string, p: Pass): string {
  return (
    `${label.padEnd(22)} ${(p.fileBytes / p.seconds / 1e6).toFixed(0).padStart(5)} MB/s  ${(p.packets / p.seconds / 1e6).toFixed(2)} M packets/s  ` +
    `${p.packets} packets, ${(p.fileBytes / 1e6).toFixed(0)} MB in ${p.seconds.toFixed(2)} s  GCs: ${p.gcs}`
  );
}

async function main(): Promise<void> {
  const passes = Number(process.argv[2] ?? 4);
  console.log(`pcap-read.bench: node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}, ${os.platform()} ${os.release()}`);
  const burst = new PacketBurst();
  for (const name of ['large', '64b-1m-flows'] as BenchCaptureName[]) {
    const info = ensureBenchCapture(name);
    if (info.generatedInS > 0) console.log(`generated ${info.path} in ${info.generatedInS.toFixed(1)} s: ${info.description}`);
    const first = await readOnce(info.path, burst);
    let best = first;
    for (let i = 1; i < passes; i++) {
      const p = await readOnce(info.path, burst);
      if (p.seconds < best.seconds) best = p;
    }
    console.log(line(`${name} first pass`, first));
    console.log(line(`${name} best of ${passes}`, best));
  }
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
