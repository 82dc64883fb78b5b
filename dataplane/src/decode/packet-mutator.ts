import { decodePacket } from './decode-packet';
import { DecodeStatus } from './decode-status';
import { DecodedPacket } from './decoded-packet';

/** Interesting values for next-header / protocol bytes: tunnels, extension headers, L4s. */
const PROTOCOL_VALUES = [0, 1, 4, 6, 17, 41, 43, 44, 47, 50, 51, 58, 59, 60, 135, 255];
/** Bytes of the packet start where random flips go: the headers (deep tunnels fit in it). */
const FLIP_WINDOW_BYTES = 160;
/** Number of mutation kinds {@link PacketMutator.mutate} cycles through. */
export const MUTATION_KINDS = 4;

/**
 * Deterministic generator of damaged copies of real packets, for robustness tests of
 * the decoder and everything behind it: truncation at (and around) every layer
 * boundary, length/type fields forced to 0, max or tunnel/extension-header values,
 * random byte flips, and both at once. Same seed, same packets, same mutants.
 *
 * Usage: `prepare()` a packet, then `mutate(i)` for i = 0..n-1; each mutant is written
 * into `scratch` (reused) and its caplen returned.
 */
export class PacketMutator {
  /** The mutant of the last {@link mutate} call starts at offset 0. */
  readonly scratch: Uint8Array;
  private readonly decoded = new DecodedPacket();
  private readonly boundaries = new Int32Array(16);
  private boundaryCount = 0;
  private readonly lengthFields = new Int32Array(16);
  private lengthFieldCount = 0;
  private source: Uint8Array = new Uint8Array(0);
  private sourceOffset = 0;
  private sourceLength = 0;
  private state: number;

  constructor(seed: number, scratchBytes = 262144) {
    this.scratch = new Uint8Array(scratchBytes);
    this.state = seed >>> 0;
  }

  /** Next pseudo-random unsigned 32-bit number (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Pseudo-random integer in [0, n). */
  below(n: number): number {
    return n <= 0 ? 0 : this.next() % n;
  }

  /** Takes the packet to mutate and finds its layer boundaries by decoding it once. */
  prepare(data: Uint8Array, offset: number, caplen: number, linkType: number): void {
    this.source = data;
    this.sourceOffset = offset;
    this.sourceLength = Math.min(caplen, this.scratch.length, data.length - offset);
    const d = this.decoded;
    const status = decodePacket(data, offset, this.sourceLength, linkType, d);
    this.boundaryCount = 0;
    this.lengthFieldCount = 0;
    this.addBoundary(offset + 14);
    this.addBoundary(offset + 18);
    if (status === DecodeStatus.Ok) {
      this.addBoundary(d.l3Offset);
      this.addBoundary(d.l3Offset + 20);
      this.addBoundary(d.l3Offset + 40);
      this.addBoundary(d.l4Offset);
      this.addBoundary(d.l4Offset + 8);
      this.addBoundary(d.l4Offset + 20);
      this.addBoundary(d.payloadOffset);
      this.addBoundary(d.payloadOffset + 8);
      this.addBoundary(d.payloadOffset + 16);
      // IPv4: version/IHL, total length, protocol; IPv6: payload length, next header.
      this.addLengthField(d.l3Offset);
      this.addLengthField(d.l3Offset + 2);
      this.addLengthField(d.l3Offset + 4);
      this.addLengthField(d.l3Offset + 6);
      this.addLengthField(d.l3Offset + 9);
      // UDP length / TCP data offset, and the first payload bytes (tunnel headers).
      this.addLengthField(d.l4Offset + 4);
      this.addLengthField(d.l4Offset + 12);
      this.addLengthField(d.payloadOffset);
      this.addLengthField(d.payloadOffset + 1);
      this.addLengthField(d.payloadOffset + 2);
    }
    this.addLengthField(offset + 12);
    this.addLengthField(offset + 16);
  }

  /** Writes mutant `variant` of the prepared packet into `scratch`; returns its caplen. */
  mutate(variant: number): number {
    const s = this.scratch;
    let caplen = this.sourceLength;
    s.set(this.source.subarray(this.sourceOffset, this.sourceOffset + caplen), 0);
    const kind = variant % MUTATION_KINDS;
    if (kind === 0 || kind === 3) {
      // Truncate at a layer boundary, one byte before or after it.
      const b = this.boundaries[this.below(this.boundaryCount)] + this.below(3) - 1;
      if (b >= 0 && b < caplen) caplen = b;
    }
    if (kind === 1 && this.lengthFieldCount > 0) {
      const at = this.lengthFields[this.below(this.lengthFieldCount)];
      if (at + 1 < caplen) {
        const how = this.below(4);
        if (how === 0) {
          s[at] = 0;
          s[at + 1] = 0;
        } else if (how === 1) {
          s[at] = 0xff;
          s[at + 1] = 0xff;
        } else if (how === 2) {
          s[at] = PROTOCOL_VALUES[this.below(PROTOCOL_VALUES.length)];
        } else {
          s[at] = (s[at] & 0xf0) | this.below(16);
        }
      }
    }
    if (kind === 2 || kind === 3) {
      const window = caplen < FLIP_WINDOW_BYTES ? caplen : FLIP_WINDOW_BYTES;
      const flips = 1 + this.below(4);
      for (let i = 0; i < flips; i++) s[this.below(window)] = this.next() & 0xff;
    }
    return caplen;
  }

  private addBoundary(absolute: number): void {
    const rel = absolute - this.sourceOffset;
    if (rel > 0 && rel <= this.sourceLength && this.boundaryCount < this.boundaries.length) this.boundaries[this.boundaryCount++] = rel;
  }

  private addLengthField(absolute: number): void {
    const rel = absolute - this.sourceOffset;
    if (rel >= 0 && rel < this.sourceLength && this.lengthFieldCount < this.lengthFields.length) this.lengthFields[this.lengthFieldCount++] = rel;
  }
}
