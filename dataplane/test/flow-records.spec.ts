import * as path from 'node:path';
import { analyzeCapture, communityId, FlowExportRecord, FlowRecord } from '../src';
import { parseIp } from '../src/shard/ip-address';
import { PCAP_DIR, sharedCaptures } from './ndpi-expected';

/**
 * Flow records (docs/flow-records.md) over the shared nDPI captures, through
 * the same worker machinery and offline pass as the appliance: the records
 * of each flow sum exactly to the counters `flowprobe analyze` prints for it
 * (interim records included), each flow has exactly one final record, last,
 * and the records' time windows follow each other.
 */

interface Sums {
  c2sPkts: number;
  c2sBytes: number;
  s2cPkts: number;
  s2cBytes: number;
}

function checkRecords(flows: FlowRecord[], records: FlowExportRecord[], finalReasons: string[]): { interim: number } {
  const byKey = new Map<string, FlowExportRecord[]>();
  for (const r of records) {
    const list = byKey.get(r.key) ?? [];
    list.push(r);
    byKey.set(r.key, list);
  }
  const problems: string[] = [];
  let interim = 0;
  for (const f of flows) {
    const list = byKey.get(f.key);
    byKey.delete(f.key);
    if (!list) {
      problems.push(`${f.key}: no record`);
      continue;
    }
    const sums: Sums = { c2sPkts: 0, c2sBytes: 0, s2cPkts: 0, s2cBytes: 0 };
    let windowStart = list[0].flow_start_ms;
    list.forEach((r, i) => {
      sums.c2sPkts += r.cli2srv.packets;
      sums.c2sBytes += r.cli2srv.bytes;
      sums.s2cPkts += r.srv2cli.packets;
      sums.s2cBytes += r.srv2cli.bytes;
      const last = i === list.length - 1;
      if (last !== finalReasons.includes(r.end_reason)) problems.push(`${f.key}: record ${i} of ${list.length} is '${r.end_reason}'`);
      if (!last && r.end_reason === 'active_timeout') interim++;
      if (r.first_seen_ms !== windowStart) problems.push(`${f.key}: record ${i} starts at ${r.first_seen_ms}, expected ${windowStart}`);
      windowStart = r.last_seen_ms;
      if (r.client.ip !== f.client.ip || r.server.port !== f.server.port || r.l4 !== f.l4 || r.vlan !== f.vlan) problems.push(`${f.key}: endpoints differ`);
    });
    const want: Sums = { c2sPkts: f.cli2srv.packets, c2sBytes: f.cli2srv.bytes, s2cPkts: f.srv2cli.packets, s2cBytes: f.srv2cli.bytes };
    if (JSON.stringify(sums) !== JSON.stringify(want)) problems.push(`${f.key}: records sum to ${JSON.stringify(sums)}, flow has ${JSON.stringify(want)}`);
    if (Math.round(f.first_seen * 1000) !== list[0].flow_start_ms) problems.push(`${f.key}: flow_start_ms ${list[0].flow_start_ms} vs first_seen ${f.first_seen}`);
    if (Math.round(f.last_seen * 1000) !== list[list.length - 1].last_seen_ms) problems.push(`${f.key}: last_seen_ms differs`);
  }
  for (const key of byKey.keys()) problems.push(`${key}: records of no flow`);
  expect(problems.slice(0, 10)).toEqual([]);
  return { interim };
}

describe('flow records over the shared nDPI captures', () => {
  const captures = sharedCaptures();
  let interimTotal = 0;

  it.each(captures)('%s: records sum to the flows analyze prints (active timeout 1 s, end of capture flushed)', async (capture) => {
    const result = await analyzeCapture({ kind: 'pcap', path: path.join(PCAP_DIR, capture) }, { workers: 2, dpi: false, records: true, activeTimeoutS: 1, probeId: 'probe-a' });
    expect(result.error).toBeUndefined();
    expect(result.records!.every((r) => r.probe === 'probe-a' && r.interface === capture)).toBe(true);
    interimTotal += checkRecords(result.flows, result.records!, ['end_of_capture']).interim;
  });

  it('produced interim records (the check above covered sums of several records)', () => {
    expect(interimTotal).toBeGreaterThan(100);
  });

  it('with an idle timeout, flows that went idle end with idle / end_of_flow records', async () => {
    const capture = 'quic.pcap';
    const result = await analyzeCapture({ kind: 'pcap', path: path.join(PCAP_DIR, capture) }, { workers: 2, dpi: false, records: true, activeTimeoutS: 1, idleTimeoutS: 1 });
    checkRecords(result.flows, result.records!, ['idle', 'end_of_flow', 'end_of_capture']);
  });

  it('carries DPI names, the Community ID and ICMP type/code', async () => {
    const result = await analyzeCapture({ kind: 'pcap', path: path.join(PCAP_DIR, '1kxun.pcap') }, { workers: 2, records: true, activeTimeoutS: 0 });
    const flows = new Map(result.flows.map((f) => [f.key, f]));
    for (const r of result.records!) {
      const f = flows.get(r.key)!;
      expect([r.l7, r.category, r.server_name, r.score, r.risks]).toEqual([f.l7, f.category, f.server_name, f.score, f.risks]);
      const c = parseIp(r.client.ip);
      const s = parseIp(r.server.ip);
      const icmp = r.l4_proto === 1 || r.l4_proto === 58;
      const sport = icmp ? r.icmp_type : r.client.port;
      const dport = icmp ? r.icmp_code : r.server.port;
      expect(r.community_id).toBe(communityId(c.version, r.l4_proto, c.words, sport, s.words, dport));
    }
    expect(result.records!.some((r) => r.l7.startsWith('HTTP'))).toBe(true);
  });
});

describe('ICMP flow records', () => {
  it('keep the first packet type/code (echo request 8/0) for the Community ID', async () => {
    const result = await analyzeCapture({ kind: 'pcap', path: path.join(PCAP_DIR, 'icmp-tunnel.pcap') }, { workers: 1, dpi: false, records: true });
    const icmp = result.records!.filter((r) => r.l4_proto === 1);
    expect(icmp.length).toBeGreaterThan(0);
    for (const r of icmp) {
      expect([r.icmp_type, r.icmp_code]).toEqual([8, 0]);
      const c = parseIp(r.client.ip);
      const s = parseIp(r.server.ip);
      // The reply direction hashes alike (type 0 maps back to 8).
      expect(r.community_id).toBe(communityId(4, 1, s.words, 0, c.words, 0));
    }
  });
});
