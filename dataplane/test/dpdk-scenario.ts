/**
 * Child-process driver for the DPDK tests (EAL initialises once per process, so every scenario
 * gets its own process). Run by the specs through `fork()` with `-r ./dpdk-ts-register.js`.
 *
 * argv[2]: a JSON {@link ScenarioConfig}. The process initialises EAL and the ports on its main
 * thread, starts one worker thread per (port, queue) that polls a DpdkQueueSource, and reports
 * over IPC: `{ ready, ports }` once the ports are up and every worker polls (sequential runs: before the first), then `{ done, results, nic }` when every
 * worker ended (replay: end of file; live: after the parent sends 'stop'), or `{ error }`.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DpdkError } from '../src/capture/dpdk-error';
import { closeDpdkPort, DpdkNicStats, DpdkPortInfo, DpdkPortOptions, initDpdkEal, readDpdkPortStats, setupDpdkPort } from '../src/capture/dpdk-port';
import type { WorkerResult, WorkerTask } from './dpdk-scenario-worker';

export interface ScenarioConfig {
  eal: string[];
  ports: { port: number; queues: number; options?: DpdkPortOptions }[];
  mode: WorkerTask['mode'];
  snaplen?: number;
  /** > 0: finite replay, a worker stops after this many empty polls in a row. */
  endAfterEmptyPolls?: number;
  /** Bytes of the workers' PacketBurst data buffer (default PacketBurst's 4 MiB). */
  burstDataBytes?: number;
  /** Worker of queue 0 waits this long before polling (see WorkerTask). */
  stallQueue0Ms?: number;
  /** Run the ports one after the other (many replay ports) instead of all at once. */
  sequential?: boolean;
}

export type ScenarioMessage =
  | { ready: true; ports: DpdkPortInfo[] }
  | { done: true; results: WorkerResult[]; nic: DpdkNicStats[] }
  | { error: { code: string; message: string } };

const send = (m: ScenarioMessage): Promise<void> => new Promise((resolve) => process.send!(m, () => resolve()));

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]) as ScenarioConfig;
  const infos: DpdkPortInfo[] = [];
  try {
    initDpdkEal(config.eal);
    for (const p of config.ports) infos.push(setupDpdkPort(p.port, p.queues, p.options));
  } catch (err) {
    const e = err as DpdkError;
    await send({ error: { code: e.code ?? 'UNKNOWN', message: e.message } });
    return;
  }
  // Set by the parent's 'stop': workers poll until then (live) or until the file ends (replay).
  const stop = new Int32Array(new SharedArrayBuffer(4));
  process.on('message', (m) => {
    if (m === 'stop') {
      Atomics.store(stop, 0, 1);
      Atomics.notify(stop, 0);
    }
  });

  /** Starts one worker per queue of `port`; resolves `polling` once each has registered with EAL. */
  const run = (port: DpdkPortInfo): { polling: Promise<void>[]; results: Promise<WorkerResult>[] } => {
    const polling: Promise<void>[] = [];
    const results: Promise<WorkerResult>[] = [];
    for (let queue = 0; queue < port.rxQueues; queue++) {
      const task: WorkerTask = {
        port: port.port,
        queue,
        linkType: port.linkType,
        snaplen: config.snaplen ?? 1600,
        endAfterEmptyPolls: config.endAfterEmptyPolls ?? 0,
        mode: config.mode,
        burstDataBytes: config.burstDataBytes,
        stallQueue0Ms: config.stallQueue0Ms,
        stop,
      };
      const worker = new Worker(
        `require(${JSON.stringify(path.join(__dirname, 'dpdk-ts-register.js'))}); require(${JSON.stringify(path.join(__dirname, 'dpdk-scenario-worker.ts'))});`,
        { eval: true, workerData: task },
      );
      // One listener for both messages: the second may arrive before a later listener would be attached.
      let onPolling!: () => void;
      let onResult!: (r: WorkerResult) => void;
      let onFail!: (err: Error) => void;
      polling.push(new Promise<void>((resolve, reject) => ((onPolling = resolve), (onFail = reject))));
      const result = new Promise<WorkerResult>((resolve, reject) => {
        onResult = resolve;
        const fail = onFail;
        onFail = (err) => (fail(err), reject(err));
      });
      result.catch(() => undefined); // reported through Promise.all below
      worker.on('message', (m: WorkerResult | { polling: number }) => ('polling' in m ? onPolling() : onResult(m)));
      worker.once('error', (err) => onFail(err));
      worker.once('exit', (code) => onFail(new Error(`worker ${port.port}/${queue} exited with ${code} before reporting`)));
      results.push(result);
    }
    return { polling, results };
  };

  const results: WorkerResult[] = [];
  if (config.sequential) {
    await send({ ready: true, ports: infos });
    for (const p of infos) results.push(...(await Promise.all(run(p).results)));
  } else {
    const runs = infos.map(run);
    await Promise.all(runs.flatMap((r) => r.polling));
    await send({ ready: true, ports: infos });
    results.push(...(await Promise.all(runs.flatMap((r) => r.results))));
  }
  const nic = infos.map((p) => readDpdkPortStats(p.port, p.rxQueues));
  for (const p of infos) closeDpdkPort(p.port);
  await send({ done: true, results, nic });
}

main().then(
  () => process.exit(0),
  async (err: Error) => {
    await send({ error: { code: 'SCENARIO', message: err.stack ?? String(err) } });
    process.exit(1);
  },
);
