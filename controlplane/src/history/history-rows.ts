// What the history stores share: a day's name, a stored row as the API's
// HistoryFlow, and series rows stacked into the top keys plus 'other'.
import type { HistoryFlow, HistoryProbe, HistorySeriesResponse } from '../api';

export const DAY_MS = 86_400_000;

/** The UTC day (YYYY-MM-DD) of a time in ms: the stores' partition and file name. */
export function dayOf(ms: number): string {
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/** A flow row of either store (the same column names; numbers may come as bigint or text) as the API's HistoryFlow. */
export function toHistoryFlow(r: Record<string, unknown>): HistoryFlow {
  const n = (v: unknown) => Number(v ?? 0);
  const s = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  return {
    probe: s(r.probe),
    interface: s(r.iface),
    key: s(r.flow_key),
    flow_start_ms: n(r.flow_start_ms),
    first_seen_ms: n(r.first_seen_ms),
    last_seen_ms: n(r.last_seen_ms),
    end_reason: s(r.end_reason) as HistoryFlow['end_reason'],
    ip_version: n(r.ip_version),
    vlan: n(r.vlan),
    l4: s(r.l4),
    l4_proto: n(r.l4_proto),
    client: { ip: s(r.cli_ip), port: n(r.cli_port) },
    server: { ip: s(r.srv_ip), port: n(r.srv_port) },
    cli2srv: { packets: n(r.c2s_pkts), bytes: n(r.c2s_bytes) },
    srv2cli: { packets: n(r.s2c_pkts), bytes: n(r.s2c_bytes) },
    retransmissions: { cli2srv: n(r.c2s_retrans), srv2cli: n(r.s2c_retrans) },
    tcp_flags: { cli2srv: n(r.c2s_flags), srv2cli: n(r.s2c_flags) },
    l7: s(r.l7),
    category: s(r.category),
    breed: s(r.breed),
    server_name: s(r.server_name),
    risks: s(r.risks) ? s(r.risks).split(',') : [],
    score: n(r.score),
    community_id: s(r.community_id),
    client_name: s(r.cli_name),
    server_host_name: s(r.srv_name),
    icmp_type: n(r.icmp_type),
    icmp_code: n(r.icmp_code),
  };
}

/** Series rows (k1, bucket_ms, bytes) into the top `limit` keys by total bytes plus 'other', one value per bucket. */
export function stackSeries(rows: Record<string, unknown>[], buckets: number[], stepMs: number, fromMs: number, limit: number): HistorySeriesResponse['series'] {
  const byKey = new Map<string, number[]>();
  for (const r of rows) {
    const key = String(r.k1);
    let values = byKey.get(key);
    if (!values) byKey.set(key, (values = new Array<number>(buckets.length).fill(0)));
    values[Math.floor((Number(r.bucket_ms) - fromMs) / stepMs)] += Number(r.bytes);
  }
  const total = (v: number[]) => v.reduce((a, b) => a + b, 0);
  const ranked = [...byKey.entries()].sort((a, b) => total(b[1]) - total(a[1]) || a[0].localeCompare(b[0]));
  const series = ranked.slice(0, limit).map(([key, values]) => ({ key, values }));
  const rest = ranked.slice(limit);
  if (rest.length > 0) {
    const other = new Array<number>(buckets.length).fill(0);
    for (const [, v] of rest) v.forEach((x, i) => (other[i] += x));
    series.push({ key: 'other', values: other });
  }
  return series;
}

/** A per-probe row of either store (probe, records, flows, bytes, packets, last_ms) as the API's HistoryProbe. */
export function toHistoryProbe(r: Record<string, unknown>, fromMs: number, toMs: number): HistoryProbe {
  const seconds = (toMs - fromMs) / 1000;
  const records = Number(r.records);
  const bytes = Number(r.bytes);
  return {
    probe: String(r.probe),
    records,
    flows: Number(r.flows),
    bytes,
    packets: Number(r.packets),
    last_record_ms: Number(r.last_ms),
    records_per_s: records / seconds,
    bytes_per_s: bytes / seconds,
  };
}
