/**
 * DPDK start-up: each failure (library missing, EAL error, port error, polling from the main
 * thread) gives a DpdkError naming the step and DPDK's reason; a good start with the net_null
 * PMD delivers packets to 2 workers and the NIC counters agree with them.
 */
import * as path from 'node:path';
import { DpdkError } from '../src/capture/dpdk-error';
import { captureLinkType, pcapReplayOf } from '../src/capture/dpdk-port';
import { DpdkQueueSource } from '../src/capture/dpdk-queue-source';
import { loadDpdkShim } from '../src/capture/dpdk-shim.ffi';
import { LinkType } from '../src/capture/packet-burst';
import { runDpdkScenario, TEST_EAL_ARGS } from './dpdk-scenario-client';

const PCAP = path.resolve(__dirname, '../../../shared/pcaps/ndpi/443-git.pcap');
const SLL_PCAP = path.resolve(__dirname, '../../../shared/pcaps/ndpi/KakaoTalk_chat.pcap');

describe('DPDK library loading', () => {
  const saved = process.env.FLOWPROBE_DPDK_LIB;
  afterEach(() => {
    if (saved === undefined) delete process.env.FLOWPROBE_DPDK_LIB;
    else process.env.FLOWPROBE_DPDK_LIB = saved;
  });

  it('names the missing libflowprobe_dpdk.so and how to install DPDK', () => {
    process.env.FLOWPROBE_DPDK_LIB = '/nonexistent/libflowprobe_dpdk.so';
    let error: DpdkError | null = null;
    try {
      loadDpdkShim();
    } catch (e) {
      error = e as DpdkError;
    }
    expect(error).toBeInstanceOf(DpdkError);
    expect(error!.code).toBe('DPDK_LIBRARY_MISSING');
    expect(error!.message).toContain('/nonexistent/libflowprobe_dpdk.so');
    expect(error!.message).toContain('libdpdk-dev');
  });

  it('reports a file that is not a loadable library', () => {
    process.env.FLOWPROBE_DPDK_LIB = PCAP;
    expect(() => loadDpdkShim()).toThrow(/cannot load .*443-git\.pcap.*DPDK_LIBRARY_MISSING/s);
  });

  it('refuses to poll a queue from the main thread', () => {
    expect(() => new DpdkQueueSource(0, 0)).toThrow(/worker thread, not the main thread.*DPDK_THREAD_REGISTER/);
  });
});

describe('net_pcap replay helpers', () => {
  it('finds the replayed file of a vdev and the link type of its frames', () => {
    const eal = ['--vdev', `net_pcap0,rx_pcap=${PCAP},rx_pcap=${SLL_PCAP}`, `--vdev=net_pcap1,rx_pcap=${SLL_PCAP},infinite_rx=1`];
    expect(pcapReplayOf('net_pcap0', eal)).toEqual({ file: PCAP, files: [PCAP, SLL_PCAP], infinite: false });
    expect(pcapReplayOf('net_pcap1', eal)).toEqual({ file: SLL_PCAP, files: [SLL_PCAP], infinite: true });
    expect(pcapReplayOf('net_null0', eal)).toEqual({ file: null, files: [], infinite: false });
    expect(captureLinkType(PCAP)).toBe(LinkType.Ethernet);
    expect(captureLinkType(SLL_PCAP)).toBe(LinkType.LinuxSll);
  });
});

describe('DPDK start-up errors name the failing step', () => {
  it('EAL: an unknown argument', async () => {
    const r = await runDpdkScenario({ eal: [...TEST_EAL_ARGS, '--no-such-eal-option'], ports: [], mode: 'count' });
    expect(r).toEqual({ error: { code: 'DPDK_EAL_INIT', message: expect.stringMatching(/^EAL init \(rte_eal_init\) failed: .*--no-such-eal-option/) } });
  });

  it('port: no such port', async () => {
    const r = await runDpdkScenario({ eal: [...TEST_EAL_ARGS, '--vdev', 'net_null0'], ports: [{ port: 3, queues: 1 }], mode: 'count' });
    expect(r).toEqual({ error: { code: 'DPDK_PORT_SETUP', message: expect.stringContaining('port 3 setup: no such port; EAL found 1 port(s)') } });
  });

  it('port: more queues than the PMD has', async () => {
    const r = await runDpdkScenario({ eal: [...TEST_EAL_ARGS, '--vdev', `net_pcap0,rx_pcap=${PCAP}`], ports: [{ port: 0, queues: 2 }], mode: 'count' });
    expect(r).toEqual({
      error: { code: 'DPDK_PORT_SETUP', message: expect.stringContaining('port 0 setup: 2 RX queues requested, driver net_pcap supports 1') },
    });
  });

  it('port: an mbuf pool larger than the EAL memory', async () => {
    const r = await runDpdkScenario({
      eal: [...TEST_EAL_ARGS, '--vdev', 'net_null0'],
      ports: [{ port: 0, queues: 1, options: { mbufsPerQueue: 1_000_000 } }],
      mode: 'count',
    });
    expect(r).toEqual({
      error: { code: 'DPDK_PORT_SETUP', message: expect.stringMatching(/port 0 queue 0 setup: mbuf pool of 1000000 x 2048 bytes failed: .*raise EAL -m/) },
    });
  });
});

describe('net_null', () => {
  it('2 queues, 2 workers: packets flow and the NIC counters match the workers', async () => {
    const r = await runDpdkScenario(
      { eal: [...TEST_EAL_ARGS, '--vdev', 'net_null0,size=64'], ports: [{ port: 0, queues: 2 }], mode: 'count' },
      () => new Promise((resolve) => setTimeout(resolve, 300)),
    );
    if ('error' in r) throw new Error(r.error.message);
    expect(r.results).toHaveLength(2);
    const lcores = new Set(r.results.map((w) => w.lcore));
    expect(lcores.size).toBe(2); // each worker registered as its own EAL lcore
    for (const w of r.results) {
      expect(w.packets).toBeGreaterThan(0);
      expect(w.bytes).toBe(w.packets * 64);
      expect(r.nic[0].queues[w.queue].ipackets).toBe(w.packets);
    }
    expect(r.nic[0].ipackets).toBe(r.results[0].packets + r.results[1].packets);
  });
});
