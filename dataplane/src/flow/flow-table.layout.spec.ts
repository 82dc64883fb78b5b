import {
  FLOW_INFO_BYTES,
  FLOW_NAME_BYTES,
  FLOW_SLOT_BYTES,
  FLOW_TOTAL_BYTES_BYTES,
  FlowF64,
  flowInfoOffset,
  flowNamesOffset,
  flowTableGeometry,
  flowTotalBytesOffset,
  FlowU32,
} from './flow-table.layout';

/** Pins every per-flow offset in shared memory. Readers in other threads (and the DPI C shim) depend on them. */
describe('flow-table layout', () => {
  it('pins the u32 fields: the first 16 words (one cache line) hold the key, the chain and the host slots', () => {
    expect([
      FlowU32.State, FlowU32.Next, FlowU32.Hash, FlowU32.KeyMeta, FlowU32.Ports, FlowU32.CliAddr0, FlowU32.SrvAddr0,
      FlowU32.CliHost, FlowU32.SrvHost, FlowU32.DpiState, FlowU32.TcpFlags, FlowU32.C2sNextSeq, FlowU32.S2cNextSeq,
      FlowU32.L7, FlowU32.CategoryBreed, FlowU32.RiskLo, FlowU32.RiskHi, FlowU32.Score, FlowU32.DpiPackets,
      FlowU32.Flags, FlowU32.Tunnel, FlowU32.Generation, FlowU32.ReportedC2sRetrans, FlowU32.ReportedS2cRetrans,
      FlowU32.FinalReported, FlowU32.IcmpTypeCode, FlowU32.Count,
    ]).toEqual([0, 1, 2, 3, 4, 5, 9, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32]);
  });

  it('pins the f64 fields: the per-packet counters (times, packets, bytes, IP bytes) share one cache line', () => {
    expect([
      FlowF64.FirstSeen, FlowF64.LastSeen, FlowF64.C2sPkts, FlowF64.C2sBytes, FlowF64.S2cPkts, FlowF64.S2cBytes,
      FlowF64.C2sIpBytes, FlowF64.S2cIpBytes, FlowF64.C2sRetrans, FlowF64.S2cRetrans, FlowF64.C2sOoo, FlowF64.S2cOoo,
      FlowF64.Reserved12, FlowF64.Reserved13, FlowF64.ThptBps, FlowF64.ThptPps, FlowF64.PrevBytes, FlowF64.PrevPkts,
      FlowF64.PrevTs, FlowF64.ReportedC2sPkts, FlowF64.ReportedC2sBytes, FlowF64.ReportedS2cPkts, FlowF64.ReportedS2cBytes,
      FlowF64.ReportedLastSeen, FlowF64.Count,
    ]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
  });

  it('pins the slot stride and the total-bytes/name/info regions', () => {
    expect(FLOW_SLOT_BYTES).toBe(32 * 4 + 24 * 8);
    expect(FLOW_SLOT_BYTES).toBe(320);
    expect(FLOW_SLOT_BYTES % 64).toBe(0);
    expect(FLOW_NAME_BYTES).toBe(128);
    expect(FLOW_INFO_BYTES).toBe(384);
    const g = flowTableGeometry(1000);
    expect(FLOW_TOTAL_BYTES_BYTES).toBe(8);
    expect(flowTotalBytesOffset(g)).toBe(g.slotsOffset + 1000 * 320);
    expect(flowTotalBytesOffset(g) % 8).toBe(0);
    expect(flowNamesOffset(g)).toBe(flowTotalBytesOffset(g) + 1000 * 8);
    expect(flowInfoOffset(g)).toBe(flowNamesOffset(g) + 1000 * 128);
    expect(g.totalBytes).toBe(flowInfoOffset(g) + 1000 * 384);
  });
});
