import { DEFAULT_HOST_SORT, DEFAULT_PAGE, DEFAULT_SORT_ORDER } from '@flowprobe/dataplane';
import { Injectable, NotFoundException } from '@nestjs/common';
import type { HostRecord } from '@flowprobe/dataplane';
import type { HostDetail, HostListResponse, HostSummary } from '../api';
import { DataplaneRepository, OnInterface } from '../dataplane/dataplane.repository';
import type { HostQueryDto } from './dto/host-query.dto';

/** API view of a host (ntopng REST v2 names). */
export function toHostSummary(host: OnInterface<HostRecord>): HostSummary {
  return {
    ip: host.ip,
    mac: host.mac,
    vlan: host.vlan,
    is_local: host.is_local,
    bytes: { sent: host.bytes.sent, rcvd: host.bytes.rcvd, total: host.bytes.total },
    packets: { sent: host.packets.sent, rcvd: host.packets.rcvd },
    thpt: { bps: host.thpt.bps, pps: host.thpt.pps },
    num_flows: { as_client: host.num_flows.as_client, as_server: host.num_flows.as_server },
    first_seen: host.first_seen,
    last_seen: host.last_seen,
    ifid: host.ifid,
  };
}

@Injectable()
export class HostsService {
  constructor(private readonly dataplane: DataplaneRepository) {}

  async list(query: HostQueryDto): Promise<HostListResponse> {
    const { ifid, ...q } = query;
    const page = await this.dataplane.queryHosts({ sort: DEFAULT_HOST_SORT, order: DEFAULT_SORT_ORDER, limit: DEFAULT_PAGE, offset: 0, ...q }, ifid);
    return { total: page.total, data: page.data.map(toHostSummary) };
  }

  /** @throws NotFoundException when no interface knows the host. */
  async get(ip: string, vlan?: number): Promise<HostDetail> {
    const host = await this.dataplane.getHost(ip, vlan);
    if (!host) throw new NotFoundException(`Host ${ip}${vlan !== undefined ? `@${vlan}` : ''} not found`);
    const total = host.bytes.total || 1;
    return {
      ...toHostSummary(host),
      total_flows: { as_client: host.total_flows.as_client, as_server: host.total_flows.as_server },
      applications: host.applications.map((app) => ({
        name: app.name,
        bytes: app.bytes,
        percent: Math.round((app.bytes / total) * 10000) / 100,
      })),
    };
  }
}
