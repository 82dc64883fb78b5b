import { FlowRecord } from '../dataplane.types';
import { L7Names, readFlowRecord } from '../flow/flow-record';
import { FlowTable } from '../flow/flow-table';
import { FlowF64 } from '../flow/flow-table.layout';
import { HostTable } from '../host/host-table';

/**
 * Slots of each table one updateStats() call visits: bounds the work of one
 * call (a full pass over 1M flows takes 100-200 ms); throughputs use each
 * entry's own time since its last visit.
 */
export const UPDATE_STATS_SLOTS = 32768;

/** The tables of one shard, as an offline thread sees them. */
export interface OfflineShard {
  index: number;
  flows: FlowTable;
  hosts: HostTable;
}

/**
 * The offline periodic pass over one shard (seeds/003 `updateStats`): visits
 * at most `maxSlots` slots of each table, continuing where the last call on
 * this shard's tables stopped (the cursor lives in the table object, so one
 * thread owns the pass of a shard). Updates throughputs and moves entries the
 * worker marked idle to ready_to_be_purged, after appending the flows to `ended`.
 */
export function sweepShard(s: OfflineShard, nowS: number, maxSlots: number, names: L7Names, ended: FlowRecord[]): void {
  const flows = s.flows;
  flows.table.sweepOffline(
    maxSlots,
    (slot) => updateFlowThroughput(flows, slot, nowS),
    (slot) => ended.push(readFlowRecord(flows, slot, s.index, names)),
  );
  const hosts = s.hosts;
  hosts.table.sweepOffline(maxSlots, (slot) => hosts.updateThroughput(slot, nowS));
}

function updateFlowThroughput(flows: FlowTable, slot: number, nowS: number): void {
  const f = flows.table.f64At(slot);
  const f64 = flows.f64;
  const bytes = f64[f + FlowF64.C2sBytes] + f64[f + FlowF64.S2cBytes];
  const pkts = f64[f + FlowF64.C2sPkts] + f64[f + FlowF64.S2cPkts];
  const prevTs = f64[f + FlowF64.PrevTs];
  if (prevTs > 0 && nowS > prevTs) {
    f64[f + FlowF64.ThptBps] = ((bytes - f64[f + FlowF64.PrevBytes]) * 8) / (nowS - prevTs);
    f64[f + FlowF64.ThptPps] = (pkts - f64[f + FlowF64.PrevPkts]) / (nowS - prevTs);
  }
  f64[f + FlowF64.PrevBytes] = bytes;
  f64[f + FlowF64.PrevPkts] = pkts;
  f64[f + FlowF64.PrevTs] = nowS;
}
