import type { AlertEvent } from './alerts.types';
import type { InterfaceThroughput, Throughput } from './common.types';

/** The live WebSocket (/api/v1/live). */

/** Throughput of one interface at one instant, pushed every live interval. */
export interface LiveInterfaceSample {
  id: number;
  name: string;
  thpt: InterfaceThroughput;
  packets: number;
  bytes: number;
  /** Bytes local -> remote and remote -> local (see {@link InterfaceThroughput}). */
  bytes_upload: number;
  bytes_download: number;
  drops: number;
  num_flows: number;
  num_hosts: number;
}

/** First message after connecting (authenticated by the session cookie or `?token=`). */
export interface LiveHelloMessage {
  type: 'hello';
  user: string;
  interval_ms: number;
}

export interface LiveInterfacesMessage {
  type: 'interfaces';
  /** UNIX seconds (float). */
  ts: number;
  data: LiveInterfaceSample[];
}

export interface LiveAlertMessage {
  type: 'alert';
  data: AlertEvent;
}

/**
 * Sent right after the hello: the throughput of the last 300 publications per interface
 * (oldest first; `ts` UNIX seconds), so a live chart opens filled.
 */
export interface LiveBacklogMessage {
  type: 'backlog';
  series: { id: number; name: string; ts: number[]; bps: number[]; download_bps: number[]; upload_bps: number[]; pps: number[] }[];
}

/** Everything the server sends on `/api/v1/live`; the client sends nothing. */
export type LiveMessage = LiveHelloMessage | LiveBacklogMessage | LiveInterfacesMessage | LiveAlertMessage;
