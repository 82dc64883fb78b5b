import { FlowEndReason, FlowExportRecord } from '../dataplane.types';
import { formatIp } from '../shard/ip-address';
import { communityId } from './community-id';
import { FlowTable } from './flow-table';
import { FlowF64, FlowFlag, FlowU32 } from './flow-table.layout';
import { flowServerName, l4Name } from './flow-record';
import { L7Names } from '../shard/record-names';

/** Default active timeout: a flow running longer gets an interim record every this many seconds (packet time). */
export const DEFAULT_ACTIVE_TIMEOUT_S = 60;

/** What a flow record needs besides the slot: who saw it and how to name protocols. */
export interface FlowExportContext {
  probe: string;
  interface: string;
  shard: number;
  names: L7Names;
}

const ms = (s: number): number => Math.round(s * 1000);

/**
 * Whether an active flow is due an interim record: it has packets not yet
 * reported and its last packet is at least `activeTimeoutS` after the start
 * of what the next record would count (packet time, so a replayed capture
 * behaves as it did live). Offline, under the shard's read lock.
 */
export function interimDue(flows: FlowTable, slot: number, activeTimeoutS: number): boolean {
  if (!(activeTimeoutS > 0)) return false;
  const f = flows.table.f64At(slot);
  const f64 = flows.f64;
  const since = f64[f + FlowF64.ReportedLastSeen] || f64[f + FlowF64.FirstSeen];
  if (f64[f + FlowF64.LastSeen] - since < activeTimeoutS) return false;
  return f64[f + FlowF64.C2sPkts] + f64[f + FlowF64.S2cPkts] > f64[f + FlowF64.ReportedC2sPkts] + f64[f + FlowF64.ReportedS2cPkts];
}

/**
 * Builds the flow record of a slot: counters are deltas since the flow's last
 * interim record. For an interim ('active_timeout') record the slot's
 * "already reported" fields are advanced (offline-owned fields: only the
 * shard's periodic pass writes them, one thread per shard), so nothing is
 * counted twice; final records leave them alone (the slot is going away).
 * Offline; the caller holds the shard's read locks.
 */
export function readFlowExport(flows: FlowTable, slot: number, ctx: FlowExportContext, reason: FlowEndReason): FlowExportRecord {
  const t = flows.table;
  const b = t.u32At(slot);
  const f = t.f64At(slot);
  const u32 = flows.u32;
  const f64 = flows.f64;
  const meta = u32[b + FlowU32.KeyMeta];
  const ipVersion = (meta >>> 24) === 6 ? 6 : 4;
  const proto = (meta >>> 16) & 0xff;
  const ports = u32[b + FlowU32.Ports];
  const cliPort = ports >>> 16;
  const srvPort = ports & 0xffff;
  const tcpFlags = u32[b + FlowU32.TcpFlags];
  const cb = u32[b + FlowU32.CategoryBreed];
  const icmp = u32[b + FlowU32.IcmpTypeCode];
  const icmpType = icmp === 0 ? -1 : (icmp >>> 8) & 0xff;
  const icmpCode = icmp === 0 ? -1 : icmp & 0xff;

  // Read each counter once: the inline worker may be adding to them right now.
  const c2sPkts = f64[f + FlowF64.C2sPkts];
  const c2sBytes = f64[f + FlowF64.C2sBytes];
  const s2cPkts = f64[f + FlowF64.S2cPkts];
  const s2cBytes = f64[f + FlowF64.S2cBytes];
  const c2sRetrans = f64[f + FlowF64.C2sRetrans];
  const s2cRetrans = f64[f + FlowF64.S2cRetrans];
  const firstSeen = f64[f + FlowF64.FirstSeen];
  const lastSeen = f64[f + FlowF64.LastSeen];
  const reportedLast = f64[f + FlowF64.ReportedLastSeen];
  const repC2sRetrans = u32[b + FlowU32.ReportedC2sRetrans];
  const repS2cRetrans = u32[b + FlowU32.ReportedS2cRetrans];

  const cliWords = [u32[b + FlowU32.CliAddr0], u32[b + FlowU32.CliAddr1], u32[b + FlowU32.CliAddr2], u32[b + FlowU32.CliAddr3]];
  const srvWords = [u32[b + FlowU32.SrvAddr0], u32[b + FlowU32.SrvAddr1], u32[b + FlowU32.SrvAddr2], u32[b + FlowU32.SrvAddr3]];
  const isIcmp = proto === 1 || proto === 58;
  const record: FlowExportRecord = {
    probe: ctx.probe,
    interface: ctx.interface,
    key: `${ctx.shard}:${slot}:${u32[b + FlowU32.Generation]}`,
    flow_start_ms: ms(firstSeen),
    first_seen_ms: ms(reportedLast || firstSeen),
    last_seen_ms: ms(lastSeen),
    end_reason: reason,
    ip_version: ipVersion,
    vlan: meta & 0xfff,
    l4: l4Name(proto),
    l4_proto: proto,
    client: { ip: formatIp(u32, b + FlowU32.CliAddr0, ipVersion), port: cliPort },
    server: { ip: formatIp(u32, b + FlowU32.SrvAddr0, ipVersion), port: srvPort },
    cli2srv: { packets: c2sPkts - f64[f + FlowF64.ReportedC2sPkts], bytes: c2sBytes - f64[f + FlowF64.ReportedC2sBytes] },
    srv2cli: { packets: s2cPkts - f64[f + FlowF64.ReportedS2cPkts], bytes: s2cBytes - f64[f + FlowF64.ReportedS2cBytes] },
    retransmissions: { cli2srv: c2sRetrans - repC2sRetrans, srv2cli: s2cRetrans - repS2cRetrans },
    flow_totals: { cli2srv: { packets: c2sPkts, bytes: c2sBytes }, srv2cli: { packets: s2cPkts, bytes: s2cBytes } },
    ip_bytes_total: { cli2srv: f64[f + FlowF64.C2sIpBytes], srv2cli: f64[f + FlowF64.S2cIpBytes] },
    tcp_flags: { cli2srv: tcpFlags & 0xff, srv2cli: (tcpFlags >>> 8) & 0xff },
    l7: ctx.names.protocolName(u32[b + FlowU32.L7]),
    category: ctx.names.categoryName(cb),
    breed: ctx.names.breedName(cb),
    server_name: flowServerName(flows, slot),
    risks: ctx.names.riskNames(u32[b + FlowU32.RiskLo], u32[b + FlowU32.RiskHi]),
    score: u32[b + FlowU32.Score],
    community_id: communityId(
      ipVersion,
      proto,
      cliWords,
      isIcmp ? Math.max(icmpType, 0) : cliPort,
      srvWords,
      isIcmp ? Math.max(icmpCode, 0) : srvPort,
    ),
    client_name: '',
    server_host_name: '',
    icmp_type: icmpType,
    icmp_code: icmpCode,
  };
  if (reason === 'active_timeout') {
    f64[f + FlowF64.ReportedC2sPkts] = c2sPkts;
    f64[f + FlowF64.ReportedC2sBytes] = c2sBytes;
    f64[f + FlowF64.ReportedS2cPkts] = s2cPkts;
    f64[f + FlowF64.ReportedS2cBytes] = s2cBytes;
    f64[f + FlowF64.ReportedLastSeen] = lastSeen;
    // Retransmission counts of one flow stay far below 2^32 (u32 fields).
    u32[b + FlowU32.ReportedC2sRetrans] = c2sRetrans;
    u32[b + FlowU32.ReportedS2cRetrans] = s2cRetrans;
  }
  return record;
}

/** The end reason of a flow the worker marked idle: closed by FIN/RST, or quiet for the idle timeout. */
export function idleEndReason(flows: FlowTable, slot: number): FlowEndReason {
  return (flows.u32[flows.table.u32At(slot) + FlowU32.Flags] & FlowFlag.Closed) !== 0 ? 'end_of_flow' : 'idle';
}
