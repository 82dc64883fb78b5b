import { DEFAULT_FLOW_SORT, DEFAULT_PAGE, DEFAULT_SORT_ORDER, MAX_PAGE } from '@flowprobe/dataplane';
import { Injectable, NotFoundException } from '@nestjs/common';
import type { FlowRecord } from '@flowprobe/dataplane';
import type { FlowDetail, FlowListResponse, FlowSummary, FlowTrafficSummary } from '../api';
import { flowLabel } from '../alerts/checks/check.types';
import { DataplaneRepository, OnInterface } from '../dataplane/dataplane.repository';
import { FlowRecordDispatcher } from '../flow-records/flow-record-dispatcher';
import { GeoIp } from '../names/geo-ip';
import { SettingsService } from '../settings/settings.service';
import { localMatcher } from './local-matcher';
import type { FlowQueryDto } from './dto/flow-query.dto';
import { explainRisks, tcpFlagNames } from './flow-risks';

/** API view of a flow (ntopng REST v2 names: client/server, protocol.l4/l7, cli2srv/srv2cli). */
export function toFlowSummary(flow: OnInterface<FlowRecord>): FlowSummary {
  return {
    key: flow.key,
    vlan: flow.vlan,
    client: { ip: flow.client.ip, port: flow.client.port },
    server: { ip: flow.server.ip, port: flow.server.port },
    protocol: { l4: flow.l4, l7: flow.l7 },
    cli2srv: { packets: flow.cli2srv.packets, bytes: flow.cli2srv.bytes },
    srv2cli: { packets: flow.srv2cli.packets, bytes: flow.srv2cli.bytes },
    bytes: flow.cli2srv.bytes + flow.srv2cli.bytes,
    thpt: { bps: flow.thpt.bps, pps: flow.thpt.pps },
    first_seen: flow.first_seen,
    last_seen: flow.last_seen,
    duration: flow.duration,
    server_name: flow.server_name,
    category: flow.category,
    score: flow.score,
    risks: flow.risks,
    ifid: flow.ifid,
  };
}

/** Flows a country / ASN filter looks at most (the first of the list's sort, pages of 1000). */
export const FLOW_GEO_SCAN_MAX = 20_000;

/** Seconds between two passes that learn host names from the newest active flows. */
const NAME_SCAN_PERIOD_S = 5;
/** Newest active flows looked at by each pass (one page of the dataplane). */
const NAME_SCAN_FLOWS = 1000;

@Injectable()
export class FlowsService {
  private secondsSinceNameScan = 0;

  constructor(
    private readonly dataplane: DataplaneRepository,
    private readonly records: FlowRecordDispatcher,
    private readonly geo: GeoIp,
    private readonly settings: SettingsService,
  ) {}

  /** Active flows (the {@link FLOW_GEO_SCAN_MAX} largest) by server port, local↔remote pair, category and application. */
  async summary(): Promise<FlowTrafficSummary> {
    const isLocal = localMatcher(this.settings.get().local_networks);
    const names = this.records.hostNames;
    const ports = new Map<string, FlowTrafficSummary['ports'][number]>();
    const pairs = new Map<string, FlowTrafficSummary['pairs'][number]>();
    const categories = new Map<string, FlowTrafficSummary['categories'][number]>();
    const applications = new Map<string, FlowTrafficSummary['applications'][number]>();
    const add = <T extends { bytes: number; flows: number }>(m: Map<string, T>, key: string, make: () => T, bytes: number) => {
      const row = m.get(key) ?? make();
      row.bytes += bytes;
      row.flows++;
      m.set(key, row);
    };
    let flows = 0;
    for (let offset = 0; offset < FLOW_GEO_SCAN_MAX; offset += MAX_PAGE) {
      const page = await this.dataplane.queryFlows({ sort: 'bytes', order: 'desc', offset, limit: MAX_PAGE }, undefined, 'background');
      for (const f of page.data) {
        const bytes = f.cli2srv.bytes + f.srv2cli.bytes;
        flows++;
        add(ports, `${f.l4}/${f.server.port}`, () => ({ l4: f.l4, port: f.server.port, bytes: 0, flows: 0 }), bytes);
        const cl = isLocal(f.client.ip);
        if (cl !== isLocal(f.server.ip)) {
          const [local, remote] = cl ? [f.client.ip, f.server.ip] : [f.server.ip, f.client.ip];
          add(pairs, `${local}|${remote}`, () => ({ local, remote, local_name: names.nameOf(local), remote_name: names.nameOf(remote), bytes: 0, flows: 0 }), bytes);
        }
        const category = f.category || 'Unspecified';
        add(categories, category, () => ({ category, bytes: 0, flows: 0 }), bytes);
        const application = f.l7 || 'Unknown';
        add(applications, application, () => ({ application, bytes: 0, flows: 0 }), bytes);
      }
      if (page.data.length === 0 || offset + page.data.length >= page.total) break;
    }
    const ranked = <T extends { bytes: number }>(m: Map<string, T>, top = Infinity) => [...m.values()].sort((a, b) => b.bytes - a.bytes).slice(0, top);
    return { flows, ports: ranked(ports, 10), pairs: ranked(pairs, 10), categories: ranked(categories), applications: ranked(applications) };
  }

  /** The list's row: the flow with both endpoints' names, countries and autonomous systems. */
  private row(flow: OnInterface<FlowRecord>): FlowSummary {
    const names = this.records.hostNames;
    const c = this.geo.lookup(flow.client.ip);
    const s = this.geo.lookup(flow.server.ip);
    return {
      ...toFlowSummary(flow),
      client_name: names.nameOf(flow.client.ip),
      server_host_name: names.nameOf(flow.server.ip),
      client_country: c.country,
      client_asn: c.asn,
      client_as_org: c.as_org,
      server_country: s.country,
      server_asn: s.asn,
      server_as_org: s.as_org,
    };
  }

  /**
   * Called by the second job (jobs/second.job.ts) every second: every
   * NAME_SCAN_PERIOD_S-th call learns host names from DNS answers and SNI of
   * the newest running flows (ended flows teach them through the dispatcher's records).
   * @returns whether the scan ran.
   */
  async learnHostNames(): Promise<boolean> {
    if (++this.secondsSinceNameScan < NAME_SCAN_PERIOD_S) return false;
    this.secondsSinceNameScan = 0;
    const page = await this.dataplane.queryFlows({ sort: 'last_seen', order: 'desc', limit: NAME_SCAN_FLOWS, offset: 0 }, undefined, 'background');
    this.records.hostNames.learnFromActive(page.data);
    return true;
  }

  /**
   * One active flow by key on one interface, with everything known about it.
   * @throws NotFoundException when it has ended (or never was).
   */
  async get(key: string, ifid = 0): Promise<FlowDetail> {
    const page = await this.dataplane.queryFlows({ key }, ifid);
    const flow = page.data[0];
    if (!flow) throw new NotFoundException(`flow ${key} is not active on interface ${ifid} (it may have ended)`);
    const row = this.row(flow);
    return {
      ...row,
      client_name: row.client_name ?? '',
      server_host_name: row.server_host_name ?? '',
      breed: flow.breed,
      risk_details: explainRisks(flow.risks),
      tcp_flags: { cli2srv: tcpFlagNames(flow.tcp_flags.cli2srv), srv2cli: tcpFlagNames(flow.tcp_flags.srv2cli) },
      retransmissions: { ...flow.retransmissions },
      out_of_order: { ...flow.out_of_order },
      ip_bytes: { ...flow.ip_bytes },
      first_from_server: flow.first_from_server,
      tunnel: flow.tunnel ?? '',
      dpi_packets: flow.dpi_packets ?? 0,
      community_id: flow.community_id ?? '',
      info: flow.info ?? {},
      alert_entity_value: flowLabel(flow),
    };
  }

  /** A bad filter value (e.g. an unknown L4 protocol) rejects with the dataplane's QUERY_BAD_VALUE error, a 400 for the API. */
  async list(query: FlowQueryDto): Promise<FlowListResponse> {
    const { ifid, country, asn, ...q } = query;
    if (country !== undefined || asn !== undefined) return this.searchByPlace(query);
    const page = await this.dataplane.queryFlows({ sort: DEFAULT_FLOW_SORT, order: DEFAULT_SORT_ORDER, limit: DEFAULT_PAGE, offset: 0, ...q }, ifid);
    return { total: page.total, data: page.data.map((f) => this.row(f)) };
  }

  /** Flows with an endpoint in a country / autonomous system: the first {@link FLOW_GEO_SCAN_MAX} of the list's filters and sort, filtered, paged. */
  private async searchByPlace(query: FlowQueryDto): Promise<FlowListResponse> {
    const { ifid, country, asn, offset: _o, limit: _l, ...q } = query;
    const matches = (ip: string) => {
      const g = this.geo.lookup(ip);
      return (country === undefined || g.country === country) && (asn === undefined || g.asn === asn);
    };
    const found: OnInterface<FlowRecord>[] = [];
    for (let offset = 0; offset < FLOW_GEO_SCAN_MAX; offset += MAX_PAGE) {
      const page = await this.dataplane.queryFlows({ sort: DEFAULT_FLOW_SORT, order: DEFAULT_SORT_ORDER, ...q, offset, limit: MAX_PAGE }, ifid);
      for (const f of page.data) if (matches(f.client.ip) || matches(f.server.ip)) found.push(f);
      if (page.data.length === 0 || offset + page.data.length >= page.total) break;
    }
    const offset = query.offset ?? 0;
    return { total: found.length, data: found.slice(offset, offset + (query.limit ?? DEFAULT_PAGE)).map((f) => this.row(f)) };
  }
}
