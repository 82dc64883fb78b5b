import type { ProbeDataplane } from '@flowprobe/controlplane';
import type { CaptureErrorEvent, FlowExportRecord, HostRecord, InterfaceStats, RankedPage, FlowRecord } from '@flowprobe/dataplane';

/**
 * A configured capture source that could not start (a DPDK NIC missing or
 * not bound, an unreadable file). It stays in the interface list with its
 * error, zero counters and no flows, so the portal, /healthz and the logs say
 * what is wrong while the other sources and the API run.
 */
export class FailedSource implements ProbeDataplane {
  constructor(
    readonly name: string,
    private readonly description: string,
    readonly error: string,
  ) {}

  async stats(): Promise<InterfaceStats> {
    return {
      id: 0,
      name: this.name,
      source: this.description,
      packets: 0,
      bytes: 0,
      drops: 0,
      num_flows: 0,
      num_hosts: 0,
      thpt: { bps: 0, pps: 0, upload_bps: 0, download_bps: 0 },
      bytes_upload: 0,
      bytes_download: 0,
      decode_errors: {},
      workers: [],
      running: false,
      worker_restarts: 0,
      workers_down: [],
      error: this.error,
    };
  }

  async queryFlows(): Promise<RankedPage<FlowRecord>> {
    return { total: 0, data: [], keys: [] };
  }

  async queryHosts(): Promise<RankedPage<HostRecord>> {
    return { total: 0, data: [], keys: [] };
  }

  async getHost(): Promise<HostRecord | undefined> {
    return undefined;
  }

  async updateStats(): Promise<{ records: FlowExportRecord[] }> {
    return { records: [] };
  }

  async flushFlows(): Promise<FlowExportRecord[]> {
    return [];
  }

  setLocalNetworks(): void {}

  onCaptureError(_listener: (e: CaptureErrorEvent) => void): () => void {
    return () => undefined;
  }

  async whenFinished(): Promise<void> {}

  async stop(): Promise<void> {}
}
