/**
 * Every error the dataplane raises on purpose carries a stable `code`: callers,
 * the control plane's API bodies and tests match on codes, never on message
 * text. Codes survive the trip across worker and reader threads
 * (serializeError / deserializeError).
 */

/** Codes of the dataplane's own failures, by area (DPDK and capture-file codes are in their modules). */
export type DataplaneErrorCode =
  /** nDPI: libflowprobe_ndpi.so (or libndpi) cannot be loaded. */
  | 'NDPI_LIBRARY_MISSING'
  /** nDPI: the detection module or its state pool could not be created. */
  | 'NDPI_INIT_FAILED'
  /** nDPI: a protocols file or host pattern is invalid. */
  | 'NDPI_BAD_PATTERN'
  /** A query value (sort key, L4 protocol, page bound) is not one the dataplane knows. */
  | 'QUERY_BAD_VALUE'
  /** Options given to Dataplane.start are invalid (worker count, CIDR, reader count). */
  | 'OPTIONS_INVALID'
  /** A capture worker thread failed (its error had no code of its own). */
  | 'WORKER_FAILED'
  /** An offline reader thread stopped or is closed. */
  | 'READER_FAILED'
  /** A compiled worker/reader script is missing (the package is not built). */
  | 'NOT_BUILT';

/** Base of every coded dataplane error. */
export class DataplaneError extends Error {
  override name = 'DataplaneError';

  constructor(
    /** Stable machine-readable cause (a DataplaneErrorCode, DpdkErrorCode or CaptureFileErrorCode). */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A query value the dataplane does not accept (a 400 for the API). */
export class QueryError extends DataplaneError {
  override name = 'QueryError';

  constructor(message: string) {
    super('QUERY_BAD_VALUE', message);
  }
}

/** An error as it crosses a thread boundary (postMessage keeps no class). */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
}

/** What a thread posts for `err`: its name, message and code. */
export function serializeError(err: unknown): SerializedError {
  const e = err instanceof Error ? err : new Error(String(err));
  const code = (e as { code?: unknown }).code;
  return { name: e.name, message: e.message, ...(typeof code === 'string' ? { code } : {}) };
}

/**
 * The error back on the receiving thread: a coded error stays a DataplaneError
 * with its code (and name), RangeError / TypeError keep their class, anything
 * else becomes a DataplaneError with `fallbackCode`.
 */
export function deserializeError(s: SerializedError, fallbackCode: DataplaneErrorCode, context?: string): Error {
  const message = context ? `${context}: ${s.message}` : s.message;
  if (s.code) {
    const e = s.code === 'QUERY_BAD_VALUE' ? new QueryError(message) : new DataplaneError(s.code, message);
    e.name = s.name;
    return e;
  }
  if (s.name === 'RangeError') return new RangeError(message);
  if (s.name === 'TypeError') return new TypeError(message);
  return new DataplaneError(fallbackCode, message);
}
