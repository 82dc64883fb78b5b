import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DpdkSourceSpec } from '../dataplane.types';
import { DpdkError } from './dpdk-error';
import {
  loadDpdkShim,
  SHIM_F_PMD_TIMESTAMP,
  SHIM_MAX_QUEUE_STATS,
  SHIM_STATS_PORT_FIELDS,
  SHIM_STATS_QUEUE_FIELDS,
  ShimInfo,
} from './dpdk-shim.ffi';
import { LinkType, PacketBurst } from './packet-burst';
import { PcapFileSource } from './pcap-file-source';

/**
 * Main-thread side of DPDK capture: EAL initialisation and port/queue setup, once per process,
 * before the capture workers start (they only poll, see DpdkQueueSource), and NIC counters.
 */

/** EAL arguments that work on a development machine or CI runner: no hugepages, no PCI, 512 MB. */
export const DPDK_DEV_EAL_ARGS: readonly string[] = ['--no-huge', '--no-pci', '--no-shconf', '-m', '512', '--lcores=0@(0-1)'];

/** Port setup knobs; the defaults suit a 10 GbE NIC with 1500-byte frames. */
export interface DpdkPortOptions {
  /** mbufs in each queue's pool. Must exceed the RX ring; net_pcap with infinite_rx also keeps the whole file in it. Default 8191. */
  mbufsPerQueue?: number;
  /** Bytes of packet data per mbuf; longer frames are chained when the PMD supports scatter. Default 2048. */
  mbufDataRoom?: number;
  /** RX ring descriptors per queue (adjusted to the PMD's limits). Default 1024. */
  rxDescriptors?: number;
  /** Use the PMD's per-packet timestamp. Default: only for net_pcap without infinite_rx and net_af_packet, whose clocks are Unix time. */
  pmdTimestamps?: boolean;
}

/** What a port was set up with, and what its PMD supports. */
export interface DpdkPortInfo {
  port: number;
  /** Device name (`net_pcap0`, a PCI address). */
  name: string;
  /** PMD (`net_pcap`, `net_af_packet`, `net_ixgbe`...). */
  driver: string;
  rxQueues: number;
  txQueues: number;
  maxRxQueues: number;
  /** RSS: `supported` = the PMD hashes flows to queues; `enabled` = configured with the symmetric key (only with > 1 queue). */
  rss: { supported: boolean; enabled: boolean; keyBytes: number; offloads: number };
  /** 'pmd' = per-packet time from the PMD, 'clock' = CLOCK_REALTIME once per burst. */
  timestamps: 'pmd' | 'clock';
  scatter: boolean;
  mbufDataRoom: number;
  mbufsPerQueue: number;
  /** Link type of the frames: Ethernet, except net_pcap replaying a file of another link type. */
  linkType: number;
}

/** NIC counters, the shape of `InterfaceStats.nic`. */
export interface DpdkNicStats {
  ipackets: number;
  ibytes: number;
  imissed: number;
  ierrors: number;
  rx_nombuf: number;
  queues: { ipackets: number; ibytes: number; errors: number }[];
}

let ealArgs: string[] | null = null;
/** Ports set up and not stopped since: setting one up again with as many queues returns this. */
const setUp = new Map<number, DpdkPortInfo>();

/**
 * Initialises EAL once per process. Calling again with the same arguments is a no-op; with other
 * arguments it fails, because EAL cannot be re-initialised. Creates RUNTIME_DIRECTORY when unset.
 */
export function initDpdkEal(eal: readonly string[]): void {
  const args = ['flowprobe', ...eal];
  if (ealArgs !== null) {
    if (ealArgs.join('\0') === args.join('\0')) return;
    throw new DpdkError('DPDK_EAL_INIT', `EAL init: already initialised with "${ealArgs.slice(1).join(' ')}"; EAL can be initialised once per process`);
  }
  const shim = loadDpdkShim();
  ensureRuntimeDirectory();
  if (shim.shim_eal_init(args.length, args) < 0) {
    throw new DpdkError('DPDK_EAL_INIT', `${shim.shim_last_error()}; arguments: ${eal.join(' ')}`);
  }
  ealArgs = args;
}

/** EAL wants a writable runtime directory even with --no-shconf; systemd sets RUNTIME_DIRECTORY on the appliance. */
function ensureRuntimeDirectory(): void {
  const dir = process.env.RUNTIME_DIRECTORY;
  if (dir !== undefined && dir !== '') {
    fs.mkdirSync(dir, { recursive: true });
    return;
  }
  const created = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-dpdk-'));
  process.env.RUNTIME_DIRECTORY = created;
  process.once('exit', () => fs.rmSync(created, { recursive: true, force: true }));
}

/**
 * Configures and starts `port` with `queues` RX queues (one per worker). Main thread, after
 * {@link initDpdkEal}. A port already running with as many queues is left as it is (so a caller
 * can size its mempools before Dataplane.start); with another queue count it is an error.
 */
export function setupDpdkPort(port: number, queues: number, options: DpdkPortOptions = {}): DpdkPortInfo {
  const shim = loadDpdkShim();
  if (ealArgs === null) throw new DpdkError('DPDK_PORT_SETUP', `port ${port} setup: EAL is not initialised`);
  const running = setUp.get(port);
  if (running !== undefined) {
    if (running.rxQueues === queues) return running;
    throw new DpdkError('DPDK_PORT_SETUP', `port ${port} setup: already running with ${running.rxQueues} RX queues, ${queues} requested`);
  }
  const available = shim.shim_port_count();
  if (port < 0 || port >= available) {
    throw new DpdkError(
      'DPDK_PORT_SETUP',
      `port ${port} setup: no such port; EAL found ${available} port(s) (check --vdev or the NIC's vfio-pci binding)`,
    );
  }
  const name = shim.shim_port_name(port);
  const driver = shim.shim_port_driver(port);
  const replay = pcapReplayOf(name, ealArgs);
  const pmdTimestamps = options.pmdTimestamps ?? ((driver === 'net_pcap' && !replay.infinite) || driver === 'net_af_packet');
  const rc = shim.shim_port_setup(
    port,
    queues,
    options.mbufsPerQueue ?? 8191,
    options.mbufDataRoom ?? 2048,
    options.rxDescriptors ?? 1024,
    pmdTimestamps ? SHIM_F_PMD_TIMESTAMP : 0,
  );
  if (rc < 0) throw new DpdkError('DPDK_PORT_SETUP', `${shim.shim_last_error()} (driver ${driver}, device ${name})`);
  const info = new Uint32Array(ShimInfo.Count);
  shim.shim_port_info(port, info, info.length);
  const offloads = info[ShimInfo.RssOffloadsLo] + info[ShimInfo.RssOffloadsHi] * 2 ** 32;
  const result: DpdkPortInfo = {
    port,
    name,
    driver,
    rxQueues: info[ShimInfo.RxQueues],
    txQueues: info[ShimInfo.TxQueues],
    maxRxQueues: info[ShimInfo.MaxRxQueues],
    rss: { supported: offloads !== 0, enabled: info[ShimInfo.RssEnabled] === 1, keyBytes: info[ShimInfo.RssKeyBytes], offloads },
    timestamps: info[ShimInfo.TimestampEnabled] === 1 ? 'pmd' : 'clock',
    scatter: info[ShimInfo.ScatterEnabled] === 1,
    mbufDataRoom: info[ShimInfo.MbufDataRoom],
    mbufsPerQueue: info[ShimInfo.MbufsPerQueue],
    linkType: replay.file === null ? LinkType.Ethernet : captureLinkType(replay.file),
  };
  setUp.set(port, result);
  return result;
}

/**
 * Initialises EAL and sets up the spec's port: everything the main thread does before the
 * capture workers start. Each worker then opens `new DpdkQueueSource(port, queue, snaplen, { linkType })`.
 */
export function startDpdk(spec: DpdkSourceSpec, queues: number = spec.queues, options: DpdkPortOptions = {}): DpdkPortInfo {
  initDpdkEal(spec.eal);
  return setupDpdkPort(spec.port, queues, options);
}

/** Reads the NIC counters (rte_eth_stats_get). Safe from any thread; not for the packet path. */
export function readDpdkPortStats(port: number, queues: number): DpdkNicStats {
  const shim = loadDpdkShim();
  const out = new Float64Array(SHIM_STATS_PORT_FIELDS + SHIM_STATS_QUEUE_FIELDS * SHIM_MAX_QUEUE_STATS);
  const n = shim.shim_port_stats(port, out, out.length);
  if (n < 0) throw new DpdkError('DPDK_PORT', shim.shim_last_error());
  const perQueue: DpdkNicStats['queues'] = [];
  for (let q = 0; q < Math.min(n, queues); q++) {
    const base = SHIM_STATS_PORT_FIELDS + q * SHIM_STATS_QUEUE_FIELDS;
    perQueue.push({ ipackets: out[base], ibytes: out[base + 1], errors: out[base + 2] });
  }
  return { ipackets: out[0], ibytes: out[1], imissed: out[2], ierrors: out[3], rx_nombuf: out[4], queues: perQueue };
}

/**
 * Stops the port (rte_eth_dev_stop) after every worker polling it has stopped. It can be set up
 * again later in the same process (EAL itself cannot be re-initialised).
 */
export function stopDpdkPort(port: number): void {
  const shim = loadDpdkShim();
  setUp.delete(port);
  if (shim.shim_port_stop(port) < 0) throw new DpdkError('DPDK_PORT', shim.shim_last_error());
}

/** Stops and closes the port for good (a virtual device is released). Call after every worker polling it has stopped. */
export function closeDpdkPort(port: number): void {
  const shim = loadDpdkShim();
  setUp.delete(port);
  if (shim.shim_port_stop(port) < 0 || shim.shim_port_close(port) < 0) throw new DpdkError('DPDK_PORT', shim.shim_last_error());
}

/**
 * The net_pcap replay behind a device name, from its `--vdev name,rx_pcap=FILE,...` argument:
 * `files[q]` feeds RX queue q (one queue per rx_pcap), `file` is the first.
 */
export function pcapReplayOf(deviceName: string, eal: readonly string[]): { file: string | null; files: string[]; infinite: boolean } {
  for (let i = 0; i < eal.length; i++) {
    const arg = eal[i].startsWith('--vdev=') ? eal[i].slice(7) : eal[i - 1] === '--vdev' ? eal[i] : null;
    if (arg === null) continue;
    const parts = arg.split(',');
    if (parts[0] !== deviceName) continue;
    const files = parts.filter((p) => p.startsWith('rx_pcap=')).map((p) => p.slice(8));
    return { file: files[0] ?? null, files, infinite: parts.includes('infinite_rx=1') };
  }
  return { file: null, files: [], infinite: false };
}

/**
 * net_pcap hands out a file's frames as they are, whatever its link type (it reports none), so
 * the link type comes from the file itself: that of its first packet.
 */
export function captureLinkType(file: string): number {
  const source = new PcapFileSource(file);
  try {
    const burst = new PacketBurst(1, 1 << 20);
    return source.nextBurst(burst) > 0 ? burst.linkType[0] : LinkType.Ethernet;
  } finally {
    source.close();
  }
}
