import { parentPort, workerData } from 'node:worker_threads';
import { createCaptureSource } from '../capture/source-factory';
import { PcapFileSource } from '../capture/pcap-file-source';
import { ReplaySource } from '../capture/replay-source';
import { SourceSpec } from '../dataplane.types';
import { FileReader } from './file-reader';
import { PacketRingBuffers } from './packet-ring.layout';
import { WorkerControl } from './worker-stats.layout';

/** `workerData` of the file reader thread. */
export interface FileReaderInit {
  source: SourceSpec;
  /** Wall-clock start of the interface, seconds (replayed timestamps). */
  startAtS: number;
  buffers: PacketRingBuffers;
  /** Each capture worker's control words (Wake: a worker idling on an empty ring is woken by new packets). */
  workerControls: SharedArrayBuffer[];
}

/** Messages of the file reader thread: it opened the file, or it could not. */
export type FileReaderMessage = { type: 'started' } | { type: 'error'; message: string; code: string };

/**
 * Entry point of the file reader thread of a capture file read by several
 * workers (see FileReader). A file it cannot open is reported at once, as the
 * workers reported it when each opened the file.
 */
function main(init: FileReaderInit): void {
  const post = (m: FileReaderMessage) => parentPort!.postMessage(m);
  let source;
  try {
    source = createCaptureSource(init.source, 0, init.startAtS).source;
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    post({ type: 'error', message: err instanceof Error ? err.message : String(err), code: typeof code === 'string' ? code : 'WORKER_FAILED' });
    return;
  }
  post({ type: 'started' });
  const controls = init.workerControls.map((c) => new Int32Array(c));
  const wake = (w: number) => void Atomics.notify(controls[w], WorkerControl.Wake);
  const replay = source instanceof ReplaySource ? source : null;
  // A file read at full speed: the packets are read into the shared slots and stay there (no copy).
  if (source instanceof PcapFileSource) source.readInPlace();
  try {
    new FileReader(source, init.buffers, wake).run(replay ? () => replay.msUntilNextPacket() : undefined);
  } finally {
    source.close();
  }
}

main(workerData as FileReaderInit);
