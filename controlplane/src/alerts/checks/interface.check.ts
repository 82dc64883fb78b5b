import { CheckFinding, CheckSettings, InterfaceCheck, InterfaceDelta, num } from './check.types';

/** Packets dropped (NIC + software) above `min_drop_pct` of the packets offered in the interval. */
export class PacketDropsCheck implements InterfaceCheck {
  readonly id = 'packet_drops';
  readonly defaults: CheckSettings = { enabled: true, score: 100, min_drop_pct: 1 };

  evaluate(d: InterfaceDelta, s: CheckSettings): CheckFinding | null {
    const offered = d.packets + d.drops;
    if (d.drops === 0 || offered === 0) return null;
    const pct = (100 * d.drops) / offered;
    const limit = num(s, 'min_drop_pct', 1);
    if (pct < limit) return null;
    return {
      check: this.id,
      score: num(s, 'score', 100),
      title: 'Packet drops',
      description: `${d.stats.name} dropped ${d.drops} of ${offered} packets (${pct.toFixed(2)} %, limit ${limit} %) in ${Math.round(d.intervalS)} s`,
      details: { drops: d.drops, packets: d.packets, drop_pct: Number(pct.toFixed(3)), limit_pct: limit },
    };
  }
}

/** A running interface that saw no packet for `min_silence_s`. */
export class NoTrafficCheck implements InterfaceCheck {
  readonly id = 'no_traffic';
  readonly defaults: CheckSettings = { enabled: true, score: 100, min_silence_s: 60 };

  evaluate(d: InterfaceDelta, s: CheckSettings): CheckFinding | null {
    const limit = num(s, 'min_silence_s', 60);
    if (!d.stats.running || d.silentS < limit) return null;
    return {
      check: this.id,
      score: num(s, 'score', 100),
      title: 'No traffic',
      description: `${d.stats.name} has received no packet for ${Math.round(d.silentS)} s (limit ${limit} s)`,
      details: { silent_s: Math.round(d.silentS), limit_s: limit },
    };
  }
}

/** A worker's flow table is full: new flows are not tracked. */
export class FlowTableFullCheck implements InterfaceCheck {
  readonly id = 'flow_table_full';
  readonly defaults: CheckSettings = { enabled: true, score: 200 };

  evaluate(d: InterfaceDelta, s: CheckSettings): CheckFinding | null {
    const full = d.stats.workers.filter((w) => w.flow_table_full).map((w) => w.worker);
    if (!full.length) return null;
    return {
      check: this.id,
      score: num(s, 'score', 200),
      title: 'Flow table full',
      description: `${d.stats.name}: flow table full on worker(s) ${full.join(', ')}; new flows are not tracked (${d.stats.num_flows} flows)`,
      details: { workers: full.join(','), num_flows: d.stats.num_flows },
    };
  }
}

/** A worker's host table is full: new hosts are not tracked. */
export class HostTableFullCheck implements InterfaceCheck {
  readonly id = 'host_table_full';
  readonly defaults: CheckSettings = { enabled: true, score: 200 };

  evaluate(d: InterfaceDelta, s: CheckSettings): CheckFinding | null {
    const full = d.stats.workers.filter((w) => w.host_table_full).map((w) => w.worker);
    if (!full.length) return null;
    return {
      check: this.id,
      score: num(s, 'score', 200),
      title: 'Host table full',
      description: `${d.stats.name}: host table full on worker(s) ${full.join(', ')}; new hosts are not tracked (${d.stats.num_hosts} hosts)`,
      details: { workers: full.join(','), num_hosts: d.stats.num_hosts },
    };
  }
}

/**
 * A capture worker crashed (docs/reliability.md, *Worker crash*): engaged while a
 * worker is down (restarting, or the interface stopped past the restart bound)
 * or when one was restarted since the last pass; released after a pass without.
 */
export class WorkerCrashCheck implements InterfaceCheck {
  readonly id = 'worker_crash';
  readonly defaults: CheckSettings = { enabled: true, score: 200 };

  evaluate(d: InterfaceDelta, s: CheckSettings): CheckFinding | null {
    const down = d.stats.workers_down ?? [];
    if (d.workerRestarts === 0 && down.length === 0) return null;
    const last = d.stats.last_worker_crash;
    const stopped = d.stats.error !== undefined && down.length > 0;
    const state = stopped ? 'capture stopped after too many crashes' : down.length > 0 ? `worker(s) ${down.join(', ')} restarting` : 'restarted';
    return {
      check: this.id,
      score: num(s, 'score', 200),
      title: 'Capture worker crashed',
      description: `${d.stats.name}: ${d.workerRestarts} worker restart(s) in ${Math.round(d.intervalS)} s, ${state}${last ? `; last crash: worker ${last.worker} at ${last.at}: ${last.reason}` : ''}`,
      details: {
        restarts: d.workerRestarts,
        total_restarts: d.stats.worker_restarts ?? 0,
        workers_down: down.join(','),
        ...(last ? { last_worker: last.worker, last_reason: last.reason, last_at: last.at } : {}),
      },
    };
  }
}
