import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { NdpiNameTables } from '../dpi/ndpi-names';
import type {
  CaptureErrorEvent,
  FlowEndReason,
  FlowExportRecord,
  FlowQuery,
  FlowRecord,
  HostQuery,
  HostRecord,
  InterfaceHandle,
  InterfaceStats,
  RankedPage,
  ReadPriority,
} from '../dataplane.types';
import { DataplaneError, deserializeError } from '../errors/dataplane-error';
import { mergeRankedPages } from '../flow/flow-query';
import { DEFAULT_PAGE, MAX_PAGE } from '../query-vocabulary';
import { compiledWorkerScript } from '../worker/worker-script';
import { UPDATE_STATS_SLOTS } from './offline-pass';
import { ReaderInit, ReaderMessage, ReaderRequest, ReaderResults, ReaderShard } from './offline-protocol';

type Op = ReaderRequest['op'];
type RequestOf<K extends Op> = Omit<Extract<ReaderRequest, { op: K }>, 'id'>;

export type { ReadPriority };

/**
 * What the readers need from the interface they serve: its shards' shared
 * tables and callbacks into the lifecycle (Dataplane.readersSource), never
 * the Dataplane itself.
 */
export interface ReadersSource {
  readonly name: string;
  readonly shards: readonly ReaderShard[];
  /** Name protocols with nDPI (the interface runs DPI). */
  readonly dpi: boolean;
  /** The interface's nDPI names as data (DPI on: sent by its first capture worker). */
  readonly nameTables: NdpiNameTables | undefined;
  /** Stamped on every flow record (DataplaneOptions.probeId). */
  readonly probeId: string;
  /** Seconds between interim records of a running flow (0 = none). */
  readonly activeTimeoutS: number;
  /** Interface counters without the distinct host count (O(shards), caller's thread). */
  counters(): InterfaceStats;
  /** Interface throughputs from the workers' counters, after each periodic pass. */
  updateThroughput(nowS: number): void;
  setLocalNetworks(cidrs: readonly string[]): void;
  onCaptureError(listener: (e: CaptureErrorEvent) => void): () => void;
  whenFinished(): Promise<void>;
  /** Stops the workers. */
  stop(): Promise<void>;
}

/**
 * Background requests in progress across the readers of an interface, kept
 * below the number of readers so one reader is always free of job work for
 * an API request (with one reader, jobs and API requests share it).
 */
interface BackgroundGate {
  running: number;
  readonly max: number;
  /** Lets every reader start a queued job once a slot frees. */
  wake(): void;
}

interface Queued {
  req: ReaderRequest;
  background: boolean;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/**
 * One offline reader thread and its queues. The thread gets one request at a
 * time, so an interactive request waits at most for the one in progress, not
 * for every queued job. A thread that dies fails the request it was answering
 * and is started again; queued requests go to the new thread.
 */
class ReaderThread {
  private worker!: Worker;
  private readonly queues: Record<ReadPriority, Queued[]> = { interactive: [], background: [] };
  private inFlight: Queued | null = null;
  private nextId = 1;
  private closing = false;
  /** Resolves once the thread has set up its tables (and, with DPI, its names). */
  ready!: Promise<void>;

  constructor(
    private readonly init: ReaderInit,
    /** Shards whose offline pass this thread owns (index % readers === reader). */
    readonly own: number[],
    private readonly gate: BackgroundGate,
  ) {
    this.spawn();
  }

  /** What an API request sent now would wait for: the request in progress and the API requests queued (jobs wait behind them). */
  get load(): number {
    return this.queues.interactive.length + (this.inFlight ? 1 : 0);
  }

  request<K extends Op>(req: RequestOf<K> & { op: K }, priority: ReadPriority = 'interactive'): Promise<ReaderResults[K]> {
    if (this.closing) return Promise.reject(new DataplaneError('READER_FAILED', `offline reader ${this.init.reader} is closed`));
    return new Promise<ReaderResults[K]>((resolve, reject) => {
      this.queues[priority].push({ req: { ...req, id: this.nextId++ } as ReaderRequest, background: priority === 'background', resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  pump(): void {
    if (this.inFlight) return;
    let next = this.queues.interactive.shift();
    if (!next && this.queues.background.length > 0 && (this.gate.running < this.gate.max || this.closing)) {
      next = this.queues.background.shift()!;
      this.gate.running++;
    }
    if (!next) return;
    this.inFlight = next;
    this.worker.postMessage(next.req);
  }

  /** The request in progress is over (answered or lost with its thread). */
  private settle(): Queued | null {
    const done = this.inFlight;
    this.inFlight = null;
    if (done?.background) {
      this.gate.running--;
      this.gate.wake();
    }
    return done;
  }

  async close(): Promise<void> {
    if (this.closing) return;
    const bye = this.request({ op: 'close' }, 'background'); // after everything already asked
    this.closing = true;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    await bye.catch(() => undefined);
    await exited;
  }

  private spawn(): void {
    const worker = new Worker(compiledWorkerScript(path.join('offline', 'offline-reader.js')), { workerData: this.init });
    this.worker = worker;
    let started = false;
    this.ready = new Promise<void>((resolve, reject) => {
      const onReady = (m: ReaderMessage) => {
        if (m.type !== 'ready') return;
        worker.off('message', onReady);
        started = true;
        resolve();
      };
      worker.on('message', onReady);
      worker.once('exit', (code) => reject(new DataplaneError('READER_FAILED', `offline reader ${this.init.reader} exited (code ${code}) before it was ready`)));
    });
    this.ready.catch(() => undefined); // observed by start(); a restart's failure surfaces through requests
    worker.on('message', (m: ReaderMessage) => {
      if (m.type === 'ready' || !this.inFlight || this.inFlight.req.id !== m.id) return;
      const done = this.settle()!;
      if (m.type === 'result') done.resolve(m.result);
      else done.reject(deserializeError(m.error, 'READER_FAILED'));
      this.pump();
    });
    let failure: Error | undefined;
    worker.on('error', (err) => (failure = err));
    worker.once('exit', (code) => {
      const lost = this.settle();
      const reason = `offline reader ${this.init.reader} stopped (${failure?.message ?? `exit code ${code}`})`;
      lost?.reject(new DataplaneError('READER_FAILED', reason));
      // A thread that could not even start would fail again: stop there rather than loop.
      if (this.closing || !started) {
        this.closing = true;
        for (const q of [...this.queues.interactive, ...this.queues.background]) q.reject(new DataplaneError('READER_FAILED', reason));
        this.queues.interactive = [];
        this.queues.background = [];
        return;
      }
      this.spawn();
      this.pump();
    });
  }
}

/**
 * The offline side of a running interface, off the main thread: reader
 * threads that see the interface's shards (seeds/003 offline threads) answer
 * flow and host queries and run the periodic pass, so the main thread's event
 * loop (REST, WebSocket, Redis, SQLite) never waits for a scan over a million
 * slots. Each reader owns the periodic pass of the shards `index % readers`;
 * when every reader is free, a flow page is ranked by each over its own shards
 * at once and the partial pages merged, which gives the same page as one scan
 * (ties by shard, then slot); otherwise, and for pages deeper than
 * {@link MAX_PAGE}, one reader ranks all shards. API requests
 * ('interactive') are served before jobs ('background') in every reader. Host queries merge hosts across shards, so one reader
 * answers each, and one reader counts the distinct hosts for stats(); the
 * other interface counters are read on the caller's thread (O(shards)).
 */
export class OfflineReaders implements InterfaceHandle {
  private constructor(
    private readonly source: ReadersSource,
    private readonly threads: ReaderThread[],
  ) {}

  /** Starts `count` readers (default: one per shard, at most one per core), one at a time (each names flows from the first capture worker's nDPI name tables, no nDPI module of its own). */
  static async start(source: ReadersSource, count = Math.min(source.shards.length, os.availableParallelism())): Promise<OfflineReaders> {
    if (!Number.isInteger(count) || count < 1 || count > source.shards.length) {
      throw new DataplaneError('OPTIONS_INVALID', `offline readers must be an integer in [1, ${source.shards.length}] (one per shard at most), got ${count}`);
    }
    const shards = [...source.shards];
    const threads: ReaderThread[] = [];
    const gate: BackgroundGate = { running: 0, max: Math.max(1, count - 1), wake: () => threads.forEach((t) => t.pump()) };
    try {
      for (let reader = 0; reader < count; reader++) {
        const own = shards.map((s) => s.index).filter((i) => i % count === reader);
        const init = { reader, shards, dpi: source.dpi, nameTables: source.nameTables, probe: source.probeId, interface: source.name, activeTimeoutS: source.activeTimeoutS };
        const thread = new ReaderThread(init, own, gate);
        threads.push(thread);
        await thread.ready;
      }
    } catch (err) {
      await Promise.all(threads.map((t) => t.close()));
      throw err;
    }
    return new OfflineReaders(source, threads);
  }

  get readers(): number {
    return this.threads.length;
  }

  get name(): string {
    return this.source.name;
  }

  /** Interface counters: the workers' (O(shards), here) and the distinct hosts (counted by a reader). */
  async stats(priority: ReadPriority = 'interactive'): Promise<InterfaceStats> {
    const numHosts = await this.leastLoaded().request({ op: 'count-hosts' }, priority);
    return { ...this.source.counters(), num_hosts: numHosts };
  }

  setLocalNetworks(cidrs: readonly string[]): void {
    this.source.setLocalNetworks(cidrs);
  }

  onCaptureError(listener: (e: CaptureErrorEvent) => void): () => void {
    return this.source.onCaptureError(listener);
  }

  whenFinished(): Promise<void> {
    return this.source.whenFinished();
  }

  /** Stops the workers, lets every reader answer what it was asked, then ends the reader threads. */
  async stop(): Promise<void> {
    await this.source.stop();
    await this.close();
  }

  /** A page of active flows, as Dataplane.queryFlows; rejects with a QueryError (QUERY_BAD_VALUE) for a bad filter value. */
  async queryFlows(q: FlowQuery = {}, priority: ReadPriority = 'interactive'): Promise<RankedPage<FlowRecord>> {
    const limit = Math.min(q.limit ?? DEFAULT_PAGE, MAX_PAGE);
    const offset = q.offset ?? 0;
    // In parallel only when every reader is free: a reader busy with a job's scan would hold
    // the whole page back, so then one free reader (or the least busy) ranks all shards.
    if (this.threads.length === 1 || offset + limit > MAX_PAGE || this.threads.some((t) => t.load > 0)) {
      const { total, data, keys } = await this.leastLoaded().request({ op: 'flows', shards: this.allShards(), query: q }, priority);
      return { total, data, keys };
    }
    const partial = { ...q, offset: 0, limit: offset + limit };
    const pages = await Promise.all(this.threads.map((t) => t.request({ op: 'flows', shards: t.own, query: partial }, priority)));
    return mergeRankedPages(pages, q.order, offset, limit);
  }

  /** A page of hosts merged over shards, as Dataplane.queryHosts. */
  queryHosts(q: HostQuery = {}, priority: ReadPriority = 'interactive'): Promise<RankedPage<HostRecord>> {
    return this.leastLoaded().request({ op: 'hosts', query: q }, priority);
  }

  getHost(ip: string, vlan?: number, priority: ReadPriority = 'interactive'): Promise<HostRecord | undefined> {
    return this.leastLoaded().request({ op: 'host', ip, vlan }, priority);
  }

  /**
   * The offline periodic pass (as Dataplane.updateStats), each reader over the
   * shards it owns, then the interface throughputs here. Resolves to the flow
   * records the pass produced (ended flows, interim records).
   */
  async updateStats(nowS: number = Date.now() / 1000, maxSlotsPerTable: number = UPDATE_STATS_SLOTS): Promise<{ records: FlowExportRecord[] }> {
    const records = await Promise.all(this.threads.map((t) => t.request({ op: 'sweep', shards: t.own, nowS, maxSlots: maxSlotsPerTable }, 'background')));
    this.source.updateThroughput(nowS);
    return { records: records.flat() };
  }

  /** Every flow not yet fully reported, as records with `reason` (as Dataplane.flushFlows), each reader over the shards it owns. */
  async flushFlows(reason: FlowEndReason): Promise<FlowExportRecord[]> {
    const records = await Promise.all(this.threads.map((t) => t.request({ op: 'flush', shards: t.own, reason }, 'background')));
    return records.flat();
  }

  /** Lets every reader answer what it was asked, then ends the threads. The workers keep running. */
  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.close()));
  }

  private allShards(): number[] {
    return this.source.shards.map((s) => s.index);
  }

  private leastLoaded(): ReaderThread {
    let best = this.threads[0];
    for (const t of this.threads) if (t.load < best.load) best = t;
    return best;
  }
}
