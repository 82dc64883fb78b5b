import type { FlowDpiSink, FlowTable } from '../flow/flow-table';

/** What the burst loop needs from protocol detection (implemented by classifier.ts). */
export interface DpiHook {
  /** Queues a packet of a Pending flow; numbers only. */
  queue(slot: number, l3Offset: number, l3Length: number, tsMs: number, fromClient: boolean): void;
  /** Runs the queued packets through nDPI in one FFI call and stores results in `flows`. */
  flush(data: Uint8Array, flows: FlowDpiSink): void;
  /** The flow in `slot` is being deleted: free its DPI state. */
  release(slot: number): void;
  /** End of capture: give up (with guessing) on every flow still Pending. */
  giveUpAll(flows: FlowTable): void;
}
