import type { MessagePort } from 'node:worker_threads';
import { SourceSpec } from '../dataplane.types';
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
