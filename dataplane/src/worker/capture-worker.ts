import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { createCaptureSource } from '../capture/source-factory';
import { DpiEngine } from '../dpi/classifier';
import { FlowTable } from '../flow/flow-table';
import { HostTable } from '../host/host-table';
import { NetworkList } from '../shard/ip-address';
import { BurstLoop } from './burst-loop';
import { RingSource } from './ring-source';
import { dpiEngineOptions, WorkerConfig, WorkerInit, WorkerMessage } from './worker-protocol';
import { WorkerControl, WorkerF64 } from './worker-stats.layout';

/**
 * Entry point of an inline (capture) thread: owns one flow shard and one host
 * shard, polls its source in bursts. Never runs on the main thread.
 */
function main(init: WorkerInit): void {
  const post = (m: WorkerMessage) => parentPort!.postMessage(m);
  const stats = new Float64Array(init.statsSab);
  const control = new Int32Array(init.controlSab);
  const hosts = new HostTable(init.hostSab, new NetworkList(init.options.localNetworks));
  hosts.idleTimeoutS = init.options.hostIdleTimeoutS;
  const flows = new FlowTable(init.flowSab, hosts);
  flows.idleTimeoutS = init.options.idleTimeoutS;
  flows.upDown = new Float64Array(init.statsSab, WorkerF64.UploadBytes * 8, 2);
  flows.dpiEnabled = init.options.dpi;
  // Benchmarks only (dpdk.bench.ts measures each step): how many stages of the burst lookup run.
  const stages = Number(process.env.FLOWPROBE_PREFETCH_STAGES ?? '4');
  if (Number.isInteger(stages) && stages >= 0 && stages <= 4) flows.prefetchStages = stages;
  let dpi: DpiEngine | null = null;
  /** Where this worker publishes its nDPI engine's address while it is open (freed by the main thread if the worker dies). */
  const engineWord = new BigInt64Array(init.statsSab, WorkerF64.NdpiEngine * 8, 1);
  if (init.restart) {
    // The previous worker of this shard crashed: rebuild what only it kept consistent before touching the tables.
    stats[WorkerF64.Finished] = 0;
    flows.table.repairAfterOwnerDeath();
    hosts.table.repairAfterOwnerDeath();
  }

  let loop: BurstLoop;
  let release: (() => void) | undefined;
  try {
    const { source, shardFilter, close, burst } = openSource(init, control, stats);
    release = close;
    if (init.options.dpi) {
      const engine = init.engineFromMain ? adoptEngine(engineWord) : undefined;
      dpi = new DpiEngine({ ...dpiEngineOptions(init.options, flows.table.capacity), engine });
      Atomics.store(engineWord, 0, dpi.address);
    }
    const onConfig = (): boolean => {
      let applied = false;
      for (let m = receiveMessageOnPort(init.configPort); m !== undefined; m = receiveMessageOnPort(init.configPort)) {
        const config = m.message as WorkerConfig;
        hosts.setLocalNetworks(new NetworkList(config.localNetworks));
        applied = true;
      }
      return applied;
    };
    loop = new BurstLoop(source, flows, hosts, stats, control, init.worker, shardFilter ? init.workers : 1, dpi, onConfig, burst);
  } catch (err) {
    if (release) release();
    closeDpi(dpi, engineWord);
    stats[WorkerF64.Finished] = 1;
    post({ type: 'error', worker: init.worker, message: errorText(err), code: errorCode(err), fatal: true });
    return;
  }
  // The first worker's names serve the main thread and the offline readers (no nDPI module of their own to open).
  post({ type: 'started', worker: init.worker, ...(dpi && init.worker === 0 && !init.restart ? { names: dpi.names.tables() } : {}) });
  try {
    const ended = loop.run();
    post({ type: 'finished', worker: init.worker, endOfCapture: ended });
  } catch (err) {
    // Anything but the source failing is a crash: the exception ends the thread (exit code 1), the main thread restarts it.
    if (!loop.sourceFailed) throw err;
    // A corrupt capture: everything before the bad record has been counted.
    post({ type: 'error', worker: init.worker, message: errorText(err), code: errorCode(err), fatal: false });
    post({ type: 'finished', worker: init.worker, endOfCapture: true });
  } finally {
    if (release) release();
    closeDpi(dpi, engineWord);
    Atomics.store(control, WorkerControl.Wake, 0);
  }
}

/**
 * The engine the main thread initialised for this worker (WorkerInit.engineFromMain), once it is
 * there; undefined if none could be made (the worker makes its own, and reports why it cannot).
 */
function adoptEngine(engineWord: BigInt64Array): bigint | undefined {
  Atomics.wait(engineWord, 0, 0n);
  const address = Atomics.load(engineWord, 0);
  if (address > 0n) return address;
  Atomics.store(engineWord, 0, 0n);
  return undefined;
}

/** Frees the engine, unpublishing its address first so that the main thread never frees it twice. */
function closeDpi(dpi: DpiEngine | null, engineWord: BigInt64Array): void {
  if (!dpi) return;
  Atomics.store(engineWord, 0, 0n);
  dpi.close();
}

function openSource(init: WorkerInit, control: Int32Array, stats: Float64Array) {
  if (init.rings) {
    // The file reader thread reads the file and keeps this worker's packets for it.
    const blocking = init.source.kind === 'pcap' && init.source.speed !== 'realtime';
    const source = new RingSource(init.rings, init.worker, control, blocking);
    if (init.restart) stats[WorkerF64.LostPackets] += source.reattach();
    return { source, shardFilter: false, close: () => source.close(), burst: source.createBurst() };
  }
  const { source, shardFilter } = createCaptureSource(init.source, init.worker, init.startAtS);
  return { source, shardFilter, close: () => source.close(), burst: undefined };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'WORKER_FAILED';
}

main(workerData as WorkerInit);
