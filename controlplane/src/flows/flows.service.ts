import { DEFAULT_FLOW_SORT, DEFAULT_PAGE, DEFAULT_SORT_ORDER } from '@flowprobe/dataplane';
import { Injectable, NotFoundException, OnModuleInit } from '@nestjs/common';
import type { FlowRecord } from '@flowprobe/dataplane';
import type { FlowDetail, FlowListResponse, FlowSummary } from '../api';
import { flowLabel } from '../alerts/checks/check.types';
import { DataplaneRepository, OnInterface } from '../dataplane/dataplane.repository';
import { FlowRecordDispatcher } from '../flow-records/flow-record-dispatcher';
import { PeriodicHooks } from '../jobs/periodic-hooks';
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

/** Seconds between two passes that learn host names from the newest active flows. */
const NAME_SCAN_PERIOD_S = 5;
/** Newest active flows looked at by each pass (one page of the dataplane). */
const NAME_SCAN_FLOWS = 1000;

@Injectable()
export class FlowsService implements OnModuleInit {
  private secondsSinceNameScan = 0;

  constructor(
    private readonly dataplane: DataplaneRepository,
    private readonly records: FlowRecordDispatcher,
    private readonly hooks: PeriodicHooks,
  ) {}

  onModuleInit(): void {
    // Names from DNS answers and SNI of running flows, not only of ended ones (the dispatcher's records).
    this.hooks.on('second', 'flows:host-names', async () => {
      if (++this.secondsSinceNameScan < NAME_SCAN_PERIOD_S) return;
      this.secondsSinceNameScan = 0;
      const page = await this.dataplane.queryFlows({ sort: 'last_seen', order: 'desc', limit: NAME_SCAN_FLOWS, offset: 0 }, undefined, 'background');
      this.records.hostNames.learnFromActive(page.data);
    });
  }

  /**
   * One active flow by key on one interface, with everything known about it.
   * @throws NotFoundException when it has ended (or never was).
   */
  async get(key: string, ifid = 0): Promise<FlowDetail> {
    const page = await this.dataplane.queryFlows({ key }, ifid);
    const flow = page.data[0];
    if (!flow) throw new NotFoundException(`flow ${key} is not active on interface ${ifid} (it may have ended)`);
    const names = this.records.hostNames;
    return {
      ...toFlowSummary(flow),
      client_name: names.nameOf(flow.client.ip),
      server_host_name: names.nameOf(flow.server.ip),
      breed: flow.breed,
      risk_details: explainRisks(flow.risks),
      tcp_flags: { cli2srv: tcpFlagNames(flow.tcp_flags.cli2srv), srv2cli: tcpFlagNames(flow.tcp_flags.srv2cli) },
      retransmissions: { ...flow.retransmissions },
      out_of_order: { ...flow.out_of_order },
      ip_bytes: { ...flow.ip_bytes },
      first_from_server: flow.first_from_server,
      community_id: flow.community_id ?? '',
      info: flow.info ?? {},
      alert_entity_value: flowLabel(flow),
    };
  }

  /** A bad filter value (e.g. an unknown L4 protocol) rejects with the dataplane's QUERY_BAD_VALUE error, a 400 for the API. */
  async list(query: FlowQueryDto): Promise<FlowListResponse> {
    const { ifid, ...q } = query;
    const page = await this.dataplane.queryFlows({ sort: DEFAULT_FLOW_SORT, order: DEFAULT_SORT_ORDER, limit: DEFAULT_PAGE, offset: 0, ...q }, ifid);
    const names = this.records.hostNames;
    return {
      total: page.total,
      data: page.data.map((f) => ({ ...toFlowSummary(f), client_name: names.nameOf(f.client.ip), server_host_name: names.nameOf(f.server.ip) })),
    };
  }
}
