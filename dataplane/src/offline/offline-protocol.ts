import { FlowEndReason, FlowExportRecord, FlowQuery, HostQuery, HostRecord, RankedPage } from '../dataplane.types';
import type { NdpiNameTables } from '../dpi/ndpi-names';
import type { SerializedError } from '../errors/dataplane-error';
import { RankedFlowPage } from '../flow/flow-query';

/** The shared tables of one shard, as handed to an offline reader thread. */
export interface ReaderShard {
  index: number;
  flowSab: SharedArrayBuffer;
  hostSab: SharedArrayBuffer;
}

/** `workerData` of an offline reader thread. */
export interface ReaderInit {
  reader: number;
  /** Every shard of the interface (any reader can answer a query over any of them). */
  shards: ReaderShard[];
  /** Name protocols with nDPI (the interface runs DPI). */
  dpi: boolean;
  /** The interface's nDPI names as data (DPI on), so the reader needs no nDPI module of its own. */
  nameTables: NdpiNameTables | undefined;
  /** Stamped on every flow record. */
  probe: string;
  interface: string;
  /** Seconds between interim records of a running flow (0 = none). */
  activeTimeoutS: number;
}

/** What the main thread asks a reader; `shards` are shard indexes, ascending. */
export type ReaderRequest =
  | { id: number; op: 'flows'; shards: number[]; query: FlowQuery }
  | { id: number; op: 'hosts'; query: HostQuery }
  | { id: number; op: 'host'; ip: string; vlan?: number }
  | { id: number; op: 'count-hosts' }
  | { id: number; op: 'sweep'; shards: number[]; nowS: number; maxSlots: number }
  | { id: number; op: 'flush'; shards: number[]; reason: FlowEndReason }
  | { id: number; op: 'close' };

/** What each request resolves to. */
export interface ReaderResults {
  flows: RankedFlowPage;
  hosts: RankedPage<HostRecord>;
  host: HostRecord | undefined;
  'count-hosts': number;
  sweep: FlowExportRecord[];
  flush: FlowExportRecord[];
  close: undefined;
}

/**
 * Messages from a reader: 'ready' once its tables and names are set up, then
 * one answer per request. Errors travel as name, message and code, so a
 * coded error (QUERY_BAD_VALUE for a bad query value) keeps its code on the main thread.
 */
export type ReaderMessage =
  | { type: 'ready' }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: SerializedError };
