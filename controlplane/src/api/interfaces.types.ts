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
  /** Last capture error, if any. */
  error?: string;
}

export type InterfaceListResponse = InterfaceInfo[];
