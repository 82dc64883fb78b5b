/**
 * Request and response shapes of the flowprobe REST API (`/api/v1`) and of the
 * live WebSocket (`/api/v1/live`).
 *
 * This folder is the contract between the control plane and its clients: the
 * portal imports it with `import type` only, so it must stay free of runtime
 * code and of imports, except `import type` of the dataplane's query
 * vocabulary (sort keys and orders, `dataplane/src/query-vocabulary.ts`), so
 * a sort key is spelled once. Field names follow ntopng's REST v2 where practical
 * (`num_flows`, `bytes.sent`, `thpt.bps`, `client`/`server`, `protocol.l7`).
 *
 * Conventions:
 * - times are UNIX seconds (float where sub-second matters) unless the name says `Ms`;
 * - `bps` is bits per second, `pps` packets per second, `bytes`/`packets` are counts;
 * - list endpoints return {@link Page} `{ total, data }`;
 * - errors are Nest's `{ statusCode, message, error }` plus a stable `code` ({@link ApiError}).
 *
 * Stability: fields are only added, never renamed or removed.
 */

export type * from './common.types';
export type * from './users.types';
export type * from './interfaces.types';
export type * from './hosts.types';
export type * from './flows.types';
export type * from './timeseries.types';
export type * from './settings.types';
export type * from './system.types';
export type * from './jobs.types';
export type * from './alerts.types';
export type * from './siem.types';
export type * from './live.types';
export type * from './history.types';
export type * from './ipfix.types';
