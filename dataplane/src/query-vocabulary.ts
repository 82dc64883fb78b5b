/**
 * The one vocabulary of flow and host pages: sort keys, orders, page bounds
 * and defaults. The dataplane's queries, the control plane's DTOs (allowed
 * values) and its API types (`controlplane/src/api/`) all take them from here;
 * nothing else spells them out.
 */

/** Flow sort keys: total bytes, total packets, first/last packet, duration, current bits/s. */
export const FLOW_SORT_KEYS = ['bytes', 'packets', 'first_seen', 'last_seen', 'duration', 'thpt'] as const;
export type FlowSortKey = (typeof FLOW_SORT_KEYS)[number];

/** Host sort keys ('ip': by address, then VLAN). */
export const HOST_SORT_KEYS = ['bytes', 'bytes_sent', 'bytes_rcvd', 'packets', 'flows', 'first_seen', 'last_seen', 'thpt', 'ip'] as const;
export type HostSortKey = (typeof HOST_SORT_KEYS)[number];

export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

export const DEFAULT_FLOW_SORT: FlowSortKey = 'bytes';
export const DEFAULT_HOST_SORT: HostSortKey = 'bytes';
export const DEFAULT_SORT_ORDER: SortOrder = 'desc';

/** Largest page a flow or host query returns (a larger `limit` is cut to it). */
export const MAX_PAGE = 1000;
/** Page size when a query gives none. */
export const DEFAULT_PAGE = 25;

/** A page of a list: `total` matching records, `data` the page. */
export interface Page<T> {
  total: number;
  data: T[];
}

/**
 * A page with, per record, the number it was ranked by (0 for the host sort
 * 'ip', ranked by address): what merging the pages of several interfaces
 * needs (mergeFlowPages, mergeHostPages) without recomputing a sort value.
 */
export interface RankedPage<T> extends Page<T> {
  keys: number[];
}

/**
 * Merge of ranked pages by key in `order`, ties by `tie`, then by page, then
 * by position in the page (shared by mergeFlowPages and mergeHostPages).
 */
export function mergeByKey<T>(
  pages: readonly RankedPage<T>[],
  order: SortOrder | undefined,
  offset: number,
  limit: number,
  tie: (a: T, b: T) => number,
): RankedPage<T & { page: number }> {
  const desc = (order ?? DEFAULT_SORT_ORDER) === 'desc';
  const items: { record: T; key: number; page: number; pos: number }[] = [];
  let total = 0;
  pages.forEach((p, page) => {
    total += p.total;
    p.data.forEach((record, pos) => items.push({ record, key: p.keys[pos], page, pos }));
  });
  items.sort((a, b) => (a.key !== b.key ? (desc ? b.key - a.key : a.key - b.key) : tie(a.record, b.record) || a.page - b.page || a.pos - b.pos));
  const out = items.slice(offset, offset + limit);
  return { total, data: out.map((i) => ({ ...i.record, page: i.page })), keys: out.map((i) => i.key) };
}

