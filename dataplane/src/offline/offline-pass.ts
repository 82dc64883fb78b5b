import { FlowEndReason, FlowExportRecord, FlowRecord } from '../dataplane.types';
import { EntryState } from '../shard/entry-state';
import { FlowExportContext, idleEndReason, interimDue, readFlowExport } from '../flow/flow-export';
import { readFlowRecord } from '../flow/flow-record';
import { L7Names } from '../shard/record-names';
import { FlowTable } from '../flow/flow-table';
import { FlowF64, FlowU32 } from '../flow/flow-table.layout';
import { SlotU32 } from '../shard/hash-table.layout';
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

/** Who produces the flow records of a pass: probe and interface names, protocol names, the active timeout. */
export interface RecordOptions {
  probe: string;
  interface: string;
  names: L7Names;
  /** Seconds of packet time between interim records of a running flow; 0 = none. */
  activeTimeoutS: number;
}

function exportContext(s: OfflineShard, o: RecordOptions): FlowExportContext {
  return { probe: o.probe, interface: o.interface, shard: s.index, names: o.names };
}

/**
 * The offline periodic pass over one shard (seeds/003 `updateStats`): visits
 * at most `maxSlots` slots of each table, continuing where the last call on
 * this shard's tables stopped (the cursor lives in the table object, so one
 * thread owns the pass of a shard). Updates throughputs, appends an interim
 * record for each running flow past its active timeout, and moves entries the
 * worker marked idle to ready_to_be_purged after appending their final record
 * to `records` (and, when given, the flow as a FlowRecord to `ended`).
 */
export function sweepShard(s: OfflineShard, nowS: number, maxSlots: number, o: RecordOptions, records: FlowExportRecord[], ended?: FlowRecord[]): void {
  const flows = s.flows;
  const ctx = exportContext(s, o);
  flows.table.sweepOffline(
    maxSlots,
    (slot) => {
      updateFlowThroughput(flows, slot, nowS);
      if (interimDue(flows, slot, o.activeTimeoutS)) records.push(readFlowExport(flows, slot, ctx, 'active_timeout'));
    },
    (slot) => {
      records.push(readFlowExport(flows, slot, ctx, idleEndReason(flows, slot)));
      if (ended) ended.push(readFlowRecord(flows, slot, s.index, o.names));
    },
  );
  const hosts = s.hosts;
  hosts.table.sweepOffline(maxSlots, (slot) => hosts.updateThroughput(slot, nowS));
}

/**
 * Flushes every flow of a shard as a record with `reason` (end of a capture
 * file, probe stopping): idle flows get their final record and become
 * ready_to_be_purged, as in the periodic pass; running flows get a final
 * record of what they have not reported yet (possibly nothing) and their
 * "already reported" counters advance, so a later pass never counts a packet
 * twice. Offline, one thread
 * per shard (the owner of the shard's periodic pass).
 */
export function flushShard(s: OfflineShard, o: RecordOptions, reason: FlowEndReason, records: FlowExportRecord[]): void {
  const flows = s.flows;
  const t = flows.table;
  const ctx = exportContext(s, o);
  t.lockAllForRead();
  try {
    for (let slot = 0, end = t.highWater; slot < end; slot++) {
      const idx = t.u32At(slot) + SlotU32.State;
      const state = Atomics.load(t.u32, idx);
      if (state === EntryState.Active) {
        // Every flow gets its final record (deltas may be zero after an interim one), once; the
        // slot stays, so what it has reported advances as for an interim record.
        const b = t.u32At(slot);
        if (flows.u32[b + FlowU32.FinalReported] === 1) continue;
        flows.u32[b + FlowU32.FinalReported] = 1;
        const r = readFlowExport(flows, slot, ctx, 'active_timeout');
        r.end_reason = reason;
        records.push(r);
      } else if (state === EntryState.Idle) {
        records.push(readFlowExport(flows, slot, ctx, reason));
        Atomics.compareExchange(t.u32, idx, EntryState.Idle, EntryState.ReadyToBePurged);
      }
    }
  } finally {
    t.unlockAllForRead();
  }
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
