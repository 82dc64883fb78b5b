import { HOST_APP_SLOTS, HOST_SLOT_BYTES, HostF64, hostTableGeometry, HostU32 } from './host-table.layout';

/** Pins every per-host offset in shared memory. */
describe('host-table layout', () => {
  it('pins the u32 fields', () => {
    expect(HOST_APP_SLOTS).toBe(8);
    expect([
      HostU32.State, HostU32.Next, HostU32.Hash, HostU32.KeyMeta, HostU32.Addr0, HostU32.MacHi, HostU32.MacLo,
      HostU32.ActiveAsClient, HostU32.ActiveAsServer, HostU32.Flags, HostU32.Reserved13, HostU32.Reserved14, HostU32.AppId0, HostU32.Count,
    ]).toEqual([0, 1, 2, 3, 4, 8, 9, 10, 11, 12, 13, 14, 16, 32]);
  });

  it('pins the f64 fields: what every packet updates shares one cache line', () => {
    expect([
      HostF64.LastSeen, HostF64.BytesSent, HostF64.BytesRcvd, HostF64.PktsSent, HostF64.PktsRcvd, HostF64.FirstSeen,
      HostF64.FlowsAsClient, HostF64.FlowsAsServer, HostF64.ThptBps, HostF64.ThptPps, HostF64.PrevBytes, HostF64.PrevPkts,
      HostF64.PrevTs, HostF64.AppBytes0, HostF64.AppOtherBytes, HostF64.Count,
    ]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 21, 24]);
  });

  it('pins the stride and geometry', () => {
    expect(HOST_SLOT_BYTES).toBe(32 * 4 + 24 * 8);
    expect(HOST_SLOT_BYTES % 64).toBe(0);
    const g = hostTableGeometry(500);
    expect(g.bucketCount).toBe(1024);
    expect(g.totalBytes).toBe(g.slotsOffset + 500 * 320);
  });
});
