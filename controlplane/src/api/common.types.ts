/** A page of results: `total` counts every match, `data` holds `limit` of them from `offset`. */
export interface Page<T> {
  total: number;
  data: T[];
}

/**
 * Error body of every non-2xx answer. `message` is a list for validation errors (400).
 * `code` is stable (match on it, never on `message`): `VALIDATION_FAILED`, `BAD_REQUEST`,
 * `UNAUTHORIZED`, `FORBIDDEN`, `NOT_FOUND`, `TOO_MANY_REQUESTS`, `INTERNAL_ERROR`, a dataplane
 * code such as `QUERY_BAD_VALUE` (400) or `DPDK_PORT` (503), or a route's own code.
 */
export interface ApiError {
  statusCode: number;
  message: string | string[];
  error?: string;
  code: string;
}

/** 'asc' | 'desc', from the dataplane's query vocabulary. */
export type { SortOrder } from '@flowprobe/dataplane';

/** Throughput: bits per second and packets per second. */
export interface Throughput {
  bps: number;
  pps: number;
}

/**
 * Interface throughput split by direction, by the configured local networks:
 * upload = local -> remote, download = remote -> local (bits per second).
 * Local <-> local and remote <-> remote traffic counts in `bps` only.
 */
export interface InterfaceThroughput extends Throughput {
  upload_bps: number;
  download_bps: number;
}

export interface Endpoint {
  ip: string;
  port: number;
}

export interface DirectionCounters {
  packets: number;
  bytes: number;
}
