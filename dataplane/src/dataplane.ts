import { EventEmitter } from 'node:events';
import * as os from 'node:os';
import * as path from 'node:path';
import { MessageChannel, MessagePort, Worker } from 'node:worker_threads';
import {
  CaptureErrorEvent,
  DataplaneOptions,
  FlowEndReason,
  FlowExportRecord,
  FlowQuery,
  FlowRecord,
  HostQuery,
  HostRecord,
  InterfaceStats,
  Page,
  RankedPage,
  WorkerRestartPolicy,
  WorkerStats,
} from './dataplane.types';
import { DataplaneError, deserializeError } from './errors/dataplane-error';
import type { DpdkPortInfo } from './capture/dpdk-port';
import { DECODE_STATUS_NAMES } from './decode/decode-status';
import { EntryState } from './shard/entry-state';
import { NdpiNameTables, TableNames } from './dpi/ndpi-names';
import { readFlowRecord } from './flow/flow-record';
import { L7Names, NO_DPI_NAMES } from './shard/record-names';
import { FlowTable } from './flow/flow-table';
import { HashHeaderF64 } from './shard/hash-table.layout';
import { queryFlows } from './flow/flow-query';
import { HostTable } from './host/host-table';
import { NetworkList } from './shard/ip-address';
import { countDistinctHosts } from './host/host-count';
import { getHost, queryHosts } from './host/host-query';
import { RecordOptions, UPDATE_STATS_SLOTS, flushShard, sweepShard } from './offline/offline-pass';
import { writeFlowsNdjson } from './offline/flows-ndjson';
import { DEFAULT_ACTIVE_TIMEOUT_S } from './flow/flow-export';
import type { OfflineReaders, ReadersSource } from './offline/offline-readers';
import { dpiEngineOptions, WorkerConfig, WorkerInit, WorkerMessage, WorkerOptions } from './worker/worker-protocol';
import { compiledWorkerScript } from './worker/worker-script';
import { allocatePacketRings, PacketRingBuffers, RingI32 } from './worker/packet-ring.layout';
import type { FileReaderInit, FileReaderMessage } from './worker/file-reader-worker';
import { WORKER_STATS_BYTES, WorkerControl, WorkerF64 } from './worker/worker-stats.layout';

// Required on first use, not imported: what only a DPDK port, DPI or the offline reader threads need
// stays unloaded until then (`flowprobe analyze` on a file creates its workers sooner; the nDPI
// modules load while they start). docs/capture-files.md, "Start-up on a tiny capture".
const dpdkPort = () => require('./capture/dpdk-port') as typeof import('./capture/dpdk-port');
const classifier = () => require('./dpi/classifier') as typeof import('./dpi/classifier');
const offlineReaders = () => require('./offline/offline-readers') as typeof import('./offline/offline-readers');

/** One shard: the tables a worker owns, seen from the main (offline) thread. */
export interface Shard {
  index: number;
  flows: FlowTable;
  hosts: HostTable;
  stats: Float64Array;
  control: Int32Array;
  /** The shard's current worker (a new one after each restart). */
  worker: Worker;
  /** Where settings changes go (WorkerConfig; the worker reads them between bursts). */
  config: MessagePort;
  /** Times this shard's worker crashed and was restarted (or is about to be). */
  restarts: number;
  /** True from a crash until the restarted worker has opened its source again (or for good past the bound). */
  down: boolean;
}

/** A worker crash as the interface reports it (InterfaceStats.last_worker_crash). */
interface CrashRecord {
  worker: number;
  reason: string;
  at: string;
}

/** One shard's worker lifetime across restarts. */
interface ShardLife {
  /** Wall-clock ms of the crashes inside the restart window. */
  crashes: number[];
  timer: NodeJS.Timeout | null;
  /** Resolves once the shard has stopped for good (normal end, stop(), or past the restart bound). */
  settle: () => void;
  settled: boolean;
}

/** Flow slots per worker when none are given. */
export const DEFAULT_FLOW_CAPACITY = 262144;
/** Host slots per worker when none are given. */
export const DEFAULT_HOST_CAPACITY = 65536;

/**
 * The lifecycle of a capture interface: its source, its worker threads (one
 * shard each) and synchronous offline reads over their shared tables on the
 * calling thread. Other packages use {@link Dataplane.startWithReaders} (the
 * barrel's `startDataplane`), whose handle reads in offline reader threads;
 * `analyzeCapture` and the package's tests use the synchronous reads.
 *
 * Events: 'capture-error' ({@link CaptureErrorEvent}) for capture errors (the
 * interface keeps what it counted), 'finished' when every worker has stopped.
 */
export class Dataplane extends EventEmitter {
  readonly shards: Shard[] = [];
  readonly name: string;
  private names: L7Names = NO_DPI_NAMES;
  /** The names as data once the first worker sent them (DPI on), for the offline readers. */
  private nameTables: NdpiNameTables | undefined;
  private finished!: Promise<void>;
  private lastError: string | undefined;
  private running = 0;
  private thpt = { bps: 0, pps: 0, uploadBps: 0, downloadBps: 0, prevBytes: 0, prevPkts: 0, prevUp: 0, prevDown: 0, prevTs: 0 };
  /** The DPDK port polled by the workers (dpdk source). */
  private dpdk: DpdkPortInfo | null = null;
  /** A capture file read by several workers: the file reader thread and its rings. */
  private reader: { worker: Worker; control: Int32Array } | null = null;
  private rings: PacketRingBuffers | undefined;
  /** Per shard: crashes and restart timer (docs/reliability.md, *Worker crash*). */
  private readonly lives: ShardLife[] = [];
  /** What each worker needs to start again after a crash (without the config port: a new one each time). */
  private readonly inits: Omit<WorkerInit, 'configPort'>[] = [];
  private script = '';
  private stopping = false;
  private lastCrash: CrashRecord | undefined;
  /** Local networks as last set (a restarted worker starts with them). */
  private localNetworks: string[] = [];

  private constructor(readonly options: Required<Omit<DataplaneOptions, 'name' | 'testCrashWorker'>>, name: string) {
    super();
    this.name = name;
  }

  /** Starts the workers of an interface; resolves once each has opened its source. */
  static async start(options: DataplaneOptions): Promise<Dataplane> {
    const resolved = resolveOptions(options);
    const name = options.name ?? (options.source.kind === 'pcap' ? path.basename(options.source.path) : `dpdk${options.source.port}`);
    const dp = new Dataplane(resolved, name);
    // EAL and the port (one RX queue per worker) are set up once, here on the main thread; the workers only poll.
    if (resolved.source.kind === 'dpdk') dp.dpdk = dpdkPort().startDpdk(resolved.source, resolved.workers);
    await dp.spawn();
    if (options.testCrashWorker) dp.scheduleTestCrash(options.testCrashWorker);
    return dp;
  }

  /** DataplaneOptions.testCrashWorker: the worker's config port gets a message it throws on. */
  private scheduleTestCrash({ worker, afterMs }: { worker: number; afterMs: number }): void {
    const shard = this.shards[worker];
    if (!shard) return;
    const timer = setTimeout(() => {
      if (this.stopping) return;
      shard.config.postMessage({ localNetworks: ['not-a-network/99'] } satisfies WorkerConfig);
      Atomics.add(shard.control, WorkerControl.Config, 1);
    }, afterMs);
    timer.unref();
  }

  /**
   * Starts the interface and its offline reader threads (`readers`, default
   * one per shard up to one per core): the handle every other package uses.
   * Stopping the handle stops the workers, then the readers.
   */
  static async startWithReaders(options: DataplaneOptions, readers?: number): Promise<OfflineReaders> {
    const dp = await Dataplane.start(options);
    try {
      return await offlineReaders().OfflineReaders.start(dp.readersSource(), readers);
    } catch (err) {
      await dp.stop();
      throw err;
    }
  }

  /** What the offline readers need from this interface: its shards and callbacks, not the class. */
  readersSource(): ReadersSource {
    return {
      name: this.name,
      shards: this.shards.map((s) => ({ index: s.index, flowSab: s.flows.sab, hostSab: s.hosts.sab })),
      dpi: this.options.dpi,
      nameTables: this.nameTables,
      probeId: this.options.probeId,
      activeTimeoutS: this.options.activeTimeoutS,
      counters: () => this.counters(),
      updateThroughput: (nowS) => this.updateInterfaceThroughput(nowS),
      setLocalNetworks: (cidrs) => this.setLocalNetworks(cidrs),
      onCaptureError: (listener) => {
        this.on('capture-error', listener);
        return () => this.off('capture-error', listener);
      },
      whenFinished: () => this.whenFinished(),
      stop: () => this.stop(),
    };
  }

  /** Replaces the protocol/category/breed/risk naming (set by the DPI module). */
  setNames(names: L7Names): void {
    this.names = names;
  }

  /** The first capture worker's nDPI names as data: this thread and the offline readers name flows with them. */
  private setNameTables(tables: NdpiNameTables): void {
    this.nameTables = tables;
    this.setNames(new TableNames(tables));
  }

  private async spawn(): Promise<void> {
    const o = this.options;
    this.localNetworks = [...o.localNetworks];
    const workerOptions: WorkerOptions = {
      idleTimeoutS: o.idleTimeoutS,
      hostIdleTimeoutS: o.hostIdleTimeoutS,
      localNetworks: o.localNetworks,
      dpi: o.dpi,
      dpiPacketLimit: o.dpiPacketLimit,
    };
    this.script = compiledWorkerScript(path.join('worker', 'capture-worker.js'));
    const startAtS = Date.now() / 1000;
    const started: Promise<void>[] = [];
    const done: Promise<void>[] = [];
    // A capture file with several workers: one reader thread reads and parses it once and hands each worker its packets.
    const rings = o.source.kind === 'pcap' && o.workers > 1 ? allocatePacketRings(o.workers) : undefined;
    this.rings = rings;
    const controls: SharedArrayBuffer[] = [];
    for (let i = 0; i < o.workers; i++) {
      const flowSab = FlowTable.allocate(o.flowCapacity);
      const hostSab = HostTable.allocate(o.hostCapacity);
      const statsSab = new SharedArrayBuffer(WORKER_STATS_BYTES);
      const controlSab = new SharedArrayBuffer(WorkerControl.Count * 4);
      controls.push(controlSab);
      const init: Omit<WorkerInit, 'configPort'> = { worker: i, workers: o.workers, startAtS, source: o.source, options: workerOptions, flowSab, hostSab, statsSab, controlSab, rings };
      this.inits.push(init);
      const hosts = new HostTable(hostSab);
      const shard = { index: i, flows: new FlowTable(flowSab, hosts), hosts, stats: new Float64Array(statsSab), control: new Int32Array(controlSab), restarts: 0, down: false } as Shard;
      this.shards.push(shard);
      this.running++;
      done.push(
        new Promise<void>((resolve) => {
          const life: ShardLife = {
            crashes: [],
            timer: null,
            settled: false,
            settle: () => {
              if (life.settled) return;
              life.settled = true;
              if (life.timer) clearTimeout(life.timer);
              life.timer = null;
              this.running--;
              resolve();
            },
          };
          this.lives.push(life);
        }),
      );
      started.push(this.launch(shard, false));
    }
    if (rings) {
      const reader = this.spawnReader({ source: o.source, startAtS, buffers: rings, workerControls: controls });
      started.push(reader.started);
      done.push(reader.done);
    }
    this.finished = Promise.all(done).then(() => {
      for (const s of this.shards) s.config.close();
      if (this.dpdk) dpdkPort().stopDpdkPort(this.dpdk.port);
      this.emit('finished');
    });
    try {
      await Promise.all(started);
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /**
   * Starts the shard's worker (again, after a crash, when `restart`): resolves
   * once it has opened its source. The first worker's start failure rejects
   * (the interface does not start); a restarted worker's counts as a crash.
   */
  private launch(shard: Shard, restart: boolean): Promise<void> {
    const i = shard.index;
    const config = new MessageChannel();
    // DPI on: nDPI's own init (15-40 ms of CPU) runs here on a libuv thread while the worker starts; a restarted worker makes its own.
    const engineFromMain = this.options.dpi && !restart;
    const init: WorkerInit = { ...this.inits[i], options: { ...this.inits[i].options, localNetworks: [...this.localNetworks] }, configPort: config.port2, restart, engineFromMain };
    // A config bump of the dead worker must not make the new one poll its port (it starts with the current settings).
    Atomics.store(shard.control, WorkerControl.Config, 0);
    const engineWord = new BigInt64Array(shard.stats.buffer, WorkerF64.NdpiEngine * 8, 1);
    const worker = new Worker(this.script, { workerData: init, transferList: [config.port2] });
    shard.worker = worker;
    shard.config = config.port1;
    let opened = false;
    let exited = false;
    let crash: string | undefined;
    if (engineFromMain) {
      classifier().createNdpiEngineAsync(dpiEngineOptions(init.options, shard.flows.table.capacity), (address) => {
        // A worker gone before its engine was made never adopts it.
        if (exited) return classifier().destroyOrphanedEngine(address);
        Atomics.store(engineWord, 0, address > 0n ? address : -1n);
        Atomics.notify(engineWord, 0);
      });
    }
    const started = new Promise<void>((resolve, reject) => {
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'started') {
          if (m.names) this.setNameTables(m.names);
          opened = true;
          shard.down = false;
          resolve();
        } else if (m.type === 'error') {
          if (m.fatal && !opened) {
            if (!restart) reject(deserializeError({ name: 'Error', message: m.message, code: m.code }, 'WORKER_FAILED', `worker ${i}`));
            else crash = `${m.code}: ${m.message}`;
          }
          if (!restart || opened) this.lastError ??= m.message;
          const event: CaptureErrorEvent = { worker: m.worker, message: m.message, code: m.code, fatal: m.fatal };
          this.emit('capture-error', event);
        }
      });
      worker.on('error', (err) => {
        // An uncaught exception in the worker: the thread ends (exit code 1).
        crash = err.message;
        if (!opened && !restart) {
          this.lastError ??= err.message;
          reject(err);
        }
      });
    });
    worker.once('exit', (code) => {
      exited = true;
      shard.config.close();
      const crashed = crash !== undefined || code !== 0;
      // A crash before the first start fails the interface's start; stop() settles the shard.
      if (crashed && (opened || restart) && !this.stopping) this.onCrash(shard, crash ?? `worker exited with code ${code}`);
      else {
        // An engine made for the worker that it never adopted (its source failed first), or one it left open.
        this.freeEngine(i, Atomics.exchange(engineWord, 0, 0n));
        this.lives[i].settle();
      }
    });
    // A restart's start failure is handled as a crash (exit), not as a rejection.
    if (restart) started.catch(() => undefined);
    return started;
  }

  /**
   * A worker died (docs/reliability.md, *Worker crash*): release what it held
   * in shared memory, flag the interface, and start a new worker after a
   * backoff — unless the shard crashed more than `workerRestarts.max` times
   * within `windowS`: then the interface is stopped and flagged (no crash loop).
   */
  private onCrash(shard: Shard, reason: string): void {
    const i = shard.index;
    const life = this.lives[i];
    const now = Date.now();
    const policy = this.options.workerRestarts as Required<WorkerRestartPolicy>;
    shard.down = true;
    this.lastCrash = { worker: i, reason, at: new Date(now).toISOString() };
    // Stripes the dead worker held write-locked belong to nobody now: readers must not wait on them.
    shard.flows.table.releaseDeadWriter();
    shard.hosts.table.releaseDeadWriter();
    // An nDPI engine the worker could not close (it died outside its own clean-up) is freed here.
    const engine = new BigInt64Array(shard.stats.buffer, WorkerF64.NdpiEngine * 8, 1);
    this.freeEngine(i, Atomics.exchange(engine, 0, 0n));
    // The file reader must not wait for a ring nobody reads (the other workers go on).
    if (this.rings) {
      const ctl = new Int32Array(this.rings.control, 0, RingI32.Words);
      Atomics.store(ctl, RingI32.Closed + i, 1);
      Atomics.notify(ctl, RingI32.Read + i);
    }
    life.crashes.push(now);
    while (life.crashes.length > 0 && life.crashes[0] <= now - policy.windowS * 1000) life.crashes.shift();
    const event: CaptureErrorEvent = { worker: i, message: `worker ${i} crashed: ${reason}`, code: 'WORKER_CRASHED', fatal: false };
    // A capture file read by its only worker: a new worker would read it again from the start, counting it twice.
    const rereads = this.options.source.kind === 'pcap' && !this.rings;
    if (rereads || life.crashes.length > policy.max) {
      this.lastError = rereads
        ? `worker ${i} crashed: ${reason}; capture stopped (a capture file read by a single worker is not read again)`
        : `worker ${i} crashed ${life.crashes.length} times within ${policy.windowS} s (at most ${policy.max} restarts): capture stopped; last crash: ${reason}`;
      this.emit('capture-error', { ...event, message: this.lastError, fatal: true } satisfies CaptureErrorEvent);
      life.settle();
      this.stopReaderAndWorkers();
      return;
    }
    shard.restarts++;
    this.emit('capture-error', event);
    const delay = Math.min(policy.backoffMaxMs, policy.backoffMs * 2 ** (life.crashes.length - 1));
    life.timer = setTimeout(() => {
      life.timer = null;
      if (this.stopping) life.settle();
      else void this.launch(shard, true);
    }, delay);
  }

  /** Frees an nDPI engine a worker left behind (`address` 0 or -1: none). */
  private freeEngine(worker: number, address: bigint): void {
    try {
      if (address > 0n) classifier().destroyOrphanedEngine(address);
    } catch (err) {
      // Never end the process over a leak: the engine's memory stays allocated.
      this.emit('capture-error', { worker, message: `worker ${worker}: its nDPI engine could not be freed: ${(err as Error).message}`, code: 'WORKER_CRASHED', fatal: false } satisfies CaptureErrorEvent);
    }
  }

  /**
   * Starts the file reader thread: `started` settles once it has opened the file
   * (rejected with the file's error, as a worker's own open would be), `done`
   * when it has exited.
   */
  private spawnReader(init: FileReaderInit): { started: Promise<void>; done: Promise<void> } {
    const worker = new Worker(compiledWorkerScript(path.join('worker', 'file-reader-worker.js')), { workerData: init });
    const control = new Int32Array(init.buffers.control, 0, RingI32.Words);
    this.reader = { worker, control };
    const started = new Promise<void>((resolve, reject) => {
      worker.once('message', (m: FileReaderMessage) => {
        if (m.type === 'started') resolve();
        else reject(deserializeError({ name: 'Error', message: m.message, code: m.code }, 'WORKER_FAILED', 'file reader'));
      });
      worker.once('error', reject);
    });
    const done = new Promise<void>((resolve) => {
      worker.on('error', (err) => {
        this.lastError ??= err.message;
        this.emit('capture-error', { worker: 0, message: `file reader: ${err.message}`, code: 'WORKER_FAILED', fatal: true } satisfies CaptureErrorEvent);
        // The workers must not wait for packets that will never come.
        this.stopReaderAndWorkers();
      });
      worker.once('exit', () => resolve());
    });
    return { started, done };
  }

  private stopReaderAndWorkers(): void {
    this.stopping = true;
    // A shard waiting to restart a crashed worker stops here.
    for (let i = 0; i < this.lives.length; i++) if (this.lives[i].timer) this.lives[i].settle();
    if (this.reader) Atomics.store(this.reader.control, RingI32.Stop, 1);
    for (const s of this.shards) {
      Atomics.store(s.control, WorkerControl.Stop, 1);
      Atomics.store(s.control, WorkerControl.Wake, 1);
      Atomics.notify(s.control, WorkerControl.Wake);
    }
  }

  /** Resolves when every worker has stopped (end of a non-looping capture, or stop()). */
  whenFinished(): Promise<void> {
    return this.finished;
  }

  /**
   * Local networks for hosts the workers create from now on (the running
   * counterpart of `localNetworks`). Throws OPTIONS_INVALID for a bad CIDR
   * before any worker sees it.
   */
  setLocalNetworks(cidrs: readonly string[]): void {
    validateNetworks(cidrs);
    const config: WorkerConfig = { localNetworks: [...cidrs] };
    this.localNetworks = [...cidrs];
    for (const s of this.shards) {
      s.config.postMessage(config);
      Atomics.add(s.control, WorkerControl.Config, 1);
    }
  }

  /** Asks every worker to stop after its current burst and waits for them. */
  async stop(): Promise<void> {
    this.stopReaderAndWorkers();
    await this.finished;
  }

  /** Interface counters, summed over workers, with distinct hosts counted on this thread. */
  stats(): InterfaceStats {
    return { ...this.counters(), num_hosts: countDistinctHosts(this.shards) };
  }

  /** Interface counters without the distinct host count (num_hosts 0): O(shards), for the readers' stats. */
  counters(): InterfaceStats {
    let packets = 0;
    let bytes = 0;
    let drops = 0;
    let upload = 0;
    let download = 0;
    let numFlows = 0;
    const decode: Record<string, number> = {};
    const workers: WorkerStats[] = [];
    let restarts = 0;
    const down: number[] = [];
    for (const s of this.shards) {
      const st = s.stats;
      restarts += s.restarts;
      if (s.down) down.push(s.index);
      // Packets a crash made the shard skip (docs/reliability.md) are lost like drops.
      drops += st[WorkerF64.LostPackets];
      packets += st[WorkerF64.Packets];
      bytes += st[WorkerF64.Bytes];
      upload += st[WorkerF64.UploadBytes];
      download += st[WorkerF64.DownloadBytes];
      const unaccounted = s.flows.table.counters[HashHeaderF64.UnaccountedPackets];
      drops += unaccounted;
      for (let c = 1; c < DECODE_STATUS_NAMES.length; c++) {
        const n = st[WorkerF64.DecodeStatus0 + c];
        if (n > 0) decode[DECODE_STATUS_NAMES[c]] = (decode[DECODE_STATUS_NAMES[c]] ?? 0) + n;
      }
      // Entries in the table: active, plus idle ones not yet purged (as ntopng's num_flows). O(1).
      const flows = s.flows.table.inUse;
      const hosts = s.hosts.table.inUse;
      numFlows += flows;
      workers.push({
        worker: s.index,
        packets: st[WorkerF64.Packets],
        bytes: st[WorkerF64.Bytes],
        num_flows: flows,
        num_hosts: hosts,
        flow_table_full: s.flows.table.full,
        host_table_full: s.hosts.table.full,
        flow_capacity: s.flows.table.capacity,
        host_capacity: s.hosts.table.capacity,
        unaccounted_packets: unaccounted,
        restarts: s.restarts,
        down: s.down,
        lost_packets: st[WorkerF64.LostPackets],
      });
    }
    if (this.shards.length > 0) drops += this.shards[0].stats[WorkerF64.SourceDrops];
    const src = this.options.source;
    // NIC drops (ring full, no mbuf, bad frames) count as interface drops.
    const nic = this.dpdk ? dpdkPort().readDpdkPortStats(this.dpdk.port, this.dpdk.rxQueues) : undefined;
    if (nic) drops += nic.imissed + nic.rx_nombuf + nic.ierrors;
    return {
      id: 0,
      name: this.name,
      source: src.kind === 'pcap' ? `pcap:${src.path}` : `dpdk:port${src.port}`,
      packets,
      bytes,
      drops,
      num_flows: numFlows,
      num_hosts: 0,
      thpt: { bps: this.thpt.bps, pps: this.thpt.pps, upload_bps: this.thpt.uploadBps, download_bps: this.thpt.downloadBps },
      bytes_upload: upload,
      bytes_download: download,
      decode_errors: decode,
      workers,
      ...(nic ? { nic } : {}),
      running: this.running > 0,
      worker_restarts: restarts,
      workers_down: down,
      ...(this.lastCrash ? { last_worker_crash: { ...this.lastCrash } } : {}),
      ...(this.lastError ? { error: this.lastError } : {}),
    };
  }

  /** A page of active flows, filtered and sorted over shared memory. */
  queryFlows(q: FlowQuery = {}): RankedPage<FlowRecord> {
    const { total, data, keys } = queryFlows(this.shards, q, this.names);
    return { total, data, keys };
  }

  /** Every active flow (file analysis; prefer queryFlows for live tables). */
  allFlows(): FlowRecord[] {
    const out: FlowRecord[] = [];
    for (const s of this.shards) {
      const t = s.flows.table;
      t.lockAllForRead();
      try {
        for (let slot = 0, end = t.highWater; slot < end; slot++) {
          if (t.stateOf(slot) === EntryState.Active) out.push(readFlowRecord(s.flows, slot, s.index, this.names));
        }
      } finally {
        t.unlockAllForRead();
      }
    }
    return out;
  }

  /**
   * `ended` and every active flow as `flowprobe analyze`'s ndjson lines,
   * largest first, in chunks handed to `emit` (file analysis: no record
   * object per flow). Returns the number of lines.
   */
  writeFlowsNdjson(ended: readonly FlowRecord[], emit: (chunk: Uint8Array) => void): number {
    for (const s of this.shards) s.flows.table.lockAllForRead();
    try {
      return writeFlowsNdjson(this.shards, ended, this.names, emit);
    } finally {
      for (const s of this.shards) s.flows.table.unlockAllForRead();
    }
  }

  /** A page of hosts, merged over shards (a host seen by several workers has one record). */
  queryHosts(q: HostQuery = {}): RankedPage<HostRecord> {
    return queryHosts(this.shards, q, this.names);
  }

  getHost(ip: string, vlan?: number): HostRecord | undefined {
    return getHost(this.shards, ip, vlan, this.names);
  }

  /**
   * The offline periodic pass (seeds/003 `updateStats`), to call about every
   * second: updates throughputs, produces an interim flow record for each
   * running flow past the active timeout, and moves entries the workers
   * marked idle to ready_to_be_purged after producing their final record
   * (handed by the caller to flow-end checks, history, export). The workers
   * delete them on their next purge cycle. Each call visits at most
   * `maxSlotsPerTable` slots per table, continuing where the last call
   * stopped (Infinity: a full pass). `endedFlows`, when given, also receives
   * the ended flows as FlowRecord (file analysis prints them). One caller per interface: this thread or
   * the offline readers (startWithReaders), not both.
   */
  updateStats(nowS: number = Date.now() / 1000, maxSlotsPerTable: number = UPDATE_STATS_SLOTS, endedFlows?: FlowRecord[]): { records: FlowExportRecord[] } {
    const records: FlowExportRecord[] = [];
    const o = this.recordOptions();
    for (const s of this.shards) sweepShard(s, nowS, maxSlotsPerTable, o, records, endedFlows);
    this.updateInterfaceThroughput(nowS);
    return { records };
  }

  /**
   * Flushes every flow not yet fully reported as a record with `reason`:
   * 'end_of_capture' once a capture file is read, 'forced_end' when the probe
   * stops. Idle flows become ready_to_be_purged; running flows stay, their
   * "already reported" counters advanced.
   */
  flushFlows(reason: FlowEndReason): FlowExportRecord[] {
    const records: FlowExportRecord[] = [];
    const o = this.recordOptions();
    for (const s of this.shards) flushShard(s, o, reason, records);
    return records;
  }

  private recordOptions(): RecordOptions {
    return { probe: this.options.probeId, interface: this.name, names: this.names, activeTimeoutS: this.options.activeTimeoutS };
  }

  /**
   * Interface throughputs from the workers' counters since the last call (part
   * of updateStats; OfflineReaders calls it after its readers' passes).
   */
  updateInterfaceThroughput(nowS: number): void {
    let bytes = 0;
    let pkts = 0;
    let up = 0;
    let down = 0;
    for (const s of this.shards) {
      bytes += s.stats[WorkerF64.Bytes];
      pkts += s.stats[WorkerF64.Packets];
      up += s.stats[WorkerF64.UploadBytes];
      down += s.stats[WorkerF64.DownloadBytes];
    }
    const t = this.thpt;
    if (t.prevTs > 0 && nowS > t.prevTs) {
      const dt = nowS - t.prevTs;
      t.bps = ((bytes - t.prevBytes) * 8) / dt;
      t.pps = (pkts - t.prevPkts) / dt;
      t.uploadBps = ((up - t.prevUp) * 8) / dt;
      t.downloadBps = ((down - t.prevDown) * 8) / dt;
    }
    t.prevBytes = bytes;
    t.prevPkts = pkts;
    t.prevUp = up;
    t.prevDown = down;
    t.prevTs = nowS;
  }
}

function resolveOptions(o: DataplaneOptions): Required<Omit<DataplaneOptions, 'name' | 'testCrashWorker'>> {
  const file = o.source.kind === 'pcap' && (o.source.speed ?? 'max') === 'max' && !o.source.loop;
  const workers = o.workers ?? (o.source.kind === 'dpdk' ? o.source.queues : os.availableParallelism());
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new DataplaneError('OPTIONS_INVALID', `workers must be an integer in [1, 64], got ${workers}`);
  validateNetworks(o.localNetworks ?? []); // every CIDR before any worker starts
  const activeTimeoutS = o.activeTimeoutS ?? DEFAULT_ACTIVE_TIMEOUT_S;
  if (!(activeTimeoutS >= 0) || !Number.isFinite(activeTimeoutS)) throw new DataplaneError('OPTIONS_INVALID', `activeTimeoutS must be a number >= 0, got ${activeTimeoutS}`);
  return {
    source: o.source,
    workers,
    flowCapacity: o.flowCapacity ?? DEFAULT_FLOW_CAPACITY,
    hostCapacity: o.hostCapacity ?? DEFAULT_HOST_CAPACITY,
    idleTimeoutS: o.idleTimeoutS ?? (file ? 0 : 120),
    hostIdleTimeoutS: o.hostIdleTimeoutS ?? (file ? 0 : 300),
    localNetworks: o.localNetworks ?? [],
    dpi: o.dpi ?? true,
    dpiPacketLimit: o.dpiPacketLimit ?? 32,
    probeId: o.probeId ?? os.hostname(),
    activeTimeoutS,
    workerRestarts: resolveRestartPolicy(o.workerRestarts),
  };
}

/** Defaults of DataplaneOptions.workerRestarts. */
export const DEFAULT_WORKER_RESTARTS: Required<WorkerRestartPolicy> = { max: 5, windowS: 600, backoffMs: 250, backoffMaxMs: 30_000 };

function resolveRestartPolicy(p: WorkerRestartPolicy = {}): Required<WorkerRestartPolicy> {
  const r = { ...DEFAULT_WORKER_RESTARTS, ...p };
  for (const [k, v] of Object.entries(r)) {
    if (!(Number.isFinite(v) && v >= 0)) throw new DataplaneError('OPTIONS_INVALID', `workerRestarts.${k} must be a number >= 0, got ${v}`);
  }
  return r;
}

/** Throws OPTIONS_INVALID naming the first bad CIDR. */
function validateNetworks(cidrs: readonly string[]): void {
  try {
    new NetworkList([...cidrs]);
  } catch (err) {
    throw new DataplaneError('OPTIONS_INVALID', (err as Error).message);
  }
}
