/**
 * Host pages over many hosts (what `GET /api/v1/hosts` and the live job's
 * top hosts cost in an offline reader): two shards as two workers fill them,
 * HOSTS clients (a third of them in both shards, as a host whose flows two
 * workers see) talking to 500 servers, byte counts from a few values so keys
 * tie. Prints the median of 15 runs of `queryHosts` (limit 50 and 1000, by
 * bytes) next to the materialising merge it replaced (every host built, then
 * sorted), as a reference on the same tables.
 *
 * Run: npm run bench -w dataplane -- hosts      (HOSTS=200000 for more)
 */
import * as os from 'node:os';
import { DecodedPacket } from '../src/decode/decoded-packet';
import { NO_DPI_NAMES } from '../src/shard/record-names';
import { FlowTable } from '../src/flow/flow-table';
import { HostShard, mergedHosts, queryHosts, toHostRecord } from '../src/host/host-query';
import { HostTable } from '../src/host/host-table';
import { NetworkList } from '../src/shard/ip-address';

const HOSTS = Number(process.env.HOSTS ?? 50_000);
const RUNS = 15;

function median(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeMs(fn: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

function main(): void {
  const parts = [0, 1].map(() => {
    const hosts = new HostTable(HostTable.allocate(HOSTS * 2), new NetworkList(['10.0.0.0/8']));
    return { hosts, flows: new FlowTable(FlowTable.allocate(HOSTS * 2), hosts) };
  });
  const p = new DecodedPacket();
  for (let i = 0; i < HOSTS; i++) {
    p.ipVersion = 4;
    p.l4Proto = 17;
    p.vlan = 0;
    p.src.fill(0);
    p.dst.fill(0);
    p.src[0] = 0x0a000000 + i;
    p.dst[0] = 0x08080000 + (i % 500);
    p.srcPort = 1000;
    p.dstPort = 53;
    parts[i % 2].flows.account(p, 100 + i, 60 + (i % 7) * 10);
    if (i % 3 === 0) parts[1 - (i % 2)].flows.account(p, 100 + i, 60);
  }
  const shards: HostShard[] = parts.map(({ hosts }) => ({ hosts }));
  const merged = mergedHosts(shards).size;

  const materialising = (limit: number) => {
    const all = [...mergedHosts(shards).values()];
    all.sort((a, b) => b.bytesSent + b.bytesRcvd - (a.bytesSent + a.bytesRcvd) || (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : a.vlan - b.vlan));
    return all.slice(0, limit).map((e) => toHostRecord(e, NO_DPI_NAMES));
  };
  console.log(`host pages by bytes over ${merged} hosts in 2 shards (${parts[0].hosts.table.active + parts[1].hosts.table.active} entries), median of ${RUNS}, ${os.cpus()[0]?.model ?? ''}`);
  console.log('| page | queryHosts | materialising merge (reference) |');
  console.log('| --- | --- | --- |');
  for (const limit of [50, 1000]) {
    const ours = timeMs(() => queryHosts(shards, { sort: 'bytes', order: 'desc', limit }, NO_DPI_NAMES));
    const reference = timeMs(() => materialising(limit));
    console.log(`| limit ${limit} | ${ours.toFixed(1)} ms | ${reference.toFixed(1)} ms |`);
  }
}

main();
