/**
 * Scratch the layer decoders of one packet hand to each other: numbers only,
 * one instance per thread (module state is per worker isolate), overwritten
 * for every packet so decoding allocates nothing.
 */
export const cursor = {
  /** Ethertype found by the last link-layer decoder (0x0800, 0x86dd, ...). */
  etherType: 0,
  /** L4 bytes announced by the innermost IP header (IPv4 total length - IHL, IPv6 payload - extension headers). */
  l4Length: 0,
  /** IPv4 header length in bytes of the last IPv4 header decoded. */
  ipv4HeaderBytes: 0,
  /** IPv4 total length field of the last IPv4 header decoded (0 = TSO, use the captured length). */
  ipv4TotalLength: 0,
  /** Set by tunnel decoders: the inner packet starts with an Ethernet header (else with an IP header). */
  innerIsEthernet: false,
};

/** Big-endian 16-bit read. The caller has checked the bounds. */
export function readU16(data: Uint8Array, pos: number): number {
  return (data[pos] << 8) | data[pos + 1];
}

/** Big-endian unsigned 32-bit read. The caller has checked the bounds. */
export function readU32(data: Uint8Array, pos: number): number {
  return ((data[pos] << 24) | (data[pos + 1] << 16) | (data[pos + 2] << 8) | data[pos + 3]) >>> 0;
}
