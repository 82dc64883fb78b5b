import { DECODE_COUNTER_SLOTS, WORKER_STATS_BYTES, WorkerControl, WorkerF64 } from './worker-stats.layout';
import { DECODE_STATUS_COUNT } from '../decode/decode-status';

describe('worker stats layout', () => {
  it('pins the counters and control words', () => {
    expect([
      WorkerF64.Packets, WorkerF64.Bytes, WorkerF64.Reserved2, WorkerF64.LastPacketTs, WorkerF64.Reserved4,
      WorkerF64.SourceDrops, WorkerF64.Reserved6, WorkerF64.Finished, WorkerF64.LostPackets, WorkerF64.UploadBytes, WorkerF64.DownloadBytes, WorkerF64.NdpiEngine,
      WorkerF64.DecodeStatus0, WorkerF64.Count,
    ]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 16, 48]);
    expect(WORKER_STATS_BYTES).toBe(384);
    expect([WorkerControl.Stop, WorkerControl.Wake, WorkerControl.Config, WorkerControl.Count]).toEqual([0, 1, 2, 3]);
  });

  it('has a counter for every decode status', () => {
    expect(DECODE_STATUS_COUNT).toBeLessThanOrEqual(DECODE_COUNTER_SLOTS);
  });
});
