import { EventEmitter } from 'node:events';

/**
 * A delivery channel to one recipient. `send` resolves once the messages are
 * handed over: written on a live stream connection (syslog TCP/TLS), sent as
 * datagrams (UDP), or answered 2xx (webhook).
 *
 * Stream transports have no application-level acknowledgement, so they expose
 * `generation`, bumped whenever the connection is lost, and emit `lost` with
 * the generation that died: the forwarder keeps what it wrote on that
 * connection unacknowledged for a settle period and re-sends it if the
 * connection dies meanwhile (at-least-once; receivers deduplicate by alert id).
 */
export interface SiemTransport extends EventEmitter {
  readonly generation: number;
  /** How long written data stays unacknowledged (ms); 0 when `send` already means "received". */
  readonly settleMs: number;
  send(messages: string[]): Promise<void>;
  close(): Promise<void>;
}

/** A message that can never be delivered as is (e.g. larger than a UDP datagram): not retried, moved to the dead list. */
export class PermanentDeliveryError extends Error {
  readonly code = 'SIEM_PERMANENT';
}
