import type { InterfaceThroughput } from './common.types';

/** Capture interfaces (/api/v1/interfaces). */

/** Counters of one RX queue / worker shard. */
export interface QueueInfo {
  queue: number;
  packets: number;
  bytes: number;
  num_flows: number;
  num_hosts: number;
  /** Packets the NIC received on this queue / errors, present for DPDK. */
  nic_packets?: number;
  nic_errors?: number;
  flow_table_full: boolean;
  host_table_full: boolean;
  /** Times this queue's worker crashed and was restarted (docs/reliability.md, *Worker crash*). */
  restarts: number;
  /** The worker crashed and is not processing (restarting, or stopped past the restart bound). */
  down: boolean;
  /** Packets of this queue skipped because its worker crashed (counted in `drops`). */
  lost_packets: number;
}

/** The most recent worker crash of an interface. */
export interface WorkerCrashInfo {
  worker: number;
  /** The exception's message. */
  reason: string;
  /** ISO 8601. */
  at: string;
}

/** GET /api/v1/interfaces (array) and GET /api/v1/interfaces/:id. */
export interface InterfaceInfo {
  id: number;
  name: string;
  /** Source description, e.g. `pcap:/path/demo.pcap` or `dpdk:0`. */
  source: string;
  running: boolean;
  packets: number;
  bytes: number;
  /** NIC + software drops. */
  drops: number;
  num_flows: number;
  num_hosts: number;
  thpt: InterfaceThroughput;
  /** Bytes local -> remote and remote -> local (see {@link InterfaceThroughput}). */
  bytes_upload: number;
  bytes_download: number;
  /** Malformed / ignored packets by cause. */
  decode_errors: Record<string, number>;
  queues: QueueInfo[];
  /** DPDK NIC counters (rte_eth_stats). */
  nic?: { ipackets: number; imissed: number; ierrors: number; rx_nombuf: number };
  /** Worker crashes followed by a restart, all queues. */
  worker_restarts: number;
  /** Queues whose worker crashed and is not processing now. */
  workers_down: number[];
  last_worker_crash?: WorkerCrashInfo;
  /** Last capture error, if any (also: capture stopped after too many worker crashes). */
  error?: string;
}

export type InterfaceListResponse = InterfaceInfo[];
