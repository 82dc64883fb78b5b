/**
 * Every capture of ../shared/pcaps/ndpi read through DPDK's net_pcap PMD (real DPDK, one child
 * process per group of files) gives exactly the packets the TypeScript file reader gives: same
 * count, order, bytes, captured length, link type and (microsecond) timestamp; and through the
 * product's Dataplane (workers, flow tables, nDPI) the same flows as the file reader.
 * The flow part runs the compiled capture workers: `npm run build -w dataplane` first (make test does).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { DpdkPortOptions } from '../src/capture/dpdk-port';
import type { FlowRecord } from '../src/dataplane.types';
import type { AnalyzePair } from './dpdk-analyze-scenario';
import { END_OF_CAPTURE } from '../src/capture/capture-source';
import { PacketBurst } from '../src/capture/packet-burst';
import { PcapFileSource } from '../src/capture/pcap-file-source';
import type { PacketRecord } from './dpdk-scenario-worker';
import { runDpdkScenario, TEST_EAL_ARGS } from './dpdk-scenario-client';

const PCAP_DIR = path.resolve(__dirname, '../../../shared/pcaps/ndpi');
const files = fs
  .readdirSync(PCAP_DIR)
  .filter((f) => /\.pcap(ng)?$/.test(f))
  .sort();
/** RTE_MAX_ETHPORTS is 32 in Debian's build; 15 ports a process keeps the mempools within -m 512. */
const FILES_PER_PROCESS = 15;

function fileRecords(file: string): PacketRecord[] {
  const source = new PcapFileSource(file);
  const burst = new PacketBurst();
  const out: PacketRecord[] = [];
  for (;;) {
    const n = source.nextBurst(burst);
    if (n === END_OF_CAPTURE) break;
    for (let i = 0; i < n; i++) {
      const bytes = burst.data.subarray(burst.offset[i], burst.offset[i] + burst.caplen[i]);
      out.push([burst.tsS[i], burst.caplen[i], burst.wirelen[i], burst.linkType[i], createHash('sha1').update(bytes).digest('hex')]);
    }
  }
  source.close();
  return out;
}

/** First difference between the two packet lists, or null. */
function firstDifference(fromFile: PacketRecord[], fromDpdk: PacketRecord[]): string | null {
  const n = Math.min(fromFile.length, fromDpdk.length);
  for (let i = 0; i < n; i++) {
    const [fts, fcap, , flink, fsha] = fromFile[i];
    const [dts, dcap, dwire, dlink, dsha] = fromDpdk[i];
    // net_pcap (DPDK 22.11) opens files with microsecond precision; nanosecond files lose the rest.
    if (Math.abs(fts - dts) > 1.5e-6) return `packet ${i}: ts ${fts} vs ${dts}`;
    if (fcap !== dcap || fsha !== dsha) return `packet ${i}: ${fcap} bytes ${fsha} vs ${dcap} bytes ${dsha}`;
    if (flink !== dlink) return `packet ${i}: link type ${flink} vs ${dlink}`;
    // net_pcap sets the mbuf length to the captured length: the original wire length is lost.
    if (dwire !== dcap) return `packet ${i}: wirelen ${dwire} != caplen ${dcap}`;
  }
  return fromFile.length === fromDpdk.length ? null : `${fromFile.length} packets vs ${fromDpdk.length}`;
}

describe('DPDK net_pcap replay equals the file reader', () => {
  const groups: string[][] = [];
  for (let i = 0; i < files.length; i += FILES_PER_PROCESS) groups.push(files.slice(i, i + FILES_PER_PROCESS));

  it('finds the captures', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  it.each(groups.map((g, i) => [i, g] as const))('group %i', async (_i, group) => {
    const eal = [...TEST_EAL_ARGS];
    group.forEach((f, port) => eal.push('--vdev', `net_pcap${port},rx_pcap=${path.join(PCAP_DIR, f)}`));
    const done = await runDpdkScenario({
      eal,
      // 512-byte mbufs: most frames span several segments, which exercises the chained copy.
      ports: group.map((_f, port) => ({ port, queues: 1, options: { mbufDataRoom: 512, mbufsPerQueue: 2047 } })),
      mode: 'packets',
      snaplen: 65535,
      // 96 KiB of packet data per burst: a burst of 256 frames rarely fits, so frames wait in the
      // shim's stash for the next call; one 64 KiB frame (loopback captures) still fits alone.
      burstDataBytes: 96 * 1024,
      endAfterEmptyPolls: 3,
      sequential: true,
    });
    if ('error' in done) throw new Error(done.error.message);
    const report: Record<string, string> = {};
    group.forEach((f, port) => {
      const result = done.results.find((r) => r.port === port)!;
      const expected = fileRecords(path.join(PCAP_DIR, f));
      const diff = firstDifference(expected, result.records);
      if (diff !== null) report[f] = diff;
      expect(done.nic[port].ipackets).toBe(expected.length);
    });
    expect(report).toEqual({});
  });
});

/** A flow without what legitimately differs between two runs: slot key, wall-clock throughput,
 * and sub-microsecond time (net_pcap reads nanosecond files at microsecond precision). */
function comparable(f: FlowRecord): Record<string, unknown> {
  const { key: _key, thpt: _thpt, first_seen: _first, last_seen: _last, duration: _duration, ...rest } = f;
  return rest;
}

/** Times within a microsecond (see comparable). */
function sameTimes(a: FlowRecord, b: FlowRecord): boolean {
  return Math.abs(a.first_seen - b.first_seen) <= 1.5e-6 && Math.abs(a.last_seen - b.last_seen) <= 1.5e-6;
}

const flowId = (f: FlowRecord): string => `${f.l4} ${f.vlan} ${f.client.ip}:${f.client.port} ${f.server.ip}:${f.server.port}`;

function runAnalyze(eal: string[], files: string[], portOptions?: DpdkPortOptions): Promise<AnalyzePair[]> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'dpdk-analyze-scenario.ts'), [JSON.stringify({ eal, files, portOptions })], {
      execArgv: ['-r', path.join(__dirname, 'dpdk-ts-register.js')],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let log = '';
    child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const deadline = setTimeout(() => child.kill('SIGKILL'), 110_000);
    let pairs: AnalyzePair[] | null = null;
    let error = '';
    child.on('message', (m: { pairs?: AnalyzePair[]; error?: string }) => {
      if (m.pairs) pairs = m.pairs;
      else error = m.error ?? '';
    });
    child.on('exit', (code) => {
      clearTimeout(deadline);
      if (pairs) resolve(pairs);
      else reject(new Error(`analyze scenario exited with ${code}: ${error}\n${log}`));
    });
  });
}

describe('DPDK net_pcap through the Dataplane gives the same flows as the file reader', () => {
  const groups: string[][] = [];
  for (let i = 0; i < files.length; i += FILES_PER_PROCESS) groups.push(files.slice(i, i + FILES_PER_PROCESS));

  it.each(groups.map((g, i) => [i, g] as const))('group %i', async (_i, group) => {
    const eal = [...TEST_EAL_ARGS];
    group.forEach((f, port) => eal.push('--vdev', `net_pcap${port},rx_pcap=${path.join(PCAP_DIR, f)}`));
    const pairs = await runAnalyze(
      eal,
      group.map((f) => path.join(PCAP_DIR, f)),
    );
    const report: Record<string, string> = {};
    for (const p of pairs) {
      const name = path.basename(p.file);
      expect([name, p.dpdkPackets]).toEqual([name, p.pcapPackets]);
      const fromPcap = new Map(p.pcap.map((f) => [flowId(f), comparable(f)]));
      const fromDpdk = new Map(p.dpdk.map((f) => [flowId(f), comparable(f)]));
      const dpdkById = new Map(p.dpdk.map((f) => [flowId(f), f]));
      const badTime = p.pcap.find((f) => dpdkById.has(flowId(f)) && !sameTimes(f, dpdkById.get(flowId(f))!));
      if (badTime) report[`${name} times`] = flowId(badTime);
      if (fromPcap.size !== p.pcap.length || fromDpdk.size !== p.dpdk.length) report[name] = 'duplicate flow ids';
      else if (fromPcap.size !== fromDpdk.size) report[name] = `${fromPcap.size} flows vs ${fromDpdk.size}`;
      else {
        for (const [id, f] of fromPcap) {
          if (JSON.stringify(f) !== JSON.stringify(fromDpdk.get(id))) {
            report[name] = `${id}: ${JSON.stringify(f)} vs ${JSON.stringify(fromDpdk.get(id))}`;
            break;
          }
        }
      }
      expect(p.pcap.length).toBeGreaterThan(0);
    }
    expect(report).toEqual({});
  });
});

describe('NIC drops reach the interface counters', () => {
  it('net_pcap out of mbufs: rx_nombuf counted as drops, the rest as packets', async () => {
    const file = path.join(PCAP_DIR, 'synscan.pcap');
    // 100 mbufs for bursts of 256: net_pcap reads a frame, finds no mbuf, counts rx_nombuf and loses it.
    const [pair] = await runAnalyze([...TEST_EAL_ARGS, '--vdev', `net_pcap0,rx_pcap=${file}`], [file], { mbufsPerQueue: 100 });
    const s = pair.dpdkStats;
    expect(s.nic!.rx_nombuf).toBeGreaterThan(0);
    expect(s.drops).toBe(s.nic!.rx_nombuf + s.nic!.imissed + s.nic!.ierrors);
    expect(s.packets + s.drops).toBe(pair.pcapPackets);
    expect(s.nic!.ipackets).toBe(s.packets);
  });
});
