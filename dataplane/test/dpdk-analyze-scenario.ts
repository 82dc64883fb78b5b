/**
 * Child process of dpdk-pcap-replay.spec.ts: runs the product's analyzeCapture (Dataplane,
 * capture workers, flow tables, nDPI) on each capture twice, once through DPDK's net_pcap PMD
 * (port i replays file i) and once through the file reader, and sends both flow lists over IPC.
 * argv[2]: JSON { eal: string[], files: string[], portOptions? } with one `--vdev net_pcap<i>,rx_pcap=<file i>`
 * each; with `portOptions` the ports are set up with them first (e.g. a tiny mbuf pool).
 */
import { DpdkPortOptions, initDpdkEal, setupDpdkPort } from '../src/capture/dpdk-port';
import { analyzeCapture, FlowRecord, InterfaceStats } from '../src';

export interface AnalyzePair {
  file: string;
  dpdk: FlowRecord[];
  pcap: FlowRecord[];
  dpdkPackets: number;
  pcapPackets: number;
  dpdkStats: InterfaceStats;
}

async function main(): Promise<void> {
  const { eal, files, portOptions } = JSON.parse(process.argv[2]) as { eal: string[]; files: string[]; portOptions?: DpdkPortOptions };
  const pairs: AnalyzePair[] = [];
  if (portOptions) {
    initDpdkEal(eal);
    files.forEach((_f, port) => setupDpdkPort(port, 1, portOptions));
  }
  for (let port = 0; port < files.length; port++) {
    // Same EAL arguments every time: EAL initialises on the first, the others reuse it.
    const dpdk = await analyzeCapture({ kind: 'dpdk', eal, port, queues: 1 }, { workers: 1 });
    const pcap = await analyzeCapture({ kind: 'pcap', path: files[port] }, { workers: 1 });
    if (dpdk.error) throw new Error(`${files[port]} via DPDK: ${dpdk.error}`);
    pairs.push({ file: files[port], dpdk: dpdk.flows, pcap: pcap.flows, dpdkPackets: dpdk.stats.packets, pcapPackets: pcap.stats.packets, dpdkStats: dpdk.stats });
  }
  await new Promise<void>((resolve) => process.send!({ pairs }, () => resolve()));
}

main().then(
  () => process.exit(0),
  (err: Error) => process.send!({ error: err.stack ?? String(err) }, () => process.exit(1)),
);
