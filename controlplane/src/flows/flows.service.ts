import { Injectable } from '@nestjs/common';
import type { FlowRecord } from '@flowprobe/dataplane';
import type { FlowListResponse, FlowSummary } from '../api';
import { DataplaneRepository, OnInterface } from '../dataplane/dataplane.repository';
import type { FlowQueryDto } from './dto/flow-query.dto';

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

@Injectable()
export class FlowsService {
  constructor(private readonly dataplane: DataplaneRepository) {}

  /** A bad filter value (e.g. an unknown L4 protocol) rejects with the dataplane's QUERY_BAD_VALUE error, a 400 for the API. */
  async list(query: FlowQueryDto): Promise<FlowListResponse> {
    const { ifid, ...q } = query;
    const page = await this.dataplane.queryFlows({ sort: 'bytes', order: 'desc', limit: 25, offset: 0, ...q }, ifid);
    return { total: page.total, data: page.data.map(toFlowSummary) };
  }
}
