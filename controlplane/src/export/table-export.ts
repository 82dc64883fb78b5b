import type { Response } from 'express';
import { stringify } from 'csv-stringify/sync';

/** `format=` of the export endpoints. */
export type ExportFormat = 'csv' | 'json';

/** Rows an export sends at most (a flow table holds up to 16 M flows; a download that size is a capture, not a table). */
export const MAX_EXPORT_ROWS = 200_000;
/** RFC 4180 line ends; booleans as true/false (csv-stringify writes 1 and '' by default). */
const CSV_OPTIONS = { record_delimiter: 'windows', cast: { boolean: (v: boolean) => String(v) } } as const;

/** Rows read per page from the service (the list endpoints' largest page). */
export const EXPORT_PAGE_ROWS = 1000;

/** One CSV column: its header and the dotted path of the value in the API's row (`client.ip`). */
export type ExportColumn = string;

/** A value of an API row as one CSV field: arrays joined with `|`, objects as JSON, null/undefined empty. */
function field(row: unknown, path: string): string | number | boolean {
  let v: unknown = row;
  for (const part of path.split('.')) v = v === null || v === undefined ? undefined : (v as Record<string, unknown>)[part];
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join('|');
  if (typeof v === 'object') return JSON.stringify(v);
  return v as string | number | boolean;
}

/**
 * Pages of a list endpoint's rows, `EXPORT_PAGE_ROWS` at a time from offset 0,
 * until the list (or MAX_EXPORT_ROWS) is exhausted. Live tables change between
 * pages: a row may move across a page boundary (seen twice or not at all).
 */
export async function* pagesOf<T>(read: (offset: number, limit: number) => Promise<{ total: number; data: T[] }>): AsyncGenerator<T[]> {
  for (let offset = 0; offset < MAX_EXPORT_ROWS; offset += EXPORT_PAGE_ROWS) {
    const page = await read(offset, Math.min(EXPORT_PAGE_ROWS, MAX_EXPORT_ROWS - offset));
    if (page.data.length > 0) yield page.data;
    if (page.data.length === 0 || offset + page.data.length >= page.total) return;
  }
}

/**
 * Streams a table as CSV (header = the columns' paths with `_` for `.`) or as
 * a JSON array of the API's rows, page by page, waiting for the socket to
 * drain between pages (a slow client holds one page in memory, not the table).
 * The first page is read before the headers go out, so a bad query is a 4xx.
 */
export async function streamTable<T>(res: Response, name: string, format: ExportFormat, columns: readonly ExportColumn[], pages: AsyncGenerator<T[]>): Promise<void> {
  const first = await pages.next();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  res.status(200);
  res.setHeader('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
  res.setHeader('content-disposition', `attachment; filename="flowprobe-${name}-${stamp}.${format}"`);
  res.setHeader('cache-control', 'no-store');
  const send = async (chunk: string): Promise<void> => {
    if (!res.write(chunk)) await new Promise<void>((resolve) => res.once('drain', resolve).once('close', resolve));
  };
  let rows = 0;
  const write = (page: T[]) =>
    send(
      format === 'csv'
        ? stringify(page.map((r) => columns.map((c) => field(r, c))), CSV_OPTIONS)
        : page.map((r) => `${rows++ === 0 ? '' : ','}\n${JSON.stringify(r)}`).join(''),
    );
  try {
    await send(format === 'csv' ? stringify([columns.map((c) => c.replace(/\./g, '_'))], CSV_OPTIONS) : '[');
    if (!first.done) await write(first.value);
    for await (const page of pages) {
      if (res.destroyed) break; // the client went away
      await write(page);
    }
    if (format === 'json') await send('\n]\n');
  } finally {
    res.end();
  }
}

export const FLOW_EXPORT_COLUMNS: readonly ExportColumn[] = [
  'key', 'ifid', 'vlan', 'client.ip', 'client.port', 'server.ip', 'server.port', 'protocol.l4', 'protocol.l7', 'category', 'server_name',
  'score', 'risks', 'cli2srv.packets', 'cli2srv.bytes', 'srv2cli.packets', 'srv2cli.bytes', 'bytes', 'thpt.bps', 'thpt.pps',
  'first_seen', 'last_seen', 'duration', 'client_name', 'server_host_name', 'client_country', 'client_asn', 'server_country', 'server_asn', 'server_as_org',
];

export const HOST_EXPORT_COLUMNS: readonly ExportColumn[] = [
  'ip', 'ifid', 'vlan', 'mac', 'is_local', 'bytes.sent', 'bytes.rcvd', 'bytes.total', 'packets.sent', 'packets.rcvd', 'thpt.bps', 'thpt.pps',
  'num_flows.as_client', 'num_flows.as_server', 'first_seen', 'last_seen', 'name', 'country', 'asn', 'as_org',
];

export const ALERT_EXPORT_COLUMNS: readonly ExportColumn[] = [
  'id', 'state', 'status', 'time', 'end_time', 'severity', 'score', 'check', 'title', 'description', 'entity.type', 'entity.value', 'host', 'ifid',
  'flow.l4', 'flow.l7', 'flow.client.ip', 'flow.client.port', 'flow.server.ip', 'flow.server.port', 'flow.server_name',
  'acknowledged', 'acknowledged_by', 'acknowledged_at', 'details',
];
