import { DecodedPacket } from '../src/decode/decoded-packet';
import { FlowTable } from '../src/flow/flow-table';
import { HostTable } from '../src/host/host-table';
import { NetworkList } from '../src/shard/ip-address';

/** A flow shard and its host shard, as a worker owns them. */
export function makeShard(flowCapacity: number, hostCapacity = flowCapacity * 2, local: string[] = []): { flows: FlowTable; hosts: HostTable } {
  const hosts = new HostTable(HostTable.allocate(hostCapacity), new NetworkList(local));
  const flows = new FlowTable(FlowTable.allocate(flowCapacity), hosts);
  return { flows, hosts };
}

/** Fills `p` as an IPv4 packet a:sport -> b:dport (addresses as numbers). */
export function ipv4Packet(p: DecodedPacket, l4: number, a: number, sport: number, b: number, dport: number, tcpFlags = 0, seq = 0, payload = 0): DecodedPacket {
  p.ipVersion = 4;
  p.l4Proto = l4;
  p.vlan = 0;
  p.src.fill(0);
  p.dst.fill(0);
  p.src[0] = a >>> 0;
  p.dst[0] = b >>> 0;
  p.srcPort = sport;
  p.dstPort = dport;
  p.tcpFlags = tcpFlags;
  p.tcpSeq = seq;
  p.payloadLength = payload;
  return p;
}

export const A = 0xc0a80101; // 192.168.1.1
export const B = 0x08080808; // 8.8.8.8
export const TCP = 6;
export const UDP = 17;
export const SYN = 0x02;
export const ACK = 0x10;
