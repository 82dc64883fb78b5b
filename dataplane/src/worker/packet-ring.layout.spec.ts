import {
  DESC_BYTES,
  DESC_IFINDEX_OFFSET,
  DESC_LINKTYPE_OFFSET,
  DESC_OFFSET_OFFSET,
  RING_BYTES,
  RING_CAPACITY,
  RING_CONTROL_BYTES,
  RING_DESCRIPTORS,
  RING_SLOT_BYTES,
  RING_SLOT_BYTES_SHIFT,
  RING_SLOT_PACKETS,
  RING_SLOT_PACKETS_SHIFT,
  RING_SLOTS,
  RingI32,
  SlotDescriptors,
  allocatePacketRings,
} from './packet-ring.layout';

describe('packet ring layout', () => {
  it('keeps every packet of every slot in a ring, arrays aligned, control words in order', () => {
    expect(RING_SLOTS * RING_SLOT_PACKETS).toBeLessThanOrEqual(RING_CAPACITY);
    expect(RING_CAPACITY & (RING_CAPACITY - 1)).toBe(0);
    expect(RING_SLOT_PACKETS).toBe(2 ** RING_SLOT_PACKETS_SHIFT);
    expect(RING_SLOT_BYTES).toBe(2 ** RING_SLOT_BYTES_SHIFT);
    // A reference's slot shifted to its byte base stays a positive int32.
    expect((RING_SLOTS - 1) * RING_SLOT_BYTES).toBeLessThan(2 ** 31);
    expect(DESC_OFFSET_OFFSET).toBe(RING_DESCRIPTORS * 8);
    expect(DESC_LINKTYPE_OFFSET % 4).toBe(0);
    expect(DESC_IFINDEX_OFFSET + RING_DESCRIPTORS * 2).toBe(DESC_BYTES);
    expect(RING_BYTES).toBe(RING_CAPACITY * 4);
    expect(RingI32.Read - RingI32.Write).toBe(64);
    expect(RING_CONTROL_BYTES % 8).toBe(0);
    const b = allocatePacketRings(3);
    expect(b.rings.map((r) => r.byteLength)).toEqual([RING_BYTES, RING_BYTES, RING_BYTES]);
    expect(b.descriptors.byteLength).toBe(DESC_BYTES);
    expect(() => allocatePacketRings(65)).toThrow(RangeError);
  });

  it("gives each slot its own views of the descriptors, indexed by reference", () => {
    const d = new SlotDescriptors(allocatePacketRings(1).descriptors);
    const s3 = d.slot(3);
    s3.tsS[5] = 1.5;
    s3.offset[5] = 77;
    s3.ifIndex[RING_SLOT_PACKETS - 1] = 9;
    expect(s3.caplen.length).toBe(RING_SLOT_PACKETS);
    expect(d.tsS[3 * RING_SLOT_PACKETS + 5]).toBe(1.5);
    expect(d.offset[3 * RING_SLOT_PACKETS + 5]).toBe(77);
    expect(d.ifIndex[4 * RING_SLOT_PACKETS - 1]).toBe(9);
    expect(d.slot(4).ifIndex[0]).toBe(0);
  });
});
