import { Injectable } from '@nestjs/common';
import type { InterfaceStats } from '@flowprobe/dataplane';
import type { InterfaceInfo } from '../api';
import { DataplaneRepository } from '../dataplane/dataplane.repository';

/** API view of an interface's counters, with one entry per RX queue / worker. */
export function toInterfaceInfo(stats: InterfaceStats): InterfaceInfo {
  const nicQueues = stats.nic?.queues ?? [];
  const info: InterfaceInfo = {
    id: stats.id,
    name: stats.name,
    source: stats.source,
    running: stats.running,
    packets: stats.packets,
    bytes: stats.bytes,
    drops: stats.drops,
    num_flows: stats.num_flows,
    num_hosts: stats.num_hosts,
    thpt: { bps: stats.thpt.bps, pps: stats.thpt.pps, upload_bps: stats.thpt.upload_bps, download_bps: stats.thpt.download_bps },
    bytes_upload: stats.bytes_upload,
    bytes_download: stats.bytes_download,
    decode_errors: stats.decode_errors,
    queues: stats.workers.map((w) => ({
      queue: w.worker,
      packets: w.packets,
      bytes: w.bytes,
      num_flows: w.num_flows,
      num_hosts: w.num_hosts,
      ...(nicQueues[w.worker] ? { nic_packets: nicQueues[w.worker].ipackets, nic_errors: nicQueues[w.worker].errors } : {}),
      flow_table_full: w.flow_table_full,
      host_table_full: w.host_table_full,
      restarts: w.restarts,
      down: w.down,
      lost_packets: w.lost_packets,
    })),
    worker_restarts: stats.worker_restarts,
    workers_down: [...stats.workers_down],
  };
  if (stats.last_worker_crash) info.last_worker_crash = { ...stats.last_worker_crash };
  if (stats.nic) {
    info.nic = { ipackets: stats.nic.ipackets, imissed: stats.nic.imissed, ierrors: stats.nic.ierrors, rx_nombuf: stats.nic.rx_nombuf };
  }
  if (stats.error) info.error = stats.error;
  return info;
}

@Injectable()
export class InterfacesService {
  constructor(private readonly dataplane: DataplaneRepository) {}

  async list(): Promise<InterfaceInfo[]> {
    return (await this.dataplane.interfaces()).map(toInterfaceInfo);
  }

  async get(id: number): Promise<InterfaceInfo> {
    return toInterfaceInfo(await this.dataplane.interface(id));
  }
}
