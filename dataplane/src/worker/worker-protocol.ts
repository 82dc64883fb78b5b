import type { MessagePort } from 'node:worker_threads';
import { SourceSpec } from '../dataplane.types';
import type { DpiEngineOptions } from '../dpi/classifier';
import type { NdpiNameTables } from '../dpi/ndpi-names';
import type { PacketRingBuffers } from './packet-ring.layout';

/** Settings a capture worker needs, resolved by the main thread. */
export interface WorkerOptions {
  idleTimeoutS: number;
  hostIdleTimeoutS: number;
  localNetworks: string[];
  dpi: boolean;
  dpiPacketLimit: number;
}

/** `workerData` of a capture worker. */
export interface WorkerInit {
  worker: number;
  workers: number;
  /** Wall-clock start of the interface, seconds: the common origin of replayed timestamps. */
  startAtS: number;
  source: SourceSpec;
  options: WorkerOptions;
  flowSab: SharedArrayBuffer;
  hostSab: SharedArrayBuffer;
  statsSab: SharedArrayBuffer;
  controlSab: SharedArrayBuffer;
  /** Settings changed while running (WorkerConfig), read by the worker between bursts (WorkerControl.Config). */
  configPort: MessagePort;
  /** A capture file read by several workers: the file reader thread's rings (the worker reads its ring, not the file). */
  rings?: PacketRingBuffers;
  /**
   * This shard's previous worker crashed (docs/reliability.md, *Worker crash*):
   * repair the tables it left and, for a ring, take it back from the newest packet.
   */
  restart?: boolean;
  /**
   * DPI on, first start: the main thread initialises this worker's nDPI engine while the
   * worker starts (createNdpiEngineAsync with {@link dpiEngineOptions}) and publishes its
   * address in the worker's WorkerF64.NdpiEngine word, the word the worker publishes its open
   * engine in (freed by the main thread if the worker exits without adopting it); -1 there:
   * none was made, the worker makes its own.
   */
  engineFromMain?: boolean;
}

/** The nDPI engine options of a capture worker whose flow shard has `flowCapacity` slots (the same on both sides of WorkerInit.engineFromMain). */
export function dpiEngineOptions(options: WorkerOptions, flowCapacity: number): DpiEngineOptions {
  // With expiry on, give up on silent flows well before the table reports them idle.
  const idle = options.idleTimeoutS;
  return { flowCapacity, packetLimit: options.dpiPacketLimit, idleGiveUpS: idle > 0 ? Math.min(30, idle / 2) : 0 };
}

/** A settings change for a running worker. */
export interface WorkerConfig {
  /** CIDRs of local networks: hosts created from now on are classified by them. */
  localNetworks: string[];
}

/** Messages from a capture worker to the main thread (rare events, never per packet). */
export type WorkerMessage =
  /** `names`: the worker's nDPI names as data (DPI on), for the threads that have no nDPI module (dpi/ndpi-names.ts TableNames). */
  | { type: 'started'; worker: number; names?: NdpiNameTables }
  | { type: 'finished'; worker: number; endOfCapture: boolean }
  | { type: 'error'; worker: number; message: string; code: string; fatal: boolean };
