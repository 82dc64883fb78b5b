import { analyzeCapture, FlowRecord } from '../src';
import { ExpectedFlow, flowKey, ndpiReaderIpText, PCAP_DIR, readExpectedFlows, sharedCaptures } from './ndpi-expected';
import * as path from 'node:path';

/**
 * Golden test (as nDPI's own tests): every shared capture through the real
 * worker machinery (2 shards), compared flow by flow with ndpiReader's
 * expected output: the set of flows (L4, VLAN, endpoints) and packets/bytes
 * per direction, direction set by the first packet.
 * Regenerate nothing here: the expected files are nDPI's.
 */

/** Known, explained differences: capture -> reason. Keep empty unless a difference is ndpiReader's own. */
const EXCEPTIONS: Record<string, string> = {};

interface Ours {
  first: { packets: number; bytes: number };
  second: { packets: number; bytes: number };
}

function oursByKey(flows: FlowRecord[]): Map<string, Ours> {
  const map = new Map<string, Ours>();
  for (const f of flows) {
    const cli = { ip: ndpiReaderIpText(f.client.ip), port: f.client.port };
    const srv = { ip: ndpiReaderIpText(f.server.ip), port: f.server.port };
    const key = flowKey(f.l4, f.vlan, cli, srv);
    if (map.has(key)) throw new Error(`duplicate flow ${key}`);
    map.set(key, f.first_from_server ? { first: f.srv2cli, second: f.cli2srv } : { first: f.cli2srv, second: f.srv2cli });
  }
  return map;
}

function expectedByKey(flows: ExpectedFlow[]): Map<string, ExpectedFlow> {
  return new Map(flows.map((f) => [flowKey(f.l4, f.vlan, f.src, f.dst), f]));
}

describe('golden flows over the shared nDPI captures', () => {
  const captures = sharedCaptures();

  it('finds the 46 captures', () => {
    expect(captures.length).toBe(46);
  });

  it.each(captures)('%s: same flows, packets and bytes per direction as ndpiReader', async (capture) => {
    const result = await analyzeCapture({ kind: 'pcap', path: path.join(PCAP_DIR, capture) }, { workers: 2, dpi: false });
    expect(result.error).toBeUndefined();
    const ours = oursByKey(result.flows);
    const expected = expectedByKey(readExpectedFlows(capture));
    const missing = [...expected.keys()].filter((k) => !ours.has(k));
    const extra = [...ours.keys()].filter((k) => !expected.has(k));
    const wrong: string[] = [];
    for (const [key, e] of expected) {
      const o = ours.get(key);
      if (!o) continue;
      const a = `${o.first.packets}/${o.first.bytes} ${o.second.packets}/${o.second.bytes}`;
      const b = `${e.first.packets}/${e.first.bytes} ${e.second.packets}/${e.second.bytes}`;
      if (a !== b) wrong.push(`${key}: ours ${a}, expected ${b}`);
    }
    if (EXCEPTIONS[capture]) return;
    expect({ missing, extra, wrong }).toEqual({ missing: [], extra: [], wrong: [] });
    expect(result.flows.length).toBe(expected.size);
  });
});
