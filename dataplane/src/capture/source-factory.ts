import { SourceSpec } from '../dataplane.types';
import { CaptureSource } from './capture-source';
import { PcapFileSource } from './pcap-file-source';
import { ReplaySource } from './replay-source';

/**
 * Creates, inside a capture worker, the source of worker `worker` of `workers`.
 * A pcap source is read by every worker, each keeping its own share of the
 * packets (software RSS, `shardFilter`); a DPDK source gives each worker its
 * own RX queue, already split by the NIC. `startAtS` (wall clock, shared by
 * every worker of an interface) keeps replayed timestamps in agreement.
 */
export function createCaptureSource(spec: SourceSpec, worker: number, startAtS: number): { source: CaptureSource; shardFilter: boolean } {
  switch (spec.kind) {
    case 'pcap': {
      const replay = spec.loop || spec.speed === 'realtime' || spec.shiftToNow;
      const source = replay
        ? ReplaySource.open(spec.path, { loop: spec.loop, speed: spec.speed, shiftToNow: spec.shiftToNow, startAtS })
        : new PcapFileSource(spec.path);
      return { source, shardFilter: true };
    }
    case 'dpdk': {
      // Worker i polls RX queue i, set up by Dataplane.start (startDpdk) on the main thread.
      // Required here, not imported above: a worker reading a file never loads the DPDK modules (start-up).
      const { openDpdkQueueSource } = require('./dpdk-queue-source') as typeof import('./dpdk-queue-source');
      return { source: openDpdkQueueSource(spec, worker), shardFilter: false };
    }
  }
}
