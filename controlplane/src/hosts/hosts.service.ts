import { DEFAULT_HOST_SORT, DEFAULT_PAGE, DEFAULT_SORT_ORDER, MAX_PAGE } from '@flowprobe/dataplane';
import { Injectable, NotFoundException } from '@nestjs/common';
import type { HostRecord } from '@flowprobe/dataplane';
import type { HostDetail, HostListResponse, HostPlaces, HostSummary } from '../api';
import { DataplaneRepository, OnInterface } from '../dataplane/dataplane.repository';
import { FlowRecordDispatcher } from '../flow-records/flow-record-dispatcher';
import { GeoIp, GeoInfo, NO_GEO } from '../names/geo-ip';
import type { HostQueryDto } from './dto/host-query.dto';

/** API view of a host (ntopng REST v2 names). */
export function toHostSummary(host: OnInterface<HostRecord>, name = '', geo: GeoInfo = NO_GEO): HostSummary {
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
    country: geo.country,
    country_name: geo.country_name,
    asn: geo.asn,
    as_org: geo.as_org,
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
/** Hosts a country / ASN filter or the places summary look at most (the first of the list's sort, pages of 1000). */
export const GEO_SCAN_MAX = 20_000;
/** `country=--`: hosts the database places in no country. */
export const NO_COUNTRY = '--';

/** True when `geo` passes the list's country / ASN filters. */
export function geoMatches(geo: GeoInfo, filter: { country?: string; asn?: number }): boolean {
  if (filter.country !== undefined && geo.country !== (filter.country === NO_COUNTRY ? '' : filter.country)) return false;
  return filter.asn === undefined || geo.asn === filter.asn;
}

@Injectable()
export class HostsService {
  constructor(
    private readonly dataplane: DataplaneRepository,
    private readonly records: FlowRecordDispatcher,
    private readonly geo: GeoIp,
  ) {}

  private summary(host: OnInterface<HostRecord>): HostSummary {
    return toHostSummary(host, this.records.hostNames.nameOf(host.ip), this.geo.lookup(host.ip));
  }

  async list(query: HostQueryDto): Promise<HostListResponse> {
    const { ifid, country, asn, ...q } = query;
    if (q.q && !ADDRESS_TEXT.test(q.q.trim())) return this.searchByName(q.q, query);
    if (country !== undefined || asn !== undefined) return this.searchByPlace(query);
    const page = await this.dataplane.queryHosts({ sort: DEFAULT_HOST_SORT, order: DEFAULT_SORT_ORDER, limit: DEFAULT_PAGE, offset: 0, ...q }, ifid);
    return { total: page.total, data: page.data.map((h) => this.summary(h)) };
  }

  /** The first {@link GEO_SCAN_MAX} hosts of the list's filters and sort, page by page from the dataplane. */
  private async scan(query: HostQueryDto, max = GEO_SCAN_MAX): Promise<OnInterface<HostRecord>[]> {
    const { ifid, country: _c, asn: _a, offset: _o, limit: _l, ...q } = query;
    const out: OnInterface<HostRecord>[] = [];
    for (let offset = 0; offset < max; offset += MAX_PAGE) {
      const page = await this.dataplane.queryHosts({ sort: DEFAULT_HOST_SORT, order: DEFAULT_SORT_ORDER, ...q, offset, limit: Math.min(MAX_PAGE, max - offset) }, ifid);
      out.push(...page.data);
      if (page.data.length === 0 || offset + page.data.length >= page.total) break;
    }
    return out;
  }

  /** Hosts in a country / autonomous system: the first {@link GEO_SCAN_MAX} of the list's sort, filtered, paged. */
  private async searchByPlace(query: HostQueryDto): Promise<HostListResponse> {
    const found = (await this.scan(query)).filter((h) => geoMatches(this.geo.lookup(h.ip), query));
    const offset = query.offset ?? 0;
    return { total: found.length, data: found.slice(offset, offset + (query.limit ?? DEFAULT_PAGE)).map((h) => this.summary(h)) };
  }

  /** Active remote hosts (the largest {@link GEO_SCAN_MAX} by bytes) by country and by autonomous system, largest first. */
  async places(top = 10): Promise<HostPlaces> {
    if (!this.geo.enabled) return { enabled: false, hosts: 0, countries: [], asns: [] };
    const hosts = await this.scan({ local: false, sort: 'bytes', order: 'desc' });
    const countries = new Map<string, HostPlaces['countries'][number]>();
    const asns = new Map<number, HostPlaces['asns'][number]>();
    for (const h of hosts) {
      const g = this.geo.lookup(h.ip);
      if (g.country) {
        const c = countries.get(g.country) ?? { country: g.country, country_name: g.country_name, hosts: 0, bytes: 0 };
        c.hosts++;
        c.bytes += h.bytes.total;
        countries.set(g.country, c);
      }
      if (g.asn) {
        const a = asns.get(g.asn) ?? { asn: g.asn, as_org: g.as_org, hosts: 0, bytes: 0 };
        a.hosts++;
        a.bytes += h.bytes.total;
        asns.set(g.asn, a);
      }
    }
    const largest = <T extends { bytes: number }>(m: Map<unknown, T>) => [...m.values()].sort((a, b) => b.bytes - a.bytes).slice(0, top);
    return { enabled: true, hosts: hosts.length, countries: largest(countries), asns: largest(asns) };
  }

  /** Active hosts whose best-known name contains `text`, filtered, sorted and paged as the list. */
  private async searchByName(text: string, query: HostQueryDto): Promise<HostListResponse> {
    const names = this.records.hostNames;
    const found: OnInterface<HostRecord>[] = [];
    for (const ip of names.search(text, NAME_SEARCH_MAX)) {
      const host = await this.dataplane.getHost(ip);
      if (host && (query.ifid === undefined || host.ifid === query.ifid) && (query.local === undefined || host.is_local === query.local) && geoMatches(this.geo.lookup(host.ip), query)) found.push(host);
    }
    const sort = query.sort ?? DEFAULT_HOST_SORT;
    const dir = (query.order ?? DEFAULT_SORT_ORDER) === 'desc' ? -1 : 1;
    found.sort((a, b) => {
      const x = hostSortValue(a, sort);
      const y = hostSortValue(b, sort);
      return x === y ? 0 : (x < y ? -1 : 1) * dir;
    });
    const offset = query.offset ?? 0;
    return { total: found.length, data: found.slice(offset, offset + (query.limit ?? DEFAULT_PAGE)).map((h) => this.summary(h)) };
  }

  /** @throws NotFoundException when no interface knows the host. */
  async get(ip: string, vlan?: number): Promise<HostDetail> {
    const host = await this.dataplane.getHost(ip, vlan);
    if (!host) throw new NotFoundException(`Host ${ip}${vlan !== undefined ? `@${vlan}` : ''} not found`);
    const total = host.bytes.total || 1;
    return {
      ...this.summary(host),
      total_flows: { as_client: host.total_flows.as_client, as_server: host.total_flows.as_server },
      applications: host.applications.map((app) => ({
        name: app.name,
        bytes: app.bytes,
        percent: Math.round((app.bytes / total) * 10000) / 100,
      })),
    };
  }
}
