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

/** How many categories and breeds {@link NdpiNameTables} carries (categories past it are never set by nDPI 4.2). */
export const NAME_TABLE_SPAN = 256;

/** A detection module's names as plain data (structured-cloneable): what {@link TableNames} needs. */
export interface NdpiNameTables {
  /** nDPI's name of each protocol id, custom protocols included (`ndpi_get_proto_name`). */
  protocols: string[];
  /** `ndpi_category_get_name` of categories 0..NAME_TABLE_SPAN-1. */
  categories: string[];
  /** `ndpi_get_proto_breed_name` of breeds 0..NAME_TABLE_SPAN-1. */
  breeds: string[];
  /** `ndpi_risk2str` of risk bits 0..63. */
  risks: string[];
}

/** A protocol name as flowprobe shows it: nDPI's, with today's spelling of the few names 4.2 spells differently. */
function displayName(ndpiName: string): string {
  return ndpiName
    .split('.')
    .map((part) => NDPI_NAME_ALIASES[part] ?? part)
    .join('.');
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
      name = displayName(utf8.decode(this.buf.slice(0, Math.max(0, n))));
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

  /**
   * This module's names as plain data, for threads that have no nDPI module of
   * their own ({@link TableNames}): nDPI's name of every protocol id it knows
   * (custom ones included), of the first {@link NAME_TABLE_SPAN} categories and
   * breeds (nDPI 4.2 has 108 categories; a breed is one byte) and of the 64 risks.
   */
  tables(): NdpiNameTables {
    const raw = (l7: number) => utf8.decode(this.buf.slice(0, Math.max(0, this.shim.fp_ndpi_protocol_name(this.engine, l7, this.buf, this.buf.length))));
    const protocols: string[] = [];
    for (let id = 0, n = this.shim.fp_ndpi_num_protocols(this.engine); id < n; id++) protocols.push(raw(id));
    const categories: string[] = [];
    const breeds: string[] = [];
    for (let i = 0; i < NAME_TABLE_SPAN; i++) {
      categories.push(this.shim.fp_ndpi_category_name(this.engine, i) ?? '');
      breeds.push(this.shim.fp_ndpi_breed_name(this.engine, i) ?? '');
    }
    const risks: string[] = [];
    for (let bit = 0; bit < 64; bit++) risks.push(this.shim.fp_ndpi_risk_name(bit) ?? `risk ${bit}`);
    return { protocols, categories, breeds, risks };
  }
}

/**
 * The names of {@link NdpiNames} from its {@link NdpiNames.tables}, for threads
 * without a detection module of their own (the main thread and the offline
 * readers get them from the first capture worker: no second nDPI module to
 * initialise). `protocolName` joins master and application as nDPI 4.2's
 * `ndpi_protocol2name` does ("master.app" when both are known and differ);
 * dpi/ndpi-names.spec.ts checks every name against the module's own.
 */
export class TableNames implements L7Names {
  private readonly protocols = new Map<number, string>();

  constructor(private readonly t: NdpiNameTables) {}

  protocolName(l7: number): string {
    let name = this.protocols.get(l7 >>> 0);
    if (name === undefined) {
      const master = l7 >>> 16;
      const app = l7 & 0xffff;
      const raw = master !== 0 && master !== app ? (app !== 0 ? `${this.proto(master)}.${this.proto(app)}` : this.proto(master)) : this.proto(app);
      name = displayName(raw);
      this.protocols.set(l7 >>> 0, name);
    }
    return name;
  }

  categoryName(categoryBreed: number): string {
    const c = categoryOf(categoryBreed);
    return c === 0 ? '' : (this.t.categories[c] ?? `Invalid category ${c}`);
  }

  breedName(categoryBreed: number): string {
    return this.t.breeds[breedOf(categoryBreed)];
  }

  riskNames(riskLo: number, riskHi: number): string[] {
    const names: string[] = [];
    for (let bit = 1; bit < 64; bit++) {
      const set = bit < 32 ? (riskLo >>> bit) & 1 : (riskHi >>> (bit - 32)) & 1;
      if (set !== 0) names.push(this.t.risks[bit]);
    }
    return names;
  }

  /** ndpi_get_proto_name: ids nDPI does not know are "Unknown" (id 0). */
  private proto(id: number): string {
    return id < this.t.protocols.length ? this.t.protocols[id] : this.t.protocols[0];
  }
}
