/**
 * What turns the numbers a shard slot holds into record fields on the offline
 * side: nDPI's packed protocol/category/risk numbers into names (dpi/ndpi-names.ts
 * implements it) and f64 seconds into microsecond-exact times.
 */

/** Turns packed nDPI numbers into names on the offline side (dpi/ provides the real one). */
export interface L7Names {
  /** 'TLS.YouTube', 'DNS', 'Unknown' for a packed master << 16 | app. */
  protocolName(l7: number): string;
  categoryName(categoryBreed: number): string;
  breedName(categoryBreed: number): string;
  riskNames(riskLo: number, riskHi: number): string[];
}

/** Names used when DPI is off: everything empty. */
export const NO_DPI_NAMES: L7Names = {
  protocolName: () => '',
  categoryName: () => '',
  breedName: () => '',
  riskNames: () => [],
};

/** Seconds rounded to the microsecond (what pcap carries; f64 noise beyond it). */
export function micros(s: number): number {
  return Math.round(s * 1e6) / 1e6;
}
