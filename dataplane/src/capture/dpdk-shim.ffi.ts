import { loadNativeLibrary, NativeLibrary, nativeLibraryPath } from '../errors/native-library';
import { DpdkError, DpdkErrorCode } from './dpdk-error';

/**
 * koffi declarations of libflowprobe_dpdk.so (dataplane/native/dpdk/shim.h).
 *
 * Loaded lazily, on the first DPDK use, so that a machine without DPDK still runs the pcap path.
 * Each thread (main or worker) that calls it loads its own bindings; the library and EAL state
 * are per process.
 */
export interface DpdkShim {
  shim_last_error(): string;
  shim_eal_init(argc: number, argv: string[]): number;
  shim_eal_cleanup(): number;
  shim_port_count(): number;
  shim_port_driver(port: number): string;
  shim_port_name(port: number): string;
  shim_port_setup(port: number, rxQueues: number, mbufsPerQueue: number, mbufDataRoom: number, rxDescriptors: number, flags: number): number;
  shim_port_info(port: number, out: Uint32Array, n: number): number;
  shim_port_stats(port: number, out: Float64Array, n: number): number;
  shim_port_stop(port: number): number;
  shim_port_close(port: number): number;
  shim_thread_register(): number;
  shim_thread_unregister(): void;
  shim_rx_burst(
    port: number,
    queue: number,
    tsS: Float64Array,
    offset: Uint32Array,
    caplen: Uint32Array,
    wirelen: Uint32Array,
    data: Uint8Array,
    dataBytes: number,
    snaplen: number,
    max: number,
  ): number;
}

/** shim_port_setup flag: take timestamps from the PMD's RX timestamp dynfield. */
export const SHIM_F_PMD_TIMESTAMP = 1;
/** shim_port_info slots (enum shim_port_info_index). */
export const enum ShimInfo {
  RxQueues = 0,
  TxQueues,
  MaxRxQueues,
  RssOffloadsLo,
  RssOffloadsHi,
  RssEnabled,
  RssKeyBytes,
  TimestampCapa,
  TimestampEnabled,
  ScatterEnabled,
  MbufDataRoom,
  MbufsPerQueue,
  Count,
}
/** shim_port_stats layout: 5 port counters, then 3 per queue (SHIM_STATS_*_FIELDS). */
export const SHIM_STATS_PORT_FIELDS = 5;
export const SHIM_STATS_QUEUE_FIELDS = 3;
/** RTE_ETHDEV_QUEUE_STAT_CNTRS in Debian's DPDK 22.11. */
export const SHIM_MAX_QUEUE_STATS = 16;

/** The DPDK shim, built by `make -C dataplane/native`; FLOWPROBE_DPDK_LIB overrides its path. */
export const DPDK_SHIM_LIBRARY: NativeLibrary = {
  file: 'libflowprobe_dpdk.so',
  env: 'FLOWPROBE_DPDK_LIB',
  missingCode: 'DPDK_LIBRARY_MISSING',
  what: 'DPDK capture is not available',
  install: 'DPDK (apt: dpdk libdpdk-dev)',
  error: (code, message) => new DpdkError(code as DpdkErrorCode, message),
};

/** Where the shim is built: dataplane/native/build, or FLOWPROBE_DPDK_LIB. */
export function dpdkShimPath(): string {
  return nativeLibraryPath(DPDK_SHIM_LIBRARY);
}

let shim: DpdkShim | null = null;

/** Binds the shim in this thread, loading it on first use; throws DPDK_LIBRARY_MISSING if it cannot. */
export function loadDpdkShim(): DpdkShim {
  if (shim !== null) return shim;
  const lib = loadNativeLibrary(DPDK_SHIM_LIBRARY);
  shim = {
    shim_last_error: lib.func('const char *shim_last_error(void)'),
    shim_eal_init: lib.func('int shim_eal_init(int argc, const char **argv)'),
    shim_eal_cleanup: lib.func('int shim_eal_cleanup(void)'),
    shim_port_count: lib.func('int shim_port_count(void)'),
    shim_port_driver: lib.func('const char *shim_port_driver(uint16_t port)'),
    shim_port_name: lib.func('const char *shim_port_name(uint16_t port)'),
    shim_port_setup: lib.func(
      'int shim_port_setup(uint16_t port, uint16_t rx_queues, uint32_t mbufs_per_queue, uint16_t mbuf_data_room, uint16_t rx_descriptors, uint32_t flags)',
    ),
    shim_port_info: lib.func('int shim_port_info(uint16_t port, uint32_t *out, uint32_t n)'),
    shim_port_stats: lib.func('int shim_port_stats(uint16_t port, double *out, uint32_t n)'),
    shim_port_stop: lib.func('int shim_port_stop(uint16_t port)'),
    shim_port_close: lib.func('int shim_port_close(uint16_t port)'),
    shim_thread_register: lib.func('int shim_thread_register(void)'),
    shim_thread_unregister: lib.func('void shim_thread_unregister(void)'),
    // Typed arrays are passed as pointers to their memory, which C fills in place: no copy.
    shim_rx_burst: lib.func(
      'int shim_rx_burst(uint16_t port, uint16_t queue, double *ts_s, uint32_t *offset, uint32_t *caplen, uint32_t *wirelen, uint8_t *data, uint32_t data_bytes, uint32_t snaplen, uint32_t max)',
    ),
  };
  return shim;
}
