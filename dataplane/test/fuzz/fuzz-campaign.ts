import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runChunk } from './fuzz-runner';

/**
 * The fuzz campaign (docs/fuzzing.md): mutated captures of CHUNK packets, each
 * through the real pipeline with nDPI in a process of its own, until PACKETS
 * mutated-capture packets have run. A chunk process that dies (signal, ASan
 * report, non-zero exit) keeps its capture in OUT/crashes/ with its stderr.
 *
 *   node -r dataplane/test/dpdk-ts-register.js dataplane/test/fuzz/fuzz-campaign.ts \
 *     [--packets 10000000] [--chunk 500000] [--seed 1] [--asan] [--out DIR] [--workers 2]
 */
function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const total = Number(arg('packets', '10000000'));
  const chunk = Number(arg('chunk', '500000'));
  const seed0 = Number(arg('seed', '1'));
  const workers = Number(arg('workers', '2'));
  const asan = process.argv.includes('--asan');
  const out = path.resolve(arg('out', fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-fuzz-'))));
  const crashes = path.join(out, 'crashes');
  fs.mkdirSync(crashes, { recursive: true });
  const t0 = Date.now();
  let packets = 0;
  let mutated = 0;
  let counted = 0;
  let records = 0;
  let classified = 0;
  let runS = 0;
  let crashed = 0;
  for (let seed = seed0; packets < total; seed++) {
    const run = await runChunk({ seed, packets: Math.min(chunk, total - packets), dir: out, keep: true, workers }, asan);
    const capture = path.join(out, `fuzz-${seed}.pcap`);
    if (run.result && run.code === 0) {
      const r = run.result;
      packets += r.packets;
      mutated += r.mutated;
      counted += r.counted;
      records += r.flowRecords;
      classified += r.classified;
      runS += r.runS;
      fs.rmSync(capture, { force: true });
      console.log(
        `seed ${seed}: ${r.packets} packets (${r.mutated} mutated, ${r.capturesUsed} captures), ${r.flowRecords} flow records, ${r.classified} classified, ` +
          `${r.queries} queries, ${(r.packets / r.runS).toFixed(0)} packets/s; total ${packets} in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
      );
    } else {
      crashed++;
      const kept = path.join(crashes, `crash-seed-${seed}.pcap`);
      if (fs.existsSync(capture)) fs.renameSync(capture, kept);
      fs.writeFileSync(`${kept}.log`, `exit ${run.code} signal ${run.signal}\n${run.stderr}`);
      console.log(`seed ${seed}: CRASH exit ${run.code} signal ${run.signal}; capture kept in ${kept}\n${run.stderr.slice(-3000)}`);
      packets += chunk; // counts toward the total: the chunk ran until it died
    }
  }
  const wallS = (Date.now() - t0) / 1000;
  const summary = { packets, mutated, counted, flowRecords: records, classified, crashes: crashed, wallS, pipelineS: runS, packetsPerS: packets / runS, asan, load: os.loadavg() };
  console.log(`SUMMARY ${JSON.stringify(summary)}`);
  fs.writeFileSync(path.join(out, 'summary.json'), JSON.stringify(summary, null, 2));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
