import { DEFAULT_HOST_SORT, DEFAULT_PAGE, DEFAULT_SORT_ORDER } from '@flowprobe/dataplane';
import { Injectable, NotFoundException } from '@nestjs/common';
import type { HostRecord } from '@flowprobe/dataplane';
import type { HostDetail, HostListResponse, HostSummary } from '../api';
import { DataplaneRepository, OnInterface } from '../dataplane/dataplane.repository';
import { FlowRecordDispatcher } from '../flow-records/flow-record-dispatcher';
import type { HostQueryDto } from './dto/host-query.dto';

/** API view of a host (ntopng REST v2 names). */
export function toHostSummary(host: OnInterface<HostRecord>, name = ''): HostSummary {
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
    name,
  };
}

/** The value a name search sorts by (the list's sort keys; the dataplane sorts the other searches itself). */
function hostSortValue(host: HostRecord, sort: NonNullable<HostQueryDto['sort']>): number | string {
  switch (sort) {
    case 'bytes': return host.bytes.total;
    case 'bytes_sent': return host.bytes.sent;
    case 'bytes_rcvd': return host.bytes.rcvd;
    case 'packets': return host.packets.sent + host.packets.rcvd;
    case 'flows': return host.num_flows.as_client + host.num_flows.as_server;
    case 'thpt': return host.thpt.bps;
    case 'ip': return host.ip;
    default: return host[sort];
  }
}

/** A search that is an IP address or part of one (digits, hex, dots, colons) looks at addresses, anything else at names. */
const ADDRESS_TEXT = /^[0-9a-f.:]*$/i;
/** Hosts a name search looks at most (names are remembered for 100 000 addresses). */
const NAME_SEARCH_MAX = 1000;

@Injectable()
export class HostsService {
  constructor(
    private readonly dataplane: DataplaneRepository,
    private readonly records: FlowRecordDispatcher,
  ) {}

  async list(query: HostQueryDto): Promise<HostListResponse> {
    const { ifid, ...q } = query;
    const names = this.records.hostNames;
    if (q.q && !ADDRESS_TEXT.test(q.q.trim())) return this.searchByName(q.q, query);
    const page = await this.dataplane.queryHosts({ sort: DEFAULT_HOST_SORT, order: DEFAULT_SORT_ORDER, limit: DEFAULT_PAGE, offset: 0, ...q }, ifid);
    return { total: page.total, data: page.data.map((h) => toHostSummary(h, names.nameOf(h.ip))) };
  }

  /** Active hosts whose best-known name contains `text`, filtered, sorted and paged as the list. */
  private async searchByName(text: string, query: HostQueryDto): Promise<HostListResponse> {
    const names = this.records.hostNames;
    const found: OnInterface<HostRecord>[] = [];
    for (const ip of names.search(text, NAME_SEARCH_MAX)) {
      const host = await this.dataplane.getHost(ip);
      if (host && (query.ifid === undefined || host.ifid === query.ifid) && (query.local === undefined || host.is_local === query.local)) found.push(host);
    }
    const sort = query.sort ?? DEFAULT_HOST_SORT;
    const dir = (query.order ?? DEFAULT_SORT_ORDER) === 'desc' ? -1 : 1;
    found.sort((a, b) => {
      const x = hostSortValue(a, sort);
      const y = hostSortValue(b, sort);
      return x === y ? 0 : (x < y ? -1 : 1) * dir;
    });
    const offset = query.offset ?? 0;
    return { total: found.length, data: found.slice(offset, offset + (query.limit ?? DEFAULT_PAGE)).map((h) => toHostSummary(h, names.nameOf(h.ip))) };
  }

  /** @throws NotFoundException when no interface knows the host. */
  async get(ip: string, vlan?: number): Promise<HostDetail> {
    const host = await this.dataplane.getHost(ip, vlan);
    if (!host) throw new NotFoundException(`Host ${ip}${vlan !== undefined ? `@${vlan}` : ''} not found`);
    const total = host.bytes.total || 1;
    return {
      ...toHostSummary(host, this.records.hostNames.nameOf(host.ip)),
      total_flows: { as_client: host.total_flows.as_client, as_server: host.total_flows.as_server },
      applications: host.applications.map((app) => ({
        name: app.name,
        bytes: app.bytes,
        percent: Math.round((app.bytes / total) * 10000) / 100,
      })),
    };
  }
}
