import type { FlowRecord } from '../dataplane.types';
import { EntryState } from '../shard/entry-state';
import type { L7Names } from '../shard/record-names';
import { FlowNdjsonWriter } from '../flow/flow-ndjson';
import type { FlowTable } from '../flow/flow-table';
import { FlowF64 } from '../flow/flow-table.layout';

/** What the ndjson output reads of a shard. */
export interface NdjsonShard {
  index: number;
  flows: FlowTable;
}

/**
 * The order `flowprobe analyze` prints flows in: largest (client + server
 * bytes) first, ties in list order (`[...flows].sort((a, b) => total(b) -
 * total(a))`, a stable sort). `totals[i]` is entry i's total; returns the
 * entries' indices in print order.
 *
 * When every total is an integer in [0, 2^53) with room left for the index
 * (max total * 2^bits(n) below 2^53), each entry sorts as one exact double,
 * (max - total) * 2^bits + index, by the typed array's native numeric sort;
 * otherwise the indices sort with the comparator itself, which orders them as
 * it orders the records.
 */
export function printOrder(totals: Float64Array): Uint32Array {
  const n = totals.length;
  let max = 0;
  let integral = true;
  for (let i = 0; i < n && integral; i++) {
    const t = totals[i];
    integral = t >= 0 && Math.floor(t) === t && t <= Number.MAX_SAFE_INTEGER;
    if (t > max) max = t;
  }
  const scale = 2 ** Math.max(1, Math.ceil(Math.log2(n + 1)));
  const order = new Uint32Array(n);
  if (integral && (max + 1) * scale <= 2 ** 53) {
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = (max - totals[i]) * scale + i;
    keys.sort();
    for (let i = 0; i < n; i++) order[i] = keys[i] % scale;
    return order;
  }
  const indices = Array.from({ length: n }, (_, i) => i);
  indices.sort((a, b) => totals[b] - totals[a]);
  order.set(indices);
  return order;
}

/**
 * Writes every flow as `flowprobe analyze`'s ndjson, largest first: `ended`
 * (flows that ended during the pass, as records) then every active flow of
 * each shard in slot order, sorted as {@link printOrder} says. The caller
 * holds the shards' read locks or their workers have finished. Returns the
 * number of lines.
 */
export function writeFlowsNdjson(shards: readonly NdjsonShard[], ended: readonly FlowRecord[], names: L7Names, emit: (chunk: Uint8Array) => void): number {
  let n = ended.length;
  for (const s of shards) {
    const t = s.flows.table;
    for (let slot = 0, end = t.highWater; slot < end; slot++) if (t.stateOf(slot) === EntryState.Active) n++;
  }
  const totals = new Float64Array(n);
  const shardOf = new Uint8Array(n);
  const slotOf = new Uint32Array(n);
  let i = 0;
  for (; i < ended.length; i++) totals[i] = ended[i].cli2srv.bytes + ended[i].srv2cli.bytes;
  for (let s = 0; s < shards.length; s++) {
    const flows = shards[s].flows;
    const t = flows.table;
    const f64 = flows.f64;
    for (let slot = 0, end = t.highWater; slot < end; slot++) {
      if (t.stateOf(slot) !== EntryState.Active) continue;
      const f = t.f64At(slot);
      totals[i] = f64[f + FlowF64.C2sBytes] + f64[f + FlowF64.S2cBytes];
      shardOf[i] = s;
      slotOf[i] = slot;
      i++;
    }
  }
  const order = printOrder(totals);
  const writer = new FlowNdjsonWriter(names, emit);
  for (let k = 0; k < n; k++) {
    const e = order[k];
    if (e < ended.length) writer.writeRecord(ended[e]);
    else writer.writeSlot(shards[shardOf[e]].flows, slotOf[e], shards[shardOf[e]].index);
  }
  writer.flush();
  return n;
}
