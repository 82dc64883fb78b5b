/**
 * Live capture through DPDK's net_af_packet PMD on one end of a veth pair whose other end is in
 * a network namespace. Traffic sent from the namespace (ping, an HTTP request, UDP) must show
 * up as flows with exact packet counts. The veth's own kernel counters are the reference for
 * the TCP flow, whose packet count the kernel decides (ACKs, FIN/RST). Needs root (ip netns).
 *
 * Multi-queue: 2 queues (af_packet qpairs=2, PACKET_FANOUT_HASH), 2 worker threads, 40 two-way
 * UDP flows plus ping and HTTP: each flow is seen by exactly one worker, both directions included.
 */
import { execFile, execFileSync, fork } from 'node:child_process';
import { promisify } from 'node:util';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { FlowRecord, InterfaceStats } from '../src/dataplane.types';
import type { DataplaneScenarioMessage } from './dpdk-dataplane-scenario';
import { runDpdkScenario, ScenarioDone, TEST_EAL_ARGS } from './dpdk-scenario-client';

const tag = `${process.pid % 100000}`;
const NS = `fpdpdk${tag}`;
const HOST_IF = `fpd${tag}h`;
const NS_IF = `fpd${tag}n`;
const NET = `10.213.${process.pid % 250}`;
const HOST_IP = `${NET}.1`;
const NS_IP = `${NET}.2`;
const TRAFFIC = path.join(__dirname, 'dpdk-traffic.js');

const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8' });
const inNs = (...args: string[]): string => execFileSync('ip', ['netns', 'exec', NS, ...args], { encoding: 'utf8', timeout: 60_000 });
/** Async: the HTTP and UDP servers live in this process, so its event loop must keep running. */
const inNsAsync = async (...args: string[]): Promise<string> =>
  (await promisify(execFile)('ip', ['netns', 'exec', NS, ...args], { encoding: 'utf8', timeout: 60_000 })).stdout;
const counters = (): { rx: number; tx: number } => ({
  rx: Number(fs.readFileSync(`/sys/class/net/${HOST_IF}/statistics/rx_packets`, 'utf8')),
  tx: Number(fs.readFileSync(`/sys/class/net/${HOST_IF}/statistics/tx_packets`, 'utf8')),
});
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function cleanup(): void {
  for (const args of [['link', 'del', HOST_IF], ['netns', 'del', NS]]) {
    try {
      execFileSync('ip', args, { stdio: 'ignore' });
    } catch {
      /* already gone */
    }
  }
}

let httpServer: http.Server;
let udpEcho: dgram.Socket;
let httpPort = 0;
let udpPort = 0;
let hostMac = '';
let nsMac = '';

beforeAll(async () => {
  cleanup();
  ip('netns', 'add', NS);
  // No IPv6 (router/neighbour solicitations, MLD) and static ARP: the only frames on the
  // link are the test's own, so the interface counters equal the sum of the flows. The
  // namespace's default is set before its end of the veth exists (a device takes the default
  // when it is created), the host end's own setting before it is ever up; the host's default
  // is left alone (other tests share the machine).
  inNs('sysctl', '-qw', 'net.ipv6.conf.default.disable_ipv6=1', 'net.ipv6.conf.all.disable_ipv6=1');
  ip('link', 'add', HOST_IF, 'type', 'veth', 'peer', 'name', NS_IF, 'netns', NS);
  execFileSync('sysctl', ['-qw', `net.ipv6.conf.${HOST_IF}.disable_ipv6=1`]);
  inNs('sysctl', '-qw', `net.ipv6.conf.${NS_IF}.disable_ipv6=1`);
  expect(fs.readFileSync(`/proc/sys/net/ipv6/conf/${HOST_IF}/disable_ipv6`, 'utf8').trim()).toBe('1');
  expect(inNs('cat', `/proc/sys/net/ipv6/conf/${NS_IF}/disable_ipv6`).trim()).toBe('1');
  ip('addr', 'add', `${HOST_IP}/24`, 'dev', HOST_IF);
  inNs('ip', 'addr', 'add', `${NS_IP}/24`, 'dev', NS_IF);
  ip('link', 'set', HOST_IF, 'up');
  inNs('ip', 'link', 'set', NS_IF, 'up');
  inNs('ip', 'link', 'set', 'lo', 'up');
  hostMac = fs.readFileSync(`/sys/class/net/${HOST_IF}/address`, 'utf8').trim();
  nsMac = inNs('cat', `/sys/class/net/${NS_IF}/address`).trim();
  ip('neigh', 'replace', NS_IP, 'lladdr', nsMac, 'dev', HOST_IF, 'nud', 'permanent');
  inNs('ip', 'neigh', 'replace', HOST_IP, 'lladdr', hostMac, 'dev', NS_IF, 'nud', 'permanent');

  httpServer = http.createServer((_req, res) => res.end('flowprobe dpdk live test\n'));
  await new Promise<void>((r) => httpServer.listen(0, HOST_IP, r));
  httpPort = (httpServer.address() as AddressInfo).port;
  udpEcho = dgram.createSocket('udp4');
  udpEcho.on('message', (msg, from) => udpEcho.send(msg, from.port, from.address));
  await new Promise<void>((r) => udpEcho.bind(0, HOST_IP, r));
  udpPort = udpEcho.address().port;
});

afterAll(async () => {
  await new Promise<void>((r) => (httpServer ? httpServer.close(() => r()) : r()));
  if (udpEcho) udpEcho.close();
  cleanup();
});

interface Traffic {
  before: { rx: number; tx: number };
  after: { rx: number; tx: number };
}

/** ping, one HTTP GET and UDP flows from the namespace; returns the host veth counters around it. */
async function sendTraffic(pings: number, udpFlows: number, perFlow: number): Promise<Traffic> {
  // The af_packet PMD takes the interface down when a previous port stops, which flushes even
  // permanent neighbour entries: set them again so that no ARP runs during the test.
  ip('neigh', 'replace', NS_IP, 'lladdr', nsMac, 'dev', HOST_IF, 'nud', 'permanent');
  inNs('ip', 'neigh', 'replace', HOST_IP, 'lladdr', hostMac, 'dev', NS_IF, 'nud', 'permanent');
  const before = counters();
  await inNsAsync('ping', '-q', '-c', String(pings), '-i', '0.2', '-W', '2', HOST_IP);
  expect((await inNsAsync('node', TRAFFIC, 'http', `http://${HOST_IP}:${httpPort}/`)).trim()).toBe('200');
  await inNsAsync('node', TRAFFIC, 'udp', HOST_IP, String(udpPort), String(udpFlows), String(perFlow));
  return { before, after: await settledCounters() };
}

/**
 * The veth counters once the test's traffic is over: the HTTP server has closed its side of
 * the connection (this process's event loop does that, late on a loaded machine; a fixed
 * sleep read the counters before the server's FIN and its ACK, which the capture then still
 * saw) and nothing moved on the link for 500 ms (the workers drain their rings meanwhile).
 * Not a timing assertion: it only waits, up to 30 s.
 */
async function settledCounters(): Promise<{ rx: number; tx: number }> {
  const deadline = Date.now() + 30_000;
  const open = (): Promise<number> => new Promise((r, j) => httpServer.getConnections((err, n) => (err ? j(err) : r(n))));
  while ((await open()) > 0 && Date.now() < deadline) await sleep(50);
  let last = counters();
  let stillSince = Date.now();
  while (Date.now() - stillSince < 500 && Date.now() < deadline) {
    await sleep(100);
    const now = counters();
    if (now.rx !== last.rx || now.tx !== last.tx) {
      last = now;
      stillSince = Date.now();
    }
  }
  return last;
}

/** Merges the workers' flows, failing if one flow appears in two workers. */
function mergeFlows(done: ScenarioDone): Map<string, { counts: [number, number]; queue: number }> {
  const flows = new Map<string, { counts: [number, number]; queue: number }>();
  for (const r of done.results) {
    for (const [key, counts] of Object.entries(r.flows)) {
      const seen = flows.get(key);
      if (seen !== undefined) throw new Error(`flow ${key} seen by queue ${seen.queue} and queue ${r.queue}`);
      flows.set(key, { counts, queue: r.queue });
    }
  }
  return flows;
}

/** Frames that are not IP (ARP resolving the peer), by sender MAC. */
function nonIpFrom(done: ScenarioDone, mac: string): number {
  const hex = mac.replace(/:/g, '');
  let n = 0;
  for (const r of done.results) for (const [k, c] of Object.entries(r.nonIpFrames)) if (k.endsWith(` ${hex}`)) n += c;
  return n;
}

function expectExactFlows(done: ScenarioDone, t: Traffic, pings: number, udpFlows: number, perFlow: number): void {
  const flows = mergeFlows(done);
  if (process.env.DPDK_TEST_DEBUG) console.log(JSON.stringify({ t, flows: [...flows], results: done.results.map((r) => ({ q: r.queue, p: r.packets, nonIp: r.nonIpFrames })), nic: done.nic }));
  // ARP may still run once despite the permanent neighbour entries; count it per sender.
  const fromNs = t.after.rx - t.before.rx - nonIpFrom(done, nsMac);
  const toNs = t.after.tx - t.before.tx - nonIpFrom(done, hostMac);
  // Endpoints are sorted in the key; HOST_IP sorts before NS_IP, so counts are [host->ns, ns->host].
  expect(flows.get(`1 ${HOST_IP}:0 ${NS_IP}:0`)?.counts).toEqual([pings, pings]);
  const udp = [...flows].filter(([k]) => k.startsWith(`17 ${HOST_IP}:${udpPort} `));
  expect(udp).toHaveLength(udpFlows);
  for (const [, f] of udp) expect(f.counts).toEqual([perFlow, perFlow]);
  const tcp = [...flows].filter(([k]) => k.startsWith(`6 ${HOST_IP}:${httpPort} `));
  expect(tcp).toHaveLength(1);
  // Whatever the kernel sent for the TCP connection is what the veth counted minus ping and UDP.
  expect(tcp[0][1].counts).toEqual([toNs - pings - udpFlows * perFlow, fromNs - pings - udpFlows * perFlow]);
  expect(tcp[0][1].counts[1]).toBeGreaterThanOrEqual(4); // SYN, ACK, request, FIN at least
  expect(flows.size).toBe(2 + udpFlows);
  const captured = done.results.reduce((s, r) => s + r.packets, 0);
  expect(captured).toBe(t.after.rx - t.before.rx + t.after.tx - t.before.tx);
  expect(done.nic[0].ipackets).toBe(captured);
  expect(done.nic[0].imissed + done.nic[0].ierrors + done.nic[0].rx_nombuf).toBe(0);
}

describe('DPDK net_af_packet live capture on a veth in a network namespace', () => {
  it('one queue: ping, HTTP and a UDP burst are flows with exact packet counts', async () => {
    let traffic: Traffic | null = null;
    const done = await runDpdkScenario(
      { eal: [...TEST_EAL_ARGS, '--vdev', `net_af_packet0,iface=${HOST_IF},qpairs=1`], ports: [{ port: 0, queues: 1 }], mode: 'flows' },
      async (ready) => {
        expect(ready.ports[0].driver).toBe('net_af_packet');
        traffic = await sendTraffic(5, 1, 50);
      },
    );
    if ('error' in done) throw new Error(done.error.message);
    expectExactFlows(done, traffic!, 5, 1, 50);
  });

  it('two queues, two workers: every flow (both directions) in exactly one worker', async () => {
    let traffic: Traffic | null = null;
    const done = await runDpdkScenario(
      { eal: [...TEST_EAL_ARGS, '--vdev', `net_af_packet0,iface=${HOST_IF},qpairs=2`], ports: [{ port: 0, queues: 2 }], mode: 'flows' },
      async (ready) => {
        expect(ready.ports[0].rxQueues).toBe(2);
        traffic = await sendTraffic(3, 40, 5);
      },
    );
    if ('error' in done) throw new Error(done.error.message);
    expect(done.results.map((r) => r.queue).sort()).toEqual([0, 1]);
    // 40 flows hashed over 2 queues: both get some (all on one would be a 2^-39 chance).
    for (const r of done.results) expect(Object.keys(r.flows).length).toBeGreaterThan(0);
    expectExactFlows(done, traffic!, 3, 40, 5);
  });
});

describe('net_af_packet fanout rollover (documented PMD behaviour, docs/dpdk.md)', () => {
  // What is asserted is what always holds; whether a flow ends up split and how many frames are
  // lost depends on timing (observed: 1 flow split in 2 runs of 3, 145 to 222 of 400 frames lost).
  it('a worker that falls behind: its ring caps what it sees, the rest is rolled over or lost unseen', async () => {
    let before = { rx: 0, tx: 0 };
    let after = { rx: 0, tx: 0 };
    // A 16-frame ring per queue and queue 0 never polled while the traffic runs: its ring fills,
    // and PACKET_FANOUT_FLAG_ROLLOVER hands the rest to queue 1. 10 two-way UDP flows of 40
    // frames each: the first one hashed to queue 0 leaves 16 frames there and the rest on queue 1
    // (all 10 on queue 1 is a 2^-10 chance) when the kernel rolls over rather than drops.
    const done = await runDpdkScenario(
      {
        eal: [...TEST_EAL_ARGS, '--vdev', `net_af_packet0,iface=${HOST_IF},qpairs=2,blocksz=4096,framesz=2048,framecnt=16`],
        ports: [{ port: 0, queues: 2 }],
        mode: 'flows',
        stallQueue0Ms: 60_000,
      },
      async () => {
        ip('neigh', 'replace', NS_IP, 'lladdr', nsMac, 'dev', HOST_IF, 'nud', 'permanent');
        inNs('ip', 'neigh', 'replace', HOST_IP, 'lladdr', hostMac, 'dev', NS_IF, 'nud', 'permanent');
        before = counters();
        await inNsAsync('node', TRAFFIC, 'udp', HOST_IP, String(udpPort), '10', '20');
        await sleep(300);
        after = counters();
      },
    );
    if ('error' in done) throw new Error(done.error.message);
    const q0 = done.results.find((r) => r.queue === 0)!;
    const q1 = done.results.find((r) => r.queue === 1)!;
    const split = Object.keys(q1.flows).filter((k) => k in q0.flows);
    if (process.env.DPDK_TEST_DEBUG) console.log(JSON.stringify({ q0: q0.flows, q1: q1.flows, nic: done.nic, before, after }));
    expect(q0.packets).toBe(16); // what queue 0's ring held when it was finally read
    expect(q1.packets).toBeGreaterThan(0);
    // Split flows: the one in progress when queue 0's ring reached three quarters, then any flow
    // that put a frame in its last quarter (the kernel's ROOM_LOW keeps a frame unless its flow is
    // "huge" in the recent hash history), so at most 1 + 16 / 4 whatever the timing.
    expect(split.length).toBeLessThanOrEqual(1 + 16 / 4);
    // DPDK 22.11's net_af_packet never reads PACKET_STATISTICS: frames the kernel could not place
    // in any ring are lost without a trace in imissed.
    const captured = q0.packets + q1.packets;
    expect(done.nic[0].imissed).toBe(0);
    expect(captured).toBeLessThanOrEqual(after.rx - before.rx + after.tx - before.tx);
  });
});

/** Runs the product's Dataplane on net_af_packet in a child process while `traffic` runs. */
function runDataplane(queues: number, traffic: () => Promise<void>): Promise<{ flows: FlowRecord[]; stats: InterfaceStats }> {
  return new Promise((resolve, reject) => {
    const eal = [...TEST_EAL_ARGS, '--vdev', `net_af_packet0,iface=${HOST_IF},qpairs=${queues}`];
    const child = fork(path.join(__dirname, 'dpdk-dataplane-scenario.ts'), [JSON.stringify({ eal, queues })], {
      execArgv: ['-r', path.join(__dirname, 'dpdk-ts-register.js')],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let log = '';
    child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const deadline = setTimeout(() => child.kill('SIGKILL'), 100_000);
    let outcome: { flows: FlowRecord[]; stats: InterfaceStats } | null = null;
    let error = '';
    child.on('message', (m: DataplaneScenarioMessage) => {
      if ('ready' in m) traffic().then(() => child.send('stop'), (err) => (child.kill('SIGKILL'), reject(err)));
      else if ('flows' in m) outcome = m;
      else error = m.error;
    });
    child.on('exit', (code) => {
      clearTimeout(deadline);
      if (outcome) resolve(outcome);
      else reject(new Error(`Dataplane scenario exited with ${code}: ${error}\n${log}`));
    });
  });
}

function expectExactProductFlows(r: { flows: FlowRecord[]; stats: InterfaceStats }, t: Traffic, pings: number, udpFlows: number, perFlow: number): void {
  const fromNs = t.after.rx - t.before.rx;
  const toNs = t.after.tx - t.before.tx;
  // No ARP (neighbours are permanent), no IPv6: every frame on the link is an IP packet of a flow.
  expect(r.stats.decode_errors).toEqual({});
  expect(r.stats.packets).toBe(fromNs + toNs);
  expect(r.stats.nic!.ipackets).toBe(fromNs + toNs);
  expect(r.stats.drops).toBe(0);
  const id = (f: FlowRecord) => `${f.l4} ${f.client.ip}:${f.client.port} ${f.server.ip}:${f.server.port}`;
  const ids = r.flows.map(id);
  expect(new Set(ids).size).toBe(ids.length); // one record per flow: never split over two shards
  const counts = (f: FlowRecord | undefined) => f && [f.cli2srv.packets, f.srv2cli.packets];
  expect(counts(r.flows.find((f) => f.l4 === 'ICMP' && f.client.ip === NS_IP && f.server.ip === HOST_IP))).toEqual([pings, pings]);
  const udp = r.flows.filter((f) => f.l4 === 'UDP' && f.client.ip === NS_IP && f.server.ip === HOST_IP && f.server.port === udpPort);
  expect(udp.map(counts)).toEqual(Array.from({ length: udpFlows }, () => [perFlow, perFlow]));
  const tcp = r.flows.filter((f) => f.l4 === 'TCP' && f.client.ip === NS_IP && f.server.ip === HOST_IP && f.server.port === httpPort);
  expect(tcp.map(counts)).toEqual([[fromNs - pings - udpFlows * perFlow, toNs - pings - udpFlows * perFlow]]);
  expect(tcp[0].l7).toBe('HTTP');
  expect(r.flows).toHaveLength(2 + udpFlows);
}

describe('DPDK net_af_packet live capture through the Dataplane (capture workers, shards, nDPI)', () => {
  it('one queue: ping, HTTP and a UDP burst are flows with exact packet counts', async () => {
    let traffic: Traffic | null = null;
    const r = await runDataplane(1, async () => {
      traffic = await sendTraffic(5, 1, 50);
    });
    expectExactProductFlows(r, traffic!, 5, 1, 50);
  });

  it('two queues, two workers: each flow in exactly one shard, both shards used', async () => {
    let traffic: Traffic | null = null;
    const r = await runDataplane(2, async () => {
      traffic = await sendTraffic(3, 40, 5);
    });
    expectExactProductFlows(r, traffic!, 3, 40, 5);
    const shards = new Set(r.flows.map((f) => f.key.split(':')[0]));
    expect([...shards].sort()).toEqual(['0', '1']);
    expect(r.stats.workers.map((w) => w.packets).reduce((a, b) => a + b, 0)).toBe(r.stats.packets);
    expect(r.stats.nic!.queues.map((q) => q.ipackets)).toEqual(r.stats.workers.map((w) => w.packets));
  });
});
