import { loadNativeLibrary, NativeLibrary, nativeLibraryPath } from '../errors/native-library';

/**
 * koffi declarations of libflowprobe_ndpi.so (dataplane/native/ndpi/flowprobe_ndpi.h),
 * the batched shim over Debian's nDPI 4.2 (libndpi.so.4.2). Every nDPI struct is
 * touched in C only; JavaScript sees integers and typed arrays.
 *
 * Loaded lazily on first use, once per thread (each capture worker binds its own).
 */
export interface NdpiShim {
  fp_ndpi_create(maxStates: number, packetLimit: number, options: number, dnsCacheEntries: number, protosPath: string): unknown;
  fp_ndpi_destroy(engine: unknown): void;
  fp_ndpi_flow_struct_size(): number;
  fp_ndpi_api_version(): number;
  fp_ndpi_process(
    engine: unknown,
    data: Uint8Array,
    dataLen: number,
    n: number,
    stateIdx: Int32Array,
    l3Off: Uint32Array,
    l3Len: Uint32Array,
    tsMs: Float64Array,
    flags: Uint8Array,
    out: Uint32Array,
    text: Uint8Array,
  ): number;
  fp_ndpi_giveup(engine: unknown, n: number, stateIdx: Int32Array, out: Uint32Array, text: Uint8Array): number;
  fp_ndpi_release(engine: unknown, stateIdx: number): void;
  fp_ndpi_protocol_name(engine: unknown, l7: number, buf: Uint8Array, bufLen: number): number;
  fp_ndpi_category_name(engine: unknown, category: number): string;
  fp_ndpi_breed_name(engine: unknown, breed: number): string;
  fp_ndpi_confidence_name(confidence: number): string;
  fp_ndpi_risk_name(riskBit: number): string;
  fp_ndpi_num_protocols(engine: unknown): number;
  fp_ndpi_protocol_id(engine: unknown, name: string): number;
  fp_ndpi_protocol_category(engine: unknown, l7: number): number;
  fp_ndpi_protocol_breed(engine: unknown, proto: number): number;
  fp_ndpi_stats(engine: unknown, out: Float64Array): void;
}

/** FP_OUT_* word indices of one batch entry's result (FP_OUT_WORDS words per entry). */
export const enum NdpiOut {
  L7 = 0,
  CategoryBreed,
  RiskLo,
  RiskHi,
  Score,
  DpiPackets,
  State,
  Origin,
  Words,
}

/** FP_STATE_SKIPPED: the entry was not processed (its flow finished earlier in the batch). */
export const NDPI_STATE_SKIPPED = 255;
/** Bytes of per-entry text: server name region then info region (flow-table layout format). */
export const NDPI_NAME_BYTES = 128;
export const NDPI_INFO_BYTES = 384;
export const NDPI_TEXT_BYTES = NDPI_NAME_BYTES + NDPI_INFO_BYTES;

/** FP_ENTRY_* flags. */
export const enum NdpiEntryFlag {
  FromClient = 1,
  NewState = 2,
  GiveUp = 4,
}

/** FP_OPT_* engine options. */
export const enum NdpiOption {
  DnsCache = 1,
  DropIpOnlyApp = 2,
  PayloadRules = 4,
}

/** FP_ORIGIN_* bits of NdpiOut.Origin. */
export const enum NdpiOrigin {
  Guessed = 1,
  DnsCache = 2,
  IpOnlyDropped = 4,
  Payload = 8,
}

/** FP_STAT_* indices of fp_ndpi_stats. */
export const enum NdpiStat {
  Packets = 0,
  FlowsDetected,
  FlowsGivenUp,
  FlowsGuessed,
  DnsCacheInserts,
  DnsCacheHits,
  Skipped,
  StatesInUse,
  Count = 16,
}

/** The nDPI shim, built by `make -C dataplane/native`; FLOWPROBE_NDPI_LIB overrides its path. */
export const NDPI_SHIM_LIBRARY: NativeLibrary = {
  file: 'libflowprobe_ndpi.so',
  env: 'FLOWPROBE_NDPI_LIB',
  missingCode: 'NDPI_LIBRARY_MISSING',
  what: 'protocol detection is not available',
  install: 'nDPI (apt: libndpi-dev libndpi4.2)',
};

/** Where the shim is built: dataplane/native/build, or FLOWPROBE_NDPI_LIB. */
export function ndpiShimPath(): string {
  return nativeLibraryPath(NDPI_SHIM_LIBRARY);
}

let shim: NdpiShim | null = null;

/** Binds the shim in this thread on first use; throws with what to do when it is missing. */
export function loadNdpiShim(): NdpiShim {
  if (shim !== null) return shim;
  const lib = loadNativeLibrary(NDPI_SHIM_LIBRARY);
  // The engine is an opaque `void *` (a named koffi type would clash when jest reloads this module).
  // Typed arrays are passed as pointers to their memory, which C reads/fills in place: no copy.
  shim = {
    fp_ndpi_create: lib.func(
      'void *fp_ndpi_create(uint32_t max_states, uint32_t packet_limit, uint32_t options, uint32_t dns_cache_entries, const char *protos_path)',
    ),
    fp_ndpi_destroy: lib.func('void fp_ndpi_destroy(void *e)'),
    fp_ndpi_flow_struct_size: lib.func('uint32_t fp_ndpi_flow_struct_size(void)'),
    fp_ndpi_api_version: lib.func('uint32_t fp_ndpi_api_version(void)'),
    fp_ndpi_process: lib.func(
      'int32_t fp_ndpi_process(void *e, const uint8_t *data, uint32_t data_len, uint32_t n, const int32_t *state_idx, const uint32_t *l3_off, const uint32_t *l3_len, const double *ts_ms, const uint8_t *flags, uint32_t *out, uint8_t *text)',
    ),
    fp_ndpi_giveup: lib.func('int32_t fp_ndpi_giveup(void *e, uint32_t n, const int32_t *state_idx, uint32_t *out, uint8_t *text)'),
    fp_ndpi_release: lib.func('void fp_ndpi_release(void *e, int32_t state_idx)'),
    fp_ndpi_protocol_name: lib.func('int32_t fp_ndpi_protocol_name(void *e, uint32_t l7, uint8_t *buf, uint32_t buf_len)'),
    fp_ndpi_category_name: lib.func('const char *fp_ndpi_category_name(void *e, uint32_t category)'),
    fp_ndpi_breed_name: lib.func('const char *fp_ndpi_breed_name(void *e, uint32_t breed)'),
    fp_ndpi_confidence_name: lib.func('const char *fp_ndpi_confidence_name(uint32_t confidence)'),
    fp_ndpi_risk_name: lib.func('const char *fp_ndpi_risk_name(uint32_t risk_bit)'),
    fp_ndpi_num_protocols: lib.func('uint32_t fp_ndpi_num_protocols(void *e)'),
    fp_ndpi_protocol_id: lib.func('int32_t fp_ndpi_protocol_id(void *e, const char *name)'),
    fp_ndpi_protocol_category: lib.func('uint32_t fp_ndpi_protocol_category(void *e, uint32_t l7)'),
    fp_ndpi_protocol_breed: lib.func('uint32_t fp_ndpi_protocol_breed(void *e, uint32_t proto)'),
    fp_ndpi_stats: lib.func('void fp_ndpi_stats(void *e, double *out)'),
  };
  return shim;
}
