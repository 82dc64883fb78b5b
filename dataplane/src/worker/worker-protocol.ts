import { SourceSpec } from '../dataplane.types';

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
}

/** Messages from a capture worker to the main thread (rare events, never per packet). */
export type WorkerMessage =
  | { type: 'started'; worker: number }
  | { type: 'finished'; worker: number; endOfCapture: boolean }
  | { type: 'error'; worker: number; message: string; code?: string; fatal: boolean };
