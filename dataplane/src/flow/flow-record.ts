import { communityId } from './community-id';
import { FlowRecord, FlowTunnel } from '../dataplane.types';
import { ENTRY_STATE_NAMES } from '../shard/entry-state';
import { FlowTable } from './flow-table';
import { FLOW_INFO_BYTES, FLOW_NAME_BYTES, FlowF64, FlowFlag, FlowU32 } from './flow-table.layout';
import { formatIp } from '../shard/ip-address';
import { L7Names, micros } from '../shard/record-names';

const L4_NAMES: Record<number, string> = { 1: 'ICMP', 2: 'IGMP', 6: 'TCP', 17: 'UDP', 47: 'GRE', 50: 'ESP', 51: 'AH', 58: 'ICMPV6', 89: 'OSPF', 103: 'PIM', 112: 'VRRP', 113: 'PGM', 132: 'SCTP' };

/** L4 protocol name as ndpiReader prints it (TCP, UDP, ICMP, ICMPV6, ... or the number). */
export function l4Name(proto: number): string {
  return L4_NAMES[proto] ?? String(proto);
}

/** L4 protocol number for a name or number given by a user; undefined when unknown. */
export function l4Number(name: string): number | undefined {
  const upper = name.trim().toUpperCase();
  for (const [num, n] of Object.entries(L4_NAMES)) if (n === upper) return Number(num);
  const n = Number(upper);
  return Number.isInteger(n) && n >= 0 && n <= 255 ? n : undefined;
}

const decoder = new TextDecoder();

/** FlowRecord.tunnel by TunnelKind (decode/decoded-packet.ts): None, Gtp, Tzsp, Capwap, Vxlan, Gre, IpInIp. */
export const TUNNEL_NAMES: readonly FlowTunnel[] = ['', 'gtp', 'tzsp', 'capwap', 'vxlan', 'gre', 'ip-in-ip'];

/** Server name stored for a flow ('' if none). Offline. */
export function flowServerName(flows: FlowTable, slot: number): string {
  const at = slot * FLOW_NAME_BYTES;
  const n = flows.names[at];
  return n === 0 ? '' : decoder.decode(flows.names.slice(at + 1, at + 1 + n));
}

/** Extra DPI metadata stored for a flow, parsed; undefined if none. Offline. */
export function flowInfo(flows: FlowTable, slot: number): Record<string, string | number> | undefined {
  const at = slot * FLOW_INFO_BYTES;
  const n = flows.info[at] | (flows.info[at + 1] << 8);
  if (n === 0) return undefined;
  try {
    return JSON.parse(decoder.decode(flows.info.slice(at + 2, at + 2 + n)));
  } catch {
    return undefined;
  }
}

/**
 * Materializes a flow slot as a record. Offline; the caller holds the shard's
 * read locks (or the shard's worker has finished).
 */
export function readFlowRecord(flows: FlowTable, slot: number, shard: number, names: L7Names): FlowRecord {
  const t = flows.table;
  const b = t.u32At(slot);
  const f = t.f64At(slot);
  const u32 = flows.u32;
  const f64 = flows.f64;
  const meta = u32[b + FlowU32.KeyMeta];
  const ipVersion = meta >>> 24;
  const ports = u32[b + FlowU32.Ports];
  const tcpFlags = u32[b + FlowU32.TcpFlags];
  const l7 = u32[b + FlowU32.L7];
  const cb = u32[b + FlowU32.CategoryBreed];
  const firstSeen = f64[f + FlowF64.FirstSeen];
  const lastSeen = f64[f + FlowF64.LastSeen];
  const record: FlowRecord = {
    key: `${shard}:${slot}:${u32[b + FlowU32.Generation]}`,
    l4: l4Name((meta >>> 16) & 0xff),
    vlan: meta & 0xfff,
    client: { ip: formatIp(u32, b + FlowU32.CliAddr0, ipVersion), port: ports >>> 16 },
    server: { ip: formatIp(u32, b + FlowU32.SrvAddr0, ipVersion), port: ports & 0xffff },
    cli2srv: { packets: f64[f + FlowF64.C2sPkts], bytes: f64[f + FlowF64.C2sBytes] },
    srv2cli: { packets: f64[f + FlowF64.S2cPkts], bytes: f64[f + FlowF64.S2cBytes] },
    first_seen: micros(firstSeen),
    last_seen: micros(lastSeen),
    duration: micros(lastSeen - firstSeen),
    thpt: { bps: f64[f + FlowF64.ThptBps], pps: f64[f + FlowF64.ThptPps] },
    l7: names.protocolName(l7),
    server_name: flowServerName(flows, slot),
    category: names.categoryName(cb),
    breed: names.breedName(cb),
    risks: names.riskNames(u32[b + FlowU32.RiskLo], u32[b + FlowU32.RiskHi]),
    score: u32[b + FlowU32.Score],
    tcp_flags: { cli2srv: tcpFlags & 0xff, srv2cli: (tcpFlags >>> 8) & 0xff },
    retransmissions: { cli2srv: f64[f + FlowF64.C2sRetrans], srv2cli: f64[f + FlowF64.S2cRetrans] },
    out_of_order: { cli2srv: f64[f + FlowF64.C2sOoo], srv2cli: f64[f + FlowF64.S2cOoo] },
    first_from_server: (u32[b + FlowU32.Flags] & FlowFlag.FirstFromServer) !== 0,
    ip_bytes: { cli2srv: f64[f + FlowF64.C2sIpBytes], srv2cli: f64[f + FlowF64.S2cIpBytes] },
    state: ENTRY_STATE_NAMES[t.stateOf(slot)] as FlowRecord['state'],
    tunnel: TUNNEL_NAMES[u32[b + FlowU32.Tunnel]] ?? '',
    dpi_packets: u32[b + FlowU32.DpiPackets],
  };
  const info = flowInfo(flows, slot);
  if (info) record.info = info;
  return record;
}

/** The Community ID v1 (seed 0) of a flow slot, as flow records export it. The caller holds the read lock. */
export function flowCommunityId(flows: FlowTable, slot: number): string {
  const b = flows.table.u32At(slot);
  const u32 = flows.u32;
  const meta = u32[b + FlowU32.KeyMeta];
  const proto = (meta >>> 16) & 0xff;
  const ports = u32[b + FlowU32.Ports];
  const icmp = u32[b + FlowU32.IcmpTypeCode];
  const isIcmp = proto === 1 || proto === 58;
  const cli = [u32[b + FlowU32.CliAddr0], u32[b + FlowU32.CliAddr1], u32[b + FlowU32.CliAddr2], u32[b + FlowU32.CliAddr3]];
  const srv = [u32[b + FlowU32.SrvAddr0], u32[b + FlowU32.SrvAddr1], u32[b + FlowU32.SrvAddr2], u32[b + FlowU32.SrvAddr3]];
  return communityId(
    meta >>> 24 === 6 ? 6 : 4,
    proto,
    cli,
    isIcmp ? (icmp === 0 ? 0 : (icmp >>> 8) & 0xff) : ports >>> 16,
    srv,
    isIcmp ? (icmp === 0 ? 0 : icmp & 0xff) : ports & 0xffff,
  );
}
