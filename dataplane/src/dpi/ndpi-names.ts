import type { L7Names } from '../shard/record-names';
import { NDPI_NAME_ALIASES } from './host-patterns';
import type { NdpiShim } from './ndpi.ffi';

const utf8 = new TextDecoder('utf-8');

/** Parts of FlowU32.CategoryBreed (category | breed << 16 | confidence << 24). */
export function categoryOf(categoryBreed: number): number {
  return categoryBreed & 0xffff;
}
export function breedOf(categoryBreed: number): number {
  return (categoryBreed >>> 16) & 0xff;
}
export function confidenceOf(categoryBreed: number): number {
  return categoryBreed >>> 24;
}

/**
 * Names of packed nDPI numbers, as ndpiReader prints them ("TLS.YouTube",
 * "Web", "Safe", "Known Proto on Non Std Port"), with today's names for the
 * few protocols nDPI 4.2 spells differently (host-patterns.ts). Offline side:
 * every string is built once and cached.
 */
export class NdpiNames implements L7Names {
  private readonly protocols = new Map<number, string>();
  private readonly categories = new Map<number, string>();
  private readonly breeds = new Map<number, string>();
  private readonly risks: string[] = [];
  private readonly buf = new Uint8Array(128);

  constructor(
    private readonly shim: NdpiShim,
    private readonly engine: unknown,
  ) {}

  /** "TLS.YouTube", "DNS", "Unknown" for master << 16 | app. */
  protocolName(l7: number): string {
    let name = this.protocols.get(l7 >>> 0);
    if (name === undefined) {
      const n = this.shim.fp_ndpi_protocol_name(this.engine, l7 >>> 0, this.buf, this.buf.length);
      name = utf8
        .decode(this.buf.slice(0, Math.max(0, n)))
        .split('.')
        .map((part) => NDPI_NAME_ALIASES[part] ?? part)
        .join('.');
      this.protocols.set(l7 >>> 0, name);
    }
    return name;
  }

  /** nDPI id of a protocol name as nDPI 4.2 spells it (e.g. "DCE_RPC"), -1 if unknown. */
  protocolId(name: string): number {
    return this.shim.fp_ndpi_protocol_id(this.engine, name);
  }

  /** Application part of the name ("YouTube" for TLS.YouTube). */
  appName(l7: number): string {
    const full = this.protocolName(l7);
    const dot = full.lastIndexOf('.');
    return dot < 0 ? full : full.slice(dot + 1);
  }

  categoryName(categoryBreed: number): string {
    const c = categoryOf(categoryBreed);
    let name = this.categories.get(c);
    if (name === undefined) {
      name = c === 0 ? '' : this.shim.fp_ndpi_category_name(this.engine, c) ?? '';
      this.categories.set(c, name);
    }
    return name;
  }

  breedName(categoryBreed: number): string {
    const b = breedOf(categoryBreed);
    let name = this.breeds.get(b);
    if (name === undefined) {
      name = this.shim.fp_ndpi_breed_name(this.engine, b) ?? '';
      this.breeds.set(b, name);
    }
    return name;
  }

  confidenceName(categoryBreed: number): string {
    return this.shim.fp_ndpi_confidence_name(confidenceOf(categoryBreed)) ?? '';
  }

  /** Names of the risk bits set in the 64-bit bitmap (lo = bits 0..31, hi = 32..63). */
  riskNames(riskLo: number, riskHi: number): string[] {
    const names: string[] = [];
    for (let bit = 1; bit < 64; bit++) {
      const set = bit < 32 ? (riskLo >>> bit) & 1 : (riskHi >>> (bit - 32)) & 1;
      if (set === 0) continue;
      let name = this.risks[bit];
      if (name === undefined) {
        name = this.shim.fp_ndpi_risk_name(bit) ?? `risk ${bit}`;
        this.risks[bit] = name;
      }
      names.push(name);
    }
    return names;
  }
}
