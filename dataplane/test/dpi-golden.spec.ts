import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeCapture, FlowRecord } from '../src';
import { flowKey, ndpiReaderIpText, PCAP_DIR, readExpectedFlows, sharedCaptures } from './ndpi-expected';

/**
 * Golden DPI test over the shared nDPI captures, flow by flow: every expected
 * flow of the ndpiReader output (nDPI 4.11-dev, see ../shared/pcaps/README.md)
 * whose application or server name flowprobe does not reproduce must be listed
 * in test/fixtures/dpi-golden-misses.txt, and every listed flow must still be
 * a miss, so one flow classified differently fails the test (a new miss: a
 * regression; a listed flow now right: update the list with
 * DPI_GOLDEN_WRITE=1). The aggregate is also compared with Debian's own
 * `ndpiReader -v 2 -i <capture>` (nDPI 4.2) run here on the same files, the
 * same library flowprobe uses plus the additions in src/dpi (custom host/port
 * rules, DNS-answer cache, payload rules, names).
 */

/** The reviewed per-flow differences (DPI_GOLDEN_WRITE=1 rewrites it from a run; review the diff). */
const MISSES_FILE = path.join(__dirname, 'fixtures', 'dpi-golden-misses.txt');
const MISSES_HEADER =
  '# Expected flows of ../shared/pcaps/ndpi/expected whose application (app) or server name (name)\n' +
  '# flowprobe does not reproduce: capture, flow key, field, expected, flowprobe. dpi-golden.spec.ts\n' +
  '# fails on any difference from this list. Rewrite with DPI_GOLDEN_WRITE=1 and review the diff.\n';

const FLOW_LINE = /^\t(\d+)\t(\S+) (\[[^\]]+\]|[^\s[]+):(\d+) (<->|->) (\[[^\]]+\]|[^\s[]+):(\d+) (.*)$/;
const PROTO = /\[proto: (?:([A-Z]+):)?([\d.]+)\/([^\]]+)\]/;
const VLAN = /^\[VLAN: (\d+)\]/;
const HOSTNAME = /\[Hostname\/SNI: ([^\]]*)\]/;

interface Scored {
  proto: string;
  hostname: string;
}

/** Flows of ndpiReader's stdout, keyed like the expected files. */
function parseReaderStdout(text: string): Map<string, Scored> {
  const out = new Map<string, Scored>();
  for (const line of text.split('\n')) {
    const m = FLOW_LINE.exec(line);
    if (!m) continue;
    const rest = m[8];
    const proto = PROTO.exec(rest);
    if (!proto) continue;
    const vlan = VLAN.exec(rest);
    const host = HOSTNAME.exec(rest);
    const strip = (s: string) => (s.startsWith('[') ? s.slice(1, -1) : s);
    const key = flowKey(m[2], vlan ? Number(vlan[1]) : 0, { ip: strip(m[3]), port: Number(m[4]) }, { ip: strip(m[6]), port: Number(m[7]) });
    out.set(key, { proto: proto[3], hostname: host ? host[1] : '' });
  }
  return out;
}

function oursByKey(flows: FlowRecord[]): Map<string, Scored> {
  const out = new Map<string, Scored>();
  for (const f of flows) {
    const key = flowKey(f.l4, f.vlan, { ip: ndpiReaderIpText(f.client.ip), port: f.client.port }, { ip: ndpiReaderIpText(f.server.ip), port: f.server.port });
    out.set(key, { proto: f.l7, hostname: f.server_name });
  }
  return out;
}

const app = (proto: string) => proto.slice(proto.lastIndexOf('.') + 1);

interface Tally {
  appTotal: number;
  appOk: number;
  nameTotal: number;
  nameOk: number;
}

/** Scores `got` against the expected flows of `capture`; `misses`, when given, receives one line per expected value not reproduced. */
function score(capture: string, got: Map<string, Scored>, t: Tally, misses?: string[]): Tally {
  const mine: Tally = { appTotal: 0, appOk: 0, nameTotal: 0, nameOk: 0 };
  for (const e of readExpectedFlows(capture)) {
    const key = flowKey(e.l4, e.vlan, e.src, e.dst);
    const g = got.get(key);
    if (e.proto !== 'Unknown') {
      mine.appTotal++;
      if (g && app(g.proto) === app(e.proto)) mine.appOk++;
      else misses?.push(`${capture}\t${key}\tapp\t${app(e.proto)}\t${g ? app(g.proto) || '-' : 'no flow'}`);
    }
    if (e.hostname !== '') {
      mine.nameTotal++;
      if (g && g.hostname === e.hostname) mine.nameOk++;
      else misses?.push(`${capture}\t${key}\tname\t${e.hostname}\t${g ? g.hostname || '-' : 'no flow'}`);
    }
  }
  t.appTotal += mine.appTotal;
  t.appOk += mine.appOk;
  t.nameTotal += mine.nameTotal;
  t.nameOk += mine.nameOk;
  return mine;
}

const pct = (ok: number, total: number) => (total === 0 ? 100 : (100 * ok) / total);

function ndpiReaderAvailable(): boolean {
  return fs.existsSync('/usr/bin/ndpiReader');
}

describe('DPI golden: flowprobe vs Debian ndpiReader against the expected nDPI results', () => {
  const captures = sharedCaptures();
  const ours: Tally = { appTotal: 0, appOk: 0, nameTotal: 0, nameOk: 0 };
  const reader: Tally = { appTotal: 0, appOk: 0, nameTotal: 0, nameOk: 0 };
  const rows: string[] = [];
  /** Expected values flowprobe does not reproduce: capture, flow key, field, expected, ours. */
  const misses: string[] = [];

  beforeAll(async () => {
    if (!ndpiReaderAvailable()) throw new Error('ndpiReader not installed: run `make apt` (package libndpi-bin)');
    for (const capture of captures) {
      const file = path.join(PCAP_DIR, capture);
      // One worker by default (one DNS-answer cache per capture, as ndpiReader's single thread);
      // DPI_GOLDEN_WORKERS=2 gives the same scores on these captures.
      const result = await analyzeCapture({ kind: 'pcap', path: file }, { workers: Number(process.env.DPI_GOLDEN_WORKERS ?? 1), dpi: true });
      if (result.error) throw new Error(`${capture}: ${result.error}`);
      const stdout = execFileSync('/usr/bin/ndpiReader', ['-v', '2', '-i', file], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
      const a = score(capture, oursByKey(result.flows), ours, misses);
      const b = score(capture, parseReaderStdout(stdout), reader);
      rows.push(
        `${capture.padEnd(28)} app ${String(a.appOk).padStart(4)}/${String(a.appTotal).padEnd(4)} (reader ${String(b.appOk).padStart(4)})` +
          `  name ${String(a.nameOk).padStart(4)}/${String(a.nameTotal).padEnd(4)} (reader ${String(b.nameOk).padStart(4)})`,
      );
    }
    const summary =
      `flowprobe:  application ${pct(ours.appOk, ours.appTotal).toFixed(1)} % (${ours.appOk}/${ours.appTotal}), ` +
      `server name ${pct(ours.nameOk, ours.nameTotal).toFixed(1)} % (${ours.nameOk}/${ours.nameTotal})\n` +
      `ndpiReader: application ${pct(reader.appOk, reader.appTotal).toFixed(1)} % (${reader.appOk}/${reader.appTotal}), ` +
      `server name ${pct(reader.nameOk, reader.nameTotal).toFixed(1)} % (${reader.nameOk}/${reader.nameTotal})`;
    // Printed on purpose: these are the figures docs/dpi.md quotes.
    process.stdout.write(`\n${rows.join('\n')}\n\n${summary}\n`);
  });

  it('scores the 46 shared captures', () => {
    expect(captures.length).toBe(46);
    expect(ours.appTotal).toBeGreaterThan(1000);
  });

  it('misses exactly the listed flows: no flow classified or named differently from the last reviewed run', () => {
    if (process.env.DPI_GOLDEN_WRITE === '1') fs.writeFileSync(MISSES_FILE, `${MISSES_HEADER}${misses.join('\n')}\n`);
    const listed = fs
      .readFileSync(MISSES_FILE, 'utf8')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'));
    const now = new Set(misses);
    const before = new Set(listed);
    // Per flow: the new misses (regressions) and the listed flows now right (update the list).
    expect({ newMisses: misses.filter((m) => !before.has(m)), nowRight: listed.filter((m) => !now.has(m)) }).toEqual({ newMisses: [], nowRight: [] });
    expect(misses.length).toBe(ours.appTotal - ours.appOk + ours.nameTotal - ours.nameOk);
  });

  it('matches the expected application at least as often as ndpiReader 4.2', () => {
    expect(pct(ours.appOk, ours.appTotal)).toBeGreaterThanOrEqual(pct(reader.appOk, reader.appTotal));
  });

  it('matches the expected server name at least as often as ndpiReader 4.2', () => {
    expect(pct(ours.nameOk, ours.nameTotal)).toBeGreaterThanOrEqual(pct(reader.nameOk, reader.nameTotal));
  });
});
