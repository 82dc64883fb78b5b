import {
  RING_BYTES,
  RING_CAPACITY,
  RING_CONTROL_BYTES,
  RING_IFINDEX_OFFSET,
  RING_LINKTYPE_OFFSET,
  RING_OFFSET_OFFSET,
  RING_SLOT_PACKETS,
  RING_SLOTS,
  RingI32,
  allocatePacketRings,
} from './packet-ring.layout';

describe('packet ring layout', () => {
  it('keeps every packet of every slot in a ring, arrays aligned, control words in order', () => {
    expect(RING_SLOTS * RING_SLOT_PACKETS).toBeLessThanOrEqual(RING_CAPACITY);
    expect(RING_CAPACITY & (RING_CAPACITY - 1)).toBe(0);
    expect(RING_OFFSET_OFFSET).toBe(RING_CAPACITY * 8);
    expect(RING_LINKTYPE_OFFSET % 4).toBe(0);
    expect(RING_IFINDEX_OFFSET + RING_CAPACITY * 2).toBe(RING_BYTES);
    expect(RingI32.Read - RingI32.Write).toBe(64);
    expect(RING_CONTROL_BYTES % 8).toBe(0);
    const b = allocatePacketRings(3);
    expect(b.rings.map((r) => r.byteLength)).toEqual([RING_BYTES, RING_BYTES, RING_BYTES]);
    expect(() => allocatePacketRings(65)).toThrow(RangeError);
  });
});
