import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startDataplane } from '../../src';
import { FLOW_SORT_KEYS, HOST_SORT_KEYS } from '../../src/query-vocabulary';
import { PCAP_DIR } from '../ndpi-expected';
import { loadCorpus, writeFuzzCapture } from './packet-mutator';

/**
 * One fuzz chunk in a process of its own (run by fuzz-pipeline.spec.ts and
 * fuzz-campaign.ts through `node -r ../dpdk-ts-register.js`): writes a mutated
 * capture from `seed`, or takes a given one (`replay`), and runs it through the
 * real capture workers (decode → flow/host tables → nDPI shim → nDPI), the
 * offline pass with flow records, and API-style flow/host queries while it runs.
 * Prints one JSON line with the counts; a crash shows as the process dying.
 *
 * argv[2]: JSON { seed, packets, dir, replay?, keep?, workers? }
 */
interface ChunkArgs {
  seed: number;
  packets: number;
  dir: string;
  replay?: string;
  keep?: boolean;
  workers?: number;
}

export interface ChunkResult {
  seed: number;
  capture: string;
  packets: number;
  mutated: number;
  capturesUsed: number;
  /** Packets the workers counted (every packet of the capture). */
  counted: number;
  decodeErrors: number;
  flowRecords: number;
  /** Flow records nDPI classified as something (proof that nDPI ran on these flows). */
  classified: number;
  queries: number;
  generateS: number;
  runS: number;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]) as ChunkArgs;
  const t0 = process.hrtime.bigint();
  let capture = args.replay ?? path.join(args.dir, `fuzz-${args.seed}.pcap`);
  let gen = { packets: 0, mutated: 0, capturesUsed: 0 };
  if (!args.replay) {
    const corpus = loadCorpus(PCAP_DIR);
    gen = writeFuzzCapture(capture, corpus, args.seed, args.packets);
  } else capture = path.resolve(capture);
  const t1 = process.hrtime.bigint();
  const dp = await startDataplane(
    {
      name: 'fuzz',
      source: { kind: 'pcap', path: capture },
      workers: args.workers ?? 2,
      flowCapacity: 32768,
      hostCapacity: 16384,
      idleTimeoutS: 2,
      hostIdleTimeoutS: 4,
      activeTimeoutS: 5,
      dpi: true,
    },
    1,
  );
  let finished = false;
  let flowRecords = 0;
  let classified = 0;
  let queries = 0;
  const done = dp.whenFinished().then(() => {
    finished = true;
  });
  let i = 0;
  while (!finished) {
    const { records } = await dp.updateStats(Date.now() / 1000);
    for (const r of records) {
      flowRecords++;
      if (r.l7 !== '' && r.l7 !== 'Unknown') classified++;
    }
    const flows = await dp.queryFlows({ sort: FLOW_SORT_KEYS[i % FLOW_SORT_KEYS.length], order: i % 2 ? 'asc' : 'desc', limit: 50 });
    const hosts = await dp.queryHosts({ sort: HOST_SORT_KEYS[i % HOST_SORT_KEYS.length], limit: 50 });
    if (flows.data.length > 0) await dp.queryFlows({ key: flows.data[0].key });
    if (hosts.data.length > 0) await dp.getHost(hosts.data[0].ip, hosts.data[0].vlan);
    queries += 4;
    i++;
    await Promise.race([done, new Promise((res) => setTimeout(res, 100))]);
  }
  await dp.updateStats(Date.now() / 1000, Infinity);
  for (const r of await dp.flushFlows('end_of_capture')) {
    flowRecords++;
    if (r.l7 !== '' && r.l7 !== 'Unknown') classified++;
  }
  const stats = await dp.stats();
  await dp.stop();
  const t2 = process.hrtime.bigint();
  if (!args.replay && !args.keep) fs.rmSync(capture, { force: true });
  const decodeErrors = Object.values(stats.decode_errors).reduce((s, n) => s + n, 0);
  const result: ChunkResult = {
    seed: args.seed,
    capture,
    packets: gen.packets,
    mutated: gen.mutated,
    capturesUsed: gen.capturesUsed,
    counted: stats.packets,
    decodeErrors,
    flowRecords,
    classified,
    queries,
    generateS: Number(t1 - t0) / 1e9,
    runS: Number(t2 - t1) / 1e9,
  };
  process.stdout.write(`FUZZ_RESULT ${JSON.stringify(result)}${os.EOL}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`fuzz chunk failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(2);
});
